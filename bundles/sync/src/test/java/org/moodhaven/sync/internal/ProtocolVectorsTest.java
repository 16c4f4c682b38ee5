package org.moodhaven.sync.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.stream.Stream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.moodhaven.api.crypto.CryptoProvider;
import org.moodhaven.api.identity.DeviceIds;
import org.moodhaven.crypto.bc.internal.BouncyCastleCryptoProvider;
import org.moodhaven.crypto.jdk.internal.JdkCryptoProvider;
import org.moodhaven.testing.Configs;
import org.moodhaven.testing.SeedIdentity;
import org.moodhaven.testing.TestVectors;

/** The frames and handshake of the sync reproduce the v1 and v2 vectors of test-vectors.json, with both providers. */
class ProtocolVectorsTest {

    static Stream<CryptoProvider> providers() {
        return Stream.of(new JdkCryptoProvider(Configs.of(JdkCryptoProvider.Config.class)),
                new BouncyCastleCryptoProvider(Configs.of(BouncyCastleCryptoProvider.Config.class)));
    }

    private static byte[] hex(String path) {
        return TestVectors.hex(path);
    }

    @ParameterizedTest
    @MethodSource("providers")
    void helloFramesAreTheVectorBytes(CryptoProvider crypto) {
        byte[] clientPublic = crypto.x25519PublicKey(hex("/v2/client/ephemeralPrivateHex"));
        assertEquals(TestVectors.text("/v2/client/ephemeralPublic"), DeviceIds.base64Url(clientPublic));
        byte[] hello = Messages.hello(TestVectors.text("/v2/client/deviceId"), 2, DeviceIds.base64Url(clientPublic));
        assertEquals(TestVectors.text("/v2/helloClientBody"), new String(hello, StandardCharsets.UTF_8));
        assertArrayEquals(hex("/v2/helloClientFrameHex"), frame(hello));

        byte[] serverPublic = crypto.x25519PublicKey(hex("/v2/server/ephemeralPrivateHex"));
        byte[] serverHello = Messages.hello(TestVectors.text("/v2/server/deviceId"), 2,
                DeviceIds.base64Url(serverPublic));
        assertEquals(TestVectors.text("/v2/helloServerBody"), new String(serverHello, StandardCharsets.UTF_8));
    }

    @ParameterizedTest
    @MethodSource("providers")
    void theKeyScheduleAndSignaturesAreTheVectors(CryptoProvider crypto) throws Exception {
        Handshake.Keys client = clientKeys(crypto);
        assertArrayEquals(hex("/v2/transcriptHashHex"), client.transcriptHash());
        assertArrayEquals(hex("/v2/prkHex"), client.prk());
        assertArrayEquals(hex("/v2/kC2SHex"), client.clientToServer());
        assertArrayEquals(hex("/v2/kS2CHex"), client.serverToClient());
        assertArrayEquals(hex("/v2/publicKeysHashHex"), client.publicKeysHash());
        assertArrayEquals(hex("/v2/sharedSecretHex"),
                crypto.x25519(hex("/v2/server/ephemeralPrivateHex"), crypto.x25519PublicKey(
                        hex("/v2/client/ephemeralPrivateHex"))));

        Handshake.Keys server = Handshake.keys(crypto, hex("/v2/server/ephemeralPrivateHex"),
                crypto.x25519PublicKey(hex("/v2/client/ephemeralPrivateHex")), body("/v2/helloClientBody"),
                body("/v2/helloServerBody"), publicKey(crypto, 0), publicKey(crypto, 1));
        assertArrayEquals(client.clientToServer(), server.clientToServer());
        assertArrayEquals(client.serverToClient(), server.serverToClient());

        SeedIdentity clientIdentity = SeedIdentity.ofVector(0, crypto);
        SeedIdentity serverIdentity = SeedIdentity.ofVector(1, crypto);
        byte[] clientSignature = clientIdentity.sign(Handshake.signedMessage(Handshake.LABEL_CLIENT, client));
        byte[] serverSignature = serverIdentity.sign(Handshake.signedMessage(Handshake.LABEL_SERVER, client));
        assertEquals(TestVectors.text("/v2/clientSignature"), DeviceIds.base64Url(clientSignature));
        assertEquals(TestVectors.text("/v2/serverSignature"), DeviceIds.base64Url(serverSignature));
        assertTrue(crypto.ed25519Verify(serverIdentity.publicKey(),
                Handshake.signedMessage(Handshake.LABEL_SERVER, client), serverSignature));
    }

    @ParameterizedTest
    @MethodSource("providers")
    void authAndSessionFramesAreTheVectors(CryptoProvider crypto) throws Exception {
        Handshake.Keys keys = clientKeys(crypto);
        FrameCipher clientSends = new FrameCipher.Counter(crypto.aesGcm(keys.clientToServer()));
        FrameCipher serverSends = new FrameCipher.Counter(crypto.aesGcm(keys.serverToClient()));

        byte[] clientAuth = Messages.auth(TestVectors.text("/v2/clientSignature"));
        assertEquals(TestVectors.text("/v2/clientAuthBody"), new String(clientAuth, StandardCharsets.UTF_8));
        assertArrayEquals(hex("/v2/clientAuthFrameHex"), frame(clientSends.seal(clientAuth)));
        byte[] serverAuth = Messages.auth(TestVectors.text("/v2/serverSignature"));
        assertEquals(TestVectors.text("/v2/serverAuthBody"), new String(serverAuth, StandardCharsets.UTF_8));
        assertArrayEquals(hex("/v2/serverAuthFrameHex"), frame(serverSends.seal(serverAuth)));

        byte[] syncState = Messages.syncState("store-a", null, 0);
        assertEquals(TestVectors.text("/v2/clientSecondFrame/body"), new String(syncState, StandardCharsets.UTF_8));
        byte[] second = frame(clientSends.seal(syncState));
        assertArrayEquals(hex("/v2/clientSecondFrame/frameHex"), second);
        assertArrayEquals(hex("/v2/clientSecondFrame/nonceHex"), java.util.Arrays.copyOfRange(second, 4, 16));

        FrameCipher serverReceives = new FrameCipher.Counter(crypto.aesGcm(keys.clientToServer()));
        assertArrayEquals(clientAuth, serverReceives.open(body(hex("/v2/clientAuthFrameHex"))));
        assertArrayEquals(syncState, serverReceives.open(body(hex("/v2/clientSecondFrame/frameHex"))));
    }

    @ParameterizedTest
    @MethodSource("providers")
    void theV1TransportKeyAndFrameAreTheVectors(CryptoProvider crypto) throws Exception {
        String a = TestVectors.text("/v1/publicKeyA");
        String b = TestVectors.text("/v1/publicKeyB");
        byte[] key = Handshake.v1TransportKey(crypto, a, b);
        assertArrayEquals(hex("/v1/transportKeyHex"), key);
        assertArrayEquals(key, Handshake.v1TransportKey(crypto, b, a), "the order of the two keys does not matter");

        byte[] nonce = hex("/v1/exampleFrame/nonceHex");
        FrameCipher sender = new FrameCipher.RandomNonce(crypto.aesGcm(key), length -> nonce.clone());
        byte[] plaintext = TestVectors.text("/v1/exampleFrame/plaintext").getBytes(StandardCharsets.UTF_8);
        assertArrayEquals(hex("/v1/exampleFrame/frameHex"), frame(sender.seal(plaintext)));
        FrameCipher receiver = new FrameCipher.RandomNonce(crypto.aesGcm(key), crypto::randomBytes);
        assertArrayEquals(plaintext, receiver.open(body(hex("/v1/exampleFrame/frameHex"))));
    }

    private static Handshake.Keys clientKeys(CryptoProvider crypto) throws Exception {
        return Handshake.keys(crypto, hex("/v2/client/ephemeralPrivateHex"),
                crypto.x25519PublicKey(hex("/v2/server/ephemeralPrivateHex")), body("/v2/helloClientBody"),
                body("/v2/helloServerBody"), publicKey(crypto, 0), publicKey(crypto, 1));
    }

    private static byte[] publicKey(CryptoProvider crypto, int index) {
        return DeviceIds.fromBase64Url(TestVectors.text("/identity/" + index + "/publicKey"));
    }

    private static byte[] body(String path) {
        return TestVectors.text(path).getBytes(StandardCharsets.UTF_8);
    }

    static byte[] frame(byte[] body) {
        return ByteBuffer.allocate(4 + body.length).putInt(body.length).put(body).array();
    }

    static byte[] body(byte[] frame) {
        return java.util.Arrays.copyOfRange(frame, 4, frame.length);
    }

}
