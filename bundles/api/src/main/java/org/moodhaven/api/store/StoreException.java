package org.moodhaven.api.store;

/** The store could not be read or a write could not be committed; a failed write changed nothing. */
public class StoreException extends Exception {

    private static final long serialVersionUID = 1L;

    /**
     * @param message what failed and what to do
     * @param cause   the underlying failure
     */
    public StoreException(String message, Throwable cause) {
        super(message, cause);
    }

    /**
     * @param message what failed and what to do
     */
    public StoreException(String message) {
        super(message);
    }
}
