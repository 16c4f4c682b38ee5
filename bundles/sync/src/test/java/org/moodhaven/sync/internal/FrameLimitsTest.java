package org.moodhaven.sync.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.moodhaven.testing.SeedIdentity;

/**
 * The frame lengths a server takes (PROTOCOL.md 6.1): at most 4,096 bytes until the
 * handshake is complete, then at most 16 MiB, never zero; an encrypted body of at
 * least 28 bytes. A length out of bounds closes the connection at once, before the
 * body: these tests send only the header and must see the close well within the
 * 10 s handshake timeout, which is what would end a server that waited for the body.
 */
class FrameLimitsTest {

    private static final long SESSION_CAP = 16L * 1024 * 1024;

    @TempDir
    Path folder;

    private TestNode server;
    private SeedIdentity trusted;

    @BeforeEach
    void start() throws Exception {
        server = new TestNode(2, folder, "handshakeTimeoutMillis", 10_000L, "idleTimeoutMillis", 60_000L);
        trusted = ManualPeer.trustedDevice(11, server);
    }

    @AfterEach
    void stop() throws Exception {
        server.close();
    }

    /** A HELLO of exactly {@code size} bytes, filled up by an unknown field (which readers ignore). */
    private static byte[] paddedHello(ManualPeer peer, SeedIdentity from, int size) {
        String hello = new String(peer.hello(from), StandardCharsets.UTF_8);
        String open = hello.substring(0, hello.length() - 1) + ",\"padding\":\"";
        String close = "\"}";
        return (open + "x".repeat(size - open.length() - close.length()) + close).getBytes(StandardCharsets.UTF_8);
    }

    @ParameterizedTest
    @ValueSource(longs = {0, 4097, 5120, SESSION_CAP + 1, 0xFFFF_FFFFL})
    void aHelloLengthOfZeroOrOverTheHandshakeCapIsClosedBeforeItsBody(long length) throws Exception {
        try (ManualPeer peer = ManualPeer.connect(server)) {
            peer.writeHeader(length);
            peer.assertClosedWithoutAWord();
        }
    }

    @Test
    void aHelloOfExactly4096BytesIsTakenAndOf4097IsNot() throws Exception {
        try (ManualPeer peer = ManualPeer.connect(server)) {
            byte[] hello = paddedHello(peer, trusted, 4096);
            assertEquals(4096, hello.length);
            peer.sendHello(hello);
            peer.readServerHello();
            peer.authenticate(trusted, server.identity); // the padded HELLO is in both transcripts
        }
        try (ManualPeer peer = ManualPeer.connect(server)) {
            byte[] hello = paddedHello(peer, trusted, 4097);
            assertEquals(4097, hello.length);
            peer.sendHello(hello);
            peer.assertClosedWithoutAWord();
        }
    }

    @ParameterizedTest
    @ValueSource(longs = {4097, 5120})
    void anAuthOverTheHandshakeCapIsClosedBeforeItsBody(long length) throws Exception {
        try (ManualPeer peer = ManualPeer.connect(server)) {
            peer.sendHello(peer.hello(trusted));
            peer.readServerHello();
            peer.writeHeader(length);
            peer.assertClosedWithoutAWord();
        }
    }

    @ParameterizedTest
    @ValueSource(longs = {0, SESSION_CAP + 1, 0xFFFF_FFFFL})
    void afterTheHandshakeALengthOfZeroOrOver16MiBIsClosedBeforeItsBody(long length) throws Exception {
        try (ManualPeer peer = ManualPeer.connect(server).handshake(trusted, server)) {
            peer.writeHeader(length);
            peer.assertClosedWithoutAWord();
        }
    }

    /**
     * A MANIFEST frame of exactly 16 MiB (65,536 items, filled up by an unknown member
     * in each) is taken: the node reads its items one at a time and answers with its own
     * manifest.
     */
    @Test
    void afterTheHandshakeAFrameOfExactly16MiBIsTaken() throws Exception {
        try (ManualPeer peer = ManualPeer.connect(server).handshake(trusted, server)) {
            peer.exchangeSyncState();
            byte[] manifest = manifestOfExactly((int) SESSION_CAP - FrameCipher.MIN_BODY);
            byte[] body = peer.seal(manifest);
            assertEquals(SESSION_CAP, body.length);
            peer.writeFrames(body);
            assertEquals(Messages.MANIFEST, peer.receive().get("type"));
        }
    }

    /** A manifest of 65,536 valid items whose JSON is exactly {@code size} bytes. */
    private static byte[] manifestOfExactly(int size) {
        int items = SyncSession.MAX_MANIFEST_ITEMS_PER_FRAME;
        String open = "{\"type\":\"MANIFEST\",\"seq\":1,\"entries\":[";
        String close = "],\"last\":true}";
        String hash = "ab".repeat(32);
        long base = open.length() + close.length() + items - 1;
        List<String> bare = new ArrayList<>(items);
        for (int i = 0; i < items; i++) {
            String item = "{\"id\":\"big-" + i + "\",\"updated_at\":\"2026-01-01T00:00:00Z\",\"h\":\"" + hash
                    + "\",\"pad\":\"";
            bare.add(item);
            base += item.length() + 2;
        }
        long padding = size - base;
        StringBuilder json = new StringBuilder(size).append(open);
        for (int i = 0; i < items; i++) {
            long pad = padding / items + (i < padding % items ? 1 : 0);
            json.append(i == 0 ? "" : ",").append(bare.get(i)).append("x".repeat((int) pad)).append("\"}");
        }
        byte[] bytes = json.append(close).toString().getBytes(StandardCharsets.UTF_8);
        assertEquals(size, bytes.length);
        return bytes;
    }

    /**
     * A message without a list (SYNC_STATE, DONE) is a few hundred bytes; one of more than
     * 64 KiB is refused from its length alone, before its body is read or allocated.
     */
    @Test
    void aSyncStateOfMoreThan64KiBIsAProtocolErrorBeforeItsBodyIsRead() throws Exception {
        try (ManualPeer peer = ManualPeer.connect(server).handshake(trusted, server)) {
            int plaintext = SyncSession.MAX_SMALL_MESSAGE_BYTES + 1;
            peer.writeHeader(plaintext + FrameCipher.MIN_BODY); // and nothing more
            peer.assertProtocolError();
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 12, 27})
    void anEncryptedBodyShorterThan28BytesIsClosedWithoutAWord(int length) throws Exception {
        try (ManualPeer peer = ManualPeer.connect(server).handshake(trusted, server)) {
            byte[] body = new byte[length];
            System.arraycopy(FrameCipher.Counter.nonce(1), 0, body, 0, Math.min(length, 12));
            peer.writeFrames(body);
            peer.assertClosedWithoutAWord();
        }
    }

    @Test
    void anEncryptedBodyOf28BytesIsOpened() throws Exception {
        try (ManualPeer peer = ManualPeer.connect(server).handshake(trusted, server)) {
            byte[] body = peer.seal(new byte[0]);
            assertEquals(28, body.length);
            peer.writeFrames(body);
            peer.assertProtocolError(); // it was opened: an empty plaintext is not JSON
        }
    }

    @Test
    void anAuthShorterThan28BytesIsClosedWithoutAWord() throws Exception {
        try (ManualPeer peer = ManualPeer.connect(server)) {
            peer.sendHello(peer.hello(trusted));
            peer.readServerHello();
            peer.writeFrames(new byte[27]);
            peer.assertClosedWithoutAWord();
        }
    }
}
