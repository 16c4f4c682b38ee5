package org.moodhaven.itests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import com.fasterxml.jackson.databind.JsonNode;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.moodhaven.testing.EntryGenerator;
import org.moodhaven.tools.RecordingProxy;
import org.moodhaven.tools.SyncProbe;
import org.moodhaven.tools.TwoNodes;

/**
 * Issue 7's acceptance: the independent probe ({@code SyncProbe}, also {@code scripts/probe})
 * sends malformed frames and floods a real node built from main; the node does what
 * PROTOCOL.md says with every case, its store is unchanged afterwards (the digest of all
 * entries), and a trusted peer still syncs with it.
 */
class SyncProbeIT {

    @TempDir
    Path folder;

    private final EntryGenerator generator = new EntryGenerator(13, 512, Instant.parse("2026-01-01T00:00:00Z"));

    @Test
    void aProbedAndFloodedNodeKeepsItsStoreAndStillSyncs() throws Exception {
        TwoNodes.Node node = new TwoNodes.Node(folder, "probed");
        TwoNodes.Node peer = new TwoNodes.Node(folder, "peer");
        try (node; peer) {
            node.launch("");
            peer.launch("").awaitReady();
            node.awaitReady();
            node.trust(peer);
            peer.trust(node);
            for (int i = 0; i < 20; i++) {
                node.post(generator.entry(i));
                peer.post(generator.entry(100 + i));
            }
            // A real session, recorded so the probe can replay the peer's bytes of it.
            try (RecordingProxy recorder = new RecordingProxy(node.syncPort)) {
                assertTrue(peer.syncWith(node, recorder.port()).get("ok").asBoolean(), "the recorded sync");
                byte[] clientBytes = recorder.clientToServer.captured();
                Map<String, String> before = node.api.digest();
                assertEquals(40, before.size());

                List<SyncProbe.Finding> findings = new SyncProbe(SyncProbe.Target.of("127.0.0.1", node.syncPort)
                        .trusting(peer.deviceId).replaying(clientBytes)).run(System.out);

                String wrong = findings.stream().filter(finding -> !finding.asSpecified())
                        .map(finding -> finding.name() + ": " + finding.observed() + " (expected "
                                + finding.expected() + ")").collect(Collectors.joining("\n"));
                assertEquals("", wrong, "the node did as PROTOCOL.md says with every probe");
                assertTrue(findings.size() >= 30, "every case ran, the trusted and replay ones too: "
                        + findings.size());
                assertEquals(before, node.api.digest(), "the probe changed nothing in the node's store");
            }

            for (int i = 0; i < 10; i++) {
                peer.post(generator.entry(200 + i));
            }
            JsonNode after = peer.syncWith(node);
            assertTrue(after.get("ok").asBoolean(), "the peer still syncs with the probed node: " + after);
            assertEquals(10, after.get("sent").asInt(), after.toString());
            assertEquals(peer.api.digest(), node.api.digest(), "both journals are equal after the sync");
            assertTrue(node.process.isAlive(), "the node still runs");
        }
    }
}
