package org.moodhaven.sync.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.moodhaven.api.event.EventTopics;
import org.moodhaven.api.sync.SyncErrors;
import org.moodhaven.api.sync.SyncResult;
import org.moodhaven.testing.EntryGenerator;

/**
 * The connection limits of PROTOCOL.md 6.1 (64 at once, 16 in their handshake),
 * made small by configuration: beyond them a new connection is closed at once, while
 * the ones already taken go on; once the slow ones are gone, a real sync works.
 */
class ConnectionLimitsTest {

    private static final int LIMIT = 3;

    @TempDir
    Path folder;

    private TestNode server;
    private TestNode client;
    private final List<ManualPeer> held = new ArrayList<>();

    @AfterEach
    void stop() throws Exception {
        for (ManualPeer peer : held) {
            peer.close();
        }
        server.close();
        client.close();
    }

    private void start(Object... config) throws Exception {
        server = new TestNode(2, folder, config);
        client = new TestNode(1, folder);
        client.trustEachOther(server);
        client.put(EntryGenerator.standard().entry(1));
    }

    /** Fills the server's slots with connections that say nothing, then shows a further one is closed at once. */
    @Test
    void beyondTheHandshakeLimitNewConnectionsAreClosedAtOnceUntilTheSlowOnesTimeOut() throws Exception {
        long handshakeMillis = 2_000;
        start("maxHandshakes", LIMIT, "handshakeTimeoutMillis", handshakeMillis);
        for (int i = 0; i < LIMIT; i++) {
            held.add(ManualPeer.connect(server));
        }
        try (ManualPeer beyond = ManualPeer.connect(server)) {
            beyond.assertClosedWithoutAWord();
        }
        SyncResult refused = client.syncWith(server);
        assertFalse(refused.ok(), "a real client is refused as well while the slots are taken: " + refused);
        assertEquals(SyncErrors.CONNECTION, refused.error(), refused.toString());
        // The first slow connection was not closed by a timeout meanwhile: it can still do its handshake.
        held.get(0).handshake(ManualPeer.trustedDevice(11, server), server).exchangeSyncState();

        for (ManualPeer slow : held.subList(1, LIMIT)) {
            slow.awaitClosedWithoutAWord(); // at the handshake timeout
        }
        held.get(0).close();
        server.awaitConnections(0);
        SyncResult result = client.syncWith(server);
        assertTrue(result.ok(), result.toString());
        assertEquals(client.digest(), server.digest());
    }

    @Test
    void beyondTheConnectionLimitNewConnectionsAreClosedAtOnce() throws Exception {
        start("maxConnections", LIMIT);
        for (int i = 0; i < LIMIT; i++) {
            held.add(ManualPeer.connect(server).handshake(ManualPeer.trustedDevice(11 + i, server), server));
        }
        try (ManualPeer beyond = ManualPeer.connect(server)) {
            beyond.assertClosedWithoutAWord(); // well before the 10 s handshake timeout
        }
        for (ManualPeer session : held) {
            session.exchangeSyncState(); // the sessions already running go on
            session.close();
        }
        for (int i = 0; i < LIMIT; i++) {
            assertEquals(EventTopics.SYNC_FAILED, server.awaitSessionEnd().getTopic());
        }
        server.awaitConnections(0);
        SyncResult result = client.syncWith(server);
        assertTrue(result.ok(), result.toString());
        assertEquals(client.digest(), server.digest());
    }
}
