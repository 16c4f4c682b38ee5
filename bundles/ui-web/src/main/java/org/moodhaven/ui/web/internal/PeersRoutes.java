package org.moodhaven.ui.web.internal;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;

import org.moodhaven.api.discovery.Peer;
import org.moodhaven.api.discovery.PeerDirectory;
import org.moodhaven.api.discovery.PeerDirectoryException;
import org.moodhaven.api.entry.Timestamps;
import org.moodhaven.api.sync.SyncAddress;
import org.moodhaven.api.sync.SyncRecord;
import org.moodhaven.api.sync.SyncService;

/**
 * The peers endpoints of the JSON API: {@code GET /api/peers} lists what discovery
 * knows (with trust and, for trusted peers, the last sync), {@code POST /api/peers}
 * adds a peer by address, {@code DELETE /api/peers/{host}:{port}} forgets one.
 * Names in the answers come from the network; they are validated by discovery and
 * are for the page to show as text.
 */
final class PeersRoutes {

    /** What a route answers: a status and a JSON object. */
    record Answer(int status, Map<String, Object> body) {
    }

    private static final int SMALL_BODY = 4 * 1024;

    private PeersRoutes() {
    }

    /**
     * @param peers   the directory
     * @param sync    the sync service for the last syncs, or {@code null} when it is not running
     * @param method  the HTTP method
     * @param address the path after {@code /api/peers/}: "" or {@code host:port}
     * @param body    the request body (read only by POST)
     * @return the answer
     * @throws WireJson.BadRequest if the body is not a JSON object within the size limit
     * @throws IOException         if the body cannot be read
     */
    static Answer route(PeerDirectory peers, SyncService sync, String method, String address, InputStream body)
            throws WireJson.BadRequest, IOException {
        if (address.isEmpty()) {
            return switch (method) {
                case "GET" -> list(peers, sync);
                case "POST" -> add(peers, sync, WireJson.readObject(body, SMALL_BODY));
                default -> new Answer(405, error("method_not_allowed", method + " /api/peers is not supported"));
            };
        }
        if (!method.equals("DELETE")) {
            return new Answer(405, error("method_not_allowed", method + " /api/peers/{host}:{port} is not "
                    + "supported; DELETE removes a peer added by address"));
        }
        return remove(peers, address);
    }

    private static Answer list(PeerDirectory peers, SyncService sync) {
        List<Map<String, Object>> listed = new ArrayList<>();
        for (Peer peer : peers.peers()) {
            listed.add(peer(peer, sync));
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("peers", listed);
        body.put("multicast", peers.multicastEnabled());
        return new Answer(200, body);
    }

    private static Answer add(PeerDirectory peers, SyncService sync, JsonNode body) throws WireJson.BadRequest {
        JsonNode host = body.get("host");
        JsonNode port = body.get("port");
        if (host == null || !host.isTextual() || port == null || !port.isIntegralNumber() || !port.canConvertToInt()) {
            throw new WireJson.BadRequest(400, "bad_request", "host (a string) and port (an integer) are required");
        }
        JsonNode deviceId = body.get("deviceId");
        if (deviceId != null && !deviceId.isNull() && !deviceId.isTextual()) {
            throw new WireJson.BadRequest(400, "bad_request", "deviceId must be a string");
        }
        Optional<String> expected = deviceId == null || deviceId.isNull() ? Optional.empty()
                : Optional.of(deviceId.asText());
        try {
            return new Answer(200, peer(peers.addManual(host.asText(), port.intValue(), expected), sync));
        } catch (IllegalArgumentException e) {
            return new Answer(400, error("invalid_peer", e.getMessage()));
        } catch (PeerDirectoryException e) {
            return new Answer(500, error("peers_not_saved", e.getMessage()));
        }
    }

    private static Answer remove(PeerDirectory peers, String address) {
        SyncAddress parsed;
        try {
            parsed = SyncAddress.parse(address);
        } catch (IllegalArgumentException e) {
            return new Answer(400, error("bad_request", "expected /api/peers/{host}:{port}: " + e.getMessage()));
        }
        try {
            if (!peers.removeManual(parsed.host(), parsed.port())) {
                return new Answer(404, error("not_found", "no device was added by address at " + parsed
                        + " (devices found nearby are not forgotten: they go when they stop announcing themselves)"));
            }
        } catch (PeerDirectoryException e) {
            return new Answer(500, error("peers_not_saved", e.getMessage()));
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("removed", parsed.toString());
        return new Answer(200, body);
    }

    private static Map<String, Object> peer(Peer peer, SyncService sync) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("deviceId", peer.deviceId());
        body.put("deviceName", peer.deviceName());
        body.put("host", peer.host());
        body.put("port", peer.port());
        body.put("protocols", peer.protocols());
        body.put("source", peer.source() == Peer.Source.MDNS ? "mdns" : "manual");
        body.put("trusted", peer.trusted());
        if (peer.pairingPort() != null) {
            body.put("pairingPort", peer.pairingPort());
        }
        body.put("lastSeen", Timestamps.format(peer.lastSeen()));
        if (sync != null && peer.trusted() && peer.deviceId() != null) {
            List<SyncRecord> last = sync.history(Optional.of(peer.deviceId()), 1);
            if (!last.isEmpty()) {
                Map<String, Object> lastSync = new LinkedHashMap<>();
                lastSync.put("at", Timestamps.format(last.get(0).finishedAt()));
                lastSync.put("ok", last.get(0).result().ok());
                if (last.get(0).result().error() != null) {
                    lastSync.put("error", last.get(0).result().error());
                }
                body.put("lastSync", lastSync);
            }
        }
        return body;
    }

    private static Map<String, Object> error(String code, String message) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("error", code);
        body.put("message", message == null ? code : message);
        return body;
    }
}
