package org.moodhaven.api.journal;

/** The journal must be unlocked (with the right password) for this. */
public class JournalLockedException extends Exception {

    private static final long serialVersionUID = 1L;

    /**
     * @param message what to do, e.g. "unlock the journal first (mh:unlock)"
     */
    public JournalLockedException(String message) {
        super(message);
    }
}
