package org.moodhaven.sync.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

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

    @Test
    void afterTheHandshakeAFrameOfExactly16MiBIsTaken() throws Exception {
        try (ManualPeer peer = ManualPeer.connect(server).handshake(trusted, server)) {
            String state = new String(Messages.syncState(ManualPeer.STORE_ID, null, 0), StandardCharsets.UTF_8);
            String open = state.substring(0, state.length() - 1) + ",\"padding\":\"";
            int plaintext = (int) SESSION_CAP - FrameCipher.MIN_BODY;
            byte[] padded = (open + "x".repeat(plaintext - open.length() - 2) + "\"}")
                    .getBytes(StandardCharsets.UTF_8);
            byte[] body = peer.seal(padded);
            assertEquals(SESSION_CAP, body.length);
            peer.writeFrames(body);
            assertEquals(Messages.SYNC_STATE, peer.receive().get("type"));
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
