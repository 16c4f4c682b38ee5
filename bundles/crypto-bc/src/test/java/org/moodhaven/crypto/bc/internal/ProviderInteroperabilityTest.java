package org.moodhaven.crypto.bc.internal;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.annotation.Annotation;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.moodhaven.api.crypto.AesGcm;
import org.moodhaven.api.crypto.CryptoException;
import org.moodhaven.api.crypto.CryptoProvider;
import org.moodhaven.api.crypto.X25519KeyPair;
import org.moodhaven.crypto.jdk.internal.JdkCryptoProvider;

/**
 * The two providers are swapped while a node runs, so what one produced the
 * other must read: keys, signatures, derived keys and ciphertexts agree byte
 * for byte, and edge cases get the same answer from both.
 */
class ProviderInteroperabilityTest {

    private static final HexFormat HEX = HexFormat.of();

    private final CryptoProvider bc = new BouncyCastleCryptoProvider(BouncyCastleCryptoProviderTest.config(50));
    private final CryptoProvider jdk = new JdkCryptoProvider(new JdkCryptoProvider.Config() {
        @Override
        public int service_ranking() {
            return 100;
        }

        @Override
        public Class<? extends Annotation> annotationType() {
            return JdkCryptoProvider.Config.class;
        }
    });
    // Fixed so a failure can be replayed; the inputs need variety, not secrecy.
    private final Random inputs = new Random(20260318);

    @Test
    void ed25519KeysAndSignaturesAreIdenticalAndCrossVerify() {
        for (int i = 0; i < 20; i++) {
            byte[] seed = bytes(32);
            byte[] message = bytes(i * 7);
            byte[] publicKey = bc.ed25519PublicKey(seed);
            assertArrayEquals(publicKey, jdk.ed25519PublicKey(seed));
            byte[] bcSignature = bc.ed25519Sign(seed, message);
            assertArrayEquals(bcSignature, jdk.ed25519Sign(seed, message));
            assertTrue(jdk.ed25519Verify(publicKey, message, bcSignature));
            assertTrue(bc.ed25519Verify(publicKey, message, jdk.ed25519Sign(seed, message)));
        }
    }

    @Test
    void ed25519VerifyGivesTheSameAnswerOnEdgeCases() {
        byte[] message = "edge".getBytes(UTF_8);
        byte[] identity = HEX.parseHex("0100000000000000000000000000000000000000000000000000000000000000");
        byte[] zeroS = new byte[32];
        byte[] validSignature = bc.ed25519Sign(bytes(32), message);
        List<byte[][]> cases = List.of(
                // the neutral point as a public key, with R = neutral point and S = 0
                new byte[][] {identity, concat(identity, zeroS)},
                new byte[][] {identity, validSignature},
                // R not canonical (y = p + 1)
                new byte[][] {bc.ed25519PublicKey(bytes(32)), concat(HEX.parseHex(
                        "eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f"), zeroS)},
                // x = 0 with the sign bit set: -0, which RFC 8032 says to reject
                new byte[][] {HEX.parseHex("0100000000000000000000000000000000000000000000000000000000000080"),
                        validSignature},
                new byte[][] {new byte[32], validSignature});
        assertAll(cases.stream().map(c -> () -> assertEquals(bc.ed25519Verify(c[0], message, c[1]),
                jdk.ed25519Verify(c[0], message, c[1]),
                () -> "key " + HEX.formatHex(c[0]) + " signature " + HEX.formatHex(c[1]))));
    }

    @Test
    void pbkdf2OfNonAsciiPasswordsIsIdentical() {
        List<String> passwords = List.of("", "correct horse battery staple", "p\u00e4ssw\u00f6rd",
                "\u65e5\u672c\u8a9e\u306e\u30d1\u30b9\u30ef\u30fc\u30c9", "\ud83c\udf3f\ud83d\udd12",
                "e\u0301 \u00e9", "\u0000nul inside");
        for (String password : passwords) {
            byte[] salt = bytes(16);
            assertArrayEquals(bc.pbkdf2Sha256(password.toCharArray(), salt, 1000, 32),
                    jdk.pbkdf2Sha256(password.toCharArray(), salt, 1000, 32), password);
        }
        byte[] salt = bytes(16);
        assertArrayEquals(bc.pbkdf2Sha256("x".toCharArray(), salt, 2, 100),
                jdk.pbkdf2Sha256("x".toCharArray(), salt, 2, 100), "output longer than one block");
    }

    @Test
    void hmacAndHkdfAreIdentical() {
        for (int i = 0; i < 30; i++) {
            byte[] key = bytes(i * 5); // includes empty keys and keys longer than a SHA-256 block
            byte[] data = bytes(i * 11);
            assertArrayEquals(bc.hmacSha256(key, data), jdk.hmacSha256(key, data));
            byte[] salt = bytes(i);
            byte[] ikm = bytes(1 + i * 3);
            byte[] prk = bc.hkdfExtract(salt, ikm);
            assertArrayEquals(prk, jdk.hkdfExtract(salt, ikm));
            byte[] info = bytes(i % 7);
            int length = 1 + i * 67;
            assertArrayEquals(bc.hkdfExpand(prk, info, length), jdk.hkdfExpand(prk, info, length));
        }
        byte[] prk = bytes(32);
        assertArrayEquals(bc.hkdfExpand(prk, new byte[0], 8160), jdk.hkdfExpand(prk, new byte[0], 8160));
    }

    @Test
    void sha256IsIdentical() {
        for (int i = 0; i < 10; i++) {
            byte[] a = bytes(i * 13);
            byte[] b = bytes(i * 29);
            assertArrayEquals(bc.sha256(a, b), jdk.sha256(a, b));
        }
    }

    @Test
    void aesGcmCiphertextsAreIdenticalAndOpenOnTheOtherSide() throws CryptoException {
        for (int length : new int[] {0, 1, 15, 16, 17, 31, 32, 33, 1000, 65_536 + 3}) {
            byte[] key = bytes(32);
            byte[] nonce = bytes(AesGcm.NONCE_LENGTH);
            byte[] associatedData = bytes(length % 40);
            byte[] plaintext = bytes(length);
            AesGcm bcCipher = bc.aesGcm(key);
            AesGcm jdkCipher = jdk.aesGcm(key);
            byte[] sealed = bcCipher.seal(nonce, plaintext, associatedData);
            assertArrayEquals(sealed, jdkCipher.seal(nonce, plaintext, associatedData), "length " + length);
            assertArrayEquals(plaintext, jdkCipher.open(nonce, sealed, associatedData));
            assertArrayEquals(plaintext, bcCipher.open(nonce, sealed, associatedData));
        }
    }

    @Test
    void x25519KeysAndSecretsAreIdentical() throws CryptoException {
        for (int i = 0; i < 10; i++) {
            X25519KeyPair fromBc = bc.x25519Generate();
            X25519KeyPair fromJdk = jdk.x25519Generate();
            assertArrayEquals(fromBc.publicKey(), jdk.x25519PublicKey(fromBc.privateKey()));
            assertArrayEquals(fromJdk.publicKey(), bc.x25519PublicKey(fromJdk.privateKey()));
            assertArrayEquals(bc.x25519(fromBc.privateKey(), fromJdk.publicKey()),
                    jdk.x25519(fromJdk.privateKey(), fromBc.publicKey()));
        }
    }

    private byte[] bytes(int length) {
        byte[] bytes = new byte[length];
        inputs.nextBytes(bytes);
        return bytes;
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = new byte[a.length + b.length];
        System.arraycopy(a, 0, out, 0, a.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
