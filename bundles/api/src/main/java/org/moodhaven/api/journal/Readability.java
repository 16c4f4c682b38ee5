package org.moodhaven.api.journal;

/** Whether an entry's text could be shown. */
public enum Readability {
    /** Decrypted with the current password. */
    READABLE,
    /** The journal is locked; unlock to read. */
    LOCKED,
    /** The current password does not open it (written with another password, or damaged). */
    UNREADABLE
}
