package org.moodhaven.api.crypto;

import org.osgi.annotation.versioning.ProviderType;

/**
 * AES-256-GCM under one key. Thread-safe: each call is independent.
 * Nonce management is the caller's job; never seal twice with one nonce.
 */
@ProviderType
public interface AesGcm {

    /** Nonce length in bytes. */
    int NONCE_LENGTH = 12;

    /** Authentication tag length in bytes. */
    int TAG_LENGTH = 16;

    /**
     * Encrypts and authenticates.
     *
     * @param nonce          the 12-byte nonce
     * @param plaintext      the plaintext
     * @param associatedData data authenticated but not encrypted (may be empty)
     * @return ciphertext followed by the 16-byte tag
     */
    byte[] seal(byte[] nonce, byte[] plaintext, byte[] associatedData);

    /**
     * Checks the tag and decrypts.
     *
     * @param nonce            the 12-byte nonce
     * @param ciphertextAndTag ciphertext followed by the tag
     * @param associatedData   the associated data given to {@link #seal}
     * @return the plaintext
     * @throws AuthenticationFailedException if the tag does not verify (wrong key,
     *                                       wrong associated data, tampered or truncated input)
     */
    default byte[] open(byte[] nonce, byte[] ciphertextAndTag, byte[] associatedData)
            throws AuthenticationFailedException {
        return open(nonce, ciphertextAndTag, 0, ciphertextAndTag.length, associatedData);
    }

    /**
     * Checks the tag and decrypts a slice of an array, so a frame can be opened in place.
     *
     * @param nonce          the 12-byte nonce
     * @param input          array holding ciphertext followed by the tag
     * @param offset         start of the ciphertext in {@code input}
     * @param length         length of ciphertext plus tag
     * @param associatedData the associated data given to {@link #seal}
     * @return the plaintext
     * @throws AuthenticationFailedException if the tag does not verify
     */
    byte[] open(byte[] nonce, byte[] input, int offset, int length, byte[] associatedData)
            throws AuthenticationFailedException;
}
