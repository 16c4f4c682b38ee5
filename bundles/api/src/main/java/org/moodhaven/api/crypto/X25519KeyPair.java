package org.moodhaven.api.crypto;

/**
 * An X25519 key pair as raw RFC 7748 bytes.
 *
 * @param privateKey the 32-byte scalar
 * @param publicKey  the 32-byte u-coordinate
 */
public record X25519KeyPair(byte[] privateKey, byte[] publicKey) {
}
