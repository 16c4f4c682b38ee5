package org.moodhaven.ui.web.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;

import org.junit.jupiter.api.Test;
import org.moodhaven.api.discovery.Peer;
import org.moodhaven.api.sync.SyncRecord;
import org.moodhaven.api.sync.SyncResult;
import org.moodhaven.testing.discovery.InMemoryPeerDirectory;
import org.moodhaven.testing.sync.RecordedSyncs;

class PeersRoutesTest {

    private static final String TRUSTED = "9a4f0b2c1d3e5f60";
    private static final String STRANGER = "0123456789abcdef";

    private final InMemoryPeerDirectory directory = new InMemoryPeerDirectory(Set.of(TRUSTED));
    private final RecordedSyncs syncs = new RecordedSyncs();

    /** The answer as the client reads it. */
    private JsonNode call(String method, String address, String body, int status) throws Exception {
        InputStream in = new ByteArrayInputStream(body.getBytes(StandardCharsets.UTF_8));
        PeersRoutes.Answer answer = PeersRoutes.route(directory, syncs, method, address, in);
        JsonNode json = WireJson.MAPPER.readTree(WireJson.MAPPER.writeValueAsBytes(answer.body()));
        assertEquals(status, answer.status(), json.toString());
        return json;
    }

    @Test
    void listsPeersWithTrustPairingPortAndLastSync() throws Exception {
        directory.announced.add(new Peer(TRUSTED, "Ken's laptop", "192.168.1.20", 44123, List.of(1, 2), null,
                Peer.Source.MDNS, true, InMemoryPeerDirectory.NOW));
        directory.announced.add(new Peer(STRANGER, "<b>Phone</b>", "192.168.1.30", 44200, List.of(2), 40123,
                Peer.Source.MDNS, false, InMemoryPeerDirectory.NOW));
        directory.addManual("10.0.0.5", 45999, java.util.Optional.empty());
        syncs.history.add(new SyncRecord(TRUSTED, "Ken's laptop", SyncRecord.OUTGOING,
                Instant.parse("2026-03-18T09:59:00Z"), Instant.parse("2026-03-18T09:59:01Z"), "192.168.1.20:44123", 2,
                SyncResult.failed("timeout", "no answer in 30 s")));

        JsonNode answer = call("GET", "", "", 200);
        assertTrue(answer.get("multicast").asBoolean());
        JsonNode peers = answer.get("peers");
        assertEquals(3, peers.size());

        JsonNode trusted = peers.get(0);
        assertEquals(TRUSTED, trusted.get("deviceId").asText());
        assertEquals("Ken's laptop", trusted.get("deviceName").asText());
        assertEquals("192.168.1.20", trusted.get("host").asText());
        assertEquals(44123, trusted.get("port").asInt());
        assertEquals("[1,2]", trusted.get("protocols").toString());
        assertEquals("mdns", trusted.get("source").asText());
        assertTrue(trusted.get("trusted").asBoolean());
        assertFalse(trusted.has("pairingPort"));
        assertEquals("2026-03-18T10:00:00.000Z", trusted.get("lastSeen").asText());
        assertEquals("{\"at\":\"2026-03-18T09:59:01.000Z\",\"ok\":false,\"error\":\"timeout\"}",
                trusted.get("lastSync").toString());

        JsonNode stranger = peers.get(1);
        assertEquals("<b>Phone</b>", stranger.get("deviceName").asText());
        assertEquals(40123, stranger.get("pairingPort").asInt());
        assertFalse(stranger.get("trusted").asBoolean());
        assertFalse(stranger.has("lastSync"));

        JsonNode manual = peers.get(2);
        assertTrue(manual.get("deviceId").isNull(), manual.toString());
        assertTrue(manual.get("deviceName").isNull(), manual.toString());
        assertEquals("manual", manual.get("source").asText());
        assertEquals("[]", manual.get("protocols").toString());
    }

    @Test
    void aTrustedPeerNeverSyncedHasNoLastSyncAndNoSyncServiceIsFine() throws Exception {
        directory.addManual("10.0.0.5", 45999, java.util.Optional.of(TRUSTED));
        assertFalse(call("GET", "", "", 200).get("peers").get(0).has("lastSync"));
        PeersRoutes.Answer answer = PeersRoutes.route(directory, null, "GET", "", InputStream.nullInputStream());
        assertEquals(200, answer.status());
    }

    @Test
    void multicastOffIsReported() throws Exception {
        directory.multicast = false;
        JsonNode answer = call("GET", "", "", 200);
        assertFalse(answer.get("multicast").asBoolean());
        assertEquals(0, answer.get("peers").size());
    }

    @Test
    void addsAndRemovesAPeer() throws Exception {
        JsonNode added = call("POST", "", "{\"host\": \"fe80::1\", \"port\": 45999, \"deviceId\": \"" + TRUSTED + "\"}",
                200);
        assertEquals("fe80::1", added.get("host").asText());
        assertEquals(TRUSTED, added.get("deviceId").asText());
        assertTrue(added.get("trusted").asBoolean());
        JsonNode plain = call("POST", "", "{\"host\": \"10.0.0.5\", \"port\": 45998, \"deviceId\": null}", 200);
        assertTrue(plain.get("deviceId").isNull());
        assertEquals(2, directory.manual.size());

        assertEquals("[fe80::1]:45999", call("DELETE", "[fe80::1]:45999", "", 200).get("removed").asText());
        assertEquals("not_found", call("DELETE", "[fe80::1]:45999", "", 404).get("error").asText());
        assertEquals("10.0.0.5:45998", call("DELETE", "10.0.0.5:45998", "", 200).get("removed").asText());
        assertTrue(directory.manual.isEmpty());
    }

    @Test
    void refusedPeersAreA400WithTheReason() throws Exception {
        JsonNode refused = call("POST", "", "{\"host\": \"10.0.0.5\", \"port\": 45999, \"deviceId\": \"XYZ\"}", 400);
        assertEquals("invalid_peer", refused.get("error").asText());
        assertEquals("Cannot add this peer: a device id is 16 characters, each 0-9 or a-f.",
                refused.get("message").asText());
        assertEquals("bad_request", call("DELETE", "no-port", "", 400).get("error").asText());
        assertEquals("bad_request", call("DELETE", "host:70000", "", 400).get("error").asText());
        assertTrue(directory.manual.isEmpty());
    }

    @Test
    void malformedBodiesAreRefusedBeforeTheDirectorySeesThem() {
        for (String body : List.of("{\"port\": 1}", "{\"host\": 5, \"port\": 1}", "{\"host\": \"h\", \"port\": 1.5}",
                "{\"host\": \"h\", \"port\": \"1\"}", "{\"host\": \"h\", \"port\": 1, \"deviceId\": 7}")) {
            WireJson.BadRequest e = assertThrows(WireJson.BadRequest.class, () -> call("POST", "", body, 400), body);
            assertEquals(400, e.status, body);
        }
        WireJson.BadRequest large = assertThrows(WireJson.BadRequest.class,
                () -> call("POST", "", "{\"host\": \"" + "a".repeat(5000) + "\", \"port\": 1}", 413));
        assertEquals(413, large.status);
        assertTrue(directory.manual.isEmpty());
    }

    @Test
    void aDirectoryThatCannotSaveIsA500ThatSaysSo() throws Exception {
        directory.failWrites = true;
        assertEquals("peers_not_saved", call("POST", "", "{\"host\": \"h\", \"port\": 1}", 500).get("error").asText());
        assertEquals("peers_not_saved", call("DELETE", "h:1", "", 500).get("error").asText());
    }

    @Test
    void otherMethodsAreNotAllowed() throws Exception {
        assertEquals("method_not_allowed", call("PUT", "", "", 405).get("error").asText());
        assertEquals("method_not_allowed", call("GET", "h:1", "", 405).get("error").asText());
        assertNull(call("PATCH", "h:1", "", 405).get("removed"));
    }
}
