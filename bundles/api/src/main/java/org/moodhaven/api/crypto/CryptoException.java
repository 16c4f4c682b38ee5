package org.moodhaven.api.crypto;

/** A cryptographic operation could not produce a trustworthy result. */
public class CryptoException extends Exception {

    private static final long serialVersionUID = 1L;

    /**
     * @param message what failed, without any secret
     */
    public CryptoException(String message) {
        super(message);
    }

    /**
     * @param message what failed, without any secret
     * @param cause   the underlying failure
     */
    public CryptoException(String message, Throwable cause) {
        super(message, cause);
    }
}
