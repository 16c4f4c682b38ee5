package org.moodhaven.itests;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.moodhaven.tools.Await;

/**
 * The node's log is configured from {@code {data}/etc/logback.xml} (issue 13): copied there at the
 * first start, and a level changed in it applies while the node runs.
 */
class LogConfigurationIT {

    /** logback looks at the file every 10 seconds. */
    private static final Duration WAIT = Duration.ofSeconds(40);

    @TempDir
    Path folder;

    @Test
    void aLevelChangedInEtcLogbackXmlAppliesWhileTheNodeRuns() throws Exception {
        Path data = folder.resolve("data");
        try (HeadlessNode node = HeadlessNode.start(data, folder.resolve("home"), "--sync-port", "0", "--no-mdns",
                "--no-auto-sync")) {
            Path configuration = data.resolve("etc").resolve("logback.xml");
            Path log = data.resolve("logs").resolve("moodhaven.log");
            AtomicInteger port = new AtomicInteger();
            assertTrue(addPeerIsLogged(node, log, port.incrementAndGet()), "a peer added by address is an INFO line");

            String text = Files.readString(configuration, StandardCharsets.UTF_8);
            assertTrue(text.contains("<root level=\"INFO\">"), text);
            Files.writeString(configuration, text.replace("<root level=\"INFO\">", "<root level=\"WARN\">"),
                    StandardCharsets.UTF_8);

            Await.until("INFO lines are no longer written", WAIT,
                    () -> !addPeerIsLogged(node, log, port.incrementAndGet()));
        }
    }

    /**
     * Adds (or replaces) a peer by address, one of 50 ports as {@code NodeHardeningIT} does; the API
     * answers once the line, if any, is written.
     */
    private static boolean addPeerIsLogged(HeadlessNode node, Path log, int count) throws Exception {
        int port = 40_000 + count % 50;
        long linesBefore = lines(log, port);
        node.api.post("/api/peers", "{\"host\": \"127.0.0.1\", \"port\": " + port + "}");
        return lines(log, port) > linesBefore;
    }

    private static long lines(Path log, int port) throws Exception {
        return Files.readAllLines(log, StandardCharsets.UTF_8).stream()
                .filter(line -> line.contains("peer added by address: /127.0.0.1:" + port)
                        || line.contains("peer added by address: 127.0.0.1:" + port))
                .count();
    }
}
