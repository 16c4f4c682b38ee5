package org.moodhaven.itests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.moodhaven.tools.NodeProcess;

/**
 * A node killed with {@code kill -9} while it commits writes typed at its console
 * restarts with a consistent store: every write whose command returned is there,
 * whole and readable, and nothing else is half there.
 */
class CrashSafetyIT {

    private static final Duration START = Duration.ofSeconds(60);
    private static final Duration STEP = Duration.ofSeconds(30);
    private static final String PASSWORD = "crash test password";
    private static final int WRITES_PER_ROUND = 40;
    private static final int ROUNDS = 3;
    private static final Pattern ROW = Pattern.compile("^(?:g! )?([A-Za-z0-9_-]{22})\\s+(\\S+ \\S+)\\s+(\\S+)\\s+(.*)$");

    @TempDir
    Path folder;

    @Test
    void everyAcknowledgedWriteSurvivesAKillDuringCommits() throws Exception {
        long seed = System.nanoTime();
        Random random = new Random(seed);
        Path data = folder.resolve("data");
        Path home = Files.createDirectories(folder.resolve("home"));
        Map<String, String> acknowledged = new HashMap<>();
        int typed = 0;

        for (int round = 0; round < ROUNDS; round++) {
            try (NodeProcess node = NodeProcess.start(data, home, "--name", "Crash test")) {
                node.expect("MoodHaven node", START);
                if (round == 0) {
                    node.type("mh:unlock", PASSWORD, PASSWORD); // a new journal: its password, typed twice
                } else {
                    node.type("mh:unlock", PASSWORD);
                }
                node.expect("Journal unlocked", STEP);
                // Type every write at once: the node is always committing the next one when the kill comes.
                for (int i = 0; i < WRITES_PER_ROUND; i++) {
                    node.type("mh:write --mood 3", "round " + round + " entry " + i, ".");
                }
                typed += WRITES_PER_ROUND;
                int killAfter = 5 + random.nextInt(WRITES_PER_ROUND - 10);
                for (int ack = 0; ack < killAfter; ack++) {
                    Matcher saved = node.expect("Saved entry ([A-Za-z0-9_-]{22}) ", STEP);
                    acknowledged.put(saved.group(1), "round " + round);
                }
                node.kill();
            }
        }

        try (NodeProcess node = NodeProcess.start(data, home)) {
            node.expect("MoodHaven node", START);
            node.type("mh:unlock", PASSWORD);
            node.expect("Journal unlocked\\.", STEP);
            node.type("mh:entries -n 1000", "mh:status");
            node.expect("entries +\\d+", STEP);
            Set<String> listed = new LinkedHashSet<>();
            for (String line : node.transcript().split("\n")) {
                Matcher row = ROW.matcher(line);
                if (row.matches()) {
                    listed.add(row.group(1));
                    assertTrue(row.group(4).startsWith("round "), "entry " + row.group(1)
                            + " is whole and readable, seed " + seed + ": " + line);
                }
            }
            Set<String> missing = new LinkedHashSet<>(acknowledged.keySet());
            missing.removeAll(listed);
            assertEquals(Set.of(), missing, "acknowledged writes lost (seed " + seed + ")");
            assertTrue(listed.size() <= acknowledged.size() + ROUNDS,
                    "at most the write in flight of each round may have committed unacknowledged; listed "
                            + listed.size() + ", acknowledged " + acknowledged.size() + ", typed " + typed);
            assertEquals(0, node.exit());
        }
    }
}
