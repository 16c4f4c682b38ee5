package org.moodhaven.itests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

import com.fasterxml.jackson.databind.JsonNode;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.moodhaven.testing.EntryGenerator;
import org.moodhaven.tools.Await;
import org.moodhaven.tools.GcLog;
import org.moodhaven.tools.ProcessStatus;
import org.moodhaven.tools.SyncPortLoad;
import org.moodhaven.tools.TwoNodes;

/**
 * Load on a real node's sync port (issue 7), on loopback only and bounded in count
 * and time: 50 connections held open, a flood of 1,000 connects, slow clients
 * trickling a HELLO, 2,000 HELLOs of strangers at the 4 KiB cap. The load comes
 * from 127.0.0.2, a stranger; during each, a trusted peer at 127.0.0.1 syncs with
 * the node through its JSON API at the first attempt and its entries arrive; the
 * node's live threads (from {@code /proc/<pid>/status}, sampled all along) stay
 * under 100 and its heap, from its GC log, within its -Xmx256m.
 * <p>
 * PROTOCOL.md 6.1 gives 16 handshake slots for everyone; the node keeps at most 4 of
 * them for one source address, so the stranger's silent connections beyond 4 are
 * closed at once and the peer's handshake finds a slot (docs/reliability.md, "Load").
 */
class LoadIT {

    private static final String HOST = "127.0.0.1";
    /** Where the load comes from: another address than the peer's 127.0.0.1 (Linux routes 127/8 to lo). */
    private static final String STRANGER = "127.0.0.2";
    /** The node's default limit of connections in their handshake from one address. */
    private static final int HANDSHAKES_PER_ADDRESS = 4;
    private static final int HELD = 50;
    private static final int ENTRIES_PER_PHASE = 50;
    private static final int MAX_THREADS = 100;
    private static final double HEAP_MIB = 256;
    /** The node's handshake limit and its watchdog's tick, with room for a loaded machine. */
    private static final Duration HANDSHAKE_LIMIT = Duration.ofMillis(10_000 + 1_500);
    private static final Duration PHASE = Duration.ofSeconds(40);
    private static final Duration WHOLE_RUN = Duration.ofMinutes(2);

    @TempDir
    Path folder;

    private final EntryGenerator generator = new EntryGenerator(11, 1024, Instant.parse("2026-01-01T00:00:00Z"));
    private long nextIndex;

    /** One kind of load, underway once it has made {@code underwayAt} connections. */
    private record Phase(String name, Supplier<SyncPortLoad> start, int underwayAt) {
    }

    /** What happened in one phase. */
    private record Outcome(String phase, SyncPortLoad.Report load, int peakThreads, long syncMillis) {
    }

    @Test
    void aTrustedPeerSyncsDuringEachLoadAndTheNodeStaysWithinItsThreadsAndHeap() throws Exception {
        long started = System.nanoTime();
        TwoNodes.Node node = new TwoNodes.Node(folder, "loaded");
        TwoNodes.Node peer = new TwoNodes.Node(folder, "peer");
        Path gcLog = node.home.resolve("gc.log");
        List<Outcome> outcomes = new ArrayList<>();
        try (node; peer) {
            node.launch(GcLog.option(gcLog));
            peer.launch("").awaitReady();
            node.awaitReady();
            node.trust(peer);
            peer.trust(node);
            long pid = node.process.pid();
            int port = node.syncPort;
            syncFirstTime(peer, node, "the first sync, without load");
            int idleThreads = ProcessStatus.threads(pid);

            SyncPortLoad.Route stranger = SyncPortLoad.Route.to(HOST, port).from(STRANGER);
            List<Phase> phases = List.of(
                    new Phase(HELD + " connections held silent",
                            () -> SyncPortLoad.heldConnections(stranger, HELD), HELD),
                    new Phase("a flood of 1,000 connects",
                            () -> SyncPortLoad.connectFlood(stranger, 1_000, 8), 100),
                    new Phase("12 clients trickling a HELLO, a byte every 500 ms",
                            () -> SyncPortLoad.slowClients(stranger, 12, Duration.ofMillis(500)), 12),
                    // As many threads as the address may have handshakes, so most HELLOs reach the parser.
                    new Phase("2,000 stranger HELLOs at the 4 KiB cap",
                            () -> SyncPortLoad.capHellos(stranger, 2_000, HANDSHAKES_PER_ADDRESS), 100));
            for (Phase phase : phases) {
                outcomes.add(run(phase, node, peer, pid));
            }
            // The stranger kept its share of the handshake slots; its connections beyond were closed at once.
            SyncPortLoad.Report held = outcomes.get(0).load();
            assertEquals(HANDSHAKES_PER_ADDRESS, held.count("closed later"), "the node kept "
                    + HANDSHAKES_PER_ADDRESS + " of the stranger's silent connections until its handshake limit: "
                    + held);
            assertEquals(HELD - HANDSHAKES_PER_ADDRESS, held.count("closed at once"), "the node closed the "
                    + "stranger's silent connections beyond " + HANDSHAKES_PER_ADDRESS + " at once: " + held);

            // After the load: the node answers, and its history holds no sync that hung.
            assertEquals(peer.api.digest(), node.api.digest(), "both journals are equal after the load");
            StringBuilder summary = new StringBuilder("LoadIT: idle " + idleThreads + " threads");
            outcomes.forEach(outcome -> summary.append("\n  ").append(outcome));
            double peakHeap = GcLog.peakHeapMiB(gcLog);
            summary.append("\n  peak heap ").append(peakHeap).append(" MiB (GC log), peak RSS ")
                    .append(Math.round(ProcessStatus.peakRssMiB(pid))).append(" MiB");
            System.out.println(summary);

            for (Outcome outcome : outcomes) {
                assertTrue(outcome.peakThreads() < MAX_THREADS, "the node's live threads stay under " + MAX_THREADS
                        + ": " + outcome);
            }
            assertFalse(Double.isNaN(peakHeap), "the node wrote its GC log");
            assertTrue(peakHeap <= HEAP_MIB, "the heap stays within -Xmx256m: " + summary);
            String log = Files.readString(node.data.resolve("logs").resolve("moodhaven.log"));
            assertFalse(log.contains("OutOfMemoryError") || node.process.transcript().contains("OutOfMemoryError"),
                    "no OutOfMemoryError in the node's log or output");
            assertTrue(node.process.isAlive(), "the node still runs");
        }
        long seconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - started);
        assertTrue(seconds < WHOLE_RUN.toSeconds(), "LoadIT took " + seconds + " s");
    }

    /** Starts the load, syncs from the peer while it runs, then lets the load end. */
    private Outcome run(Phase phase, TwoNodes.Node node, TwoNodes.Node peer, long pid) throws Exception {
        for (int i = 0; i < ENTRIES_PER_PHASE; i++) {
            peer.post(generator.entry(nextIndex++));
        }
        AtomicInteger peakThreads = new AtomicInteger(ProcessStatus.threads(pid));
        ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor();
        sampler.scheduleAtFixedRate(() -> {
            try {
                peakThreads.accumulateAndGet(ProcessStatus.threads(pid), Math::max);
            } catch (IOException gone) {
                // the node ended; the test's checks say so
            }
        }, 0, 20, TimeUnit.MILLISECONDS);
        try (SyncPortLoad load = phase.start().get()) {
            Await.until("the load (" + phase.name() + ") is underway", PHASE,
                    () -> load.report().connections() >= phase.underwayAt());
            long syncStart = System.nanoTime();
            JsonNode result = syncFirstTime(peer, node, "a sync during " + phase.name());
            long syncMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - syncStart);
            assertTrue(load.isRunning(), "the sync completed while the load (" + phase.name() + ") still ran: "
                    + load.report());
            assertEquals(ENTRIES_PER_PHASE, result.get("sent").asInt(), "the peer sent exactly its new entries "
                    + "during " + phase.name() + ": " + result);
            assertEquals(peer.api.digest(), node.api.digest(), "both journals are equal after a sync during "
                    + phase.name());
            assertTrue(load.awaitEnd(PHASE), "the load ended: the node closed or answered every connection: "
                    + load.report());
            SyncPortLoad.Report report = load.report();
            assertTrue(report.longestMillis() <= HANDSHAKE_LIMIT.toMillis(), "no connection of the load outlived "
                    + "the node's handshake limit: " + report);
            assertEquals(0, report.count("still open later") + report.count("still open at once"),
                    "the node left no connection hanging: " + report);
            return new Outcome(phase.name(), report, peakThreads.get(), syncMillis);
        } finally {
            sampler.shutdownNow();
        }
    }

    /**
     * Syncs the peer with the node once, as a person pressing "Sync now" would; it must succeed.
     *
     * @return the answer of the sync
     */
    private static JsonNode syncFirstTime(TwoNodes.Node peer, TwoNodes.Node node, String what) throws Exception {
        JsonNode result = peer.syncWith(node);
        assertTrue(result.get("ok").asBoolean(), what + " succeeds at the first attempt: " + result);
        return result;
    }
}
