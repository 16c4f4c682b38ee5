package org.moodhaven.sync.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.moodhaven.api.entry.Entry;
import org.moodhaven.api.entry.Timestamps;
import org.moodhaven.api.event.EventTopics;
import org.moodhaven.api.store.PeerSyncState;
import org.moodhaven.api.sync.SyncErrors;
import org.moodhaven.api.sync.SyncRecord;
import org.moodhaven.api.sync.SyncResult;
import org.moodhaven.testing.EntryGenerator;
import org.osgi.service.event.Event;

/** Two real sync engines over real sockets on 127.0.0.1. */
class SyncEngineTest {

    @TempDir
    Path folder;

    private TestNode a;
    private TestNode b;
    private final EntryGenerator gen = EntryGenerator.standard();

    @BeforeEach
    void start() throws Exception {
        a = new TestNode(1, folder);
        b = new TestNode(2, folder);
        a.trust(b);
        b.trust(a);
    }

    @AfterEach
    void stop() throws Exception {
        a.close();
        b.close();
    }

    @Test
    void aFullSyncConvergesBothWaysAndResolvesConflictsTheSameOnBothSides() throws Exception {
        for (int i = 0; i < 60; i++) {
            a.put(gen.entry(i));
        }
        for (int i = 40; i < 100; i++) {
            b.put(gen.entry(i));
        }
        // Conflicts: a later version on one side, the same instant with other content on both.
        a.put(gen.version(41, 5));
        b.put(gen.version(42, 5));
        Entry sameInstantA = gen.version(43, 7);
        Entry sameInstantB = new Entry(sameInstantA.id(), sameInstantA.createdAt(), sameInstantA.updatedAt(),
                gen.version(44, 7).content(), 1, "normal", null, false);
        a.put(sameInstantA);
        b.put(sameInstantB);

        SyncResult result = a.syncWith(b);

        assertTrue(result.ok(), result.toString());
        assertEquals(a.digest(), b.digest());
        assertEquals(100, a.digest().size());
        boolean aWinsTheTie = org.moodhaven.api.entry.EntryHash.of(sameInstantA)
                .compareTo(org.moodhaven.api.entry.EntryHash.of(sameInstantB)) > 0;
        assertEquals(40 + 1 + (aWinsTheTie ? 1 : 0), result.sent(),
                "A sent its 40 own entries, its newer version of 41, and 43 if its hash wins the tie");
        assertEquals(aWinsTheTie ? sameInstantA : sameInstantB, b.store.get(sameInstantA.id()).orElseThrow().entry());
        assertEquals(gen.version(42, 5), a.store.get(gen.id(42)).orElseThrow().entry());
        b.awaitSessionEnd();
        assertTrue(result.bytesSent() > 40 * 1024 && result.bytesReceived() > 40 * 1024);
        assertEquals(SyncRecord.OUTGOING, a.engine.history(Optional.empty(), 10).get(0).direction());
        assertEquals(SyncRecord.INCOMING, b.engine.history(Optional.empty(), 10).get(0).direction());
        assertTrue(b.engine.history(Optional.empty(), 10).get(0).result().ok());
    }

    @Test
    void anIncrementalSyncMovesOnlyTheChangeAndTheNextListsNothingBack() throws Exception {
        for (int i = 0; i < 200; i++) {
            (i % 2 == 0 ? a : b).put(gen.entry(i));
        }
        SyncResult full = a.syncWith(b);
        assertTrue(full.ok(), full.toString());

        a.put(gen.entry(500));
        SyncResult incremental = a.syncWith(b);
        assertTrue(incremental.ok(), incremental.toString());
        assertEquals(1, incremental.sent());
        assertEquals(0, incremental.received());
        assertEquals(a.digest(), b.digest());

        SyncResult quiet = a.syncWith(b);
        assertTrue(quiet.ok(), quiet.toString());
        assertEquals(0, quiet.sent());
        assertEquals(0, quiet.received());
        assertTrue(quiet.bytesSent() + quiet.bytesReceived() < 3_000,
                "a sync with nothing new lists nothing back: " + quiet);
        assertTrue(incremental.bytesSent() < full.bytesSent() / 20);
    }

    @Test
    void watermarksFollowDoneAndAFullListingHappensAtLeastDaily() throws Exception {
        for (int i = 0; i < 100; i++) {
            a.put(gen.entry(i));
        }
        assertTrue(a.syncWith(b).ok());
        b.awaitSessionEnd();
        PeerSyncState aKnowsB = a.store.peerState(b.deviceId()).orElseThrow();
        PeerSyncState bKnowsA = b.store.peerState(a.deviceId()).orElseThrow();
        assertEquals(b.store.storeId(), aKnowsB.haveStoreId());
        assertEquals(b.store.highestSeq(), aKnowsB.haveSeq(), "B's DONE_ACK seq covers what it stored");
        assertEquals(a.store.storeId(), bKnowsA.haveStoreId());
        assertEquals(a.store.highestSeq(), bKnowsA.haveSeq());
        assertEquals(TestNode.NOW, aKnowsB.lastFullSyncAt());

        SyncResult quiet = a.syncWith(b);
        b.awaitSessionEnd();
        a.clock.advance(Duration.ofHours(25));
        b.clock.advance(Duration.ofHours(25));
        SyncResult daily = a.syncWith(b);
        assertTrue(daily.ok());
        assertTrue(daily.bytesReceived() > quiet.bytesReceived() + 100 * 80,
                "after a day, have: null makes each side list everything again");
        assertEquals(0, daily.sent());
        assertEquals(TestNode.NOW.plus(Duration.ofHours(25)),
                a.store.peerState(b.deviceId()).orElseThrow().lastFullSyncAt());
    }

    @Test
    void futureDatedEntriesAreRejectedCountedAndOfferedAgainLater() throws Exception {
        a.clock.advance(Duration.ofHours(2)); // A's clock runs two hours ahead of B's
        Entry future = gen.entry(7).withUpdatedAt(Timestamps.format(a.clock.now()));
        a.put(future, gen.entry(8));

        SyncResult first = a.syncWith(b);
        assertTrue(first.ok(), first.toString());
        assertEquals(2, first.sent());
        assertTrue(b.store.get(future.id()).isEmpty());
        assertTrue(b.store.get(gen.id(8)).isPresent());
        b.awaitSessionEnd();
        assertEquals(1L, b.engine.history(Optional.empty(), 1).get(0).result().rejected());
        assertNull(b.store.peerState(a.deviceId()).orElseThrow().haveStoreId(),
                "B keeps its previous watermark so the rejected entry is offered again");

        b.clock.advance(Duration.ofHours(2));
        SyncResult later = a.syncWith(b);
        assertTrue(later.ok(), later.toString());
        assertEquals(future, b.store.get(future.id()).orElseThrow().entry());
        assertEquals(a.digest(), b.digest());
    }

    @Test
    void syncEventsTellStartPhasesAndCompletion() throws Exception {
        a.put(gen.entry(1));
        assertTrue(a.syncWith(b).ok());
        List<String> phases = new ArrayList<>();
        for (Event event : a.events) {
            if (event.getTopic().equals(EventTopics.SYNC_PROGRESS)) {
                phases.add((String) event.getProperty(EventTopics.PHASE));
            }
        }
        assertEquals(List.of("manifest", "want", "entries", "done"), phases);
        assertEquals(EventTopics.SYNC_STARTED, a.events.stream()
                .filter(e -> e.getTopic().startsWith("moodhaven/sync/")).findFirst().orElseThrow().getTopic());
        Event completed = a.events.stream().filter(e -> e.getTopic().equals(EventTopics.SYNC_COMPLETED))
                .findFirst().orElseThrow();
        assertEquals(1L, completed.getProperty(EventTopics.SENT));
        b.awaitSessionEnd();
        assertTrue(b.events.stream().anyMatch(e -> e.getTopic().equals(EventTopics.SYNC_PROGRESS)
                && "commit".equals(e.getProperty(EventTopics.PHASE))));
    }

    @Test
    void anUntrustedDeviceIsRefusedAtHelloAndReported() throws Exception {
        b.trust.revoke(a.deviceId());
        SyncResult result = a.syncWith(b);
        assertFalse(result.ok());
        assertEquals(SyncErrors.NOT_TRUSTED, result.error());
        assertTrue(b.events.stream().anyMatch(e -> e.getTopic().equals(EventTopics.SYNC_UNKNOWN_DEVICE)
                && a.deviceId().equals(e.getProperty(EventTopics.DEVICE_ID))));

        SyncResult unknown = a.engine.sync("0123456789abcdef", Optional.of(b.address()));
        assertEquals(SyncErrors.UNKNOWN_DEVICE, unknown.error());
        assertTrue(unknown.message().startsWith("This node does not trust device 01234567: pair with it first."),
                unknown.message());
        assertEquals("\"Node 2\" does not trust this device (it was revoked there, or pairing did not finish on its "
                + "side). Pair the two again.", result.message());
    }

    @Test
    void whyASyncCouldNotStartIsSaidWithTheDevicesNameAndWhatToDo() throws Exception {
        a.trustEachOther(b);
        SyncResult nowhere = a.engine.sync(b.deviceId(), Optional.empty());
        assertEquals(SyncErrors.NO_ADDRESS, nowhere.error());
        assertEquals("This node does not know where \"Node 2\" is: give its address (host and sync port), or pair "
                + "again.", nowhere.message());

        int closed;
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
            closed = socket.getLocalPort();
        }
        SyncResult refused = a.engine.sync(b.deviceId(), Optional.of(new org.moodhaven.api.sync.SyncAddress(
                "127.0.0.1", closed)));
        assertEquals(SyncErrors.CONNECTION, refused.error());
        assertEquals("Cannot reach \"Node 2\" at 127.0.0.1:" + closed + ": nothing answers there. Check that "
                + "MoodHaven is running there and that this is its sync port.", refused.message());
        Event failed = a.events.stream().filter(e -> e.getTopic().equals(EventTopics.SYNC_FAILED)).findFirst()
                .orElseThrow();
        assertEquals(refused.message(), failed.getProperty(EventTopics.MESSAGE), "the page and the console read the same");
        assertFalse(refused.message().contains("Exception") || refused.message().contains("refused"),
                "no exception's or system's words: " + refused.message());
    }

    @Test
    void timeLimitsAreSaidInSecondsOrMinutes() {
        assertEquals("30 seconds", SyncEngine.seconds(30_000));
        assertEquals("1 second", SyncEngine.seconds(200));
        assertEquals("90 seconds", SyncEngine.seconds(90_000));
        assertEquals("10 minutes", SyncEngine.seconds(600_000));
    }

    @Test
    void revokingADeviceClosesItsRunningSession() throws Exception {
        for (int i = 0; i < 300; i++) {
            a.put(gen.entry(i));
        }
        b.onEvent = event -> {
            if (event.getTopic().equals(EventTopics.SYNC_PROGRESS)
                    && EventTopics.PHASE_WANT.equals(event.getProperty(EventTopics.PHASE))) {
                try {
                    b.trust.revoke(a.deviceId());
                } catch (Exception e) {
                    throw new AssertionError(e);
                }
            }
        };
        SyncResult result = a.syncWith(b);
        assertFalse(result.ok(), result.toString());
        b.awaitSessionEnd();
        assertEquals(0, b.digest().size(), "nothing from the revoked device was stored");
        SyncRecord server = b.engine.history(Optional.empty(), 1).get(0);
        assertEquals(SyncErrors.REVOKED, server.result().error());
        assertEquals(SyncErrors.NOT_TRUSTED, a.syncWith(b).error(), "and it is refused at HELLO from then on");
    }

    /**
     * The client reads the device's trust entry before it connects; a revocation that
     * comes before its connection is registered (connecting may take seconds) is seen
     * when the handshake ends, and nothing of the journal is sent.
     */
    @Test
    void aRevocationWhileTheClientConnectsIsSeenBeforeAnythingIsSent() throws Exception {
        a.put(gen.entry(1));
        a.onEvent = event -> {
            if (event.getTopic().equals(EventTopics.SYNC_STARTED)) {
                revoke(a, b);
            }
        };
        SyncResult result = a.syncWith(b);
        assertFalse(result.ok(), result.toString());
        assertEquals(SyncErrors.REVOKED, result.error(), result.toString());
        b.awaitSessionEnd();
        assertEquals(0, b.digest().size(), "nothing was sent to the revoked device");
    }

    /**
     * Before each step that sends, the client checks the device is still trusted: a
     * revocation whose event has not reached the engine yet still stops the session
     * before its entries leave.
     */
    @Test
    void aRevocationWhoseEventIsStillOnItsWayStopsTheSessionBeforeTheNextStepSends() throws Exception {
        a.put(gen.entry(1));
        a.deliverRevocations = false;
        a.onEvent = event -> {
            if (event.getTopic().equals(EventTopics.SYNC_PROGRESS)
                    && EventTopics.PHASE_WANT.equals(event.getProperty(EventTopics.PHASE))) {
                revoke(a, b);
            }
        };
        SyncResult result = a.syncWith(b);
        assertEquals(SyncErrors.REVOKED, result.error(), result.toString());
        b.awaitSessionEnd();
        assertEquals(0, b.digest().size(), "the entry the device wanted was never sent");
    }

    private static void revoke(TestNode on, TestNode device) {
        try {
            on.trust.revoke(device.deviceId());
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void theLastAddressOfADeviceIsKept() throws Exception {
        assertTrue(a.syncWith(b).ok());
        assertEquals(b.address().toString(), a.trust.find(b.deviceId()).orElseThrow().lastAddress());
        SyncResult again = a.engine.sync(b.deviceId(), Optional.empty());
        assertTrue(again.ok(), "the kept address is used when none is given: " + again);
    }

    @Test
    void version1IsUsedOnlyWhenBothSidesAllowItForThatDevice() throws Exception {
        a.close();
        b.close();
        a = new TestNode(1, folder, "allowLegacyV1", true);
        b = new TestNode(2, folder);
        a.trustAsV1(b);
        b.trustAsV1(a);
        SyncResult refused = a.syncWith(b);
        assertEquals(SyncErrors.UNSUPPORTED_VERSION, refused.error(), "B does not allow v1: " + refused);

        b.close();
        b = new TestNode(2, folder, "allowLegacyV1", true);
        a.put(gen.entry(3));
        SyncResult v1 = a.syncWith(b);
        assertTrue(v1.ok(), v1.toString());
        assertEquals(1, a.engine.history(Optional.empty(), 1).get(0).protocol());
        assertEquals(a.digest(), b.digest());

        b.trust(a); // B now knows A speaks v2: it no longer accepts v1 from A
        assertEquals(SyncErrors.UNSUPPORTED_VERSION, a.syncWith(b).error());
    }

    @Test
    void oneSessionPerDeviceAtATime() throws Exception {
        for (int i = 0; i < 50; i++) {
            a.put(gen.entry(i));
        }
        Map<String, SyncResult> during = new java.util.concurrent.ConcurrentHashMap<>();
        a.onEvent = event -> {
            if (event.getTopic().equals(EventTopics.SYNC_PROGRESS)
                    && EventTopics.PHASE_MANIFEST.equals(event.getProperty(EventTopics.PHASE))
                    && during.isEmpty()) {
                during.put("a again", a.syncWith(b));
                during.put("b to a", b.syncWith(a));
            }
        };
        assertTrue(a.syncWith(b).ok());
        assertEquals(SyncErrors.BUSY, during.get("a again").error(), "A never starts a second session with B");
        assertEquals(SyncErrors.BUSY, during.get("b to a").error(), "nor does B while one runs with A");
    }
}
