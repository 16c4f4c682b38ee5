package org.moodhaven.tools.soak;

import java.io.IOException;
import java.net.http.HttpTimeoutException;
import java.time.Instant;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.moodhaven.api.entry.CanonicalJson;
import org.moodhaven.api.entry.Entry;
import org.moodhaven.api.entry.EntryHash;
import org.moodhaven.api.entry.Timestamps;
import org.moodhaven.testing.TestVectors;

/**
 * Writes a new entry on one node every second (or at another pace) through {@code POST /api/entries}, as the
 * web UI does (content encrypted in the writer, PROTOCOL.md 7), and keeps every entry the
 * node acknowledged (200 and the entry as stored) with the entry hash of the stored
 * version. A write the node refused or did not answer is not acknowledged: it is counted
 * by its status, never expected on any node.
 */
final class EntryWriter implements AutoCloseable {

    private final SoakNode node;
    private final ContentSealer sealer;
    private final String idPrefix;
    private final SplittableRandom random;
    private final Map<String, String> acknowledged = new ConcurrentHashMap<>();
    /** The acknowledged writes in order, with when the node answered. */
    private final java.util.concurrent.ConcurrentLinkedQueue<Ack> acks = new java.util.concurrent.ConcurrentLinkedQueue<>();
    private final Map<String, Integer> refusals = new TreeMap<>();
    private final AtomicLong attempts = new AtomicLong();
    private final AtomicLong skippedTicks = new AtomicLong();
    private final Thread thread;
    private final long periodNanos;
    private volatile boolean running = true;

    /**
     * @param node     where to write
     * @param password the journal password the content is encrypted with
     * @param runId    makes the ids of this run unique
     * @param seed     the seed of the entries' text and moods
     * @param interval the pace: one write each interval
     */
    EntryWriter(SoakNode node, char[] password, String runId, long seed, java.time.Duration interval) {
        this.node = node;
        this.periodNanos = interval.toNanos();
        this.sealer = ContentSealer.withNewSalt(password);
        this.idPrefix = "soak-" + runId + "-" + node.name + "-";
        this.random = new SplittableRandom(seed);
        this.thread = new Thread(this::run, "soak-writer-" + node.name);
        thread.setDaemon(true);
    }

    void start() {
        thread.start();
    }

    private void run() {
        long next = System.nanoTime();
        long index = 0;
        while (running) {
            write(index++);
            next += periodNanos;
            long now = System.nanoTime();
            if (now - next > periodNanos) {
                // A slow answer (the store restarting) is not made up for with a burst.
                skippedTicks.addAndGet((now - next) / periodNanos);
                next = now;
            }
            try {
                TimeUnit.NANOSECONDS.sleep(Math.max(0, next - System.nanoTime())); // the writer's pace
            } catch (InterruptedException stop) {
                return;
            }
        }
    }

    private void write(long index) {
        String id = idPrefix + index;
        String now = Timestamps.format(Instant.now());
        String text = "Soak entry " + index + " written on " + node.name + " at " + now + ". "
                + "x".repeat(200 + random.nextInt(800));
        Entry entry = new Entry(id, now, now, sealer.seal(id, text), 1 + random.nextInt(5), Entry.PRIVACY_NORMAL, null,
                random.nextInt(20) == 0);
        attempts.incrementAndGet();
        try {
            SoakApi.Answer answer = node.api.post("/api/entries", CanonicalJson.of(entry));
            if (answer.ok()) {
                Entry stored = TestVectors.entry(answer.body());
                acknowledged.put(stored.id(), EntryHash.of(stored));
                acks.add(new Ack(stored.id(), Instant.now()));
            } else {
                refused(answer.status() + " " + answer.body().path("error").asText(""));
            }
        } catch (HttpTimeoutException e) {
            refused("no answer within 30 s");
        } catch (IOException e) {
            refused("connection failed (" + e.getClass().getSimpleName() + ")");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            running = false;
        } catch (RuntimeException e) {
            refused("answer not an entry (" + e + ")");
        }
    }

    private void refused(String why) {
        synchronized (refusals) {
            refusals.merge(why, 1, Integer::sum);
        }
    }

    /**
     * An acknowledged write.
     *
     * @param id      the entry's id
     * @param ackedAt when the node's answer came (the entry's {@code created_at} is a moment before)
     */
    record Ack(String id, Instant ackedAt) {
    }

    /** @return the acknowledged writes answered after {@code since}, oldest first */
    java.util.List<Ack> acksSince(Instant since) {
        return acks.stream().filter(ack -> ack.ackedAt().isAfter(since)).toList();
    }

    /** @return the acknowledged entries so far: id to entry hash */
    Map<String, String> acknowledged() {
        return Map.copyOf(acknowledged);
    }

    long attempts() {
        return attempts.get();
    }

    /** @return refused or unanswered writes, by what the node answered */
    Map<String, Integer> refusals() {
        synchronized (refusals) {
            return new TreeMap<>(refusals);
        }
    }

    int refusedCount() {
        return refusals().values().stream().mapToInt(Integer::intValue).sum();
    }

    long skippedTicks() {
        return skippedTicks.get();
    }

    String nodeName() {
        return node.name;
    }

    /** Stops after the write under way, and waits for it. */
    @Override
    public void close() throws InterruptedException {
        running = false;
        thread.interrupt();
        thread.join(TimeUnit.SECONDS.toMillis(40));
    }
}
