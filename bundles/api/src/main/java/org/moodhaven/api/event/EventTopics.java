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
}
