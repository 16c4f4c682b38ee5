package org.moodhaven.discovery.mdns.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import javax.jmdns.JmDNS;
import javax.jmdns.ServiceInfo;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.moodhaven.api.discovery.Peer;
import org.moodhaven.api.event.EventTopics;
import org.moodhaven.api.identity.TrustedDevice;
import org.osgi.service.event.Event;

/**
 * Two real directories with real jmdns on 127.0.0.1 (they find each other in about
 * four seconds), and a raw JmDNS that publishes valid and malformed announcements,
 * as a stranger on the LAN could. One scenario, so the discovery delay is paid once.
 */
class LoopbackDiscoveryTest {

    /**
     * Deadlines, not delays: the waits end when the event arrives (about 4 s to find a peer on an
     * idle machine). They are long because on a loaded 2-core CI machine a lost multicast packet
     * is only made up for by jmdns' next query.
     */
    private static final Duration FIND = Duration.ofSeconds(60);
    private static final Duration CHANGE = Duration.ofSeconds(30);

    /** A valid announcement from the raw instance: once seen, its malformed ones were seen too. */
    private static final String CONTROL_ID = "c0ffee00c0ffee00";

    @TempDir
    Path folder;

    @Test
    void findEachOtherFollowTrustAndPairingIgnoreMalformedAndSeeAPeerGo() throws Exception {
        try (TestDirectory a = new TestDirectory(1, folder, 44101);
             TestDirectory b = new TestDirectory(2, folder, 44102, "allowLegacyV1", true)) {
            JmDNS raw = JmDNS.create(InetAddress.getByName("127.0.0.1"), "stranger");
            try {
                // Malformed first, the valid control last: each is a distinct deviceId that must never appear.
                publish(raw, "bad-id", text("device_id", "C0FFEE00C0FFEE01", "proto", "2"));
                publish(raw, "short-id", text("device_id", "c0ffee", "proto", "2"));
                publish(raw, "bidi-name", text("device_id", "c0ffee00c0ffee02", "device_name",
                        "evil\u202Egnp.exe", "proto", "2"));
                publish(raw, "long-name", text("device_id", "c0ffee00c0ffee03", "device_name", "x".repeat(65),
                        "proto", "2"));
                publish(raw, "bad-proto", text("device_id", "c0ffee00c0ffee04", "proto", "2.0"));
                publish(raw, "no-proto", text("device_id", "c0ffee00c0ffee05"));
                publish(raw, "bad-pair", text("device_id", "c0ffee00c0ffee06", "proto", "2", "pair", "70000"));
                publish(raw, "impostor-of-a", text("device_id", a.deviceId(), "proto", "2"));
                publish(raw, "control", text("device_id", CONTROL_ID, "device_name", "Raw control", "proto", "2"));

                Event found = a.await(EventTopics.PEER_DISCOVERED, b.deviceId(), FIND);
                assertEquals("Node 2", found.getProperty(EventTopics.DEVICE_NAME));
                assertEquals("127.0.0.1:44102", found.getProperty(EventTopics.ADDRESS));
                assertEquals(false, found.getProperty(EventTopics.TRUSTED));
                assertNull(found.getProperty(EventTopics.PAIRING_PORT));
                Peer peer = a.directory.find(b.deviceId()).orElseThrow();
                assertEquals(new Peer(b.deviceId(), "Node 2", "127.0.0.1", 44102, List.of(1, 2), null,
                        Peer.Source.MDNS, false, TestDirectory.NOW), peer);
                b.await(EventTopics.PEER_DISCOVERED, a.deviceId(), FIND);
                assertEquals(List.of(2), b.directory.find(a.deviceId()).orElseThrow().protocols());

                // The control may have been found before B, while the wait above passed over it.
                a.awaitEver(EventTopics.PEER_DISCOVERED, CONTROL_ID, FIND);
                Set<String> listed = a.directory.peers().stream().map(Peer::deviceId).collect(Collectors.toSet());
                assertEquals(Set.of(b.deviceId(), CONTROL_ID), listed, "only valid announcements of others");
                for (Event event : a.events) {
                    Object id = event.getProperty(EventTopics.DEVICE_ID);
                    assertTrue(b.deviceId().equals(id) || CONTROL_ID.equals(id), "unexpected event " + event);
                }

                // Trust follows the trust list, both ways.
                a.trust.trust(new TrustedDevice(b.deviceId(), "Node 2", b.identity.publicKeyBase64(),
                        TestDirectory.NOW, null, null));
                a.await(EventTopics.PEER_DISCOVERED,
                        e -> b.deviceId().equals(e.getProperty(EventTopics.DEVICE_ID))
                                && Boolean.TRUE.equals(e.getProperty(EventTopics.TRUSTED)), CHANGE);
                assertTrue(a.directory.find(b.deviceId()).orElseThrow().trusted());
                assertFalse(a.directory.find(CONTROL_ID).orElseThrow().trusted());
                a.trust.revoke(b.deviceId());
                a.await(EventTopics.PEER_DISCOVERED,
                        e -> b.deviceId().equals(e.getProperty(EventTopics.DEVICE_ID))
                                && Boolean.FALSE.equals(e.getProperty(EventTopics.TRUSTED)), CHANGE);

                // pair= appears while B pairs, and goes when pairing ends.
                b.post(EventTopics.PAIRING_STARTED, Map.of(EventTopics.PAIRING_PORT, 45678));
                a.await(EventTopics.PEER_DISCOVERED,
                        e -> b.deviceId().equals(e.getProperty(EventTopics.DEVICE_ID))
                                && Integer.valueOf(45678).equals(e.getProperty(EventTopics.PAIRING_PORT)), CHANGE);
                assertEquals(45678, a.directory.find(b.deviceId()).orElseThrow().pairingPortIfOpen().getAsInt());
                b.post(EventTopics.PAIRING_ENDED, Map.of());
                a.await(EventTopics.PEER_DISCOVERED,
                        e -> b.deviceId().equals(e.getProperty(EventTopics.DEVICE_ID))
                                && e.getProperty(EventTopics.PAIRING_PORT) == null, CHANGE);
                assertTrue(a.directory.find(b.deviceId()).orElseThrow().pairingPortIfOpen().isEmpty());

                // B stops: its goodbye reaches A.
                b.close();
                Event lost = a.await(EventTopics.PEER_LOST, b.deviceId(), CHANGE);
                assertEquals(false, lost.getProperty(EventTopics.TRUSTED));
                assertTrue(a.directory.find(b.deviceId()).isEmpty());
                assertFalse(a.directory.peers().stream().anyMatch(p -> p.deviceId().equals(a.deviceId())));
            } finally {
                raw.close();
            }
        }
    }

    private static void publish(JmDNS raw, String instance, byte[] txt) throws Exception {
        raw.registerService(ServiceInfo.create(MdnsLink.SERVICE_TYPE, instance, 44999, 0, 0, txt));
    }

    /** A TXT record in wire form, exactly as given (jmdns would otherwise re-encode a map). */
    private static byte[] text(String... keysAndValues) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            byte[] item = (keysAndValues[i] + "=" + keysAndValues[i + 1]).getBytes(StandardCharsets.UTF_8);
            out.write(item.length);
            out.write(item, 0, item.length);
        }
        return out.toByteArray();
    }
}
