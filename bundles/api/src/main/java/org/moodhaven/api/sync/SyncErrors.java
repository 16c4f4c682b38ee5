package org.moodhaven.api.sync;

/** The reasons a sync fails, as they appear in {@link SyncResult#error()} and events. */
public final class SyncErrors {

    private SyncErrors() {
    }

    /** The peer does not trust this device (REJECT {@code not_trusted}). */
    public static final String NOT_TRUSTED = "not_trusted";

    /** The peer does not accept the protocol version (REJECT {@code unsupported_version}). */
    public static final String UNSUPPORTED_VERSION = "unsupported_version";

    /** A session with the device is already running (here, or REJECT {@code busy} from the peer). */
    public static final String BUSY = "busy";

    /** One side broke PROTOCOL.md (ERROR {@code protocol_error}). */
    public static final String PROTOCOL_ERROR = "protocol_error";

    /** The peer reported an internal failure (ERROR {@code internal}), or this node had one. */
    public static final String INTERNAL = "internal";

    /** The device is not in this node's trust list. */
    public static final String UNKNOWN_DEVICE = "unknown_device";

    /** No address is known for the device and none was given. */
    public static final String NO_ADDRESS = "no_address";

    /** The connection could not be made, or broke (refused, reset, closed without a word). */
    public static final String CONNECTION = "connection";

    /** A time limit passed: the handshake, an idle connection, or the whole session. */
    public static final String TIMEOUT = "timeout";

    /** The handshake failed: a bad signature, a bad tag, or a peer that is not the device meant. */
    public static final String HANDSHAKE = "handshake";

    /** The device was revoked while the session ran. */
    public static final String REVOKED = "revoked";
}
