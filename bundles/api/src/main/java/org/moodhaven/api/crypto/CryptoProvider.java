package org.moodhaven.api.crypto;

import org.osgi.annotation.versioning.ProviderType;

/**
 * The cryptographic primitives MoodHaven uses, behind one service so that an
 * implementation (BouncyCastle, the JDK's JCA) can be swapped while the node runs.
 * <p>
 * All keys and outputs are raw byte arrays in the encodings PROTOCOL.md uses:
 * Ed25519 keys are RFC 8032 32-byte seeds and 32-byte public keys, X25519 keys
 * are RFC 7748 32-byte scalars and u-coordinates. Implementations are stateless
 * and thread-safe; callers may keep the byte arrays across a provider swap.
 */
@ProviderType
public interface CryptoProvider {

    /** Service property naming the implementation, e.g. {@code "jdk"} or {@code "bc"}. */
    String PROVIDER_PROPERTY = "moodhaven.crypto.provider";

    /**
     * A short human-readable description of the implementation, shown by
     * {@code mh:status}, e.g. {@code "JDK (SunEC, SunJCE)"}.
     *
     * @return the description, never {@code null}
     */
    String name();

    /**
     * SHA-256 over the concatenation of the given parts.
     *
     * @param parts byte arrays hashed in order, as if concatenated
     * @return the 32-byte digest
     */
    byte[] sha256(byte[]... parts);

    /**
     * HMAC-SHA256.
     *
     * @param key  the MAC key (any length)
     * @param data the message
     * @return the 32-byte tag
     */
    byte[] hmacSha256(byte[] key, byte[] data);

    /**
     * HKDF-Extract with SHA-256 (RFC 5869 section 2.2).
     *
     * @param salt the salt; an empty array means a string of 32 zero bytes, as the RFC says
     * @param ikm  the input keying material
     * @return the 32-byte pseudorandom key
     */
    byte[] hkdfExtract(byte[] salt, byte[] ikm);

    /**
     * HKDF-Expand with SHA-256 (RFC 5869 section 2.3).
     *
     * @param prk    a pseudorandom key of at least 32 bytes
     * @param info   context and application specific information
     * @param length output length in bytes, 1 to 8160
     * @return the output keying material
     * @throws IllegalArgumentException if {@code length} is out of range
     */
    byte[] hkdfExpand(byte[] prk, byte[] info, int length);

    /**
     * HKDF-Extract then HKDF-Expand with SHA-256.
     *
     * @param ikm    input keying material
     * @param salt   salt (empty for none)
     * @param info   context information
     * @param length output length in bytes
     * @return the output keying material
     */
    default byte[] hkdf(byte[] ikm, byte[] salt, byte[] info, int length) {
        return hkdfExpand(hkdfExtract(salt, ikm), info, length);
    }

    /**
     * PBKDF2 with HMAC-SHA256 over the UTF-8 bytes of the password.
     *
     * @param password   the password; not kept by the provider
     * @param salt       the salt
     * @param iterations the iteration count, at least 1
     * @param keyBytes   the output length in bytes
     * @return the derived key
     */
    byte[] pbkdf2Sha256(char[] password, byte[] salt, int iterations, int keyBytes);

    /**
     * Derives the Ed25519 public key of a private key seed.
     *
     * @param seed the 32-byte RFC 8032 private key
     * @return the 32-byte public key
     */
    byte[] ed25519PublicKey(byte[] seed);

    /**
     * Signs a message with Ed25519 (deterministic, RFC 8032).
     *
     * @param seed    the 32-byte private key
     * @param message the message
     * @return the 64-byte signature
     */
    byte[] ed25519Sign(byte[] seed, byte[] message);

    /**
     * Verifies an Ed25519 signature. Malformed keys or signatures verify as false.
     *
     * @param publicKey the 32-byte public key
     * @param message   the message
     * @param signature the signature
     * @return whether the signature is valid
     */
    boolean ed25519Verify(byte[] publicKey, byte[] message, byte[] signature);

    /**
     * Makes a fresh X25519 key pair from this provider's CSPRNG.
     *
     * @return the key pair
     */
    X25519KeyPair x25519Generate();

    /**
     * Derives the X25519 public key of a private scalar.
     *
     * @param privateKey the 32-byte scalar
     * @return the 32-byte public u-coordinate
     */
    byte[] x25519PublicKey(byte[] privateKey);

    /**
     * X25519 key agreement (RFC 7748).
     *
     * @param privateKey    own 32-byte scalar
     * @param peerPublicKey the peer's 32-byte u-coordinate
     * @return the 32-byte shared secret
     * @throws CryptoException if the result is all zero (a low-order peer point) or
     *                         the peer key is malformed
     */
    byte[] x25519(byte[] privateKey, byte[] peerPublicKey) throws CryptoException;

    /**
     * An AES-256-GCM cipher bound to one key, with 12-byte nonces and 16-byte tags.
     *
     * @param key the 32-byte key; copied
     * @return the keyed cipher, thread-safe
     */
    AesGcm aesGcm(byte[] key);

    /**
     * Fills an array from this provider's CSPRNG.
     *
     * @param length the number of bytes
     * @return fresh random bytes
     */
    byte[] randomBytes(int length);
}
