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
 * The connection limits of PROTOCOL.md 6.1 (64 at once, 16 in their handshake) and the
 * node's stricter local policy (4 of the 16 per source address, and 4 kept for addresses
 * where trusted devices are known), made small by configuration where that helps:
 * beyond them a new connection is closed at once, while the ones already taken go on;
 * once the slow ones are gone, a real sync works.
 */
class ConnectionLimitsTest {

    private static final int LIMIT = 3;
    /** Where the stranger connects from; the trusted client connects from 127.0.0.1. */
    private static final String STRANGER = "127.0.0.2";

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
        start("maxHandshakes", LIMIT, "handshakeTimeoutMillis", handshakeMillis, "handshakesKeptForKnownDevices", 0);
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

    /**
     * A stranger tries for every handshake slot from one address and keeps only that
     * address's share; a trusted device at another address syncs meanwhile. Once the
     * stranger's connections are gone, the address may hold its share again, no more.
     */
    @Test
    void oneAddressHoldsOnlyItsShareOfTheHandshakesWhileADeviceAtAnotherAddressSyncs() throws Exception {
        start("maxHandshakes", 2 * LIMIT, "maxHandshakesPerAddress", LIMIT, "handshakesKeptForKnownDevices", 0);
        holdTheAddressesShare();

        SyncResult during = client.syncWith(server);
        assertTrue(during.ok(), "the device at 127.0.0.1 syncs at once while the stranger holds its share: "
                + during);
        assertEquals(client.digest(), server.digest());
        // The stranger's connections were kept all along: each can still do its handshake.
        for (int i = 0; i < LIMIT; i++) {
            held.get(i).handshake(ManualPeer.trustedDevice(100 + i, server), server).exchangeSyncState();
        }

        for (ManualPeer peer : held) {
            peer.close();
        }
        held.clear();
        server.awaitConnections(0);
        assertEquals(0, server.engine.handshakeAddressCount(), "no address is counted once its connections end");
        holdTheAddressesShare(); // the same address may again hold its share, and no more
        for (int i = 0; i < LIMIT; i++) {
            held.get(i).handshake(ManualPeer.trustedDevice(200 + i, server), server).exchangeSyncState();
        }
    }

    /**
     * From {@link #STRANGER}: {@link #LIMIT} silent connections, kept, then as many more,
     * each closed at once (the connections are accepted in order, so the first ones are
     * counted by then).
     */
    private void holdTheAddressesShare() throws Exception {
        for (int i = 0; i < LIMIT; i++) {
            held.add(ManualPeer.connectFrom(STRANGER, server));
        }
        for (int i = 0; i < LIMIT; i++) {
            try (ManualPeer beyond = ManualPeer.connectFrom(STRANGER, server)) {
                beyond.assertClosedWithoutAWord();
            }
        }
    }

    /**
     * Strangers at four other addresses take every handshake slot open to anyone (12 of
     * the 16, 4 from each of three addresses; the fourth address finds none left); a
     * trusted device at the address it last connected from still gets one of the 4 kept
     * slots and syncs.
     */
    @Test
    void strangersAtManyAddressesCannotTakeTheSlotsKeptForADeviceWhereItLastConnectedFrom() throws Exception {
        start();
        assertTrue(client.syncWith(server).ok(), "the device syncs once, from 127.0.0.1");
        client.put(EntryGenerator.standard().entry(2));
        holdEverySlotOpenToStrangers();

        SyncResult during = client.syncWith(server);
        assertTrue(during.ok(), "the known device syncs during the flood: " + during);
        assertEquals(client.digest(), server.digest());
    }

    /** The same when the device is known by the address in its trust entry instead. */
    @Test
    void aDeviceKnownByTheAddressInItsTrustEntryGetsAKeptSlot() throws Exception {
        start();
        server.trust.recordAddress(client.identity.deviceId(), "127.0.0.1:" + client.address().port());
        holdEverySlotOpenToStrangers();

        SyncResult during = client.syncWith(server);
        assertTrue(during.ok(), "the known device syncs during the flood: " + during);
        assertEquals(client.digest(), server.digest());
    }

    /** The same when discovery sees the device at that address (as its events say). */
    @Test
    void aDeviceWhereDiscoverySeesItGetsAKeptSlot() throws Exception {
        start();
        server.engine.handleEvent(new org.osgi.service.event.Event(EventTopics.PEER_DISCOVERED, java.util.Map.of(
                EventTopics.DEVICE_ID, client.identity.deviceId(), EventTopics.TRUSTED, true,
                EventTopics.ADDRESS, "127.0.0.1:" + client.address().port())));
        holdEverySlotOpenToStrangers();

        SyncResult during = client.syncWith(server);
        assertTrue(during.ok(), "the known device syncs during the flood: " + during);
    }

    /** A device never seen at its address gets no kept slot: the policy is about known places. */
    @Test
    void aDeviceAtAnUnknownAddressGetsNoKeptSlot() throws Exception {
        start();
        holdEverySlotOpenToStrangers();

        SyncResult during = client.syncWith(server);
        assertFalse(during.ok(), "a device never seen at 127.0.0.1 is refused like a stranger: " + during);
        assertEquals(SyncErrors.CONNECTION, during.error(), during.toString());
    }

    /**
     * From 127.0.0.2 to 127.0.0.5, four silent connections each: the first twelve take
     * the slots open to anyone, the last four are closed at once.
     */
    private void holdEverySlotOpenToStrangers() throws Exception {
        for (int address = 2; address <= 4; address++) {
            for (int i = 0; i < 4; i++) {
                held.add(ManualPeer.connectFrom("127.0.0." + address, server));
            }
        }
        server.awaitHandshakes(12);
        for (int i = 0; i < 4; i++) {
            try (ManualPeer beyond = ManualPeer.connectFrom("127.0.0.5", server)) {
                beyond.assertClosedWithoutAWord();
            }
        }
    }

    /**
     * Handshakes from one address that end every way (timeout, garbage, REJECT, success,
     * the client leaving) each give back their slot exactly once: afterwards the engine
     * counts no handshake and no address, and the address may hold its share again.
     */
    @Test
    void everyWayAHandshakeEndsGivesItsSlotBackOnce() throws Exception {
        start("maxHandshakesPerAddress", LIMIT, "handshakeTimeoutMillis", 2_000L);
        for (int round = 0; round < 2; round++) {
            try (ManualPeer silent = ManualPeer.connectFrom(STRANGER, server);
                 ManualPeer garbage = ManualPeer.connectFrom(STRANGER, server);
                 ManualPeer untrusted = ManualPeer.connectFrom(STRANGER, server)) {
                garbage.writeFrames(new byte[] {1, 2, 3});
                garbage.assertClosedWithoutAWord();
                untrusted.sendHello(untrusted.hello(ManualPeer.stranger(300, server)));
                untrusted.assertRejected("not_trusted", server);
                try (ManualPeer trusted = ManualPeer.connectFrom(STRANGER, server);
                     ManualPeer leaving = ManualPeer.connectFrom(STRANGER, server)) {
                    trusted.handshake(ManualPeer.trustedDevice(310 + round, server), server).exchangeSyncState();
                    leaving.sendHello(leaving.hello(ManualPeer.trustedDevice(320 + round, server)));
                    leaving.readServerHello();
                }
                silent.awaitClosedWithoutAWord(); // by the handshake timeout
            }
            assertEquals(EventTopics.SYNC_FAILED, server.awaitSessionEnd().getTopic()); // the trusted one left
            server.awaitConnections(0);
            assertEquals(0, server.engine.handshakeCount(), "round " + round + ": no handshake is counted");
            assertEquals(0, server.engine.handshakeAddressCount(), "round " + round + ": no address is counted");
        }
        // The address may hold its whole share again: all of it at once, each connection accepted.
        for (int i = 0; i < LIMIT; i++) {
            held.add(ManualPeer.connectFrom(STRANGER, server));
        }
        for (int i = 0; i < LIMIT; i++) {
            held.get(i).handshake(ManualPeer.trustedDevice(330 + i, server), server).exchangeSyncState();
        }
    }
}
