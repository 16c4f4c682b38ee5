package org.moodhaven.sync.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.moodhaven.api.discovery.Peer;
import org.moodhaven.api.event.EventTopics;
import org.moodhaven.api.sync.SyncAddress;
import org.moodhaven.api.sync.SyncRecord;
import org.moodhaven.api.sync.SyncResult;
import org.moodhaven.api.sync.SyncService;
import org.moodhaven.testing.Configs;
import org.moodhaven.testing.EntryGenerator;
import org.moodhaven.testing.discovery.InMemoryPeerDirectory;
import org.osgi.service.event.Event;

/**
 * Automatic syncs (PROTOCOL.md section 8) between two real sync engines on 127.0.0.1:
 * A's {@link AutoSync} decides, B's events show what arrived. A's discovery is a
 * directory in memory that has seen B.
 */
class AutoSyncTest {

    @TempDir
    Path folder;

    private TestNode a;
    private TestNode b;
    /** A third node, paired with B only, for the relay tests. */
    private TestNode c;
    private AutoSync auto;
    private final EntryGenerator gen = EntryGenerator.standard();

    @BeforeEach
    void start() throws Exception {
        a = new TestNode(1, folder);
        b = new TestNode(2, folder);
        a.trustEachOther(b);
    }

    @AfterEach
    void stop() throws Exception {
        if (auto != null) {
            auto.deactivate();
        }
        a.close();
        b.close();
        if (c != null) {
            c.close();
        }
    }

    private void autoSync(Object... config) {
        auto = new AutoSync(Configs.of(AutoSync.Config.class, config), a.engine, a.trust);
        InMemoryPeerDirectory peers = new InMemoryPeerDirectory(Set.of(b.deviceId()));
        peers.announced.add(new Peer(b.deviceId(), b.identity.deviceName(), "127.0.0.1", b.engine.port(), List.of(2),
                null, Peer.Source.MDNS, true, Instant.EPOCH));
        auto.bind(a.clock, peers);
    }

    private static Peer announced(TestNode node) {
        return new Peer(node.deviceId(), node.identity.deviceName(), "127.0.0.1", node.engine.port(), List.of(2),
                null, Peer.Source.MDNS, true, Instant.EPOCH);
    }

    /**
     * A mesh A–B–C where A and C are not paired, and B syncs by itself (every event B posts
     * reaches its AutoSync, as Event Admin would deliver it); A and C only sync when told.
     */
    private void meshWithAutoSyncOnB(SyncService bSync) throws Exception {
        c = new TestNode(3, folder);
        b.trustEachOther(c);
        auto = new AutoSync(Configs.of(AutoSync.Config.class, "afterChangeMillis", 50L, "intervalMillis", 0L), bSync,
                b.trust);
        InMemoryPeerDirectory peers = new InMemoryPeerDirectory(Set.of(a.deviceId(), c.deviceId()));
        peers.announced.add(announced(a));
        peers.announced.add(announced(c));
        auto.bind(b.clock, peers);
        b.onEvent = auto::handleEvent;
    }

    private static long incomingSyncs(TestNode node, TestNode from) {
        return node.engine.history(Optional.of(from.deviceId()), 100).stream()
                .filter(record -> record.direction().equals(SyncRecord.INCOMING)).count();
    }

    /** Waits until a node's sessions have brought it an entry (its completion is posted after its history). */
    private static void awaitSyncBringing(TestNode node, String entryId) throws Exception {
        while (true) {
            node.await(EventTopics.SYNC_COMPLETED);
            if (node.digest().containsKey(entryId)) {
                return;
            }
        }
    }

    private static Event event(String topic, Map<String, Object> properties) {
        return new Event(topic, properties);
    }

    private Event discovered(TestNode node, boolean trusted) {
        return event(EventTopics.PEER_DISCOVERED, Map.of(EventTopics.DEVICE_ID, node.deviceId(),
                EventTopics.TRUSTED, trusted));
    }

    private long incomingSyncs() {
        return b.engine.history(Optional.of(a.deviceId()), 100).stream()
                .filter(record -> record.direction().equals(SyncRecord.INCOMING)).count();
    }

    @Test
    void aLocalChangeIsSyncedAFewMomentsLaterWithEveryReachableTrustedDevice() throws Exception {
        autoSync("afterChangeMillis", 50L, "intervalMillis", 0L);
        a.put(gen.entry(1));
        auto.handleEvent(event(EventTopics.ENTRIES_CHANGED_LOCALLY, Map.of(EventTopics.COUNT, 1)));
        a.put(gen.entry(2));
        auto.handleEvent(event(EventTopics.ENTRIES_CHANGED_LOCALLY, Map.of(EventTopics.COUNT, 1)));

        b.await(EventTopics.SYNC_COMPLETED);

        assertEquals(a.digest(), b.digest());
        assertEquals(2, b.digest().size());
        assertEquals(1, incomingSyncs(), "two changes close together make one sync");
    }

    /**
     * Without discovery (multicast blocked, {@code --no-mdns}) a trusted device is reached at
     * its trust entry's {@code lastAddress}, which pairing records: a local change on A
     * reaches B by itself, and so does the interval.
     */
    @Test
    void withoutDiscoveryADeviceIsSyncedWithAtItsLastAddress() throws Exception {
        a.trust.trust(a.trust.find(b.deviceId()).orElseThrow().withLastAddress(b.address().toString()));
        auto = new AutoSync(Configs.of(AutoSync.Config.class, "afterChangeMillis", 50L, "intervalMillis", 0L),
                a.engine, a.trust);
        auto.bind(a.clock, null);
        a.put(gen.entry(1));
        auto.handleEvent(event(EventTopics.ENTRIES_CHANGED_LOCALLY, Map.of(EventTopics.COUNT, 1)));

        b.await(EventTopics.SYNC_COMPLETED);
        assertEquals(a.digest(), b.digest());
        assertEquals(1, b.digest().size());
    }

    /**
     * A writer faster than the delay (a change every 50 ms, the delay 300 ms) is synced
     * while it goes on writing, the delay after its first change: a change does not
     * postpone the sync that an earlier one is waiting for.
     */
    @Test
    void aSteadyWriterIsSyncedTheDelayAfterItsFirstChangeNotWhenItPauses() throws Exception {
        autoSync("afterChangeMillis", 300L, "intervalMillis", 0L);
        AtomicInteger written = new AtomicInteger();
        ScheduledExecutorService writer = Executors.newSingleThreadScheduledExecutor();
        writer.scheduleAtFixedRate(() -> {
            if (written.get() == 100) {
                throw new CancellationException("written for 5 s: enough");
            }
            try {
                a.put(gen.entry(100 + written.getAndIncrement()));
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
            auto.handleEvent(event(EventTopics.ENTRIES_CHANGED_LOCALLY, Map.of(EventTopics.COUNT, 1)));
        }, 0, 50, TimeUnit.MILLISECONDS);
        try {
            b.await(EventTopics.SYNC_COMPLETED);
            int writtenWhenSynced = written.get();
            assertTrue(writtenWhenSynced < 100, "B received a sync while A still wrote (after " + writtenWhenSynced
                    + " of 100 changes), not only once A paused");
        } finally {
            writer.shutdownNow();
        }
    }

    @Test
    void aDiscoveredTrustedDeviceIsSyncedUnlessTheLastSyncIsRecent() throws Exception {
        autoSync("intervalMillis", 0L);
        a.put(gen.entry(1));

        auto.handleEvent(discovered(b, true));
        b.await(EventTopics.SYNC_COMPLETED);
        assertEquals(1, incomingSyncs());

        // Within 30 s of that sync: nothing. Then, 30 s later: a sync. (Syncs run in order on
        // one thread, so the second completion proves the first discovery was skipped.)
        a.put(gen.entry(2));
        auto.handleEvent(discovered(b, true));
        a.clock.advance(Duration.ofSeconds(31));
        b.clock.advance(Duration.ofSeconds(31));
        auto.handleEvent(discovered(b, true));
        b.await(EventTopics.SYNC_COMPLETED);

        assertEquals(2, incomingSyncs());
        assertEquals(a.digest(), b.digest());
    }

    @Test
    void anUntrustedDiscoveryStartsNothing() throws Exception {
        autoSync("intervalMillis", 0L);
        a.put(gen.entry(1));

        auto.handleEvent(discovered(b, false));
        auto.handleEvent(event(EventTopics.PEER_DISCOVERED, Map.of(EventTopics.DEVICE_ID, "0123456789abcdef",
                EventTopics.TRUSTED, true))); // claims trust, but is not in the trust list
        auto.handleEvent(discovered(b, true));
        b.await(EventTopics.SYNC_COMPLETED);

        assertEquals(1, incomingSyncs(), "only the trusted, known device was synced with");
    }

    @Test
    void everyIntervalEachTrustedDeviceIsSyncedWithoutAnyEvent() throws Exception {
        autoSync("intervalMillis", 100L);
        a.put(gen.entry(1));

        b.await(EventTopics.SYNC_COMPLETED);
        a.put(gen.entry(2));
        b.await(EventTopics.SYNC_COMPLETED);

        b.await(EventTopics.SYNC_COMPLETED);
        assertEquals(a.digest(), b.digest());
    }

    @Test
    void turnedOffItNeverSyncsByItself() throws Exception {
        autoSync("enabled", false, "intervalMillis", 50L, "afterChangeMillis", 10L);
        a.put(gen.entry(1));
        auto.handleEvent(discovered(b, true));
        auto.handleEvent(event(EventTopics.ENTRIES_CHANGED_LOCALLY, Map.of(EventTopics.COUNT, 1)));

        // A sync on demand still works, and it is the only one.
        a.syncWith(b);
        b.await(EventTopics.SYNC_COMPLETED);
        assertEquals(1, incomingSyncs());
    }

    @Test
    void entriesReceivedFromOneDeviceArePassedOnToTheOthersButNotBackToTheSender() throws Exception {
        meshWithAutoSyncOnB(b.engine);
        a.put(gen.entry(1));

        assertTrue(a.syncWith(b).ok());
        a.await(EventTopics.SYNC_COMPLETED); // A's own, outgoing

        awaitSyncBringing(c, gen.id(1));
        assertEquals(a.digest(), c.digest(), "A's entry reached C through B, with no sync asked of B");

        // Had B passed A's entry back to A too, it would have done so in that same run, before
        // this later change: so when the change reaches A, A has seen every sync B started.
        b.put(gen.entry(2));
        auto.handleEvent(event(EventTopics.ENTRIES_CHANGED_LOCALLY, Map.of(EventTopics.COUNT, 1)));
        awaitSyncBringing(a, gen.id(2));
        assertEquals(1, incomingSyncs(a, b), "B synced with A for its own change only, never to echo A's entry");
        assertEquals(1, incomingSyncs(c, b));
    }

    @Test
    void aDeviceBusyWhenEntriesArePassedOnIsSyncedWithOnceItsSessionEnds() throws Exception {
        CountDownLatch relayFoundCBusy = new CountDownLatch(1);
        SyncService watched = new SyncService() {
            @Override
            public int port() {
                return b.engine.port();
            }

            @Override
            public SyncResult sync(String deviceId, Optional<SyncAddress> address) {
                return b.engine.sync(deviceId, address);
            }

            @Override
            public boolean isSyncing(String deviceId) {
                boolean running = b.engine.isSyncing(deviceId);
                if (running && deviceId.equals(c.deviceId())) {
                    relayFoundCBusy.countDown();
                }
                return running;
            }

            @Override
            public List<SyncRecord> history(Optional<String> deviceId, int limit) {
                return b.engine.history(deviceId, limit);
            }
        };
        meshWithAutoSyncOnB(watched);
        // C syncs with B and is held once B's manifest is behind it, before A's entry reaches B.
        CountDownLatch held = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        c.onEvent = event -> {
            if (event.getTopic().equals(EventTopics.SYNC_PROGRESS)
                    && EventTopics.PHASE_ENTRIES.equals(event.getProperty(EventTopics.PHASE))) {
                held.countDown();
                try {
                    release.await(30, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        };
        AtomicReference<SyncResult> cOwnSync = new AtomicReference<>();
        Thread cSyncs = new Thread(() -> cOwnSync.set(c.syncWith(b)), "c-syncs-with-b");
        cSyncs.start();
        try {
            assertTrue(held.await(30, TimeUnit.SECONDS), "C's sync reached its entries step");
            a.put(gen.entry(1));
            assertTrue(a.syncWith(b).ok());
            assertTrue(relayFoundCBusy.await(30, TimeUnit.SECONDS), "B tried to pass A's entry on to C");
        } finally {
            release.countDown();
            cSyncs.join(30_000);
        }
        assertTrue(cOwnSync.get().ok(), String.valueOf(cOwnSync.get()));
        assertEquals(0, cOwnSync.get().received(), "C's own session read B's manifest before A's entry came");

        awaitSyncBringing(c, gen.id(1));
        assertEquals(a.digest(), c.digest());
    }
}
