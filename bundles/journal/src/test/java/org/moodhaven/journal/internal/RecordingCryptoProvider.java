package org.moodhaven.journal.internal;

import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.moodhaven.api.crypto.AesGcm;
import org.moodhaven.api.crypto.CryptoException;
import org.moodhaven.api.crypto.CryptoProvider;
import org.moodhaven.api.crypto.X25519KeyPair;

/**
 * A crypto provider that delegates to a real one and records every PBKDF2
 * derivation, so a test can count the slow derivations the journal makes and
 * check that {@code lock()} overwrites the keys it was handed. It can also be
 * told the next random bytes to hand out, to reproduce a fixed vector.
 */
final class RecordingCryptoProvider implements CryptoProvider {

    /**
     * One PBKDF2 call.
     *
     * @param salt     the salt, standard base64
     * @param returned the very array handed to the caller (the journal may overwrite it)
     * @param copy     a copy of the key as derived
     */
    record Derivation(String salt, byte[] returned, byte[] copy) {
    }

    private final CryptoProvider delegate;
    private final List<Derivation> derivations = new CopyOnWriteArrayList<>();
    private volatile byte[] nextRandom;
    private volatile int hookLength = -1;
    private volatile Runnable hook;

    RecordingCryptoProvider(CryptoProvider delegate) {
        this.delegate = delegate;
    }

    /** @return the derivations so far, oldest first */
    List<Derivation> derivations() {
        return new ArrayList<>(derivations);
    }

    /** @return the salts derived so far, oldest first (with repeats) */
    List<String> derivedSalts() {
        return derivations.stream().map(Derivation::salt).toList();
    }

    /**
     * @param salt a salt, standard base64
     * @return a copy of the key derived for it
     * @throws AssertionError if none was derived
     */
    byte[] keyFor(String salt) {
        return derivations.stream().filter(d -> d.salt().equals(salt)).findFirst()
                .orElseThrow(() -> new AssertionError("no key derived for salt " + salt)).copy().clone();
    }

    /**
     * @param bytes what the next {@link #randomBytes} call of the same length returns, once
     */
    void handOutNext(byte[] bytes) {
        nextRandom = bytes.clone();
    }

    @Override
    public byte[] pbkdf2Sha256(char[] password, byte[] salt, int iterations, int keyBytes) {
        byte[] key = delegate.pbkdf2Sha256(password, salt, iterations, keyBytes);
        derivations.add(new Derivation(Base64.getEncoder().encodeToString(salt), key, key.clone()));
        return key;
    }

    /**
     * @param length the length of the {@link #randomBytes} call to act on
     * @param action what to do, once, when the caller asks for that many random bytes,
     *               to step into the middle of a journal operation without threads
     */
    void beforeNextRandom(int length, Runnable action) {
        hookLength = length;
        hook = action;
    }

    @Override
    public byte[] randomBytes(int length) {
        Runnable action = hook;
        if (action != null && hookLength == length) {
            hook = null;
            action.run();
        }
        byte[] fixed = nextRandom;
        if (fixed != null && fixed.length == length) {
            nextRandom = null;
            return fixed.clone();
        }
        return delegate.randomBytes(length);
    }

    @Override
    public String name() {
        return "recording " + delegate.name();
    }

    @Override
    public byte[] sha256(byte[]... parts) {
        return delegate.sha256(parts);
    }

    @Override
    public byte[] hmacSha256(byte[] key, byte[] data) {
        return delegate.hmacSha256(key, data);
    }

    @Override
    public byte[] hkdfExtract(byte[] salt, byte[] ikm) {
        return delegate.hkdfExtract(salt, ikm);
    }

    @Override
    public byte[] hkdfExpand(byte[] prk, byte[] info, int length) {
        return delegate.hkdfExpand(prk, info, length);
    }

    @Override
    public byte[] ed25519PublicKey(byte[] seed) {
        return delegate.ed25519PublicKey(seed);
    }

    @Override
    public byte[] ed25519Sign(byte[] seed, byte[] message) {
        return delegate.ed25519Sign(seed, message);
    }

    @Override
    public boolean ed25519Verify(byte[] publicKey, byte[] message, byte[] signature) {
        return delegate.ed25519Verify(publicKey, message, signature);
    }

    @Override
    public X25519KeyPair x25519Generate() {
        return delegate.x25519Generate();
    }

    @Override
    public byte[] x25519PublicKey(byte[] privateKey) {
        return delegate.x25519PublicKey(privateKey);
    }

    @Override
    public byte[] x25519(byte[] privateKey, byte[] peerPublicKey) throws CryptoException {
        return delegate.x25519(privateKey, peerPublicKey);
    }

    @Override
    public AesGcm aesGcm(byte[] key) {
        return delegate.aesGcm(key);
    }
}
