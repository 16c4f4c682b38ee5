package org.moodhaven.pairing.internal;

import java.nio.charset.StandardCharsets;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.Optional;

import org.moodhaven.api.crypto.AesGcm;
import org.moodhaven.api.crypto.CryptoException;
import org.moodhaven.api.crypto.CryptoProvider;
import org.moodhaven.api.crypto.X25519KeyPair;
import org.moodhaven.crypto.jdk.internal.JdkCryptoProvider;
import org.moodhaven.testing.Configs;
import org.moodhaven.testing.ManualClock;
import org.moodhaven.testing.SeedIdentity;

/**
 * A pairing between A (showing the PIN) and B (typing it) in which every random
 * value comes from a fixed seed: J-PAKE exponents, the attempt token, the nonces of
 * the sealed identities. Each new instance replays the same exchange, so a body
 * recorded from one (a fuzz seed) is a valid next step for the next.
 */
final class SeededPairing {

    static final Pin PIN = Pin.of("042917");
    private static final CryptoProvider JDK = new JdkCryptoProvider(Configs.of(JdkCryptoProvider.Config.class));
    static final SeedIdentity A = SeedIdentity.numbered(1, "Fuzz host", JDK);
    static final SeedIdentity B = SeedIdentity.numbered(2, "Fuzz guest", JDK);

    final ManualClock clock = new ManualClock(Instant.parse("2026-03-18T10:00:00Z"));
    final PairingHost host;
    final PairingGuest guest;

    SeededPairing() {
        host = new PairingHost(PIN, A, IdentityChecks.host(A.deviceId(), id -> Optional.empty()),
                new SeededCrypto("host"), clock, seeded("host J-PAKE"));
        guest = new PairingGuest(PIN, B, new IdentityChecks(B.deviceId(), Optional.empty(), Optional.empty(),
                id -> Optional.empty()), new SeededCrypto("guest"), seeded("guest J-PAKE"));
    }

    /** B's round 1 answered by A: returns B's round-2 request. */
    byte[] throughRound1() throws PairingFailedException {
        return guest.onRound1Answer(ok(host.round1(guest.round1Request())));
    }

    /** Through round 2: returns B's confirm request. */
    byte[] throughRound2() throws PairingFailedException {
        return guest.onRound2Answer(ok(host.round2(throughRound1())));
    }

    static byte[] ok(PairingOutcome<byte[]> outcome) {
        if (outcome instanceof PairingOutcome.Ok<byte[]> ok) {
            return ok.value();
        }
        throw new AssertionError("the seeded exchange failed: " + outcome);
    }

    private static SecureRandom seeded(String label) {
        try {
            SecureRandom random = SecureRandom.getInstance("SHA1PRNG");
            // Seeded before its first use, SHA1PRNG gives the same sequence every time.
            random.setSeed(label.getBytes(StandardCharsets.US_ASCII));
            return random;
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The JDK provider, except that its random bytes come from a fixed seed. */
    private static final class SeededCrypto implements CryptoProvider {
        private final SecureRandom random;

        SeededCrypto(String label) {
            this.random = seeded(label + " bytes");
        }

        @Override
        public String name() {
            return "seeded " + JDK.name();
        }

        @Override
        public byte[] sha256(byte[]... parts) {
            return JDK.sha256(parts);
        }

        @Override
        public byte[] hmacSha256(byte[] key, byte[] data) {
            return JDK.hmacSha256(key, data);
        }

        @Override
        public byte[] hkdfExtract(byte[] salt, byte[] ikm) {
            return JDK.hkdfExtract(salt, ikm);
        }

        @Override
        public byte[] hkdfExpand(byte[] prk, byte[] info, int length) {
            return JDK.hkdfExpand(prk, info, length);
        }

        @Override
        public byte[] pbkdf2Sha256(char[] password, byte[] salt, int iterations, int keyBytes) {
            return JDK.pbkdf2Sha256(password, salt, iterations, keyBytes);
        }

        @Override
        public byte[] ed25519PublicKey(byte[] seed) {
            return JDK.ed25519PublicKey(seed);
        }

        @Override
        public byte[] ed25519Sign(byte[] seed, byte[] message) {
            return JDK.ed25519Sign(seed, message);
        }

        @Override
        public boolean ed25519Verify(byte[] publicKey, byte[] message, byte[] signature) {
            return JDK.ed25519Verify(publicKey, message, signature);
        }

        @Override
        public X25519KeyPair x25519Generate() {
            byte[] privateKey = randomBytes(32);
            return new X25519KeyPair(privateKey, x25519PublicKey(privateKey));
        }

        @Override
        public byte[] x25519PublicKey(byte[] privateKey) {
            return JDK.x25519PublicKey(privateKey);
        }

        @Override
        public byte[] x25519(byte[] privateKey, byte[] peerPublicKey) throws CryptoException {
            return JDK.x25519(privateKey, peerPublicKey);
        }

        @Override
        public AesGcm aesGcm(byte[] key) {
            return JDK.aesGcm(key);
        }

        @Override
        public byte[] randomBytes(int length) {
            byte[] bytes = new byte[length];
            random.nextBytes(bytes);
            return bytes;
        }
    }
}
