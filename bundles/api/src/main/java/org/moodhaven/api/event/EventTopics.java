package org.moodhaven.api.event;

/**
 * Event Admin topics MoodHaven components post to, and the property names they use.
 * Properties hold only strings, numbers and booleans; never a secret or journal text.
 */
public final class EventTopics {

    private EventTopics() {
    }

    /** Prefix of every MoodHaven topic. */
    public static final String PREFIX = "moodhaven/";

    /** The journal was unlocked. */
    public static final String JOURNAL_UNLOCKED = "moodhaven/journal/UNLOCKED";

    /** The journal was locked. */
    public static final String JOURNAL_LOCKED = "moodhaven/journal/LOCKED";

    /** Entries were written on this device ({@link #COUNT}, {@link #SEQ}). */
    public static final String ENTRIES_CHANGED_LOCALLY = "moodhaven/entries/LOCAL_CHANGE";

    /** The trust list changed ({@link #DEVICE_IDS} added or changed, {@link #REMOVED_DEVICE_IDS}). */
    public static final String TRUST_CHANGED = "moodhaven/trust/CHANGED";

    /** A device was revoked ({@link #DEVICE_ID}); running sessions with it must close. */
    public static final String TRUST_REVOKED = "moodhaven/trust/REVOKED";

    /** A sync session began ({@link #DEVICE_ID}, {@link #DIRECTION}). */
    public static final String SYNC_STARTED = "moodhaven/sync/STARTED";

    /**
     * A sync session reached a phase ({@link #DEVICE_ID}, {@link #DIRECTION}, {@link #PHASE},
     * {@link #SENT}, {@link #RECEIVED}).
     */
    public static final String SYNC_PROGRESS = "moodhaven/sync/PROGRESS";

    /**
     * A sync session completed ({@link #DEVICE_ID}, {@link #DIRECTION}, {@link #SENT},
     * {@link #RECEIVED}, {@link #REJECTED}, {@link #BYTES_SENT}, {@link #BYTES_RECEIVED}).
     */
    public static final String SYNC_COMPLETED = "moodhaven/sync/COMPLETED";

    /** A sync session failed ({@link #DEVICE_ID}, {@link #DIRECTION}, {@link #REASON}, {@link #MESSAGE}). */
    public static final String SYNC_FAILED = "moodhaven/sync/FAILED";

    /** A device this node does not trust tried to sync ({@link #DEVICE_ID}, {@link #ADDRESS}). */
    public static final String SYNC_UNKNOWN_DEVICE = "moodhaven/sync/UNKNOWN_DEVICE";

    /** Pairing began on this device: a PIN is shown ({@link #PAIRING_PORT}, {@link #EXPIRES_AT}); never the PIN. */
    public static final String PAIRING_STARTED = "moodhaven/pairing/STARTED";

    /**
     * A device completed the exchange and awaits this device's approval ({@link #DEVICE_ID},
     * {@link #DEVICE_NAME}, {@link #CODE}).
     */
    public static final String PAIRING_AWAITING_APPROVAL = "moodhaven/pairing/AWAITING_APPROVAL";

    /** A device was paired and is now trusted ({@link #DEVICE_ID}, {@link #DEVICE_NAME}). */
    public static final String PAIRING_PAIRED = "moodhaven/pairing/PAIRED";

    /**
     * An attempt to pair failed ({@link #REASON}, {@link #MESSAGE}, {@link #ATTEMPTS_LEFT} where a
     * PIN guess was used up, {@link #DEVICE_ID} where known).
     */
    public static final String PAIRING_FAILED = "moodhaven/pairing/FAILED";

    /** The PIN can no longer be used: three failed attempts ({@link #REASON} {@code pin_void}). */
    public static final String PAIRING_PIN_VOID = "moodhaven/pairing/PIN_VOID";

    /** The PIN expired unused. */
    public static final String PAIRING_EXPIRED = "moodhaven/pairing/EXPIRED";

    /** Pairing ended on this device (paired, declined, cancelled, void or expired); the server is closed. */
    public static final String PAIRING_ENDED = "moodhaven/pairing/ENDED";

    /**
     * A device was found on the network or by address ({@link #DEVICE_ID}, {@link #DEVICE_NAME},
     * {@link #ADDRESS}, {@link #TRUSTED}, {@link #PAIRING_PORT} while it is pairing).
     */
    public static final String PEER_DISCOVERED = "moodhaven/discovery/DISCOVERED";

    /** A device stopped announcing itself ({@link #DEVICE_ID}, {@link #TRUSTED}). */
    public static final String PEER_LOST = "moodhaven/discovery/LOST";

    /** {@link #PHASE} value: the manifests are being exchanged. */
    public static final String PHASE_MANIFEST = "manifest";

    /** {@link #PHASE} value: the WANT lists are being exchanged. */
    public static final String PHASE_WANT = "want";

    /** {@link #PHASE} value: entries are being sent and received. */
    public static final String PHASE_ENTRIES = "entries";

    /** {@link #PHASE} value: received entries are being committed to the store. */
    public static final String PHASE_COMMIT = "commit";

    /** {@link #PHASE} value: DONE and DONE_ACK are exchanged; the sync is complete on this side. */
    public static final String PHASE_DONE = "done";

    /** Property: {@code "outgoing"} or {@code "incoming"}. */
    public static final String DIRECTION = "direction";

    /** Property: a sync phase. */
    public static final String PHASE = "phase";

    /** Property: entries sent. */
    public static final String SENT = "sent";

    /** Property: entries received. */
    public static final String RECEIVED = "received";

    /** Property: entries rejected. */
    public static final String REJECTED = "rejected";

    /** Property: bytes sent. */
    public static final String BYTES_SENT = "bytesSent";

    /** Property: bytes received. */
    public static final String BYTES_RECEIVED = "bytesReceived";

    /** Property: a failure reason (see {@code org.moodhaven.api.sync.SyncErrors}). */
    public static final String REASON = "reason";

    /** Property: a message for people. */
    public static final String MESSAGE = "message";

    /** Property: a {@code host:port} address. */
    public static final String ADDRESS = "address";

    /** Property: a deviceId. */
    public static final String DEVICE_ID = "deviceId";

    /** Property: deviceIds (String[]). */
    public static final String DEVICE_IDS = "deviceIds";

    /** Property: deviceIds no longer trusted (String[]). */
    public static final String REMOVED_DEVICE_IDS = "removedDeviceIds";

    /** Property: a count. */
    public static final String COUNT = "count";

    /** Property: a seq. */
    public static final String SEQ = "seq";

    /** Property: a device name (shown as text, never as HTML). */
    public static final String DEVICE_NAME = "deviceName";

    /** Property: the 4-digit check code both screens show while pairing. */
    public static final String CODE = "code";

    /** Property: PIN guesses left before the PIN is void. */
    public static final String ATTEMPTS_LEFT = "attemptsLeft";

    /** Property: the port of a pairing server. */
    public static final String PAIRING_PORT = "pairingPort";

    /** Property: an instant, ISO-8601 (e.g. when a PIN expires). */
    public static final String EXPIRES_AT = "expiresAt";

    /** Property: whether the device is trusted. */
    public static final String TRUSTED = "trusted";
}
