package org.moodhaven.api.discovery;

/** The list of peers added by address could not be read or written; it is unchanged. */
public class PeerDirectoryException extends Exception {

    private static final long serialVersionUID = 1L;

    /**
     * @param message what went wrong and what to do
     * @param cause   the underlying failure, or {@code null}
     */
    public PeerDirectoryException(String message, Throwable cause) {
        super(message, cause);
    }
}
