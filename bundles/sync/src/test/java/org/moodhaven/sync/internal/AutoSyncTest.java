package org.moodhaven.sync.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.moodhaven.api.discovery.Peer;
import org.moodhaven.api.event.EventTopics;
import org.moodhaven.api.sync.SyncRecord;
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
    }

    private void autoSync(Object... config) {
        auto = new AutoSync(Configs.of(AutoSync.Config.class, config), a.engine, a.trust);
        InMemoryPeerDirectory peers = new InMemoryPeerDirectory(Set.of(b.deviceId()));
        peers.announced.add(new Peer(b.deviceId(), b.identity.deviceName(), "127.0.0.1", b.engine.port(), List.of(2),
                null, Peer.Source.MDNS, true, Instant.EPOCH));
        auto.bind(a.clock, peers);
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
}
