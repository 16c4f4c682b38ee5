package org.moodhaven.benchmarks.e2e;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToDoubleFunction;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import org.moodhaven.api.entry.CanonicalJson;
import org.moodhaven.testing.EntryGenerator;
import org.moodhaven.tools.RecordingProxy;

/**
 * The end-to-end benchmark of issue 4: two real nodes from the distribution, one
 * holding N generated entries of 1 KiB, synced over a recording proxy on loopback.
 * Each run measures the full sync (wall time, bytes each way, CPU time of each process), incremental syncs of 1 and 100 changes, the peak
 * heap and RSS of both nodes, cold and warm start-up, and the two baselines: (a) the
 * same entries inserted through the store's own batch path, (b) the same bytes through
 * AES-256-GCM over a loopback socket, each in a new VM like the nodes' ({@link BaselineProcess}). Results go to a JSON file and a table.
 * <p>
 * {@code scripts/benchmark [--entries N] [--runs R] [--scale] [--out FILE] [--profile FOLDER]};
 * with {@code --profile} each node process writes a JFR recording (settings=profile) into FOLDER.
 */
public final class SyncBenchmark {

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    /** Incremental syncs before measuring: the target is for a warm JVM. */
    private static final int INCREMENTAL_WARMUP = 20;
    private static final int INCREMENTAL_REPEATS = 10;

    private SyncBenchmark() {
    }

    /** What one run measured. */
    record Run(int entries, double fullSyncMs, long fullBytesUp, long fullBytesDown, double entriesPerSecond,
               double fullCpuSecondsA, double fullCpuSecondsB, double fullCpuSecondsHarness,
               double incremental1Ms, long incremental1Bytes, double incremental100Ms, long incremental100Bytes,
               double peakHeapMiBA, double peakHeapMiBB, double peakRssMiBA, double peakRssMiBB,
               double coldStartMs, double warmStartMs, double baselineInsertMs, double baselineGcmMs,
               double ratio) {
    }

    /**
     * @param args {@code --entries N}, {@code --runs R}, {@code --scale}, {@code --out FILE},
     *             {@code --profile FOLDER}
     */
    public static void main(String[] args) throws Exception {
        int entries = 100_000;
        int runs = 3;
        boolean scale = false;
        Path out = null;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--entries" -> entries = Integer.parseInt(args[++i]);
                case "--runs" -> runs = Integer.parseInt(args[++i]);
                case "--scale" -> scale = true;
                case "--out" -> out = Path.of(args[++i]);
                case "--profile" -> BenchNode.profileFolder = Files.createDirectories(Path.of(args[++i]));
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        Map<String, Object> report = new LinkedHashMap<>();
        report.put("date", Instant.now().toString());
        report.put("machine", Machine.describe());
        if (scale) {
            List<Map<String, Object>> points = new ArrayList<>();
            for (int n : new int[] {1_000, 10_000, 100_000}) {
                points.add(summary(n, repeat(n, runs)));
            }
            report.put("scale", points);
            Path svg = Path.of("docs", "benchmarks-scale.svg");
            Files.writeString(svg, ScalePlot.svg(points));
            System.out.println("plot written to " + svg);
        } else {
            report.put("result", summary(entries, repeat(entries, runs)));
        }
        Path file = out != null ? out : Path.of("benchmarks", "results",
                (scale ? "scale" : "sync-" + entries) + ".json");
        Files.createDirectories(file.toAbsolutePath().getParent());
        JSON.writeValue(file.toFile(), report);
        System.out.println("results written to " + file);
    }

    private static List<Run> repeat(int entries, int runs) throws Exception {
        List<Run> results = new ArrayList<>();
        for (int i = 1; i <= runs; i++) {
            System.out.printf("run %d of %d with %,d entries...%n", i, runs, entries);
            Run run = run(entries);
            System.out.println("  " + run);
            results.add(run);
        }
        return results;
    }

    /** One complete run in a fresh folder. */
    static Run run(int entries) throws Exception {
        Path folder = Files.createTempDirectory("moodhaven-bench-");
        try (BenchNode a = new BenchNode(folder, "alpha"); BenchNode b = new BenchNode(folder, "beta")) {
            EntryGenerator generator = EntryGenerator.standard();
            double baselineInsert = BaselineProcess.insert(a.data, entries);

            double coldA = a.start();
            double coldB = b.start();
            a.trust(List.of(b));
            b.trust(List.of(a));

            try (RecordingProxy proxy = new RecordingProxy(b.syncPort)) {
                ProcessHandle harness = ProcessHandle.current();
                double[] cpuBefore = {a.cpuSeconds(), b.cpuSeconds(), BenchNode.cpuSeconds(harness)};
                long started = System.nanoTime();
                JsonNode full = a.api.sync(b.deviceId, proxy.port());
                double fullMs = (System.nanoTime() - started) / 1e6;
                double cpuA = a.cpuSeconds() - cpuBefore[0];
                double cpuB = b.cpuSeconds() - cpuBefore[1];
                double cpuHarness = BenchNode.cpuSeconds(harness) - cpuBefore[2];
                require(full, entries);
                long up = proxy.clientToServer.bytes.get();
                long down = proxy.serverToClient.bytes.get();

                List<double[]> one = new ArrayList<>();
                for (int k = 0; k < INCREMENTAL_WARMUP + INCREMENTAL_REPEATS; k++) {
                    a.api.post("/api/entries", CanonicalJson.of(generator.entry(entries + k)));
                    double[] measured = incremental(a, b, proxy, 1);
                    if (k >= INCREMENTAL_WARMUP) {
                        one.add(measured);
                    }
                }
                for (int k = 0; k < 100; k++) {
                    a.api.post("/api/entries", CanonicalJson.of(generator.entry(entries + 1000 + k)));
                }
                double[] hundred = incremental(a, b, proxy, 100);

                double heapA = a.peakHeapMiB();
                double heapB = b.peakHeapMiB();
                double rssA = a.peakRssMiB();
                double rssB = b.peakRssMiB();

                b.stop();
                double warmB = b.start();
                a.stop();
                double warmA = a.start();

                double gcm = BaselineProcess.gcm(up);
                return new Run(entries, fullMs, up, down, entries / (fullMs / 1000), cpuA, cpuB, cpuHarness,
                        median(one, 0),
                        (long) median(one, 1), hundred[0], (long) hundred[1], heapA, heapB, rssA, rssB,
                        (coldA + coldB) / 2, (warmA + warmB) / 2, baselineInsert, gcm,
                        fullMs / (baselineInsert + gcm));
            }
        } finally {
            deleteQuietly(folder);
        }
    }

    /** An incremental sync; answers {wall ms, bytes after the handshake both ways}. */
    private static double[] incremental(BenchNode a, BenchNode b, RecordingProxy proxy, int expected)
            throws Exception {
        proxy.reset();
        long started = System.nanoTime();
        JsonNode result = a.api.sync(b.deviceId, proxy.port());
        double ms = (System.nanoTime() - started) / 1e6;
        require(result, expected);
        return new double[] {ms, afterHandshake(proxy.clientToServer.frames) + afterHandshake(
                proxy.serverToClient.frames)};
    }

    /** Bytes of the frames after HELLO and AUTH (the first two each way), headers included. */
    private static long afterHandshake(List<Integer> frames) {
        long sum = 0;
        for (int i = 2; i < frames.size(); i++) {
            sum += frames.get(i) + 4;
        }
        return sum;
    }

    private static void require(JsonNode result, int sent) {
        if (!result.get("ok").asBoolean() || result.get("sent").asInt() != sent) {
            throw new IllegalStateException("the sync did not do what was expected: " + result);
        }
    }

    private static double median(List<double[]> values, int index) {
        List<Double> sorted = values.stream().map(v -> v[index]).sorted().toList();
        return sorted.get(sorted.size() / 2);
    }

    private static double median(List<Run> runs, ToDoubleFunction<Run> value) {
        double[] sorted = runs.stream().mapToDouble(value).sorted().toArray();
        return sorted[sorted.length / 2];
    }

    /** Medians over the runs, the spread, the targets, and every run. */
    static Map<String, Object> summary(int entries, List<Run> runs) {
        Map<String, Object> summary = new LinkedHashMap<>();
        summary.put("entries", entries);
        summary.put("runs", runs.size());
        Map<String, ToDoubleFunction<Run>> metrics = new LinkedHashMap<>();
        metrics.put("fullSyncMs", Run::fullSyncMs);
        metrics.put("fullBytesUp", Run::fullBytesUp);
        metrics.put("fullBytesDown", Run::fullBytesDown);
        metrics.put("bytesPerEntry", r -> (double) (r.fullBytesUp() + r.fullBytesDown()) / r.entries());
        metrics.put("entriesPerSecond", Run::entriesPerSecond);
        metrics.put("fullCpuSecondsA", Run::fullCpuSecondsA);
        metrics.put("fullCpuSecondsB", Run::fullCpuSecondsB);
        metrics.put("fullCpuSecondsHarness", Run::fullCpuSecondsHarness);
        metrics.put("incremental1Ms", Run::incremental1Ms);
        metrics.put("incremental1Bytes", Run::incremental1Bytes);
        metrics.put("incremental100Ms", Run::incremental100Ms);
        metrics.put("incremental100Bytes", Run::incremental100Bytes);
        metrics.put("peakHeapMiBA", Run::peakHeapMiBA);
        metrics.put("peakHeapMiBB", Run::peakHeapMiBB);
        metrics.put("peakRssMiBA", Run::peakRssMiBA);
        metrics.put("peakRssMiBB", Run::peakRssMiBB);
        metrics.put("coldStartMs", Run::coldStartMs);
        metrics.put("warmStartMs", Run::warmStartMs);
        metrics.put("baselineInsertMs", Run::baselineInsertMs);
        metrics.put("baselineGcmMs", Run::baselineGcmMs);
        metrics.put("ratio", Run::ratio);
        Map<String, Object> medians = new LinkedHashMap<>();
        Map<String, Object> spread = new LinkedHashMap<>();
        for (Map.Entry<String, ToDoubleFunction<Run>> metric : metrics.entrySet()) {
            medians.put(metric.getKey(), round(median(runs, metric.getValue())));
            double[] values = runs.stream().mapToDouble(metric.getValue()).toArray();
            double min = java.util.Arrays.stream(values).min().orElse(0);
            double max = java.util.Arrays.stream(values).max().orElse(0);
            spread.put(metric.getKey(), List.of(round(min), round(max)));
        }
        summary.put("median", medians);
        summary.put("minMax", spread);
        Map<String, Object> targets = new LinkedHashMap<>();
        double full = median(runs, Run::fullSyncMs);
        targets.put("fullSyncAtMost10s", full <= 10_000);
        targets.put("fullSyncAtMost1.5xBaselines", median(runs, Run::ratio) <= 1.5);
        targets.put("incremental1AtMost8KiB", median(runs, Run::incremental1Bytes) <= 8 * 1024);
        targets.put("incremental1AtMost50ms", median(runs, Run::incremental1Ms) <= 50);
        targets.put("heapWithin256MiB", Math.max(median(runs, Run::peakHeapMiBA), median(runs, Run::peakHeapMiBB)) <= 256);
        targets.put("warmStartAtMost2s", median(runs, Run::warmStartMs) <= 2_000);
        summary.put("targets", targets);
        summary.put("all", runs);
        printTable(entries, medians, spread, targets);
        return summary;
    }

    private static double round(double value) {
        return Math.round(value * 100) / 100.0;
    }

    private static void printTable(int entries, Map<String, Object> medians, Map<String, Object> spread,
                                   Map<String, Object> targets) {
        System.out.printf("%n%,d entries: median (min-max)%n", entries);
        System.out.println("| metric | median | min-max |");
        System.out.println("|---|---|---|");
        for (String key : medians.keySet()) {
            System.out.printf("| %s | %s | %s |%n", key, medians.get(key), spread.get(key));
        }
        System.out.println("targets: " + targets);
    }

    private static void deleteQuietly(Path folder) {
        try (Stream<Path> paths = Files.walk(folder)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> {
                try {
                    Files.deleteIfExists(path);
                } catch (IOException e) {
                    // best effort
                }
            });
        } catch (IOException e) {
            // best effort
        }
    }
}
