package org.moodhaven.api.crypto;

/**
 * An AES-GCM tag did not verify: wrong key, wrong associated data, or the
 * ciphertext was changed. Nothing of the plaintext is released.
 */
public class AuthenticationFailedException extends CryptoException {

    private static final long serialVersionUID = 1L;

    /** Creates the exception with a fixed message. */
    public AuthenticationFailedException() {
        super("authentication tag mismatch");
    }
}
