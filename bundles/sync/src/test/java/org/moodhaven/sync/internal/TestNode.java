package org.moodhaven.sync.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

import org.moodhaven.api.crypto.CryptoProvider;
import org.moodhaven.api.entry.Entry;
import org.moodhaven.api.identity.TrustedDevice;
import org.moodhaven.api.store.JournalStore;
import org.moodhaven.api.store.ManifestItem;
import org.moodhaven.api.store.StoreException;
import org.moodhaven.api.sync.SyncAddress;
import org.moodhaven.api.sync.SyncResult;
import org.moodhaven.crypto.jdk.internal.JdkCryptoProvider;
import org.moodhaven.identity.internal.FileTrustStore;
import org.moodhaven.store.memory.internal.MemoryJournalStore;
import org.moodhaven.testing.Configs;
import org.moodhaven.testing.ManualClock;
import org.moodhaven.testing.SeedIdentity;
import org.moodhaven.testing.TestNodeSettings;
import org.osgi.service.event.Event;
import org.osgi.service.event.EventAdmin;

/**
 * A node as far as sync needs one, in this JVM: a real identity (from a seed), the
 * real file trust store, the memory store, the JDK crypto provider, a manual clock,
 * and a real {@link SyncEngine} listening on 127.0.0.1.
 */
final class TestNode implements AutoCloseable {

    static final Instant NOW = Instant.parse("2026-11-25T12:00:00Z");

    final Path data;
    final SeedIdentity identity;
    final CryptoProvider crypto = new JdkCryptoProvider(Configs.of(JdkCryptoProvider.Config.class));
    final ManualClock clock = new ManualClock(NOW);
    final FileTrustStore trust;
    final MemoryJournalStore store;
    final SyncEngine engine;
    /** Every event the node posted, in order. */
    final List<Event> events = new CopyOnWriteArrayList<>();
    /** Whether revocations reach the engine's event handler (Event Admin delivers them a moment later). */
    volatile boolean deliverRevocations = true;
    /** The events not yet taken by {@link #await}. */
    private final java.util.concurrent.BlockingQueue<Event> pending = new java.util.concurrent.LinkedBlockingQueue<>();
    /** Runs on the posting thread for each event, e.g. to act at a chosen phase. */
    volatile Consumer<Event> onEvent = event -> { };

    /**
     * @param n      which test device
     * @param folder where its data folder goes
     * @param config configuration of its sync engine, as name-value pairs
     */
    TestNode(int n, Path folder, Object... config) throws IOException {
        this.data = Files.createDirectories(folder.resolve("node-" + n));
        this.identity = SeedIdentity.numbered(n, "Node " + n, crypto);
        this.trust = new FileTrustStore(new TestNodeSettings(data), identity);
        this.store = new MemoryJournalStore(Configs.of(MemoryJournalStore.Config.class));
        store.setClock(clock);
        List<Object> values = new ArrayList<>(List.of("port", 0, "bindAddress", "127.0.0.1"));
        values.addAll(List.of(config));
        this.engine = new SyncEngine(Configs.of(SyncEngine.Config.class, values.toArray()), identity, trust,
                new TestNodeSettings(data));
        engine.bind(store, crypto, clock);
        EventAdmin admin = new EventAdmin() {
            @Override
            public void postEvent(Event event) {
                deliver(event);
            }

            @Override
            public void sendEvent(Event event) {
                deliver(event);
            }
        };
        engine.setEvents(admin);
        trust.setEvents(admin);
    }

    private void deliver(Event event) {
        events.add(event);
        pending.add(event);
        if (event.getTopic().equals(org.moodhaven.api.event.EventTopics.TRUST_REVOKED) && deliverRevocations) {
            engine.handleEvent(event);
        }
        onEvent.accept(event);
    }

    /**
     * Waits for the next event on a topic (the server side finishes a session after
     * the client has its answer, so tests wait for its event before looking).
     */
    Event await(String topic) throws InterruptedException {
        while (true) {
            Event event = pending.poll(30, java.util.concurrent.TimeUnit.SECONDS);
            if (event == null) {
                throw new AssertionError("no " + topic + " event within 30 s; events so far: " + events);
            }
            if (event.getTopic().equals(topic)) {
                return event;
            }
        }
    }

    /** Waits until the server side of the last session has ended, completed or failed. */
    Event awaitSessionEnd() throws InterruptedException {
        while (true) {
            Event event = pending.poll(30, java.util.concurrent.TimeUnit.SECONDS);
            if (event == null) {
                throw new AssertionError("no session end within 30 s; events so far: " + events);
            }
            String topic = event.getTopic();
            if (topic.equals(org.moodhaven.api.event.EventTopics.SYNC_COMPLETED)
                    || topic.equals(org.moodhaven.api.event.EventTopics.SYNC_FAILED)) {
                return event;
            }
        }
    }

    /**
     * Waits until the engine holds exactly {@code count} connections, e.g. until
     * connections it closed have also released their slots (a peer sees the close
     * a moment before the engine forgets the connection, and no event marks it).
     */
    void awaitConnections(int count) {
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(10);
        while (engine.connectionCount() != count) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the engine still holds " + engine.connectionCount()
                        + " connections after 10 s, not " + count);
            }
            java.util.concurrent.locks.LockSupport.parkNanos(1_000_000);
        }
    }

    /** Waits until exactly {@code count} connections are in their handshake. */
    void awaitHandshakes(int count) {
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(10);
        while (engine.handshakeCount() != count) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError(engine.handshakeCount() + " connections are in their handshake after 10 s, "
                        + "not " + count);
            }
            java.util.concurrent.locks.LockSupport.parkNanos(1_000_000);
        }
    }

    /** Trusts another node (as pairing would). */
    void trust(TestNode other) throws Exception {
        trust.trust(new TrustedDevice(other.identity.deviceId(), other.identity.deviceName(),
                other.identity.publicKeyBase64(), NOW, null, null));
    }

    /** Pairs with another node: each trusts the other. */
    void trustEachOther(TestNode other) throws Exception {
        trust(other);
        other.trust(this);
    }

    /** Trusts another node as a device that speaks only protocol version 1. */
    void trustAsV1(TestNode other) throws Exception {
        trust.trust(new TrustedDevice(other.identity.deviceId(), other.identity.deviceName(),
                other.identity.publicKeyBase64(), NOW, 1, null));
    }

    SyncAddress address() {
        return new SyncAddress("127.0.0.1", engine.port());
    }

    SyncResult syncWith(TestNode other) {
        return engine.sync(other.identity.deviceId(), Optional.of(other.address()));
    }

    String deviceId() {
        return identity.deviceId();
    }

    /** Every entry's id and hash: equal digests mean equal journals. */
    Map<String, String> digest() throws StoreException {
        Map<String, String> digest = new TreeMap<>();
        long after = 0;
        while (true) {
            List<ManifestItem> page = store.changesAfter(after, JournalStore.MAX_PAGE);
            if (page.isEmpty()) {
                return digest;
            }
            for (ManifestItem item : page) {
                digest.put(item.id(), item.hash());
                after = item.seq();
            }
        }
    }

    void put(Entry... entries) throws StoreException {
        store.merge(List.of(entries));
    }

    @Override
    public void close() throws Exception {
        engine.deactivate();
        trust.deactivate();
    }
}
