package org.moodhaven.identity.internal;

/**
 * The identity files are inconsistent or unreadable. The node must not start:
 * going on would either change the deviceId (every peer would have to pair
 * again) or sign with a key that does not match what peers trust.
 */
public final class IdentityFileException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /**
     * @param message what is wrong and what the person can do
     */
    public IdentityFileException(String message) {
        super(message);
    }

    /**
     * @param message what is wrong and what the person can do
     * @param cause   the underlying failure
     */
    public IdentityFileException(String message, Throwable cause) {
        super(message, cause);
    }
}
