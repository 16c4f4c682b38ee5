package org.moodhaven.tools.soak;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;

import org.moodhaven.api.entry.Timestamps;
import org.moodhaven.tools.GcLog;

/**
 * What the soak records of each node. Live threads and open descriptors are read from
 * {@code /proc} every 5 seconds and kept as each minute's lowest and highest: the lowest
 * is what a leak raises for good, a burst of connections only the highest. At each minute
 * mark the node is asked for a full collection ({@code jcmd <pid> GC.run}, as
 * {@code System.gc()}), whose result its GC log gives as the heap after GC: the heap after a
 * young collection also holds whatever garbage was promoted since the last full one, which
 * rises for tens of minutes in a healthy node.
 */
final class Sampler {

    /**
     * One node in one minute.
     *
     * @param rssMiB        resident set size at the minute mark
     * @param heapMiB       heap after the full collection at the minute mark (NaN when none was logged)
     * @param gcPauseMillis that collection's pause
     * @param threadsLow    the lowest live thread count of the minute
     * @param threadsHigh   the highest
     * @param fdsLow        the lowest count of open file descriptors of the minute
     * @param fdsHigh       the highest
     * @param logBytes      bytes of the files in {@code {data}/logs} at the minute mark
     * @param syncsOk       syncs that ended well in the minute (either side)
     * @param syncsFailed   syncs that failed in the minute
     * @param lagSeconds    the age of the oldest acknowledged write (on any node) this node lacked at the
     *                      minute mark ({@link SyncLag}); NaN until measured
     */
    record NodeMinute(double rssMiB, double heapMiB, double gcPauseMillis, int threadsLow, int threadsHigh,
                      int fdsLow, int fdsHigh, long logBytes, int syncsOk, int syncsFailed, double lagSeconds) {

        NodeMinute withLag(double seconds) {
            return new NodeMinute(rssMiB, heapMiB, gcPauseMillis, threadsLow, threadsHigh, fdsLow, fdsHigh, logBytes,
                    syncsOk, syncsFailed, seconds);
        }
    }

    private final List<SoakNode> nodes;
    private final Path jcmd;
    private final Map<String, int[]> ranges = new LinkedHashMap<>();
    private Instant lastMark = Instant.now();

    Sampler(List<SoakNode> nodes) {
        this.nodes = List.copyOf(nodes);
        this.jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
        reset();
    }

    List<SoakNode> nodes() {
        return nodes;
    }

    /** @return whether the JDK's jcmd is there to ask for a full collection */
    boolean canCollect() {
        return jcmd.toFile().canExecute();
    }

    private void reset() {
        synchronized (ranges) {
            for (SoakNode node : nodes) {
                ranges.put(node.name, new int[] {Integer.MAX_VALUE, 0, Integer.MAX_VALUE, 0});
            }
        }
    }

    /** Reads threads and descriptors of every node; run every 5 seconds. */
    void sampleProc() {
        for (SoakNode node : nodes) {
            try {
                int threads = node.threads();
                int fds = node.fileDescriptors();
                synchronized (ranges) {
                    int[] range = ranges.get(node.name);
                    range[0] = Math.min(range[0], threads);
                    range[1] = Math.max(range[1], threads);
                    range[2] = Math.min(range[2], fds);
                    range[3] = Math.max(range[3], fds);
                }
            } catch (IOException gone) {
                // the node ended; the end checks say so
            }
        }
    }

    /** Ends the minute: a full collection and every figure of every node. */
    Map<String, NodeMinute> closeMinute() throws InterruptedException {
        sampleProc();
        Instant mark = Instant.now();
        Map<String, NodeMinute> minute = new LinkedHashMap<>();
        Map<String, int[]> closed;
        synchronized (ranges) {
            closed = new LinkedHashMap<>();
            ranges.forEach((name, range) -> closed.put(name, range.clone()));
        }
        reset();
        for (SoakNode node : nodes) {
            int[] range = closed.get(node.name);
            if (!node.alive()) {
                minute.put(node.name, new NodeMinute(Double.NaN, Double.NaN, Double.NaN, range[0], range[1], range[2],
                        range[3], -1, 0, 0, Double.NaN));
                continue;
            }
            GcLog.Collection full = fullCollection(node);
            double rss;
            long logBytes;
            try {
                rss = node.rssMiB();
                logBytes = node.logBytes();
            } catch (IOException gone) {
                rss = Double.NaN;
                logBytes = -1;
            }
            int[] syncs = syncsBetween(node, lastMark, mark);
            minute.put(node.name, new NodeMinute(rss, full == null ? Double.NaN : full.afterMiB(),
                    full == null ? Double.NaN : full.pauseMillis(), range[0] == Integer.MAX_VALUE ? -1 : range[0],
                    range[1], range[2] == Integer.MAX_VALUE ? -1 : range[2], range[3], logBytes, syncs[0], syncs[1],
                    Double.NaN));
        }
        lastMark = mark;
        return minute;
    }

    /** Asks for a full collection and reads it from the GC log; null when none appeared. */
    private GcLog.Collection fullCollection(SoakNode node) throws InterruptedException {
        try {
            int before = GcLog.collections(node.gcLog).size();
            if (canCollect()) {
                Process process = new ProcessBuilder(jcmd.toString(), Long.toString(node.pid()), "GC.run")
                        .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
                if (!process.waitFor(60, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                }
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (System.nanoTime() < deadline) {
                List<GcLog.Collection> all = GcLog.collections(node.gcLog);
                for (int i = all.size() - 1; i >= before; i--) {
                    if (all.get(i).full()) {
                        return all.get(i);
                    }
                }
                TimeUnit.MILLISECONDS.sleep(100); // the JVM writes its log line right after the pause
            }
        } catch (IOException e) {
            // no collection: the heap column shows NaN
        }
        return null;
    }

    /**
     * @return the node's live threads by name, with runs of digits made "#" (so pool threads
     *         count together), from {@code jcmd <pid> Thread.print}; empty without jcmd
     */
    Map<String, Integer> threadNames(SoakNode node) throws InterruptedException {
        Map<String, Integer> names = new java.util.TreeMap<>();
        if (!canCollect() || !node.alive()) {
            return names;
        }
        try {
            Process process = new ProcessBuilder(jcmd.toString(), Long.toString(node.pid()), "Thread.print")
                    .redirectErrorStream(true).start();
            String dump = new String(process.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            process.waitFor(60, TimeUnit.SECONDS);
            java.util.regex.Matcher thread = java.util.regex.Pattern.compile("(?m)^\"([^\"]*)\"").matcher(dump);
            while (thread.find()) {
                names.merge(thread.group(1).replaceAll("\\d+", "#"), 1, Integer::sum);
            }
        } catch (IOException e) {
            // no dump: the report says nothing of thread names
        }
        return names;
    }

    /** Syncs that ended in (from, to], by the node's own history: [ok, failed]. */
    private static int[] syncsBetween(SoakNode node, Instant from, Instant to) {
        int[] counts = new int[2];
        try {
            SoakApi.Answer history = node.api.get("/api/sync/history?limit=500");
            if (!history.ok()) {
                return counts;
            }
            for (JsonNode sync : history.body().path("syncs")) {
                Instant finished = Timestamps.parse(sync.path("finishedAt").asText());
                if (finished.isAfter(from) && !finished.isAfter(to)) {
                    counts[sync.path("result").path("ok").asBoolean() ? 0 : 1]++;
                }
            }
        } catch (IOException | RuntimeException e) {
            // the history is informative only
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return counts;
    }
}
