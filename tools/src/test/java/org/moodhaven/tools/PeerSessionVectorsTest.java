package org.moodhaven.tools;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.security.PrivateKey;
import java.util.Base64;
import java.util.HexFormat;

import org.junit.jupiter.api.Test;
import org.moodhaven.testing.TestVectors;

/**
 * The tools' own trusted device ({@link PeerIdentity}, {@link PeerSession}) reproduces the
 * version-2 handshake vectors of test-vectors.json byte for byte, so the soak's trusted
 * peer speaks PROTOCOL.md 6.2 as the page defines it, not as the node happens to read it.
 */
class PeerSessionVectorsTest {

    private static final Base64.Decoder B64URL = Base64.getUrlDecoder();

    @Test
    void identityFromTheSeedHasTheVectorsDeviceIdAndKey() {
        PeerIdentity client = PeerIdentity.fromSeed("client", TestVectors.hex("/identity/0/privateKeySeedHex"));
        assertEquals(TestVectors.text("/identity/0/deviceId"), client.deviceId());
        assertEquals(TestVectors.text("/identity/0/publicKey"), client.publicKeyBase64());
    }

    @Test
    void sharedSecretKeysSignatureAndFirstFramesMatchTheVectors() throws Exception {
        PrivateKey clientEphemeral = PeerSession.x25519Private(TestVectors.hex("/v2/client/ephemeralPrivateHex"));
        byte[] shared = PeerSession.x25519(clientEphemeral, B64URL.decode(TestVectors.text("/v2/server/ephemeralPublic")));
        assertArrayEquals(TestVectors.hex("/v2/sharedSecretHex"), shared);

        byte[] helloClient = TestVectors.text("/v2/helloClientBody").getBytes(StandardCharsets.UTF_8);
        byte[] helloServer = TestVectors.text("/v2/helloServerBody").getBytes(StandardCharsets.UTF_8);
        assertArrayEquals(TestVectors.hex("/v2/helloClientFrameHex"), PeerSession.frame(helloClient));
        PeerSession.Keys keys = PeerSession.Keys.derive(shared, helloClient, helloServer);
        assertArrayEquals(TestVectors.hex("/v2/transcriptHashHex"), keys.transcriptHash());
        assertArrayEquals(TestVectors.hex("/v2/kC2SHex"), keys.clientToServer());
        assertArrayEquals(TestVectors.hex("/v2/kS2CHex"), keys.serverToClient());

        PeerIdentity client = PeerIdentity.fromSeed("client", TestVectors.hex("/identity/0/privateKeySeedHex"));
        byte[] serverKey = B64URL.decode(TestVectors.text("/identity/1/publicKey"));
        byte[] publicKeys = PeerIdentity.sha256(client.publicKey(), serverKey);
        assertArrayEquals(TestVectors.hex("/v2/publicKeysHashHex"), publicKeys);
        byte[] signature = client.sign(PeerSession.signedByClient(keys.transcriptHash(), publicKeys));
        assertEquals(TestVectors.text("/v2/clientSignature"), Base64.getUrlEncoder().withoutPadding()
                .encodeToString(signature));

        byte[] auth = TestVectors.text("/v2/clientAuthBody").getBytes(StandardCharsets.UTF_8);
        assertEquals(TestVectors.text("/v2/clientAuthFrameHex"), HexFormat.of().formatHex(
                PeerSession.frame(PeerSession.seal(keys.clientToServer(), 0, auth))));
        byte[] second = TestVectors.text("/v2/clientSecondFrame/body").getBytes(StandardCharsets.UTF_8);
        assertEquals(TestVectors.text("/v2/clientSecondFrame/frameHex"), HexFormat.of().formatHex(
                PeerSession.frame(PeerSession.seal(keys.clientToServer(), 1, second))));

        byte[] serverAuthFrame = TestVectors.hex("/v2/serverAuthFrameHex");
        byte[] serverAuthBody = java.util.Arrays.copyOfRange(serverAuthFrame, 4, serverAuthFrame.length);
        assertEquals(TestVectors.text("/v2/serverAuthBody"), new String(PeerSession.open(keys.serverToClient(), 0,
                serverAuthBody), StandardCharsets.UTF_8));
        byte[] serverSigned = java.nio.ByteBuffer.allocate(24 + 64).put("moodhaven-sync-v2 server"
                .getBytes(StandardCharsets.US_ASCII)).put(keys.transcriptHash()).put(publicKeys).array();
        assertTrue(PeerIdentity.verify(serverKey, serverSigned, B64URL.decode(TestVectors.text("/v2/serverSignature"))),
                "the server's vector signature verifies");
    }
}
