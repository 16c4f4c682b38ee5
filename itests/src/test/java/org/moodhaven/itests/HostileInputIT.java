package org.moodhaven.itests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.moodhaven.testing.EntryGenerator;
import org.moodhaven.tools.Await;
import org.moodhaven.tools.SyncPortLoad;
import org.moodhaven.tools.TwoNodes;
import org.moodhaven.tools.soak.OversizePeer;

/**
 * Issue 12's acceptance, on a real node started at {@code -Xmx128m}: 5,000 HELLOs of a
 * stranger, refused, grow the node's log by at most 64 KiB (one line, and a summary once
 * the minute is over or the node stops); a trusted device syncs while strangers at four
 * other loopback addresses take every handshake slot they can; a trusted peer pushing 120
 * entries of about 2.5 MB gets them all rejected and counted, with no
 * {@code OutOfMemoryError}, and a normal sync right after succeeds.
 */
class HostileInputIT {

    private static final String HOST = "127.0.0.1";
    private static final long LOG_GROWTH_LIMIT = 64 * 1024;
    private static final Duration LOAD = Duration.ofSeconds(60);
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path folder;

    private final EntryGenerator generator = new EntryGenerator(12, 1024, Instant.parse("2026-01-01T00:00:00Z"));
    private long next;

    @Test
    void aNodeAt128MiBOutlastsStrangersAndABrokenTrustedPeer() throws Exception {
        TwoNodes.Node node = new TwoNodes.Node(folder, "target");
        TwoNodes.Node device = new TwoNodes.Node(folder, "device");
        try (node; device) {
            node.launch("-Xmx128m");
            device.launch("").awaitReady();
            node.awaitReady();
            node.trust(device);
            device.trust(node);

            // 1. The log: 5,000 refused HELLOs from one address.
            long before = logBytes(node);
            try (SyncPortLoad hellos = SyncPortLoad.capHellos(stranger(node, 2), 5_000, 4)) {
                assertTrue(hellos.awaitEnd(LOAD), "the HELLOs were all answered: " + hellos.report());
                SyncPortLoad.Report report = hellos.report();
                System.out.println("HostileInputIT: " + report);
                assertTrue(report.count("REJECT not_trusted") >= 1_000, "most reached the trust check: " + report);
            }
            long grown = logBytes(node) - before;
            System.out.println("HostileInputIT: 5,000 stranger HELLOs grew the log by " + grown + " bytes");
            assertTrue(grown <= LOG_GROWTH_LIMIT, "the log grew by " + grown + " bytes for 5,000 refused HELLOs");

            // 2. A known device syncs while strangers at four addresses flood the handshake slots.
            sync(device, node, "the first sync, from 127.0.0.1");
            List<SyncPortLoad> flood = new ArrayList<>();
            try {
                for (int address = 2; address <= 5; address++) {
                    flood.add(SyncPortLoad.heldConnections(stranger(node, address), 8));
                    flood.add(SyncPortLoad.capHellos(stranger(node, address), 2_000, 2));
                }
                Await.until("the strangers hold their slots", LOAD,
                        () -> flood.stream().mapToInt(load -> load.report().connections()).sum() >= 64);
                JsonNode during = sync(device, node, "a sync during the flood from four addresses");
                flood.forEach(load -> System.out.println("HostileInputIT: during the sync, " + load.report()));
                assertTrue(flood.stream().anyMatch(SyncPortLoad::isRunning), "the flood still ran during the sync");
                assertEquals(20, during.get("sent").asInt(), during.toString());
            } finally {
                flood.forEach(SyncPortLoad::close);
            }

            // 3. A trusted peer gone bad pushes 120 entries of about 2.5 MB each.
            OversizePeer broken = new OversizePeer("hostile-it", 120);
            alsoTrust(node, broken);
            OversizePeer.Push push = broken.push(node.syncPort, node.deviceId, publicKey(node));
            System.out.println("HostileInputIT: " + push);
            assertTrue(push.asExpected(), "all 120 rejected and counted: " + push);
            Set<String> held = node.api.digest().keySet();
            assertTrue(push.ids().stream().noneMatch(held::contains), "none of them is stored");

            // 4. After it all: the node runs, syncs, and never ran out of memory.
            sync(device, node, "a normal sync after it all");
            assertEquals(device.api.digest(), node.api.digest());
            assertTrue(node.process.isAlive(), "the node still runs");
            node.stop();
            String log = logText(node);
            assertFalse(log.contains("OutOfMemoryError") || node.process.transcript().contains("OutOfMemoryError"),
                    "no OutOfMemoryError in the node's log or output");
            assertTrue(log.contains("more refused HELLOs from 127.0.0.2"),
                    "the refusals counted are summed up in one line when the node stops");
        }
    }

    /** Adds a trust entry to the node's trusted_devices.json and waits until the node trusts it. */
    private static void alsoTrust(TwoNodes.Node node, OversizePeer peer) throws Exception {
        Path file = node.data.resolve("trusted_devices.json");
        ArrayNode devices = (ArrayNode) JSON.readTree(file.toFile());
        devices.add(peer.trustEntry());
        Path edit = node.data.resolve("trusted_devices.json.edit");
        Files.writeString(edit, devices.toPrettyString());
        Files.move(edit, file, StandardCopyOption.ATOMIC_MOVE);
        Await.until("the node trusts the peer", LOAD,
                () -> node.api.get("/api/trusted").toString().contains(peer.deviceId()));
    }

    private static byte[] publicKey(TwoNodes.Node node) throws IOException {
        String key = JSON.readTree(node.data.resolve("device.json").toFile()).get("publicKey").asText();
        return Base64.getUrlDecoder().decode(key);
    }

    private static SyncPortLoad.Route stranger(TwoNodes.Node node, int lastByte) {
        return SyncPortLoad.Route.to(HOST, node.syncPort).from("127.0.0." + lastByte);
    }

    /** Writes 20 entries on the device and syncs them to the node; it must succeed at once. */
    private JsonNode sync(TwoNodes.Node device, TwoNodes.Node node, String what) throws Exception {
        for (int i = 0; i < 20; i++) {
            device.post(generator.entry(next++));
        }
        JsonNode result = device.syncWith(node);
        assertTrue(result.get("ok").asBoolean(), what + " succeeds: " + result);
        return result;
    }

    /** The bytes of all of the node's log files (the rotated ones included). */
    private static long logBytes(TwoNodes.Node node) throws IOException {
        long bytes = 0;
        try (Stream<Path> files = Files.list(node.data.resolve("logs"))) {
            for (Path file : files.filter(f -> f.getFileName().toString().startsWith("moodhaven")).toList()) {
                bytes += Files.size(file);
            }
        }
        return bytes;
    }

    private static String logText(TwoNodes.Node node) throws IOException {
        StringBuilder text = new StringBuilder();
        try (Stream<Path> files = Files.list(node.data.resolve("logs"))) {
            for (Path file : files.filter(f -> f.getFileName().toString().startsWith("moodhaven")).sorted().toList()) {
                text.append(Files.readString(file));
            }
        }
        return text.toString();
    }
}
