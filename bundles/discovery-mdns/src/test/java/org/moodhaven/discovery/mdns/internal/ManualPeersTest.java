package org.moodhaven.discovery.mdns.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.moodhaven.api.discovery.Peer;
import org.moodhaven.api.discovery.PeerDirectory;
import org.moodhaven.api.discovery.PeerDirectoryException;
import org.moodhaven.api.event.EventTopics;
import org.moodhaven.api.identity.TrustedDevice;
import org.osgi.service.event.Event;

/** Peers added by address, with mDNS off: no network is involved. */
class ManualPeersTest {

    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final String OTHER = "9a4f0b2c1d3e5f60";

    @TempDir
    Path folder;

    private TestDirectory node() throws Exception {
        return new TestDirectory(1, folder, 44101, "mdnsEnabled", false);
    }

    @Test
    void keptAcrossARestartInAnOwnerOnlyFile() throws Exception {
        try (TestDirectory node = node()) {
            assertFalse(node.directory.multicastEnabled());
            Peer added = node.directory.addManual("192.168.1.20", 44123, Optional.of(OTHER));
            assertEquals(new Peer(OTHER, null, "192.168.1.20", 44123, List.of(), null, Peer.Source.MANUAL, false,
                    TestDirectory.NOW), added);
            node.directory.addManual("ken-laptop.local", 44000, Optional.empty());
            node.directory.addManual("fe80::1%eth0", 44001, Optional.empty());
            Event found = node.await(EventTopics.PEER_DISCOVERED, OTHER, WAIT);
            assertEquals("192.168.1.20:44123", found.getProperty(EventTopics.ADDRESS));
            node.await(EventTopics.PEER_DISCOVERED, e -> "ken-laptop.local:44000".equals(
                    e.getProperty(EventTopics.ADDRESS)) && e.getProperty(EventTopics.DEVICE_ID) == null, WAIT);
        }
        Path file = folder.resolve("node-1").resolve("peers.json");
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        try (TestDirectory node = node()) {
            assertEquals(List.of("192.168.1.20:44123", "ken-laptop.local:44000", "[fe80::1%eth0]:44001"),
                    node.directory.peers().stream().map(p -> p.address().toString()).toList());
            assertEquals(OTHER, node.directory.find(OTHER).orElseThrow().deviceId());
            // Known again after a restart: consumers hear of them as discovered.
            node.await(EventTopics.PEER_DISCOVERED, OTHER, WAIT);

            // Replacing the same address, then removing it.
            node.directory.addManual("192.168.1.20", 44123, Optional.empty());
            assertTrue(node.directory.find(OTHER).isEmpty());
            assertTrue(node.directory.removeManual("192.168.1.20", 44123));
            assertFalse(node.directory.removeManual("192.168.1.20", 44123));
            node.await(EventTopics.PEER_LOST,
                    e -> "192.168.1.20:44123".equals(e.getProperty(EventTopics.ADDRESS)), WAIT);
        }
        try (TestDirectory node = node()) {
            assertEquals(2, node.directory.peers().size());
        }
    }

    @Test
    void trustedMarkingFollowsTheTrustList() throws Exception {
        try (TestDirectory node = node(); TestDirectory other = new TestDirectory(2, folder, 44102,
                "mdnsEnabled", false)) {
            node.directory.addManual("10.0.0.2", 44102, Optional.of(other.deviceId()));
            node.trust.trust(new TrustedDevice(other.deviceId(), "Node 2", other.identity.publicKeyBase64(),
                    TestDirectory.NOW, null, null));
            node.await(EventTopics.PEER_DISCOVERED, e -> other.deviceId().equals(e.getProperty(EventTopics.DEVICE_ID))
                    && Boolean.TRUE.equals(e.getProperty(EventTopics.TRUSTED)), WAIT);
            Peer peer = node.directory.find(other.deviceId()).orElseThrow();
            assertTrue(peer.trusted());
            assertEquals("Node 2", peer.deviceName());
        }
    }

    @Test
    void refusesBadInputWithAMessage() throws Exception {
        try (TestDirectory node = node()) {
            Map<String, Object[]> bad = Map.ofEntries(
                    Map.entry("empty host", new Object[] {"", 44000, Optional.empty()}),
                    Map.entry("host:port as host", new Object[] {"10.0.0.1:44000", 44000, Optional.empty()}),
                    Map.entry("bad IPv4", new Object[] {"10.0.0.256", 44000, Optional.empty()}),
                    Map.entry("short IPv4", new Object[] {"10.0.1", 44000, Optional.empty()}),
                    Map.entry("bad IPv6", new Object[] {"fe80:::1", 44000, Optional.empty()}),
                    Map.entry("spaces", new Object[] {"my laptop", 44000, Optional.empty()}),
                    Map.entry("control", new Object[] {"host\n", 44000, Optional.empty()}),
                    Map.entry("html", new Object[] {"<script>", 44000, Optional.empty()}),
                    Map.entry("long label", new Object[] {"a".repeat(64) + ".lan", 44000, Optional.empty()}),
                    Map.entry("too long", new Object[] {"a.".repeat(127) + "a", 44000, Optional.empty()}),
                    Map.entry("port 0", new Object[] {"10.0.0.1", 0, Optional.empty()}),
                    Map.entry("port 65536", new Object[] {"10.0.0.1", 65536, Optional.empty()}),
                    Map.entry("bad deviceId", new Object[] {"10.0.0.1", 44000, Optional.of("9A4F0B2C1D3E5F60")}),
                    Map.entry("own deviceId", new Object[] {"10.0.0.1", 44000, Optional.of(node.deviceId())}));
            for (Map.Entry<String, Object[]> entry : bad.entrySet()) {
                Object[] args = entry.getValue();
                @SuppressWarnings("unchecked")
                Optional<String> id = (Optional<String>) args[2];
                IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
                        () -> node.directory.addManual((String) args[0], (Integer) args[1], id), entry.getKey());
                assertTrue(refused.getMessage().startsWith("Cannot add this peer: ") && refused.getMessage().endsWith("."),
                        refused.getMessage());
                assertFalse(refused.getMessage().contains("deviceId"), refused.getMessage());
            }
            assertEquals("Cannot add this peer: that is this device's own id.", assertThrows(
                    IllegalArgumentException.class, () -> node.directory.addManual("10.0.0.1", 44000,
                            Optional.of(node.deviceId()))).getMessage());
            assertTrue(node.directory.peers().isEmpty());
            assertFalse(Files.exists(node.data.resolve("peers.json")));

            for (int i = 0; i < PeerDirectory.MAX_MANUAL_PEERS; i++) {
                node.directory.addManual("10.0.1." + i, 44000, Optional.empty());
            }
            assertThrows(IllegalArgumentException.class,
                    () -> node.directory.addManual("10.0.2.1", 44000, Optional.empty()));
            node.directory.addManual("10.0.1.0", 44000, Optional.of(OTHER)); // replacing is still fine
        }
    }

    @Test
    void aBrokenFileIsReportedAndNeverOverwritten() throws Exception {
        Path data = Files.createDirectories(folder.resolve("node-1"));
        Path file = data.resolve("peers.json");
        Files.writeString(file, "[{\"host\": \"10.0.0.1\", \"port\": 44000,", StandardCharsets.UTF_8);
        try (TestDirectory node = node()) {
            assertTrue(node.directory.peers().isEmpty());
            PeerDirectoryException refused = assertThrows(PeerDirectoryException.class,
                    () -> node.directory.addManual("10.0.0.2", 44000, Optional.empty()));
            assertTrue(refused.getMessage().contains("will not be overwritten"), refused.getMessage());
        }
        assertEquals("[{\"host\": \"10.0.0.1\", \"port\": 44000,", Files.readString(file));

        // Entries that break a rule are skipped, the rest is used.
        Files.writeString(file, "[{\"host\": \"10.0.0.1\", \"port\": 44000},"
                + " {\"host\": \"bad host\", \"port\": 44000}, {\"host\": \"10.0.0.3\", \"port\": 99999},"
                + " {\"host\": \"10.0.0.4\", \"port\": 44000, \"deviceId\": \"nope\"}, 7]");
        try (TestDirectory node = node()) {
            assertEquals(List.of("10.0.0.1:44000"),
                    node.directory.peers().stream().map(p -> p.address().toString()).toList());
        }
    }

    @Test
    void announcesTheNameAndVersionsAsConfigured() throws Exception {
        try (TestDirectory plain = node();
             TestDirectory quiet = new TestDirectory(2, folder, 44102, "mdnsEnabled", false,
                     "announceName", false, "allowLegacyV1", true)) {
            assertEquals(Map.of("device_id", plain.deviceId(), "device_name", "Node 1", "proto", "2"),
                    plain.directory.ownText());
            assertEquals(Map.of("device_id", quiet.deviceId(), "proto", "1,2"), quiet.directory.ownText());
            quiet.post(EventTopics.PAIRING_STARTED, Map.of(EventTopics.PAIRING_PORT, 40001));
            quiet.await(EventTopics.PAIRING_STARTED, e -> true, WAIT);
            assertEquals("40001", quiet.directory.ownText().get("pair"));
            quiet.post(EventTopics.PAIRING_ENDED, Map.of());
            quiet.await(EventTopics.PAIRING_ENDED, e -> true, WAIT);
            assertFalse(quiet.directory.ownText().containsKey("pair"));
            quiet.post(EventTopics.PAIRING_STARTED, Map.of(EventTopics.PAIRING_PORT, "not a port"));
            quiet.await(EventTopics.PAIRING_STARTED, e -> true, WAIT);
            assertFalse(quiet.directory.ownText().containsKey("pair"));
        }
    }
}
