package org.moodhaven.itests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.moodhaven.tools.GcLog;
import org.moodhaven.tools.JournalLoader;
import org.moodhaven.tools.ProcessStatus;
import org.moodhaven.tools.TwoNodes;

/**
 * Streaming and the sync memory budget (issue 12): a node holding 100,000 entries of
 * 1 KiB completes a full sync to an empty node pushed to as the server, and to another
 * that pulls them as the client, every node at {@code -Xmx128m} (half the distribution's
 * default), with no {@code OutOfMemoryError} and the heap, read from each node's GC log,
 * within it.
 */
class LargeJournalSyncIT {

    private static final int ENTRIES = 100_000;
    private static final String SMALL_HEAP = "-Xmx128m";

    @TempDir
    Path folder;

    @Test
    void oneHundredThousandEntriesSyncBothWaysWithinA128MiBHeap() throws Exception {
        TwoNodes.Node full = new TwoNodes.Node(folder, "full");
        TwoNodes.Node pushedTo = new TwoNodes.Node(folder, "pushed-to");
        TwoNodes.Node pulling = new TwoNodes.Node(folder, "pulling");
        load(full.data, ENTRIES);
        try (full; pushedTo; pulling) {
            for (TwoNodes.Node node : List.of(full, pushedTo, pulling)) {
                node.launch(SMALL_HEAP + " " + GcLog.option(gcLog(node)));
            }
            for (TwoNodes.Node node : List.of(full, pushedTo, pulling)) {
                node.awaitReady();
            }
            full.trust(pushedTo, pulling);
            pushedTo.trust(full);
            pulling.trust(full);

            JsonNode pushed = full.syncWith(pushedTo);
            assertTrue(pushed.get("ok").asBoolean(), pushed.toString());
            assertEquals(ENTRIES, pushed.get("sent").asInt());
            JsonNode pulled = pulling.syncWith(full);
            assertTrue(pulled.get("ok").asBoolean(), pulled.toString());
            assertEquals(ENTRIES, pulled.get("received").asInt());
            Map<String, String> digest = full.api.digest();
            assertEquals(digest, pushedTo.api.digest(), "the node pushed to holds every entry");
            assertEquals(digest, pulling.api.digest(), "the pulling node holds every entry");

            JsonNode again = full.syncWith(pushedTo);
            assertTrue(again.get("ok").asBoolean());
            assertEquals(0, again.get("sent").asInt(), "the next sync moves nothing");
            assertTrue(again.get("bytesSent").asLong() < 4096, again.toString());

            StringBuilder heaps = new StringBuilder("LargeJournalSyncIT at " + SMALL_HEAP + ":");
            for (TwoNodes.Node node : List.of(full, pushedTo, pulling)) {
                double peak = GcLog.peakHeapMiB(gcLog(node));
                heaps.append(String.format(java.util.Locale.ROOT, " %s peak heap %.0f MiB, RSS %d MiB;",
                        node.data.getFileName(), peak, Math.round(ProcessStatus.peakRssMiB(node.process.pid()))));
                assertTrue(peak <= 128, "the heap stays within " + SMALL_HEAP + ": " + heaps);
                String log = Files.readString(node.data.resolve("logs").resolve("moodhaven.log"));
                assertFalse(log.contains("OutOfMemoryError") || node.process.transcript().contains("OutOfMemoryError"),
                        "no OutOfMemoryError on " + node.data.getFileName());
                assertTrue(node.process.isAlive());
            }
            System.out.println(heaps);
        }
    }

    private static Path gcLog(TwoNodes.Node node) {
        return node.home.resolve("gc.log");
    }

    /** Fills a data folder's journal in a process of its own, as the benchmark does. */
    private static void load(Path data, int count) throws Exception {
        Files.createDirectories(data);
        Process loader = new ProcessBuilder(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString(), "-Xmx256m", "-Dderby.stream.error.file=" + data.resolve("derby-loader.log"),
                "-cp", System.getProperty("java.class.path"), JournalLoader.class.getName(),
                "--data", data.toString(), "--count", Integer.toString(count)))
                .redirectErrorStream(true).redirectOutput(data.resolve("loader.out").toFile()).start();
        assertTrue(loader.waitFor(Duration.ofMinutes(5).toSeconds(), TimeUnit.SECONDS), "the loader finished");
        assertEquals(0, loader.exitValue(), Files.readString(data.resolve("loader.out")));
    }
}
