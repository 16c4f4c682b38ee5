package org.moodhaven.api.journal;

/**
 * The password does not open the entries already in the journal, so it is not taken: reading with it would show
 * nothing, and writing with it would make entries that no other device's password opens.
 */
public class WrongPasswordException extends Exception {

    private static final long serialVersionUID = 1L;

    /**
     * @param message what happened and what to do next
     */
    public WrongPasswordException(String message) {
        super(message);
    }
}
