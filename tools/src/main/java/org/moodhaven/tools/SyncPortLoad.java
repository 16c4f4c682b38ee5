package org.moodhaven.tools;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Hostile load on a node's sync port, bounded in count: connections held open
 * without a word, a flood of connects, clients that trickle a HELLO a byte at a
 * time, and HELLOs of strangers at the 4 KiB cap. Each load runs on its own
 * threads from the moment it is made until its count is spent or it is closed,
 * and tallies what the node did with every connection. A load may come from a
 * chosen local address ({@link Route#from}), e.g. 127.0.0.2 as a stranger beside a
 * trusted peer at 127.0.0.1.
 */
public final class SyncPortLoad implements AutoCloseable {

    /**
     * Where a load's connections go and where they come from.
     *
     * @param localAddress the local address to connect from, or null for the system's choice
     * @param host         the node's address
     * @param port         its sync port
     */
    public record Route(String localAddress, String host, int port) {

        /** @return a route to the node from whatever local address the system picks */
        public static Route to(String host, int port) {
            return new Route(null, host, port);
        }

        /** @return this route, connecting from {@code address} (on Linux any 127.x.y.z reaches 127.0.0.1) */
        public Route from(String address) {
            return new Route(address, host, port);
        }

        @Override
        public String toString() {
            return (localAddress == null ? "" : "from " + localAddress + " ") + "to " + host + ":" + port;
        }
    }

    /** How long a connection waits for the node's move before calling it a timeout. */
    public static final Duration PATIENCE = Duration.ofSeconds(20);
    /** A node's answer within this time counts as "at once". */
    private static final long AT_ONCE_MILLIS = 1_000;

    /**
     * What the node did with a load's connections.
     *
     * @param load          which load
     * @param connections   connections made
     * @param outcomes      how many ended each way, e.g. "REJECT not_trusted", "closed at once"
     * @param longestMillis the longest a connection lived, from connect to its end
     * @param seconds       how long the load ran
     */
    public record Report(String load, int connections, Map<String, Integer> outcomes, long longestMillis,
                         double seconds) {

        /** @return how many connections ended in the given way */
        public int count(String outcome) {
            return outcomes.getOrDefault(outcome, 0);
        }

        @Override
        public String toString() {
            return String.format("%s: %d connections in %.1f s, %s, the longest lived %d ms", load, connections,
                    seconds, outcomes, longestMillis);
        }
    }

    private final String name;
    private final Route route;
    private final List<Thread> workers = new ArrayList<>();
    private final ConcurrentLinkedQueue<ProbeConnection> open = new ConcurrentLinkedQueue<>();
    private final Map<String, Integer> outcomes = new TreeMap<>();
    private final AtomicInteger connections = new AtomicInteger();
    private final CountDownLatch stop = new CountDownLatch(1);
    private final long started = System.nanoTime();
    private long longestMillis;
    private volatile long finished;

    private SyncPortLoad(String name, Route route) {
        this.name = route.localAddress() == null ? name : name + " from " + route.localAddress();
        this.route = route;
    }

    /**
     * Opens {@code count} connections at once and holds each open, silent, until the node
     * closes it (or the load is closed).
     */
    public static SyncPortLoad heldConnections(Route route, int count) {
        SyncPortLoad load = new SyncPortLoad(count + " connections held silent", route);
        for (int i = 0; i < count; i++) {
            load.worker(1, load::holdOne);
        }
        return load.begin();
    }

    /** Connects {@code total} times from {@code threads} threads, closing each connection at once. */
    public static SyncPortLoad connectFlood(Route route, int total, int threads) {
        SyncPortLoad load = new SyncPortLoad("a flood of " + total + " connects", route);
        AtomicInteger left = new AtomicInteger(total);
        for (int i = 0; i < threads; i++) {
            load.worker(left, load::connectAndLeave);
        }
        return load.begin();
    }

    /**
     * {@code count} clients each send a valid HELLO one byte at a time, a byte every
     * {@code interval}, until the node closes them.
     */
    public static SyncPortLoad slowClients(Route route, int count, Duration interval) {
        SyncPortLoad load = new SyncPortLoad(count + " clients trickling a HELLO", route);
        for (int i = 0; i < count; i++) {
            load.worker(1, (connected, connection) -> load.trickle(connected, connection, interval));
        }
        return load.begin();
    }

    /** Sends {@code total} HELLOs of unknown devices, each exactly at the 4 KiB cap, from {@code threads} threads. */
    public static SyncPortLoad capHellos(Route route, int total, int threads) {
        SyncPortLoad load = new SyncPortLoad(total + " stranger HELLOs at the 4 KiB cap", route);
        AtomicInteger left = new AtomicInteger(total);
        for (int i = 0; i < threads; i++) {
            load.worker(left, load::capHello);
        }
        return load.begin();
    }

    /** One connection's work, answering how it ended. */
    private interface Attempt {
        String run(long connected, ProbeConnection connection) throws IOException;
    }

    private void worker(int count, Attempt attempt) {
        worker(new AtomicInteger(count), attempt);
    }

    private void worker(AtomicInteger left, Attempt attempt) {
        Thread thread = new Thread(() -> {
            while (stop.getCount() > 0 && left.getAndDecrement() > 0) {
                attemptOnce(attempt);
            }
        }, "sync-port-load-" + workers.size());
        thread.setDaemon(true);
        workers.add(thread);
    }

    private SyncPortLoad begin() {
        workers.forEach(Thread::start);
        Thread watcher = new Thread(() -> {
            for (Thread worker : workers) {
                try {
                    worker.join();
                } catch (InterruptedException e) {
                    return;
                }
            }
            finished = System.nanoTime();
        }, "sync-port-load-end");
        watcher.setDaemon(true);
        watcher.start();
        return this;
    }

    private void attemptOnce(Attempt attempt) {
        long connected = System.nanoTime();
        String outcome;
        ProbeConnection connection = null;
        try {
            connection = ProbeConnection.open(route.localAddress(), route.host(), route.port(), PATIENCE);
            connections.incrementAndGet();
            open.add(connection);
            outcome = attempt.run(connected, connection);
        } catch (IOException e) {
            outcome = "could not connect (" + e.getClass().getSimpleName() + ")";
        } finally {
            if (connection != null) {
                open.remove(connection);
                connection.close();
            }
        }
        long lived = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - connected);
        synchronized (outcomes) {
            outcomes.merge(stop.getCount() == 0 ? "ended by the load" : outcome, 1, Integer::sum);
            longestMillis = Math.max(longestMillis, lived);
        }
    }

    private String holdOne(long connected, ProbeConnection connection) {
        return timed(connected, connection.awaitClose(PATIENCE));
    }

    private String connectAndLeave(long connected, ProbeConnection connection) {
        return "connected and left";
    }

    private String trickle(long connected, ProbeConnection connection, Duration interval) {
        byte[] frame = ProbeConnection.frame(ProbeConnection.hello(ProbeConnection.strangerId(), "2"));
        for (byte b : frame) {
            try {
                connection.sendRaw(new byte[] {b});
            } catch (IOException closed) {
                return timed(connected, new ProbeConnection.Answer(ProbeConnection.Kind.CLOSED, "", "", 0));
            }
            ProbeConnection.Answer answer = connection.awaitClose(interval);
            if (answer.kind() != ProbeConnection.Kind.TIMEOUT || stop.getCount() == 0) {
                return timed(connected, answer);
            }
        }
        return timed(connected, connection.await(PATIENCE));
    }

    private String capHello(long connected, ProbeConnection connection) throws IOException {
        connection.sendFrame(ProbeConnection.paddedHello(ProbeConnection.strangerId(), ProbeConnection.HANDSHAKE_CAP));
        ProbeConnection.Answer answer = connection.await(PATIENCE);
        return answer.kind() == ProbeConnection.Kind.REJECT ? "REJECT " + answer.detail() : timed(connected, answer);
    }

    /** "closed at once" or "closed later", from connect to the node's move. */
    private static String timed(long connected, ProbeConnection.Answer answer) {
        long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - connected);
        String what = switch (answer.kind()) {
            case CLOSED -> "closed";
            case REJECT -> "REJECT " + answer.detail();
            case TIMEOUT -> "still open";
            default -> answer.kind().name().toLowerCase(java.util.Locale.ROOT);
        };
        return what + (millis < AT_ONCE_MILLIS ? " at once" : " later");
    }

    /**
     * Waits until every connection of the load has ended.
     *
     * @return whether it had within the timeout
     */
    public boolean awaitEnd(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        for (Thread worker : workers) {
            long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
            if (left <= 0) {
                return false;
            }
            worker.join(left);
            if (worker.isAlive()) {
                return false;
            }
        }
        return true;
    }

    /** @return whether connections of the load are still being made or awaited */
    public boolean isRunning() {
        return workers.stream().anyMatch(Thread::isAlive);
    }

    /** @return what the node did so far */
    public Report report() {
        long end = finished == 0 ? System.nanoTime() : finished;
        synchronized (outcomes) {
            return new Report(name, connections.get(), Collections.unmodifiableMap(new TreeMap<>(outcomes)), longestMillis,
                    (end - started) / 1e9);
        }
    }

    /** Stops making connections and closes those still open. */
    @Override
    public void close() {
        stop.countDown();
        open.forEach(ProbeConnection::close);
        try {
            for (Thread worker : workers) {
                worker.join(TimeUnit.SECONDS.toMillis(5));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
