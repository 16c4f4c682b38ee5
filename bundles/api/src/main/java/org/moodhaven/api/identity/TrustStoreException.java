package org.moodhaven.api.identity;

/** The trust file could not be read or written; the trust list is unchanged. */
public class TrustStoreException extends Exception {

    private static final long serialVersionUID = 1L;

    /**
     * @param message what went wrong and what to do
     * @param cause   the underlying failure
     */
    public TrustStoreException(String message, Throwable cause) {
        super(message, cause);
    }
}
