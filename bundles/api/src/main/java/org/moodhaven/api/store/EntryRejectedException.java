package org.moodhaven.api.store;

/** An entry was not stored because it breaks a rule of PROTOCOL.md 6.4 or 6.5. */
public class EntryRejectedException extends Exception {

    private static final long serialVersionUID = 1L;

    /**
     * @param reason the broken rule, in words
     */
    public EntryRejectedException(String reason) {
        super(reason);
    }
}
