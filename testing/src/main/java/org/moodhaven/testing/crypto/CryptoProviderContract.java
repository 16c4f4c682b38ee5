package org.moodhaven.testing.crypto;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.junit.jupiter.api.Test;
import org.moodhaven.api.crypto.AesGcm;
import org.moodhaven.api.crypto.AuthenticationFailedException;
import org.moodhaven.api.crypto.CryptoException;
import org.moodhaven.api.crypto.CryptoProvider;
import org.moodhaven.api.crypto.X25519KeyPair;
import org.moodhaven.api.identity.DeviceIds;
import org.moodhaven.testing.TestVectors;

/**
 * What every {@link CryptoProvider} must do: reproduce each derivation of
 * PROTOCOL.md from {@code test-vectors.json} (identity, v1 and v2 handshakes,
 * journal content encryption), the RFC test vectors of its primitives, and
 * refuse what must be refused. A provider's test extends this class and says
 * which provider to test.
 */
public abstract class CryptoProviderContract {

    private static final HexFormat HEX = HexFormat.of();
    private static final byte[] EMPTY = new byte[0];

    /**
     * @return the provider under test; may be a fresh one per call
     */
    protected abstract CryptoProvider provider();

    // --- PROTOCOL.md section 1: identity -------------------------------------------------

    @Test
    void ed25519PublicKeyDeviceIdAndSyncPortOfEachIdentity() {
        CryptoProvider crypto = provider();
        JsonNode identities = TestVectors.root().get("identity");
        assertTrue(identities.size() > 0);
        for (JsonNode identity : identities) {
            byte[] seed = HEX.parseHex(identity.get("privateKeySeedHex").asText());
            byte[] publicKey = crypto.ed25519PublicKey(seed);
            assertEquals(identity.get("publicKey").asText(), DeviceIds.base64Url(publicKey));
            String deviceId = DeviceIds.fromPublicKey(publicKey);
            assertEquals(identity.get("deviceId").asText(), deviceId);
            assertEquals(identity.get("syncPort").asInt(), DeviceIds.defaultSyncPort(deviceId));
        }
    }

    @Test
    void ed25519SignaturesOfRfc8032Tests1And2() {
        CryptoProvider crypto = provider();
        byte[] seed1 = HEX.parseHex("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60");
        byte[] public1 = HEX.parseHex("d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a");
        byte[] signature1 = HEX.parseHex("e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e06522490155"
                + "5fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b");
        assertArrayEquals(public1, crypto.ed25519PublicKey(seed1));
        assertArrayEquals(signature1, crypto.ed25519Sign(seed1, EMPTY));
        assertTrue(crypto.ed25519Verify(public1, EMPTY, signature1));

        byte[] seed2 = HEX.parseHex("4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb");
        byte[] public2 = HEX.parseHex("3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c");
        byte[] message2 = {0x72};
        byte[] signature2 = HEX.parseHex("92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da"
                + "085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00");
        assertArrayEquals(public2, crypto.ed25519PublicKey(seed2));
        assertArrayEquals(signature2, crypto.ed25519Sign(seed2, message2));
        assertTrue(crypto.ed25519Verify(public2, message2, signature2));
    }

    // --- PROTOCOL.md section 6.3: version 1 ----------------------------------------------

    @Test
    void v1TransportKey() {
        assertEquals(TestVectors.text("/v1/transportKeyHex"), HEX.formatHex(v1TransportKey(provider())));
    }

    @Test
    void v1ExampleFrameSealsToTheVectorAndOpensBack() throws CryptoException {
        CryptoProvider crypto = provider();
        AesGcm cipher = crypto.aesGcm(v1TransportKey(crypto));
        byte[] nonce = TestVectors.hex("/v1/exampleFrame/nonceHex");
        String plaintext = TestVectors.text("/v1/exampleFrame/plaintext");

        byte[] frame = frame(nonce, cipher.seal(nonce, plaintext.getBytes(UTF_8), EMPTY));
        assertEquals(TestVectors.text("/v1/exampleFrame/frameHex"), HEX.formatHex(frame));

        assertEquals(plaintext, openFrame(cipher, TestVectors.hex("/v1/exampleFrame/frameHex")));
    }

    // --- PROTOCOL.md section 6.2: version 2 ----------------------------------------------

    @Test
    void v2EphemeralPublicKeysFromTheirPrivateKeys() {
        CryptoProvider crypto = provider();
        for (String side : List.of("client", "server")) {
            byte[] privateKey = TestVectors.hex("/v2/" + side + "/ephemeralPrivateHex");
            assertEquals(TestVectors.text("/v2/" + side + "/ephemeralPublic"),
                    DeviceIds.base64Url(crypto.x25519PublicKey(privateKey)), side);
        }
    }

    @Test
    void v2SharedSecretIsTheSameFromBothSides() throws CryptoException {
        CryptoProvider crypto = provider();
        byte[] clientPrivate = TestVectors.hex("/v2/client/ephemeralPrivateHex");
        byte[] serverPrivate = TestVectors.hex("/v2/server/ephemeralPrivateHex");
        byte[] clientPublic = DeviceIds.fromBase64Url(TestVectors.text("/v2/client/ephemeralPublic"));
        byte[] serverPublic = DeviceIds.fromBase64Url(TestVectors.text("/v2/server/ephemeralPublic"));
        String expected = TestVectors.text("/v2/sharedSecretHex");
        assertEquals(expected, HEX.formatHex(crypto.x25519(clientPrivate, serverPublic)));
        assertEquals(expected, HEX.formatHex(crypto.x25519(serverPrivate, clientPublic)));
    }

    @Test
    void v2TranscriptHashAndSessionKeys() {
        CryptoProvider crypto = provider();
        byte[] helloClient = TestVectors.text("/v2/helloClientBody").getBytes(UTF_8);
        assertEquals(TestVectors.text("/v2/helloClientFrameHex"), HEX.formatHex(ByteBuffer
                .allocate(4 + helloClient.length).putInt(helloClient.length).put(helloClient).array()));

        byte[] th = transcriptHash(crypto);
        assertEquals(TestVectors.text("/v2/transcriptHashHex"), HEX.formatHex(th));

        byte[] shared = TestVectors.hex("/v2/sharedSecretHex");
        byte[] prk = crypto.hkdfExtract(th, shared);
        assertEquals(TestVectors.text("/v2/prkHex"), HEX.formatHex(prk));
        assertEquals(TestVectors.text("/v2/kC2SHex"),
                HEX.formatHex(crypto.hkdfExpand(prk, "moodhaven-sync-v2 c2s".getBytes(US_ASCII), 32)));
        assertEquals(TestVectors.text("/v2/kS2CHex"),
                HEX.formatHex(crypto.hkdfExpand(prk, "moodhaven-sync-v2 s2c".getBytes(US_ASCII), 32)));
        assertEquals(TestVectors.text("/v2/kC2SHex"),
                HEX.formatHex(crypto.hkdf(shared, th, "moodhaven-sync-v2 c2s".getBytes(US_ASCII), 32)));
    }

    @Test
    void v2PublicKeysHash() {
        assertEquals(TestVectors.text("/v2/publicKeysHashHex"), HEX.formatHex(publicKeysHash(provider())));
    }

    @Test
    void v2HandshakeSignaturesAreExactAndVerify() {
        CryptoProvider crypto = provider();
        JsonNode client = identity(TestVectors.text("/v2/client/deviceId"));
        JsonNode server = identity(TestVectors.text("/v2/server/deviceId"));
        byte[] clientPublic = DeviceIds.fromBase64Url(client.get("publicKey").asText());
        byte[] serverPublic = DeviceIds.fromBase64Url(server.get("publicKey").asText());
        byte[] clientSigned = signedPart(crypto, "moodhaven-sync-v2 client");
        byte[] serverSigned = signedPart(crypto, "moodhaven-sync-v2 server");

        byte[] clientSignature = crypto.ed25519Sign(HEX.parseHex(client.get("privateKeySeedHex").asText()), clientSigned);
        byte[] serverSignature = crypto.ed25519Sign(HEX.parseHex(server.get("privateKeySeedHex").asText()), serverSigned);
        assertEquals(TestVectors.text("/v2/clientSignature"), DeviceIds.base64Url(clientSignature));
        assertEquals(TestVectors.text("/v2/serverSignature"), DeviceIds.base64Url(serverSignature));

        assertTrue(crypto.ed25519Verify(clientPublic, clientSigned, clientSignature));
        assertTrue(crypto.ed25519Verify(serverPublic, serverSigned, serverSignature));
        // The labels keep a client's signature from passing as the server's, and the keys tie it to its signer.
        assertFalse(crypto.ed25519Verify(clientPublic, serverSigned, clientSignature));
        assertFalse(crypto.ed25519Verify(serverPublic, clientSigned, clientSignature));
    }

    @Test
    void v2AuthFramesInBothDirections() throws Exception {
        CryptoProvider crypto = provider();
        byte[] th = transcriptHash(crypto);
        byte[] prk = crypto.hkdfExtract(th, TestVectors.hex("/v2/sharedSecretHex"));
        AesGcm c2s = crypto.aesGcm(crypto.hkdfExpand(prk, "moodhaven-sync-v2 c2s".getBytes(US_ASCII), 32));
        AesGcm s2c = crypto.aesGcm(crypto.hkdfExpand(prk, "moodhaven-sync-v2 s2c".getBytes(US_ASCII), 32));
        ObjectMapper json = new ObjectMapper();

        String clientBody = TestVectors.text("/v2/clientAuthBody");
        assertEquals(TestVectors.text("/v2/clientSignature"), json.readTree(clientBody).get("signature").asText());
        byte[] clientFrame = frame(counterNonce(0), c2s.seal(counterNonce(0), clientBody.getBytes(UTF_8), EMPTY));
        assertEquals(TestVectors.text("/v2/clientAuthFrameHex"), HEX.formatHex(clientFrame));
        assertEquals(clientBody, openFrame(c2s, TestVectors.hex("/v2/clientAuthFrameHex")));

        String serverBody = TestVectors.text("/v2/serverAuthBody");
        assertEquals(TestVectors.text("/v2/serverSignature"), json.readTree(serverBody).get("signature").asText());
        byte[] serverFrame = frame(counterNonce(0), s2c.seal(counterNonce(0), serverBody.getBytes(UTF_8), EMPTY));
        assertEquals(TestVectors.text("/v2/serverAuthFrameHex"), HEX.formatHex(serverFrame));
        assertEquals(serverBody, openFrame(s2c, TestVectors.hex("/v2/serverAuthFrameHex")));

        // Each direction has its own key: a frame reflected back to its sender does not open.
        assertThrows(AuthenticationFailedException.class,
                () -> openFrame(c2s, TestVectors.hex("/v2/serverAuthFrameHex")));
    }

    @Test
    void v2ClientSecondFrameUsesCounterOne() throws CryptoException {
        CryptoProvider crypto = provider();
        byte[] prk = crypto.hkdfExtract(transcriptHash(crypto), TestVectors.hex("/v2/sharedSecretHex"));
        AesGcm c2s = crypto.aesGcm(crypto.hkdfExpand(prk, "moodhaven-sync-v2 c2s".getBytes(US_ASCII), 32));
        assertEquals(TestVectors.text("/v2/clientSecondFrame/nonceHex"), HEX.formatHex(counterNonce(1)));

        String body = TestVectors.text("/v2/clientSecondFrame/body");
        byte[] frame = frame(counterNonce(1), c2s.seal(counterNonce(1), body.getBytes(UTF_8), EMPTY));
        assertEquals(TestVectors.text("/v2/clientSecondFrame/frameHex"), HEX.formatHex(frame));
        assertEquals(body, openFrame(c2s, TestVectors.hex("/v2/clientSecondFrame/frameHex")));
    }

    // --- PROTOCOL.md section 7: journal content ------------------------------------------

    @Test
    void contentKeyFromPasswordWithPbkdf2() {
        byte[] key = provider().pbkdf2Sha256(TestVectors.text("/content/password").toCharArray(),
                Base64.getDecoder().decode(TestVectors.text("/content/content/salt")),
                TestVectors.root().at("/content/iterations").asInt(), 32);
        assertEquals(TestVectors.text("/content/keyHex"), HEX.formatHex(key));
    }

    @Test
    void contentSealsToTheVectorAndOpensBack() throws CryptoException {
        AesGcm cipher = provider().aesGcm(TestVectors.hex("/content/keyHex"));
        byte[] iv = Base64.getDecoder().decode(TestVectors.text("/content/content/iv"));
        String plaintext = TestVectors.text("/content/plaintext");
        byte[] associatedData = contentAssociatedData(TestVectors.text("/content/entryId"));
        assertEquals(TestVectors.text("/content/associatedData"), new String(associatedData, UTF_8));

        byte[] data = cipher.seal(iv, plaintext.getBytes(UTF_8), associatedData);
        assertEquals(TestVectors.text("/content/content/data"), Base64.getEncoder().encodeToString(data));

        byte[] opened = cipher.open(iv, Base64.getDecoder().decode(TestVectors.text("/content/content/data")),
                associatedData);
        assertEquals(plaintext, new String(opened, UTF_8));
    }

    @Test
    void contentMovedToAnotherEntryOrUnderAnotherKeyDoesNotOpen() {
        CryptoProvider crypto = provider();
        byte[] iv = Base64.getDecoder().decode(TestVectors.text("/content/content/iv"));
        byte[] data = Base64.getDecoder().decode(TestVectors.text("/content/content/data"));
        byte[] associatedData = contentAssociatedData(TestVectors.text("/content/entryId"));
        AesGcm cipher = crypto.aesGcm(TestVectors.hex("/content/keyHex"));
        assertThrows(AuthenticationFailedException.class,
                () -> cipher.open(iv, data, contentAssociatedData("entry-0002")));
        // A wrong password gives another key, which fails the same way.
        assertThrows(AuthenticationFailedException.class,
                () -> crypto.aesGcm(crypto.randomBytes(32)).open(iv, data, associatedData));
    }

    // --- primitives against their RFCs ---------------------------------------------------

    @Test
    void sha256OfPartsIsTheHashOfTheirConcatenation() {
        CryptoProvider crypto = provider();
        String abc = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";
        assertEquals(abc, HEX.formatHex(crypto.sha256("abc".getBytes(US_ASCII))));
        assertEquals(abc, HEX.formatHex(crypto.sha256("a".getBytes(US_ASCII), EMPTY, "bc".getBytes(US_ASCII))));
        assertEquals("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", HEX.formatHex(crypto.sha256()));
    }

    @Test
    void hmacSha256OfRfc4231Test2AndAnEmptyKey() {
        CryptoProvider crypto = provider();
        assertEquals("5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843", HEX.formatHex(crypto
                .hmacSha256("Jefe".getBytes(US_ASCII), "what do ya want for nothing?".getBytes(US_ASCII))));
        assertEquals("9afdb3565d6ef151d8722f45db734cadbefd28df7e4fc99268a5be95bc6cbdb3",
                HEX.formatHex(crypto.hmacSha256(EMPTY, "moodhaven".getBytes(US_ASCII))));
    }

    @Test
    void hkdfOfRfc5869Test1() {
        CryptoProvider crypto = provider();
        byte[] ikm = filled(22, 0x0b);
        byte[] salt = HEX.parseHex("000102030405060708090a0b0c");
        byte[] info = HEX.parseHex("f0f1f2f3f4f5f6f7f8f9");
        String okm = "3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf34007208d5b887185865";
        byte[] prk = crypto.hkdfExtract(salt, ikm);
        assertEquals("077709362c2e32df0ddc3f0dc47bba6390b6c73bb50f9c3122ec844ad7c2b3e5", HEX.formatHex(prk));
        assertEquals(okm, HEX.formatHex(crypto.hkdfExpand(prk, info, 42)));
        assertEquals(okm, HEX.formatHex(crypto.hkdf(ikm, salt, info, 42)));
    }

    @Test
    void hkdfOfRfc5869Test3WithoutSaltOrInfo() {
        CryptoProvider crypto = provider();
        byte[] prk = crypto.hkdfExtract(EMPTY, filled(22, 0x0b));
        assertEquals("19ef24a32c717b167f33a91d6f648bdf96596776afdb6377ac434c1c293ccb04", HEX.formatHex(prk));
        assertEquals("8da4e775a563c18f715f802a063c5a31b8a11f5c5ee1879ec3454e5f3c738d2d9d201395faa4b61a96c8",
                HEX.formatHex(crypto.hkdfExpand(prk, EMPTY, 42)));
        assertArrayEquals(prk, crypto.hkdfExtract(new byte[32], filled(22, 0x0b)));
    }

    @Test
    void hkdfExpandLengthLimits() {
        CryptoProvider crypto = provider();
        byte[] prk = filled(32, 0x42);
        assertEquals(8160, crypto.hkdfExpand(prk, EMPTY, 8160).length);
        assertEquals(1, crypto.hkdfExpand(prk, EMPTY, 1).length);
        // Longer outputs share their prefix with shorter ones, as the RFC's block chain implies.
        assertArrayEquals(crypto.hkdfExpand(prk, EMPTY, 32), Arrays.copyOf(crypto.hkdfExpand(prk, EMPTY, 100), 32));
        assertThrows(IllegalArgumentException.class, () -> crypto.hkdfExpand(prk, EMPTY, 0));
        assertThrows(IllegalArgumentException.class, () -> crypto.hkdfExpand(prk, EMPTY, 8161));
        assertThrows(IllegalArgumentException.class, () -> crypto.hkdfExpand(new byte[31], EMPTY, 32));
    }

    @Test
    void pbkdf2HashesThePasswordAsUtf8() {
        CryptoProvider crypto = provider();
        // "Grüße, 日本 🌿": two-, three- and four-byte UTF-8 sequences, the last a surrogate pair in Java.
        char[] password = "Gr\u00fc\u00dfe, \u65e5\u672c \ud83c\udf3f".toCharArray();
        byte[] salt = HEX.parseHex("000102030405060708090a0b0c0d0e0f");
        assertEquals("38a7271f2f1c6c868c8270354a75660dc060faae408c2e1ec4904a574f50a900",
                HEX.formatHex(crypto.pbkdf2Sha256(password, salt, 1000, 32)));
        assertEquals("Gr\u00fc\u00dfe, \u65e5\u672c \ud83c\udf3f", new String(password), "the password is left alone");
    }

    @Test
    void pbkdf2RefusesWhatItCannotDeriveFrom() {
        CryptoProvider crypto = provider();
        byte[] salt = new byte[16];
        assertThrows(IllegalArgumentException.class, () -> crypto.pbkdf2Sha256("x\ud83c".toCharArray(), salt, 1, 32));
        assertThrows(IllegalArgumentException.class, () -> crypto.pbkdf2Sha256("\udf3fx".toCharArray(), salt, 1, 32));
        assertThrows(IllegalArgumentException.class, () -> crypto.pbkdf2Sha256("pw".toCharArray(), salt, 0, 32));
        assertThrows(IllegalArgumentException.class, () -> crypto.pbkdf2Sha256("pw".toCharArray(), salt, 1, 0));
        assertThrows(IllegalArgumentException.class, () -> crypto.pbkdf2Sha256("pw".toCharArray(), EMPTY, 1, 32));
    }

    @Test
    void x25519OfRfc7748Section61() throws CryptoException {
        CryptoProvider crypto = provider();
        byte[] alicePrivate = HEX.parseHex("77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a");
        byte[] bobPrivate = HEX.parseHex("5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb");
        byte[] alicePublic = crypto.x25519PublicKey(alicePrivate);
        byte[] bobPublic = crypto.x25519PublicKey(bobPrivate);
        assertEquals("8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a", HEX.formatHex(alicePublic));
        assertEquals("de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f", HEX.formatHex(bobPublic));
        String shared = "4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742";
        assertEquals(shared, HEX.formatHex(crypto.x25519(alicePrivate, bobPublic)));
        assertEquals(shared, HEX.formatHex(crypto.x25519(bobPrivate, alicePublic)));
    }

    @Test
    void x25519ReadsNonCanonicalPeerKeysAsRfc7748Says() throws CryptoException {
        CryptoProvider crypto = provider();
        byte[] privateKey = HEX.parseHex("77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a");
        byte[] peer = HEX.parseHex("de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f");
        byte[] topBitSet = peer.clone();
        topBitSet[31] |= (byte) 0x80;
        assertArrayEquals(crypto.x25519(privateKey, peer), crypto.x25519(privateKey, topBitSet));
        // p + 9 is the base point, unreduced.
        byte[] basePointPlusP = HEX.parseHex("f6ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f");
        assertArrayEquals(crypto.x25519PublicKey(privateKey), crypto.x25519(privateKey, basePointPlusP));
    }

    @Test
    void x25519RefusesLowOrderAndMalformedPeerKeys() {
        CryptoProvider crypto = provider();
        byte[] privateKey = crypto.x25519Generate().privateKey();
        List<String> lowOrder = List.of(
                "0000000000000000000000000000000000000000000000000000000000000000", // 0
                "0100000000000000000000000000000000000000000000000000000000000000", // 1
                "e0eb7a7c3b41b8ae1656e3faf19fc46ada098deb9c32b1fd866205165f49b800", // order 8
                "5f9c95bca3508c24b1d0b1559c83ef5b04445cc4581c8e86d8224eddd09f1157", // order 8
                "ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f", // p - 1
                "edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f", // p, i.e. 0
                "eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f"); // p + 1, i.e. 1
        for (String point : lowOrder) {
            assertThrows(CryptoException.class, () -> crypto.x25519(privateKey, HEX.parseHex(point)), point);
        }
        assertThrows(CryptoException.class, () -> crypto.x25519(privateKey, new byte[31]));
        assertThrows(CryptoException.class, () -> crypto.x25519(privateKey, new byte[33]));
    }

    @Test
    void x25519GenerateGivesAWorkingPair() throws CryptoException {
        CryptoProvider crypto = provider();
        X25519KeyPair a = crypto.x25519Generate();
        X25519KeyPair b = crypto.x25519Generate();
        assertEquals(32, a.privateKey().length);
        assertEquals(32, a.publicKey().length);
        assertArrayEquals(a.publicKey(), crypto.x25519PublicKey(a.privateKey()));
        assertFalse(Arrays.equals(a.privateKey(), b.privateKey()));
        assertArrayEquals(crypto.x25519(a.privateKey(), b.publicKey()), crypto.x25519(b.privateKey(), a.publicKey()));
    }

    // --- refusals ------------------------------------------------------------------------

    @Test
    void ed25519VerifyIsFalseForAWrongMessageKeyOrSignature() {
        CryptoProvider crypto = provider();
        byte[] seed = crypto.randomBytes(32);
        byte[] publicKey = crypto.ed25519PublicKey(seed);
        byte[] message = "I was here".getBytes(UTF_8);
        byte[] signature = crypto.ed25519Sign(seed, message);
        assertTrue(crypto.ed25519Verify(publicKey, message, signature));

        assertFalse(crypto.ed25519Verify(publicKey, "I was there".getBytes(UTF_8), signature));
        assertFalse(crypto.ed25519Verify(crypto.ed25519PublicKey(crypto.randomBytes(32)), message, signature));
        for (int bit : new int[] {0, 255, 256, 511}) {
            byte[] flipped = signature.clone();
            flipped[bit / 8] ^= (byte) (1 << (bit % 8));
            assertFalse(crypto.ed25519Verify(publicKey, message, flipped), "bit " + bit);
        }
    }

    @Test
    void ed25519VerifyIsFalseNotAnExceptionForMalformedInput() {
        CryptoProvider crypto = provider();
        byte[] seed = HEX.parseHex("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60");
        byte[] publicKey = crypto.ed25519PublicKey(seed);
        byte[] signature = crypto.ed25519Sign(seed, EMPTY);

        assertFalse(crypto.ed25519Verify(Arrays.copyOf(publicKey, 31), EMPTY, signature));
        assertFalse(crypto.ed25519Verify(Arrays.copyOf(publicKey, 33), EMPTY, signature));
        assertFalse(crypto.ed25519Verify(EMPTY, EMPTY, signature));
        assertFalse(crypto.ed25519Verify(publicKey, EMPTY, Arrays.copyOf(signature, 63)));
        assertFalse(crypto.ed25519Verify(publicKey, EMPTY, Arrays.copyOf(signature, 65)));
        assertFalse(crypto.ed25519Verify(publicKey, EMPTY, EMPTY));
        // y = 2 is on no point of the curve; y = p + 1 is not a canonical encoding.
        assertFalse(crypto.ed25519Verify(HEX.parseHex(
                "0200000000000000000000000000000000000000000000000000000000000000"), EMPTY, signature));
        assertFalse(crypto.ed25519Verify(HEX.parseHex(
                "eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f"), EMPTY, signature));
        // S + L verifies the same equation, but RFC 8032 requires S < L so signatures are not malleable.
        assertFalse(crypto.ed25519Verify(publicKey, EMPTY, withSPlusL(signature)));
    }

    @Test
    void ed25519VerifyRefusesKeysOfSmallOrder() {
        CryptoProvider crypto = provider();
        // Under such a key, R = the neutral point and S = 0 satisfy the verification equation for any message.
        byte[] forgery = new byte[64];
        forgery[0] = 1;
        List<String> smallOrder = List.of(
                "0100000000000000000000000000000000000000000000000000000000000000", // neutral point
                "ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f", // order 2
                "0000000000000000000000000000000000000000000000000000000000000000", // order 4
                "26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc05", // order 8
                "c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a"); // order 8
        for (String point : smallOrder) {
            byte[] key = HEX.parseHex(point);
            assertFalse(crypto.ed25519Verify(key, "pay Mallory".getBytes(UTF_8), forgery), point);
            key[31] ^= (byte) 0x80;
            assertFalse(crypto.ed25519Verify(key, "pay Mallory".getBytes(UTF_8), forgery), point + " negated");
        }
    }

    @Test
    void aesGcmRefusesTamperedInput() {
        CryptoProvider crypto = provider();
        AesGcm cipher = crypto.aesGcm(crypto.randomBytes(32));
        byte[] nonce = crypto.randomBytes(12);
        byte[] associatedData = "moodhaven-entry\nentry-0001".getBytes(UTF_8);
        byte[] sealed = cipher.seal(nonce, "a private thought".getBytes(UTF_8), associatedData);

        for (int i : new int[] {0, 5, sealed.length - 16, sealed.length - 1}) {
            byte[] tampered = sealed.clone();
            tampered[i] ^= 1;
            assertThrows(AuthenticationFailedException.class, () -> cipher.open(nonce, tampered, associatedData),
                    "byte " + i);
        }
        byte[] otherAssociatedData = associatedData.clone();
        otherAssociatedData[otherAssociatedData.length - 1] ^= 1;
        assertThrows(AuthenticationFailedException.class, () -> cipher.open(nonce, sealed, otherAssociatedData));
        assertThrows(AuthenticationFailedException.class, () -> cipher.open(nonce, sealed, EMPTY));
        byte[] otherNonce = nonce.clone();
        otherNonce[11] ^= 1;
        assertThrows(AuthenticationFailedException.class, () -> cipher.open(otherNonce, sealed, associatedData));
        assertThrows(AuthenticationFailedException.class,
                () -> cipher.open(nonce, Arrays.copyOf(sealed, sealed.length - 1), associatedData));
        assertThrows(AuthenticationFailedException.class, () -> cipher.open(nonce, new byte[15], associatedData));
        assertThrows(AuthenticationFailedException.class, () -> cipher.open(nonce, EMPTY, associatedData));
    }

    @Test
    void aesGcmOpensASliceAndSealsEmptyPlaintext() throws CryptoException {
        CryptoProvider crypto = provider();
        AesGcm cipher = crypto.aesGcm(crypto.randomBytes(32));
        byte[] nonce = crypto.randomBytes(12);

        byte[] sealedEmpty = cipher.seal(nonce, EMPTY, EMPTY);
        assertEquals(AesGcm.TAG_LENGTH, sealedEmpty.length);
        assertEquals(0, cipher.open(nonce, sealedEmpty, EMPTY).length);

        byte[] plaintext = crypto.randomBytes(1000);
        byte[] sealed = cipher.seal(nonce, plaintext, EMPTY);
        assertEquals(plaintext.length + AesGcm.TAG_LENGTH, sealed.length);
        byte[] padded = new byte[sealed.length + 7];
        System.arraycopy(sealed, 0, padded, 3, sealed.length);
        assertArrayEquals(plaintext, cipher.open(nonce, padded, 3, sealed.length, EMPTY));
    }

    @Test
    void aesGcmCopiesItsKey() throws CryptoException {
        CryptoProvider crypto = provider();
        byte[] key = crypto.randomBytes(32);
        byte[] nonce = new byte[12];
        byte[] sealed = crypto.aesGcm(key).seal(nonce, "x".getBytes(UTF_8), EMPTY);
        AesGcm cipher = crypto.aesGcm(key);
        Arrays.fill(key, (byte) 0);
        assertEquals("x", new String(cipher.open(nonce, sealed, EMPTY), UTF_8));
    }

    @Test
    void wrongKeyAndNonceLengthsAreIllegalArguments() {
        CryptoProvider crypto = provider();
        assertThrows(IllegalArgumentException.class, () -> crypto.aesGcm(new byte[16]));
        assertThrows(IllegalArgumentException.class, () -> crypto.aesGcm(new byte[33]));
        AesGcm cipher = crypto.aesGcm(new byte[32]);
        assertThrows(IllegalArgumentException.class, () -> cipher.seal(new byte[11], EMPTY, EMPTY));
        assertThrows(IllegalArgumentException.class, () -> cipher.seal(new byte[16], EMPTY, EMPTY));
        assertThrows(IllegalArgumentException.class, () -> cipher.open(new byte[13], new byte[16], EMPTY));
        assertThrows(IllegalArgumentException.class, () -> crypto.ed25519PublicKey(new byte[31]));
        assertThrows(IllegalArgumentException.class, () -> crypto.ed25519Sign(new byte[64], EMPTY));
        assertThrows(IllegalArgumentException.class, () -> crypto.x25519PublicKey(new byte[31]));
        assertThrows(IllegalArgumentException.class, () -> crypto.x25519(new byte[33], new byte[32]));
        assertThrows(IllegalArgumentException.class, () -> crypto.randomBytes(-1));
    }

    @Test
    void randomBytesDifferBetweenCalls() {
        CryptoProvider crypto = provider();
        assertEquals(0, crypto.randomBytes(0).length);
        assertEquals(17, crypto.randomBytes(17).length);
        byte[] a = crypto.randomBytes(32);
        byte[] b = crypto.randomBytes(32);
        assertFalse(Arrays.equals(a, b));
        assertFalse(Arrays.equals(new byte[32], a));
    }

    @Test
    void nameIsShownToPeople() {
        String name = provider().name();
        assertNotNull(name);
        assertFalse(name.isBlank());
    }

    @Test
    void oneCipherAndOneProviderServeManyThreadsAtOnce() throws Exception {
        CryptoProvider crypto = provider();
        AesGcm cipher = crypto.aesGcm(crypto.randomBytes(32));
        byte[] seed = crypto.randomBytes(32);
        byte[] publicKey = crypto.ed25519PublicKey(seed);
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Callable<Void>> tasks = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                int thread = t;
                tasks.add(() -> {
                    for (int i = 0; i < 200; i++) {
                        byte[] nonce = ByteBuffer.allocate(12).putInt(thread).putLong(i).array();
                        byte[] plaintext = ("thread " + thread + " frame " + i).getBytes(UTF_8);
                        assertArrayEquals(plaintext, cipher.open(nonce, cipher.seal(nonce, plaintext, EMPTY), EMPTY));
                        if (i % 20 == 0) {
                            assertTrue(crypto.ed25519Verify(publicKey, plaintext, crypto.ed25519Sign(seed, plaintext)));
                        }
                    }
                    return null;
                });
            }
            for (Future<Void> result : pool.invokeAll(tasks, 60, TimeUnit.SECONDS)) {
                result.get();
            }
        } finally {
            pool.shutdownNow();
        }
    }

    // --- helpers -------------------------------------------------------------------------

    private static byte[] v1TransportKey(CryptoProvider crypto) {
        String a = TestVectors.text("/v1/publicKeyA");
        String b = TestVectors.text("/v1/publicKeyB");
        String low = a.compareTo(b) <= 0 ? a : b;
        String high = a.compareTo(b) <= 0 ? b : a;
        return crypto.sha256("moodhaven-sync-v1:".getBytes(US_ASCII), low.getBytes(US_ASCII), high.getBytes(US_ASCII));
    }

    private static byte[] transcriptHash(CryptoProvider crypto) {
        byte[] helloClient = TestVectors.text("/v2/helloClientBody").getBytes(UTF_8);
        byte[] helloServer = TestVectors.text("/v2/helloServerBody").getBytes(UTF_8);
        return crypto.sha256(u32(helloClient.length), helloClient, u32(helloServer.length), helloServer);
    }

    private static byte[] publicKeysHash(CryptoProvider crypto) {
        byte[] clientPublic = DeviceIds.fromBase64Url(identity(TestVectors.text("/v2/client/deviceId")).get("publicKey").asText());
        byte[] serverPublic = DeviceIds.fromBase64Url(identity(TestVectors.text("/v2/server/deviceId")).get("publicKey").asText());
        return crypto.sha256(clientPublic, serverPublic);
    }

    /** label || th || SHA-256(pkC || pkS), what a v2 AUTH signature covers. */
    private static byte[] signedPart(CryptoProvider crypto, String label) {
        byte[] labelBytes = label.getBytes(US_ASCII);
        return ByteBuffer.allocate(labelBytes.length + 64).put(labelBytes).put(transcriptHash(crypto))
                .put(publicKeysHash(crypto)).array();
    }

    private static JsonNode identity(String deviceId) {
        for (JsonNode identity : TestVectors.root().get("identity")) {
            if (identity.get("deviceId").asText().equals(deviceId)) {
                return identity;
            }
        }
        throw new IllegalArgumentException("no identity vector for " + deviceId);
    }

    /** 4 zero bytes, then the frame counter as a big-endian uint64. */
    private static byte[] counterNonce(long counter) {
        return ByteBuffer.allocate(AesGcm.NONCE_LENGTH).putInt(0).putLong(counter).array();
    }

    private static byte[] frame(byte[] nonce, byte[] sealed) {
        return ByteBuffer.allocate(4 + nonce.length + sealed.length).putInt(nonce.length + sealed.length)
                .put(nonce).put(sealed).array();
    }

    /** Opens an encrypted frame in place, as a transport would, and checks its length prefix. */
    private static String openFrame(AesGcm cipher, byte[] frame) throws AuthenticationFailedException {
        int length = ByteBuffer.wrap(frame).getInt();
        assertEquals(frame.length - 4, length, "frame length prefix");
        byte[] nonce = Arrays.copyOfRange(frame, 4, 4 + AesGcm.NONCE_LENGTH);
        int start = 4 + AesGcm.NONCE_LENGTH;
        return new String(cipher.open(nonce, frame, start, frame.length - start, EMPTY), UTF_8);
    }

    private static byte[] contentAssociatedData(String entryId) {
        return ("moodhaven-entry\n" + entryId).getBytes(UTF_8);
    }

    private static byte[] u32(int value) {
        return ByteBuffer.allocate(4).putInt(value).array();
    }

    private static byte[] filled(int length, int value) {
        byte[] bytes = new byte[length];
        Arrays.fill(bytes, (byte) value);
        return bytes;
    }

    /** Adds the group order L to the little-endian S half of a signature. */
    private static byte[] withSPlusL(byte[] signature) {
        byte[] order = HEX.parseHex("edd3f55c1a631258d69cf7a2def9de1400000000000000000000000000000010");
        byte[] out = signature.clone();
        int carry = 0;
        for (int i = 0; i < 32; i++) {
            int sum = (out[32 + i] & 0xff) + (order[i] & 0xff) + carry;
            out[32 + i] = (byte) sum;
            carry = sum >>> 8;
        }
        return out;
    }
}
