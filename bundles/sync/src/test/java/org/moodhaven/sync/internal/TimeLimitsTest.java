package org.moodhaven.sync.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.moodhaven.api.event.EventTopics;
import org.moodhaven.api.sync.SyncErrors;
import org.moodhaven.testing.SeedIdentity;
import org.osgi.service.event.Event;

/**
 * The time limits of PROTOCOL.md 6.2 and 6.4, shortened by configuration: the
 * handshake within its limit of accept, however slowly bytes keep coming; no
 * connection idle past the idle limit; no session past the session limit. Each test
 * blocks on a read that the server's close ends, and fails if it has not ended
 * within five times the limit.
 */
class TimeLimitsTest {

    private static final long HANDSHAKE_MILLIS = 500;
    private static final long IDLE_MILLIS = 1_000;
    private static final long SESSION_MILLIS = 1_500;

    @TempDir
    Path folder;

    private TestNode server;
    private final ScheduledExecutorService dribbler = Executors.newSingleThreadScheduledExecutor();

    @AfterEach
    void stop() throws Exception {
        dribbler.shutdownNow();
        server.close();
    }

    /** Waits for the server to close the connection, and checks it waited for the limit, but not 5 times as long. */
    private static void assertClosedAfter(ManualPeer peer, long limitMillis) throws IOException {
        peer.socket.setSoTimeout((int) (5 * limitMillis));
        Duration waited = peer.awaitClosedWithoutAWord();
        assertTrue(waited.toMillis() >= limitMillis / 2, "closed after " + waited + ", before the limit");
    }

    /** Sends the bytes one at a time, every 50 ms, until they are all sent or the connection breaks. */
    private void dribble(ManualPeer peer, byte[] bytes) {
        int[] next = {0};
        dribbler.scheduleAtFixedRate(() -> {
            if (next[0] < bytes.length) {
                try {
                    peer.writeRaw(new byte[] {bytes[next[0]++]});
                } catch (IOException e) {
                    throw new IllegalStateException("closed", e); // ends the schedule
                }
            }
        }, 0, 50, TimeUnit.MILLISECONDS);
    }

    @Test
    void aHalfHelloIsDroppedAtTheHandshakeTimeout() throws Exception {
        server = new TestNode(2, folder, "handshakeTimeoutMillis", HANDSHAKE_MILLIS);
        try (ManualPeer peer = ManualPeer.connect(server)) {
            byte[] hello = peer.hello(ManualPeer.trustedDevice(11, server));
            byte[] frame = ByteBuffer.allocate(4 + hello.length).putInt(hello.length).put(hello).array();
            peer.writeRaw(java.util.Arrays.copyOf(frame, 10));
            assertClosedAfter(peer, HANDSHAKE_MILLIS);
        }
    }

    @Test
    void aHelloDribbledByteByByteIsDroppedAtTheHandshakeTimeoutThoughBytesKeepMoving() throws Exception {
        server = new TestNode(2, folder, "handshakeTimeoutMillis", HANDSHAKE_MILLIS); // idle: the default 60 s
        try (ManualPeer peer = ManualPeer.connect(server)) {
            byte[] hello = peer.hello(ManualPeer.trustedDevice(11, server));
            dribble(peer, ByteBuffer.allocate(4 + hello.length).putInt(hello.length).put(hello).array());
            assertClosedAfter(peer, HANDSHAKE_MILLIS);
        }
    }

    @Test
    void aConnectionIdleAfterTheHandshakeIsClosedAtTheIdleTimeout() throws Exception {
        server = new TestNode(2, folder, "idleTimeoutMillis", IDLE_MILLIS);
        SeedIdentity trusted = ManualPeer.trustedDevice(11, server);
        try (ManualPeer peer = ManualPeer.connect(server).handshake(trusted, server)) {
            assertClosedAfter(peer, IDLE_MILLIS);
        }
        Event failed = server.await(EventTopics.SYNC_FAILED);
        assertEquals(SyncErrors.TIMEOUT, failed.getProperty(EventTopics.REASON), failed.toString());
    }

    @Test
    void aSessionThatKeepsBytesMovingButNeverFinishesIsClosedAtTheSessionTimeout() throws Exception {
        // A huge manifest allowance, so only time can end this session (not the frame count).
        server = new TestNode(2, folder, "idleTimeoutMillis", IDLE_MILLIS, "sessionTimeoutMillis", SESSION_MILLIS,
                "maxManifestItems", Integer.MAX_VALUE);
        SeedIdentity trusted = ManualPeer.trustedDevice(11, server);
        try (ManualPeer peer = ManualPeer.connect(server).handshake(trusted, server)) {
            peer.exchangeSyncState();
            // Manifest frames of one new item each that are never the last, each well within the idle limit.
            java.util.concurrent.atomic.AtomicInteger next = new java.util.concurrent.atomic.AtomicInteger();
            dribbler.scheduleAtFixedRate(() -> {
                try {
                    peer.send(Wire.manifest(1, false, List.of(Wire.object("id", "dribble-" + next.getAndIncrement(),
                            "updated_at", "2026-01-01T00:00:00Z", "h", "ef".repeat(32)))));
                } catch (IOException e) {
                    throw new IllegalStateException("closed", e);
                }
            }, 0, 100, TimeUnit.MILLISECONDS);
            assertClosedAfter(peer, SESSION_MILLIS);
        }
        Event failed = server.await(EventTopics.SYNC_FAILED);
        assertEquals(SyncErrors.TIMEOUT, failed.getProperty(EventTopics.REASON), failed.toString());
    }
}
