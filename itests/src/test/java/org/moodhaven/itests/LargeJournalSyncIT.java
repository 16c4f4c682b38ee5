package org.moodhaven.itests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.moodhaven.tools.JournalLoader;
import org.moodhaven.tools.TwoNodes;

/**
 * Streaming (issue: entries flow from the store in batches): a node holding
 * 100,000 entries of 1 KiB completes a full sync to an empty node, both running
 * with {@code -Xmx256m}, the distribution's default.
 */
class LargeJournalSyncIT {

    private static final int ENTRIES = 100_000;

    @TempDir
    Path folder;

    @Test
    void oneHundredThousandEntriesSyncWithinA256MiBHeap() throws Exception {
        TwoNodes.Node full = new TwoNodes.Node(folder, "full");
        TwoNodes.Node empty = new TwoNodes.Node(folder, "empty");
        load(full.data, ENTRIES);
        try (full; empty) {
            full.launch("");
            empty.launch("").awaitReady();
            full.awaitReady();
            full.trust(empty);
            empty.trust(full);

            JsonNode result = full.syncWith(empty);

            assertTrue(result.get("ok").asBoolean(), result.toString());
            assertEquals(ENTRIES, result.get("sent").asInt());
            JsonNode status = empty.api.get("/api/entries?limit=1");
            assertEquals(1, status.get("entries").size());
            JsonNode again = full.syncWith(empty);
            assertTrue(again.get("ok").asBoolean());
            assertEquals(0, again.get("sent").asInt(), "the next sync moves nothing");
            assertTrue(again.get("bytesSent").asLong() < 4096, again.toString());
        }
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
