package org.moodhaven.api.journal;

/** The journal holds no entries yet: its first password is chosen, typed twice, with {@link Journal#choosePassword}. */
public class NewJournalException extends Exception {

    private static final long serialVersionUID = 1L;

    /**
     * @param message what to do next
     */
    public NewJournalException(String message) {
        super(message);
    }
}
