package org.moodhaven.sync.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.moodhaven.api.crypto.CryptoProvider;
import org.moodhaven.api.entry.Entry;
import org.moodhaven.api.sync.SyncResult;
import org.moodhaven.testing.EntryGenerator;

/**
 * Why version 1 is off by default (docs/security.md): its transport key comes from
 * the two public keys alone, so anyone who has seen them (in a trust file, at
 * pairing) decrypts a recorded session. The same recording of version 2 stays opaque.
 */
class LegacyV1IsReadableTest {

    @TempDir
    Path folder;

    private final EntryGenerator gen = EntryGenerator.standard();

    @Test
    void aRecordedV1SessionDecryptsWithNothingButTheTwoPublicKeys() throws Exception {
        Entry secret = gen.entry(7);
        List<String> plaintexts;
        try (TestNode a = new TestNode(1, folder, "allowLegacyV1", true);
             TestNode b = new TestNode(2, folder, "allowLegacyV1", true)) {
            a.trustAsV1(b);
            b.trustAsV1(a);
            a.put(secret);
            ByteArrayOutputStream recorded = new ByteArrayOutputStream();
            SyncResult result = syncRecording(a, b, recorded);
            assertTrue(result.ok(), result.toString());

            // The eavesdropper knows only the two public keys.
            String publicA = a.identity.publicKeyBase64();
            String publicB = b.identity.publicKeyBase64();
            plaintexts = decryptAll(a.crypto, Handshake.v1TransportKey(a.crypto, publicA, publicB),
                    recorded.toByteArray());
        }
        String everything = String.join("\n", plaintexts);
        assertTrue(everything.contains("\"type\":\"MANIFEST\""), everything);
        assertTrue(everything.contains(secret.id()), "the manifest and the entry are readable");
        assertTrue(everything.contains(secret.content().get("data")), "and so is the entry's (encrypted) content");
    }

    @Test
    void theSameRecordingOfAVersion2SessionStaysOpaque() throws Exception {
        Entry secret = gen.entry(7);
        try (TestNode a = new TestNode(1, folder); TestNode b = new TestNode(2, folder)) {
            a.trustEachOther(b);
            a.put(secret);
            ByteArrayOutputStream recorded = new ByteArrayOutputStream();
            assertTrue(syncRecording(a, b, recorded).ok());
            byte[] guessedKey = Handshake.v1TransportKey(a.crypto, a.identity.publicKeyBase64(),
                    b.identity.publicKeyBase64());
            assertEquals(List.of(), decryptAll(a.crypto, guessedKey, recorded.toByteArray()),
                    "no frame opens with a key made of public values");
            assertFalse(recorded.toString(StandardCharsets.ISO_8859_1).contains(secret.id()));
        }
    }

    private static SyncResult syncRecording(TestNode client, TestNode server, ByteArrayOutputStream record)
            throws Exception {
        try (ScriptedServer<Void> proxy = ScriptedServer.forwarding(server.address(), record,
                new ByteArrayOutputStream())) {
            SyncResult result = client.engine.sync(server.deviceId(), Optional.of(proxy.address()));
            proxy.outcome();
            return result;
        }
    }

    /** Splits the recorded stream into frames and opens every one the key opens. */
    private static List<String> decryptAll(CryptoProvider crypto, byte[] key, byte[] stream) {
        List<String> opened = new ArrayList<>();
        ByteBuffer frames = ByteBuffer.wrap(stream);
        FrameCipher cipher = new FrameCipher.RandomNonce(crypto.aesGcm(key), crypto::randomBytes);
        while (frames.remaining() >= 4) {
            byte[] body = new byte[frames.getInt()];
            frames.get(body);
            try {
                opened.add(new String(cipher.open(body), StandardCharsets.UTF_8));
            } catch (FrameRejected e) {
                // a plaintext HELLO, or (with v2) every frame
            }
        }
        return opened;
    }
}
