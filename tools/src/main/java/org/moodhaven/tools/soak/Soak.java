package org.moodhaven.tools.soak;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;

import org.moodhaven.tools.Await;
import org.moodhaven.tools.NodeProcess;

/**
 * The soak of issue 12: three nodes from the distribution in a line, A–B–C (A and B paired,
 * B and C paired, A and C not; auto-sync on), a writer on each writing an entry every second
 * through the API, a stranger on other loopback addresses sending junk, HELLO floods, slow
 * and held connections, a trusted peer of C pushing oversize entries every minute, and on B,
 * through its console, a live update of the Derby store bundle and a crypto provider swap
 * every 5 minutes (the first 90 s in, so a short run has one). Every minute it records each
 * node's RSS, heap after GC, live threads, open descriptors, log bytes and syncs; at the end
 * it checks that every entry the API acknowledged reached every node, that the resources of
 * the last quarter are within {@link Tolerances} of the first, and that the logs stayed
 * under the rotation cap.
 * <pre>
 * java -cp … org.moodhaven.tools.soak.Soak [--minutes 60] [--out benchmarks/results] [--work DIR] [--keep]
 *     [--write-interval-ms 1000]
 * </pre>
 * Exit status 0 when every check passed, 1 otherwise (the failed checks are listed), 2 on bad
 * options. {@code scripts/soak} builds what it needs and runs this.
 */
public final class Soak {

    /** The journal password of the writers' content encryption; never typed into a node. */
    private static final char[] PASSWORD = "soak test password, not secret".toCharArray();
    private static final Duration SETUP = Duration.ofSeconds(90);
    /** Oversize pushes come this far into every minute. */
    static final Duration OVERSIZE_AT = Duration.ofSeconds(20);
    /** The first console update; then every {@link #UPDATE_EVERY}. */
    static final Duration UPDATE_FIRST = Duration.ofSeconds(90);
    static final Duration UPDATE_EVERY = Duration.ofMinutes(5);
    /** How long BouncyCastle stays the provider before the JDK one is started again. */
    static final Duration SWAP_HOLD = Duration.ofSeconds(45);
    /** A pairing offer opened on A (the stranger hits its port), this far after each update... */
    static final Duration PAIRING_AFTER_UPDATE = Duration.ofSeconds(60);
    /** ...and cancelled this long after. */
    static final Duration PAIRING_OPEN = Duration.ofSeconds(20);
    /**
     * How long the end waits for every acknowledged entry to be everywhere: beyond the 5-minute
     * round of PROTOCOL.md 8, which retries a sync that failed.
     */
    static final Duration CONVERGE = Duration.ofMinutes(6);

    /**
     * The soak's options.
     *
     * @param minutes how long the load runs
     * @param out     where the table goes ({@code soak-<minutes>min.md} and {@code .json})
     * @param work    where the nodes' folders go (in a new {@code run-…} folder), or null for a temporary folder
     * @param keep    keep the nodes' folders after a run that passed
     * @param writeInterval the writers' pace (a write a second in the soak of the issue; another pace is
     *                      for finding out how the nodes behave at it)
     */
    public record Options(int minutes, Path out, Path work, boolean keep, Duration writeInterval) {

        /** The soak of the issue: a write a second on each node. */
        public Options(int minutes, Path out, Path work, boolean keep) {
            this(minutes, out, work, keep, Duration.ofSeconds(1));
        }
    }

    /**
     * What a run found.
     *
     * @param failures       the checks that failed, each saying what and where; empty when all passed
     * @param report         the whole report (the table and the checks), as written to the .md file
     * @param storeUpdates   live updates of the Derby store bundle done through the console
     * @param cryptoSwaps    crypto provider swaps (to BouncyCastle and back) done through the console
     * @param oversizePushes oversize pushes by the trusted peer
     * @param acknowledged   writes the API acknowledged, on all nodes
     * @param work           the nodes' folders, when kept
     */
    public record Result(List<String> failures, String report, int storeUpdates, int cryptoSwaps, int oversizePushes,
                         long acknowledged, Path work) {

        public boolean passed() {
            return failures.isEmpty();
        }
    }

    /** Something that happened, at seconds since the load began; {@code brief} is for the table. */
    private record Event(double at, String what, String brief) {
    }

    private final Options options;
    private final PrintStream out;
    private final List<Event> events = new ArrayList<>();
    private final List<ConsoleOperator.Operation> operations = new ArrayList<>();
    private final List<OversizePeer.Push> pushes = new ArrayList<>();
    private final List<String> pairingProblems = new ArrayList<>();
    private final List<Map<String, Sampler.NodeMinute>> minutes = new ArrayList<>();
    private final List<long[]> writesByMinute = new ArrayList<>();
    /** Each node's threads by name at the end of the first quarter, and at the end. */
    private final Map<String, Map<String, Integer>> threadsFirstQuarter = new LinkedHashMap<>();
    private final Map<String, Map<String, Integer>> threadsAtEnd = new LinkedHashMap<>();
    private long loadStarted;

    private Soak(Options options, PrintStream out) {
        this.options = options;
        this.out = out;
    }

    public static void main(String[] args) throws Exception {
        int minutes = 60;
        Path outDir = Path.of("benchmarks", "results");
        Path work = null;
        boolean keep = false;
        Duration writeInterval = Duration.ofSeconds(1);
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--minutes" -> minutes = Integer.parseInt(value(args, ++i));
                case "--out" -> outDir = Path.of(value(args, ++i));
                case "--work" -> work = Path.of(value(args, ++i));
                case "--dist" -> System.setProperty("moodhaven.dist", value(args, ++i));
                case "--keep" -> keep = true;
                case "--write-interval-ms" -> writeInterval = Duration.ofMillis(Long.parseLong(value(args, ++i)));
                default -> usage("unknown option " + args[i]);
            }
        }
        if (minutes < 3) {
            usage("--minutes must be at least 3: a shorter run has no live update (the first comes at 1:30, and the "
                    + "crypto provider swaps back 45 s later)");
        }
        Result result = run(new Options(minutes, outDir, work, keep, writeInterval), System.out);
        System.exit(result.passed() ? 0 : 1);
    }

    private static String value(String[] args, int i) {
        if (i >= args.length) {
            usage(args[i - 1] + " needs a value");
        }
        return args[i];
    }

    private static void usage(String problem) {
        System.err.println(problem);
        System.err.println("usage: Soak [--minutes N (default 60)] [--out DIR (default benchmarks/results)]"
                + " [--work DIR] [--dist DIR] [--keep] [--write-interval-ms MS (default 1000)]");
        System.exit(2);
    }

    /**
     * Runs the soak, printing each minute's row as it goes.
     *
     * @param options the options
     * @param out     where to print
     * @return what it found; the report is also written to {@code options.out()}
     */
    public static Result run(Options options, PrintStream out) throws Exception {
        return new Soak(options, out).run();
    }

    private Result run() throws Exception {
        String runId = Long.toString(System.currentTimeMillis() % 1_000_000_000L, 36);
        // Fresh folders for every run: nodes never start on an earlier run's journals.
        Path work = options.work() != null ? Files.createDirectories(options.work().resolve("run-" + runId))
                : Files.createTempDirectory("moodhaven-soak-");
        LogCap cap = LogCap.of(NodeProcess.DIST);
        out.printf("Soak of %d minutes: three nodes from %s in %s%n", options.minutes(),
                NodeProcess.DIST.toAbsolutePath().normalize(), work);

        SoakNode a = new SoakNode(work, "A");
        SoakNode b = new SoakNode(work, "B");
        SoakNode c = new SoakNode(work, "C");
        List<SoakNode> nodes = List.of(a, b, c);
        OversizePeer oversize = new OversizePeer(runId, OversizePeer.ENTRIES_PER_PUSH);
        List<EntryWriter> writers = new ArrayList<>();
        Stranger stranger = new Stranger(nodes);
        Sampler sampler = new Sampler(nodes);
        ScheduledExecutorService clock = Executors.newSingleThreadScheduledExecutor(daemon("soak-clock"));
        ScheduledExecutorService actions = Executors.newSingleThreadScheduledExecutor(daemon("soak-actions"));
        List<String> failures = new ArrayList<>();
        String report;
        long convergedMillis = -1;
        Map<String, String> acknowledged = new HashMap<>();
        Map<String, Map<String, String>> held = new LinkedHashMap<>();
        try {
            // C trusts the oversize peer from its first start, as if paired with it long ago.
            trustBeforeFirstStart(c, oversize);
            a.launch(false);
            b.launch(true);
            c.launch(false);
            for (SoakNode node : nodes) {
                node.awaitReady();
            }
            knowByAddress(a, b);
            knowByAddress(b, a);
            knowByAddress(b, c);
            knowByAddress(c, b);
            pair(a, b);
            pair(b, c);
            out.printf("A %s, B %s, C %s paired A–B and B–C; C trusts the oversize peer %s%n", a.deviceId, b.deviceId,
                    c.deviceId, oversize.deviceId());
            if (!sampler.canCollect()) {
                out.println("no jcmd in this Java runtime: the heap column cannot show the heap after a full GC");
            }

            long seed = 12;
            for (SoakNode node : nodes) {
                writers.add(new EntryWriter(node, PASSWORD, runId, seed++, options.writeInterval()));
            }
            loadStarted = System.nanoTime();
            writers.forEach(EntryWriter::start);
            stranger.start();
            ConsoleOperator operator = new ConsoleOperator(b);
            long total = TimeUnit.MINUTES.toMillis(options.minutes());
            scheduleActions(actions, operator, oversize, a, c, stranger, total);
            CountDownLatch lastMinute = new CountDownLatch(options.minutes());
            clock.scheduleAtFixedRate(sampler::sampleProc, 5, 5, TimeUnit.SECONDS);
            for (int minute = 1; minute <= options.minutes(); minute++) {
                int number = minute;
                clock.schedule(() -> {
                    closeMinute(number, sampler, writers, cap);
                    lastMinute.countDown();
                }, TimeUnit.MINUTES.toMillis(minute), TimeUnit.MILLISECONDS);
            }
            out.println(header());
            if (!lastMinute.await(options.minutes() + 10L, TimeUnit.MINUTES)) {
                failures.add("the minute samples did not finish in time: the harness is stuck");
            }

            // The end: stop the load, then wait (bounded) for every acknowledged entry to be everywhere.
            for (EntryWriter writer : writers) {
                writer.close();
                acknowledged.putAll(writer.acknowledged());
            }
            actions.shutdownNow();
            actions.awaitTermination(2, TimeUnit.MINUTES);
            stranger.close();
            clock.shutdownNow();
            long stopped = System.nanoTime();
            out.printf("load stopped; waiting for %,d acknowledged entries to be on every node%n", acknowledged.size());
            convergedMillis = awaitEverywhere(nodes, acknowledged, held);
            if (convergedMillis >= 0) {
                out.printf("every acknowledged entry was on every node %.1f s after the load stopped%n",
                        convergedMillis / 1000.0);
            } else {
                out.printf("not every acknowledged entry reached every node within %d s%n",
                        TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - stopped));
            }
            failures.addAll(checks(nodes, writers, acknowledged, held, cap));
        } catch (Exception | AssertionError e) {
            failures.add("the soak could not run to its end: " + e);
            e.printStackTrace(out);
        } finally {
            for (EntryWriter writer : writers) {
                writer.close();
            }
            actions.shutdownNow();
            stranger.close();
            clock.shutdownNow();
        }
        List<String> logSummary = logSummary(nodes);
        Map<String, String> cpu = cpuSeconds(nodes);
        for (SoakNode node : nodes) {
            try {
                node.close();
            } catch (AssertionError | InterruptedException e) {
                failures.add(node.name + " did not stop on SIGTERM within 60 s");
            }
        }
        String collector = collector(nodes);
        report = report(cap, writers, stranger, acknowledged.size(), convergedMillis, logSummary, cpu, collector,
                failures);
        out.println();
        out.println(report);
        Path written = write(report, json(nodes, writers, failures, convergedMillis));
        out.println("written to " + written);
        boolean keep = options.keep() || !failures.isEmpty();
        if (!keep) {
            deleteTree(work);
        } else {
            out.println("the nodes' folders are kept in " + work);
        }
        long updates = operations.stream().filter(op -> op.ok() && op.what().startsWith("update ")).count();
        long swaps = operations.stream().filter(op -> op.ok() && op.what().startsWith("felix:start ")).count();
        long pushed = pushes.stream().filter(push -> push.pushed() > 0).count();
        return new Result(List.copyOf(failures), report, (int) updates, (int) swaps, (int) pushed, acknowledged.size(),
                keep ? work : null);
    }

    // ------------------------------------------------------------------ set-up

    private static void trustBeforeFirstStart(SoakNode node, OversizePeer peer) throws IOException {
        // As the node makes it: only its user may read the data folder and the trust file.
        Files.createDirectories(node.data, java.nio.file.attribute.PosixFilePermissions.asFileAttribute(
                java.nio.file.attribute.PosixFilePermissions.fromString("rwx------")));
        ObjectMapper json = new ObjectMapper();
        ArrayNode devices = json.createArrayNode();
        devices.add(peer.trustEntry());
        Path trust = node.data.resolve("trusted_devices.json");
        Files.writeString(trust, devices.toPrettyString());
        Files.setPosixFilePermissions(trust, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
    }

    /** Tells {@code node} where {@code other}'s sync port is, as mDNS would on a LAN. */
    private static void knowByAddress(SoakNode node, SoakNode other) throws Exception {
        String peer = "{\"host\":\"127.0.0.1\",\"port\":" + other.syncPort + ",\"deviceId\":\"" + other.deviceId + "\"}";
        // Discovery may still be activating when the API first answers (503 discovery_unavailable).
        SoakApi.Answer[] last = new SoakApi.Answer[1];
        try {
            Await.until(node.name + " takes " + other.name + "'s address (POST /api/peers)", SETUP, () -> {
                last[0] = node.api.post("/api/peers", peer);
                return last[0].status() != 503;
            });
        } catch (AssertionError e) {
            throw new IllegalStateException(e.getMessage() + "; it answered " + last[0].status() + " " + last[0].body(), e);
        }
        last[0].require("POST /api/peers on " + node.name);
    }

    /** The host shows a PIN, the guest types it, the host's person approves; the guest syncs first. */
    private static void pair(SoakNode host, SoakNode guest) throws Exception {
        JsonNode offer = host.api.post("/api/pairing", "").require("POST /api/pairing on " + host.name);
        guest.api.post("/api/pairing/accept", "{\"host\":\"127.0.0.1\",\"port\":" + offer.get("port").asInt()
                + ",\"pin\":\"" + offer.get("pin").asText() + "\",\"deviceId\":\"" + host.deviceId + "\"}")
                .require("POST /api/pairing/accept on " + guest.name);
        host.api.post("/api/pairing/approve", "").require("POST /api/pairing/approve on " + host.name);
        Await.until(guest.name + " is paired with " + host.name, SETUP,
                () -> guest.api.get("/api/pairing").body().path("state").asText().equals("paired"));
        Await.until(guest.name + "'s first sync with " + host.name, SETUP, () -> {
            for (JsonNode sync : guest.api.get("/api/sync/history?deviceId=" + host.deviceId + "&limit=100").body()
                    .path("syncs")) {
                if (sync.path("result").path("ok").asBoolean()) {
                    return true;
                }
            }
            return false;
        });
    }

    // ------------------------------------------------------------------ the load's actions

    private void scheduleActions(ScheduledExecutorService actions, ConsoleOperator operator, OversizePeer oversize,
                                 SoakNode pairingNode, SoakNode oversizeTarget, Stranger stranger, long totalMillis) {
        for (long at = OVERSIZE_AT.toMillis(); at < totalMillis; at += 60_000) {
            actions.schedule(() -> {
                OversizePeer.Push push = oversize.push(oversizeTarget);
                synchronized (pushes) {
                    pushes.add(push);
                }
                event("oversize push to " + oversizeTarget.name + ": " + push, oversizeTarget.name + ": "
                        + (push.asExpected() ? push.pushed() + " oversize rejected" : "oversize push FAILED"));
            }, at, TimeUnit.MILLISECONDS);
        }
        for (long at = UPDATE_FIRST.toMillis(); at + SWAP_HOLD.toMillis() < totalMillis; at += UPDATE_EVERY.toMillis()) {
            actions.schedule(() -> {
                operate(operator::updateStore);
                operate(operator::stopJdkCrypto);
            }, at, TimeUnit.MILLISECONDS);
            actions.schedule(() -> operate(operator::startJdkCrypto), at + SWAP_HOLD.toMillis(), TimeUnit.MILLISECONDS);
            long pairingAt = at + PAIRING_AFTER_UPDATE.toMillis();
            if (pairingAt + PAIRING_OPEN.toMillis() < totalMillis) {
                actions.schedule(() -> openPairing(pairingNode, stranger), pairingAt, TimeUnit.MILLISECONDS);
                actions.schedule(() -> closePairing(pairingNode, stranger), pairingAt + PAIRING_OPEN.toMillis(),
                        TimeUnit.MILLISECONDS);
            }
        }
    }

    private interface ConsoleStep {
        ConsoleOperator.Operation run() throws Exception;
    }

    private void operate(ConsoleStep step) {
        ConsoleOperator.Operation operation;
        try {
            operation = step.run();
        } catch (Exception | AssertionError e) {
            operation = new ConsoleOperator.Operation("a console step", false, 0, e.toString());
        }
        synchronized (operations) {
            operations.add(operation);
        }
        String brief = operation.what().startsWith("update ") ? "store.derby updated"
                : operation.what().startsWith("felix:stop ") ? "crypto → BouncyCastle"
                : operation.what().startsWith("felix:start ") ? "crypto → JDK" : operation.what();
        event("B console: " + operation.what() + (operation.ok() ? " → " + operation.detail() + " in "
                + operation.millis() + " ms" : " FAILED: " + operation.detail()),
                "B: " + brief + (operation.ok() ? "" : " FAILED"));
    }

    private void openPairing(SoakNode node, Stranger stranger) {
        try {
            SoakApi.Answer offer = node.api.post("/api/pairing", "");
            if (offer.ok()) {
                stranger.pairingPortOpen(offer.body().get("port").asInt());
                event(node.name + " shows a pairing offer; the stranger hits its pairing port "
                        + offer.body().get("port").asInt(), node.name + ": pairing offer open");
            } else {
                pairingProblem(node.name + " refused to open a pairing offer: " + offer.status() + " " + offer.body());
            }
        } catch (Exception e) {
            pairingProblem(node.name + ": opening a pairing offer failed: " + e);
        }
    }

    private void closePairing(SoakNode node, Stranger stranger) {
        stranger.pairingPortOpen(0);
        try {
            SoakApi.Answer cancelled = node.api.delete("/api/pairing");
            JsonNode state = node.api.get("/api/pairing").body();
            if (cancelled.ok()) {
                event(node.name + " cancelled its pairing offer; pairing state now " + state.path("state").asText(),
                        node.name + ": offer cancelled");
            } else {
                pairingProblem(node.name + " could not cancel its pairing offer: " + cancelled.status() + " "
                        + cancelled.body());
            }
        } catch (Exception e) {
            pairingProblem(node.name + ": cancelling the pairing offer failed: " + e);
        }
    }

    private void pairingProblem(String what) {
        synchronized (pairingProblems) {
            pairingProblems.add(what);
        }
        event(what, what);
    }

    private void event(String what, String brief) {
        double at = (System.nanoTime() - loadStarted) / 1e9;
        synchronized (events) {
            events.add(new Event(at, what, brief));
        }
        out.printf("  %s %s%n", clock(at), what);
    }

    // ------------------------------------------------------------------ each minute

    private void closeMinute(int minute, Sampler sampler, List<EntryWriter> writers, LogCap cap) {
        try {
            Instant now = Instant.now();
            Map<String, Sampler.NodeMinute> row = new LinkedHashMap<>(sampler.closeMinute());
            List<EntryWriter.Ack> acks = new ArrayList<>();
            for (EntryWriter writer : writers) {
                acks.addAll(writer.acksSince(now.minus(SyncLag.WINDOW)));
            }
            for (SoakNode node : sampler.nodes()) {
                try {
                    row.computeIfPresent(node.name, (name, figures) -> {
                        try {
                            return figures.withLag(SyncLag.seconds(node, acks, now));
                        } catch (IOException | RuntimeException e) {
                            return figures;
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                            return figures;
                        }
                    });
                } catch (RuntimeException e) {
                    // the lag stays unknown for this minute
                }
            }
            if (minute == quarter() || minute == options.minutes()) {
                for (SoakNode node : sampler.nodes()) {
                    (minute == options.minutes() ? threadsAtEnd : threadsFirstQuarter).put(node.name,
                            sampler.threadNames(node));
                }
            }
            long acked = writers.stream().mapToLong(writer -> writer.acknowledged().size()).sum();
            long refused = writers.stream().mapToLong(EntryWriter::refusedCount).sum();
            synchronized (minutes) {
                minutes.add(row);
                writesByMinute.add(new long[] {acked, refused});
            }
            out.println(row(minute, row, acked, refused, eventsOf(minute, true)));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            out.println("minute " + minute + ": the sample failed: " + e);
        }
    }

    /** @return what happened in the minute: briefly (for the table) or in full (for the JSON) */
    private List<String> eventsOf(int minute, boolean brief) {
        synchronized (events) {
            return events.stream().filter(event -> event.at() > (minute - 1) * 60.0 && event.at() <= minute * 60.0)
                    .map(event -> clock(event.at()) + " " + (brief ? event.brief() : event.what())).toList();
        }
    }

    private static String clock(double seconds) {
        long s = Math.round(seconds);
        return String.format("%d:%02d", s / 60, s % 60);
    }

    // ------------------------------------------------------------------ the end

    /** Polls every node's entries until each holds every acknowledged entry; answers the ms it took, or -1. */
    private static long awaitEverywhere(List<SoakNode> nodes, Map<String, String> acknowledged,
                                        Map<String, Map<String, String>> held) throws InterruptedException {
        long started = System.nanoTime();
        long deadline = started + CONVERGE.toNanos();
        while (true) {
            boolean all = true;
            for (SoakNode node : nodes) {
                if (!node.alive()) {
                    return -1; // it cannot catch up; the checks say it died
                }
                try {
                    Map<String, String> hashes = node.api.entryHashes();
                    held.put(node.name, hashes);
                    all &= missing(acknowledged, hashes).isEmpty();
                } catch (IOException | RuntimeException e) {
                    all = false;
                }
            }
            if (all) {
                return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
            }
            if (System.nanoTime() > deadline) {
                return -1;
            }
            TimeUnit.SECONDS.sleep(2); // polling the nodes' journals, within CONVERGE
        }
    }

    /** The acknowledged entries a node does not hold in the acknowledged version: id → what it holds. */
    static Map<String, String> missing(Map<String, String> acknowledged, Map<String, String> held) {
        Map<String, String> missing = new TreeMap<>();
        acknowledged.forEach((id, hash) -> {
            String there = held.get(id);
            if (!hash.equals(there)) {
                missing.put(id, there == null ? "absent" : "another version (" + there.substring(0, 12) + "…)");
            }
        });
        return missing;
    }

    private List<String> checks(List<SoakNode> nodes, List<EntryWriter> writers, Map<String, String> acknowledged,
                                Map<String, Map<String, String>> held, LogCap cap) throws IOException {
        List<String> failures = new ArrayList<>();
        // 0 lost
        for (SoakNode node : nodes) {
            Map<String, String> missing = missing(acknowledged, held.getOrDefault(node.name, Map.of()));
            if (!missing.isEmpty()) {
                failures.add(String.format("%s lacks %d of the %d acknowledged entries, e.g. %s", node.name,
                        missing.size(), acknowledged.size(), first(missing, 5)));
            }
        }
        // oversize entries: rejected, counted, stored nowhere
        List<OversizePeer.Push> allPushes;
        synchronized (pushes) {
            allPushes = List.copyOf(pushes);
        }
        if (allPushes.isEmpty()) {
            failures.add("the trusted peer made no oversize push");
        }
        for (int i = 0; i < allPushes.size(); i++) {
            OversizePeer.Push push = allPushes.get(i);
            if (!push.asExpected()) {
                failures.add("oversize push " + (i + 1) + " to C: expected DONE_ACK with all "
                        + OversizePeer.ENTRIES_PER_PUSH + " entries rejected, got: " + push);
            }
            for (SoakNode node : nodes) {
                for (String id : push.ids()) {
                    if (held.getOrDefault(node.name, Map.of()).containsKey(id)) {
                        failures.add(node.name + " stored the oversize entry " + id);
                    }
                }
            }
        }
        // the console operations
        List<ConsoleOperator.Operation> allOperations;
        synchronized (operations) {
            allOperations = List.copyOf(operations);
        }
        if (allOperations.stream().noneMatch(op -> op.what().startsWith("update "))) {
            failures.add("no live update of " + ConsoleOperator.STORE_BUNDLE + " was done");
        }
        if (allOperations.stream().noneMatch(op -> op.what().startsWith("felix:stop "))) {
            failures.add("no crypto provider swap was done");
        }
        for (ConsoleOperator.Operation operation : allOperations) {
            if (!operation.ok()) {
                failures.add("B console: " + operation.what() + " failed: " + operation.detail());
            }
        }
        synchronized (pairingProblems) {
            failures.addAll(pairingProblems);
        }
        // writes refused
        for (EntryWriter writer : writers) {
            if (writer.refusedCount() > writer.attempts() * Tolerances.MAX_REFUSED_SHARE) {
                failures.add(String.format("%s refused or did not answer %d of %d writes: %s", writer.nodeName(),
                        writer.refusedCount(), writer.attempts(), writer.refusals()));
            }
        }
        // resources: the last quarter against the first
        List<Map<String, Sampler.NodeMinute>> rows;
        synchronized (minutes) {
            rows = List.copyOf(minutes);
        }
        int quarter = quarter();
        if (rows.size() == options.minutes()) {
            List<Map<String, Sampler.NodeMinute>> first = rows.subList(0, quarter);
            List<Map<String, Sampler.NodeMinute>> last = rows.subList(rows.size() - quarter, rows.size());
            for (SoakNode node : nodes) {
                String n = node.name;
                double rssFirst = max(first, n, Sampler.NodeMinute::rssMiB);
                double rssLast = max(last, n, Sampler.NodeMinute::rssMiB);
                if (!(rssLast <= Tolerances.rssBound(rssFirst))) {
                    failures.add(String.format("%s RSS grew: %.0f MiB in the last quarter, over %.0f × %.2f + %.0f = "
                            + "%.0f MiB", n, rssLast, rssFirst, Tolerances.RSS_FACTOR, Tolerances.RSS_SLACK_MIB,
                            Tolerances.rssBound(rssFirst)));
                }
                double heapFirst = max(first, n, Sampler.NodeMinute::heapMiB);
                double heapLast = max(last, n, Sampler.NodeMinute::heapMiB);
                if (Double.isNaN(heapFirst) || Double.isNaN(heapLast)) {
                    failures.add(n + ": the heap after GC was not measured (the soak asks for a full collection with "
                            + "the JDK's jcmd, then reads it from the node's GC log; run it with a JDK)");
                } else if (!(heapLast <= Tolerances.heapBound(heapFirst))) {
                    failures.add(String.format("%s heap after GC grew: %.1f MiB in the last quarter, over %.1f × %.2f "
                            + "+ %.0f = %.1f MiB", n, heapLast, heapFirst, Tolerances.HEAP_FACTOR,
                            Tolerances.HEAP_SLACK_MIB, Tolerances.heapBound(heapFirst)));
                }
                int threadsFirst = (int) max(first, n, m -> m.threadsLow());
                int threadsLast = (int) max(last, n, m -> m.threadsLow());
                if (threadsLast > Tolerances.threadsBound(threadsFirst)) {
                    failures.add(String.format("%s live threads grew: at least %d in every sample of a last-quarter "
                            + "minute, over %d + %d; by name at the end against the end of the first quarter: %s", n,
                            threadsLast, threadsFirst, Tolerances.THREADS_SLACK, threadDiff(
                                    threadsFirstQuarter.getOrDefault(n, Map.of()), threadsAtEnd.getOrDefault(n, Map.of()))));
                }
                int fdsFirst = (int) max(first, n, m -> m.fdsLow());
                int fdsLast = (int) max(last, n, m -> m.fdsLow());
                if (fdsLast > Tolerances.fdsBound(fdsFirst)) {
                    failures.add(String.format("%s open file descriptors grew: at least %d in every sample of a "
                            + "last-quarter minute, over %d + %d", n, fdsLast, fdsFirst, Tolerances.FDS_SLACK));
                }
                List<String> behind = new ArrayList<>();
                for (int i = 0; i < rows.size(); i++) {
                    double lag = rows.get(i).get(n).lagSeconds();
                    if (!(lag <= Tolerances.MAX_LAG_SECONDS)) {
                        behind.add("minute " + (i + 1) + ": " + (Double.isNaN(lag) ? "not measured" : String.format(
                                "%.0f s", lag)));
                    }
                }
                if (!behind.isEmpty()) {
                    failures.add(String.format("%s lacked entries acknowledged on other nodes more than %d s before, "
                            + "at %d of %d minute marks (%s)", n, Tolerances.MAX_LAG_SECONDS, behind.size(),
                            rows.size(), String.join(", ", behind.subList(0, Math.min(5, behind.size())))
                                    + (behind.size() > 5 ? ", …" : "")));
                }
                for (int i = 0; i < rows.size(); i++) {
                    Sampler.NodeMinute minute = rows.get(i).get(n);
                    if (minute.logBytes() > cap.bytes()) {
                        failures.add(String.format("%s's log files took %,d bytes at minute %d, over the cap of %,d (%s)",
                                n, minute.logBytes(), i + 1, cap.bytes(), cap.source()));
                        break;
                    }
                }
            }
        } else {
            failures.add("only " + rows.size() + " of the " + options.minutes() + " minutes were recorded");
        }
        // the nodes are up, and no OutOfMemoryError anywhere
        for (SoakNode node : nodes) {
            if (!node.alive()) {
                failures.add(node.name + " is no longer running; its output ends:\n" + tail(node.process.transcript(), 20));
            }
            if (node.process.transcript().contains("OutOfMemoryError")) {
                failures.add(node.name + " printed an OutOfMemoryError: " + lineWith(node.process.transcript(),
                        "OutOfMemoryError"));
            }
            for (Path log : node.logFiles()) {
                String line = grep(log, "OutOfMemoryError");
                if (line != null) {
                    failures.add(node.name + "'s " + log.getFileName() + " holds an OutOfMemoryError: " + line);
                }
            }
        }
        return failures;
    }

    /** @return how many minutes make a quarter of the run (at least one) */
    private int quarter() {
        return Math.max(1, options.minutes() / 4);
    }

    /** @return the thread names whose count changed, e.g. "moodhaven-sync-# 4→9, derby.rawStoreDaemon 1→2" */
    static String threadDiff(Map<String, Integer> before, Map<String, Integer> after) {
        if (before.isEmpty() || after.isEmpty()) {
            return "no thread dump (no jcmd)";
        }
        java.util.Set<String> names = new java.util.TreeSet<>(before.keySet());
        names.addAll(after.keySet());
        List<String> changes = new ArrayList<>();
        for (String name : names) {
            int was = before.getOrDefault(name, 0);
            int is = after.getOrDefault(name, 0);
            if (was != is) {
                changes.add(name + " " + was + "→" + is);
            }
        }
        return changes.isEmpty() ? "the same names and counts" : String.join(", ", changes);
    }

    private static double max(List<Map<String, Sampler.NodeMinute>> rows, String node,
                              java.util.function.ToDoubleFunction<Sampler.NodeMinute> value) {
        // A figure missing in one minute (NaN) is left out; none in the whole quarter gives NaN.
        return rows.stream().map(row -> row.get(node)).mapToDouble(value).filter(v -> !Double.isNaN(v)).max()
                .orElse(Double.NaN);
    }

    private static String first(Map<String, String> missing, int count) {
        StringBuilder text = new StringBuilder();
        missing.entrySet().stream().limit(count).forEach(e -> text.append(e.getKey()).append(' ').append(e.getValue())
                .append("; "));
        return text.toString();
    }

    private static String grep(Path file, String needle) throws IOException {
        try (Stream<String> lines = Files.lines(file, StandardCharsets.ISO_8859_1)) {
            return lines.filter(line -> line.contains(needle)).findFirst().orElse(null);
        }
    }

    private static String lineWith(String text, String needle) {
        return text.lines().filter(line -> line.contains(needle)).findFirst().orElse("");
    }

    private static String tail(String text, int lines) {
        List<String> all = text.lines().toList();
        return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
    }

    /** WARN and ERROR lines of each node's logs: counts, and the first distinct ERROR messages. */
    private static List<String> logSummary(List<SoakNode> nodes) {
        List<String> summary = new ArrayList<>();
        for (SoakNode node : nodes) {
            Map<String, Integer> levels = new TreeMap<>();
            Map<String, Integer> errors = new LinkedHashMap<>();
            try {
                for (Path log : node.logFiles()) {
                    try (Stream<String> lines = Files.lines(log, StandardCharsets.ISO_8859_1)) {
                        lines.forEach(line -> {
                            java.util.regex.Matcher level = LEVEL.matcher(line);
                            if (level.find()) {
                                levels.merge(level.group(1), 1, Integer::sum);
                                if (level.group(1).equals("ERROR")) {
                                    String message = line.substring(level.end()).replaceAll("\\d+", "#").strip();
                                    errors.merge(message.length() > 200 ? message.substring(0, 200) : message, 1,
                                            Integer::sum);
                                }
                            }
                        });
                    }
                }
            } catch (IOException | java.io.UncheckedIOException e) {
                summary.add(node.name + ": the logs could not be read: " + e);
                continue;
            }
            summary.add(node.name + ": " + (levels.isEmpty() ? "no WARN or ERROR lines" : levels.toString()));
            errors.entrySet().stream().limit(8).forEach(e -> summary.add("  ERROR ×" + e.getValue() + ": " + e.getKey()));
        }
        return summary;
    }

    private static final java.util.regex.Pattern LEVEL = java.util.regex.Pattern.compile("[\\[ ](WARN|ERROR)[\\] ]");

    private static Map<String, String> cpuSeconds(List<SoakNode> nodes) {
        Map<String, String> cpu = new LinkedHashMap<>();
        for (SoakNode node : nodes) {
            cpu.put(node.name, ProcessHandle.of(node.pid()).flatMap(handle -> handle.info().totalCpuDuration())
                    .map(d -> String.format("%.0f s", d.toMillis() / 1000.0)).orElse("?"));
        }
        cpu.put("harness", ProcessHandle.current().info().totalCpuDuration()
                .map(d -> String.format("%.0f s", d.toMillis() / 1000.0)).orElse("?"));
        return cpu;
    }

    // ------------------------------------------------------------------ the report

    private static String header() {
        return "| min | RSS MiB A/B/C | heap after GC MiB A/B/C | threads A/B/C | descriptors A/B/C | logs KiB A/B/C "
                + "| sync lag s A/B/C | syncs ok/failed | writes acknowledged (refused) | what happened |\n"
                + "|---:|---|---|---|---|---|---|---|---|---|";
    }

    private static String row(int minute, Map<String, Sampler.NodeMinute> nodes, long acked, long refused,
                              List<String> happened) {
        StringBuilder rss = new StringBuilder();
        StringBuilder heap = new StringBuilder();
        StringBuilder threads = new StringBuilder();
        StringBuilder fds = new StringBuilder();
        StringBuilder logs = new StringBuilder();
        StringBuilder lag = new StringBuilder();
        int ok = 0;
        int failed = 0;
        for (Sampler.NodeMinute node : nodes.values()) {
            String slash = rss.length() == 0 ? "" : "/";
            rss.append(slash).append(number(node.rssMiB(), "%.0f"));
            heap.append(slash).append(number(node.heapMiB(), "%.1f"));
            threads.append(slash).append(node.threadsLow() < 0 ? "–" : Integer.toString(node.threadsLow()));
            fds.append(slash).append(node.fdsLow() < 0 ? "–" : Integer.toString(node.fdsLow()));
            logs.append(slash).append(node.logBytes() < 0 ? "–" : Long.toString(Math.round(node.logBytes() / 1024.0)));
            lag.append(slash).append(number(node.lagSeconds(), "%.0f"));
            ok += node.syncsOk();
            failed += node.syncsFailed();
        }
        return String.format("| %d | %s | %s | %s | %s | %s | %s | %d/%d | %,d (%,d) | %s |", minute, rss, heap,
                threads, fds, logs, lag, ok, failed, acked, refused, String.join("; ", happened).replace("|", "/"));
    }

    private static String number(double value, String format) {
        return Double.isNaN(value) ? "–" : String.format(java.util.Locale.ROOT, format, value);
    }

    /** @return the collector the nodes' JVMs used, from the first line of their GC logs ("Using Serial") */
    private static String collector(List<SoakNode> nodes) {
        for (SoakNode node : nodes) {
            try (Stream<String> lines = Files.lines(node.gcLog)) {
                java.util.Optional<String> using = lines.map(line -> line.replaceFirst("^.*\\] Using ", ""))
                        .filter(line -> !line.startsWith("[")).findFirst();
                if (using.isPresent()) {
                    return using.get().strip().toLowerCase(java.util.Locale.ROOT) + " GC";
                }
            } catch (IOException | java.io.UncheckedIOException e) {
                // try the next node's log
            }
        }
        return "an unknown GC";
    }

    private String report(LogCap cap, List<EntryWriter> writers, Stranger stranger, int acknowledged,
                          long convergedMillis, List<String> logSummary, Map<String, String> cpu, String collector,
                          List<String> failures) {
        StringBuilder text = new StringBuilder();
        text.append("# Soak, ").append(options.minutes()).append(" minutes\n\n");
        text.append("CPU: ").append(cpuModel()).append(", ").append(Runtime.getRuntime().availableProcessors())
                .append(" cores; Java ").append(System.getProperty("java.version")).append("; ")
                .append(Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS)).append("\n\n");
        text.append("Three nodes from the distribution (-Xmx256m as every test node, ").append(collector)
                .append("), A–B and B–C paired, "
                + "auto-sync on, mDNS off. A writer on each node writes an entry a second through "
                + "`POST /api/entries`; a stranger on ").append(String.join(", ", Stranger.ADDRESSES))
                .append(" sends rounds of junk, held and slow connections, connect floods and 4 KiB HELLO floods to "
                        + "every sync port (and to A's pairing port while an offer is open); a trusted peer of C "
                        + "pushes ").append(OversizePeer.ENTRIES_PER_PUSH).append(" entries of ~2.5 MB every minute; "
                        + "B's console updates `moodhaven.store.derby` and swaps the crypto provider every 5 minutes "
                        + "(first at 1:30). Each figure is per node, A/B/C. Heap after GC: after a full collection "
                        + "asked for with `jcmd <pid> GC.run` at the minute mark, from the node's GC log. Threads "
                        + "and descriptors: the lowest of the minute's samples (every 5 s; threads without the "
                        + "console's own command threads). Sync lag: the age of the oldest write acknowledged on any "
                        + "node that the node did not hold yet at the minute mark.\n\n");
        text.append(header()).append('\n');
        synchronized (minutes) {
            for (int i = 0; i < minutes.size(); i++) {
                text.append(row(i + 1, minutes.get(i), writesByMinute.get(i)[0], writesByMinute.get(i)[1],
                        eventsOf(i + 1, true))).append('\n');
            }
        }
        text.append("\n## Checks\n\n");
        text.append(failures.isEmpty() ? "All passed.\n" : failures.size() + " failed:\n\n");
        for (String failure : failures) {
            text.append("- FAILED: ").append(failure).append('\n');
        }
        text.append("\nTolerances:\n\n");
        Tolerances.describe(cap).forEach(line -> text.append("- ").append(line).append('\n'));
        text.append("\n## What happened\n\n");
        text.append(String.format("- Writes: %,d acknowledged; ", acknowledged));
        for (EntryWriter writer : writers) {
            text.append(String.format("%s %,d tried, %,d refused%s; ", writer.nodeName(), writer.attempts(),
                    writer.refusedCount(), writer.refusals().isEmpty() ? "" : " " + writer.refusals()));
        }
        text.append('\n');
        text.append(convergedMillis >= 0
                ? String.format("- Every acknowledged entry was on every node %.1f s after the load stopped.%n",
                        convergedMillis / 1000.0)
                : "- Not every acknowledged entry reached every node within " + CONVERGE.toMinutes() + " minutes.\n");
        synchronized (pushes) {
            long asExpected = pushes.stream().filter(OversizePeer.Push::asExpected).count();
            text.append(String.format("- Oversize pushes to C: %d, %d rejected and counted as expected.%n",
                    pushes.size(), asExpected));
        }
        synchronized (operations) {
            for (ConsoleOperator.Operation operation : operations) {
                text.append("- B console: ").append(operation.what()).append(operation.ok() ? ": " + operation.detail()
                        + ", " + operation.millis() + " ms" : ": FAILED").append('\n');
            }
        }
        text.append(String.format("- Stranger: %d rounds, %,d connections (%,d to a pairing port); the nodes' answers: "
                + "%s%n", stranger.rounds(), stranger.connections(), stranger.pairingConnections(),
                topOutcomes(stranger.outcomes(), 10)));
        text.append("- CPU time: ").append(cpu).append('\n');
        text.append("- Log lines by level: \n");
        logSummary.forEach(line -> text.append("  - ").append(line).append('\n'));
        return text.toString();
    }

    private static String topOutcomes(Map<String, Integer> outcomes, int count) {
        return outcomes.entrySet().stream().sorted(Map.Entry.<String, Integer>comparingByValue(Comparator.reverseOrder()))
                .limit(count).map(e -> e.getKey() + " " + String.format("%,d", e.getValue()))
                .reduce((x, y) -> x + ", " + y).orElse("none");
    }

    private static String cpuModel() {
        try (Stream<String> lines = Files.lines(Path.of("/proc/cpuinfo"))) {
            return lines.filter(line -> line.startsWith("model name")).findFirst()
                    .map(line -> line.substring(line.indexOf(':') + 1).strip()).orElse("unknown");
        } catch (IOException e) {
            return "unknown";
        }
    }

    private String json(List<SoakNode> nodes, List<EntryWriter> writers, List<String> failures, long convergedMillis) {
        ObjectMapper json = new ObjectMapper();
        Map<String, Object> document = new LinkedHashMap<>();
        document.put("minutes", options.minutes());
        document.put("cpu", cpuModel());
        document.put("cores", Runtime.getRuntime().availableProcessors());
        document.put("passed", failures.isEmpty());
        document.put("failures", failures);
        document.put("convergedMillis", convergedMillis);
        List<Object> rows = new ArrayList<>();
        synchronized (minutes) {
            for (int i = 0; i < minutes.size(); i++) {
                Map<String, Object> row = new LinkedHashMap<>();
                row.put("minute", i + 1);
                row.put("nodes", minutes.get(i));
                row.put("acknowledged", writesByMinute.get(i)[0]);
                row.put("refused", writesByMinute.get(i)[1]);
                row.put("events", eventsOf(i + 1, false));
                rows.add(row);
            }
        }
        document.put("rows", rows);
        Map<String, Object> writes = new LinkedHashMap<>();
        for (EntryWriter writer : writers) {
            writes.put(writer.nodeName(), Map.of("tried", writer.attempts(), "acknowledged",
                    writer.acknowledged().size(), "refused", writer.refusals()));
        }
        document.put("writes", writes);
        synchronized (pushes) {
            document.put("oversizePushes", pushes.stream().map(OversizePeer.Push::toString).toList());
        }
        synchronized (operations) {
            document.put("consoleOperations", List.copyOf(operations));
        }
        try {
            return json.writerWithDefaultPrettyPrinter().writeValueAsString(document);
        } catch (IOException e) {
            return "{\"error\": \"" + e.getMessage() + "\"}";
        }
    }

    private Path write(String report, String json) throws IOException {
        Files.createDirectories(options.out());
        Path md = options.out().resolve("soak-" + options.minutes() + "min.md");
        Files.writeString(md, report);
        Files.writeString(options.out().resolve("soak-" + options.minutes() + "min.json"), json);
        return md;
    }

    private static void deleteTree(Path root) {
        try (Stream<Path> files = Files.walk(root)) {
            files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException e) {
            // a temporary folder left behind
        }
    }

    private static java.util.concurrent.ThreadFactory daemon(String name) {
        return work -> {
            Thread thread = new Thread(work, name);
            thread.setDaemon(true);
            return thread;
        };
    }
}
