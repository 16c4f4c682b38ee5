package org.moodhaven.discovery.mdns.internal;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import org.moodhaven.api.crypto.CryptoProvider;
import org.moodhaven.api.event.EventTopics;
import org.moodhaven.api.sync.SyncAddress;
import org.moodhaven.api.sync.SyncRecord;
import org.moodhaven.api.sync.SyncResult;
import org.moodhaven.api.sync.SyncService;
import org.moodhaven.crypto.jdk.internal.JdkCryptoProvider;
import org.moodhaven.identity.internal.FileTrustStore;
import org.moodhaven.testing.Configs;
import org.moodhaven.testing.ManualClock;
import org.moodhaven.testing.SeedIdentity;
import org.moodhaven.testing.TestNodeSettings;
import org.osgi.service.event.Event;
import org.osgi.service.event.EventAdmin;

/**
 * A node as far as discovery needs one: a real identity, the real file trust store,
 * a sync service that only knows its port, a manual clock, and a real
 * {@link JmdnsPeerDirectory}. Events are delivered asynchronously, like Event Admin
 * does, and the trust and pairing topics reach the directory as they would in a node.
 */
final class TestDirectory implements AutoCloseable {

    static final Instant NOW = Instant.parse("2026-11-25T12:00:00Z");

    final Path data;
    final SeedIdentity identity;
    final FileTrustStore trust;
    final ManualClock clock = new ManualClock(NOW);
    final JmdnsPeerDirectory directory;
    final List<Event> events = new CopyOnWriteArrayList<>();
    private final BlockingQueue<Event> pending = new LinkedBlockingQueue<>();
    private final ExecutorService delivery = Executors.newSingleThreadExecutor();
    private boolean closed;

    /**
     * @param n        which test device (its deviceId and name "Node n" follow from it)
     * @param folder   where its data folder goes
     * @param syncPort the port its sync service says it is bound to
     * @param config   configuration of the directory, as name-value pairs
     */
    TestDirectory(int n, Path folder, int syncPort, Object... config) throws Exception {
        CryptoProvider crypto = new JdkCryptoProvider(Configs.of(JdkCryptoProvider.Config.class));
        this.data = Files.createDirectories(folder.resolve("node-" + n));
        this.identity = SeedIdentity.numbered(n, "Node " + n, crypto);
        this.trust = new FileTrustStore(new TestNodeSettings(data), identity);
        List<Object> values = new ArrayList<>(List.of("interfaces", new String[] {"127.0.0.1"}));
        values.addAll(List.of(config));
        this.directory = new JmdnsPeerDirectory(Configs.of(JmdnsPeerDirectory.Config.class, values.toArray()),
                identity, trust, new PortOnly(syncPort), new TestNodeSettings(data), clock);
        EventAdmin admin = new EventAdmin() {
            @Override
            public void postEvent(Event event) {
                delivery.execute(() -> deliver(event));
            }

            @Override
            public void sendEvent(Event event) {
                deliver(event);
            }
        };
        trust.setEvents(admin);
        directory.setEvents(admin);
    }

    private void deliver(Event event) {
        events.add(event);
        pending.add(event);
        String topic = event.getTopic();
        if (topic.startsWith("moodhaven/trust/") || topic.startsWith("moodhaven/pairing/")) {
            directory.handleEvent(event);
        }
    }

    String deviceId() {
        return identity.deviceId();
    }

    /** Posts an event as another bundle of the node would. */
    void post(String topic, Map<String, ?> properties) {
        delivery.execute(() -> deliver(new Event(topic, properties)));
    }

    /**
     * Waits for the next event on a topic that matches; events before it are passed over.
     *
     * @throws AssertionError if none comes within the time given
     */
    Event await(String topic, Predicate<Event> matching, Duration within) throws InterruptedException {
        long deadline = System.nanoTime() + within.toNanos();
        while (true) {
            long left = deadline - System.nanoTime();
            Event event = left <= 0 ? null : pending.poll(left, TimeUnit.NANOSECONDS);
            if (event == null) {
                throw new AssertionError("no matching " + topic + " within " + within + "; events so far: "
                        + describe());
            }
            if (event.getTopic().equals(topic) && matching.test(event)) {
                return event;
            }
        }
    }

    /**
     * Waits until an event on a topic about a device has been posted, counting those posted
     * already (which {@link #await} passes over while it waits for another one).
     */
    Event awaitEver(String topic, String deviceId, Duration within) throws InterruptedException {
        for (Event event : events) {
            if (event.getTopic().equals(topic) && deviceId.equals(event.getProperty(EventTopics.DEVICE_ID))) {
                return event;
            }
        }
        return await(topic, deviceId, within);
    }

    /** Waits for a discovered or lost event about a device. */
    Event await(String topic, String deviceId, Duration within) throws InterruptedException {
        return await(topic, e -> deviceId.equals(e.getProperty(EventTopics.DEVICE_ID)), within);
    }

    String describe() {
        StringBuilder out = new StringBuilder();
        for (Event event : events) {
            out.append("\n  ").append(event.getTopic()).append(' ');
            for (String name : event.getPropertyNames()) {
                if (!name.equals("event.topics")) {
                    out.append(name).append('=').append(event.getProperty(name)).append(' ');
                }
            }
        }
        return out.toString();
    }

    @Override
    public void close() throws Exception {
        if (closed) {
            return;
        }
        closed = true;
        directory.deactivate();
        trust.deactivate();
        delivery.shutdown();
        delivery.awaitTermination(5, TimeUnit.SECONDS);
    }

    /** A sync service that is only asked for its port. */
    private record PortOnly(int port) implements SyncService {
        @Override
        public SyncResult sync(String deviceId, Optional<SyncAddress> address) {
            throw new UnsupportedOperationException();
        }

        @Override
        public boolean isSyncing(String deviceId) {
            return false;
        }

        @Override
        public List<SyncRecord> history(Optional<String> deviceId, int limit) {
            return List.of();
        }
    }
}
