package org.moodhaven.tools;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * A script's view of a running node: its JSON API on 127.0.0.1, with the token
 * from its data folder, as ARCHITECTURE.md describes for scripts.
 */
public final class NodeApi {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpClient http = HttpClient.newHttpClient();
    private final int httpPort;
    private final String base;
    private final String token;

    public NodeApi(int httpPort, Path data) throws IOException {
        this.httpPort = httpPort;
        this.base = "http://127.0.0.1:" + httpPort;
        this.token = Files.readString(data.resolve("api-token")).strip();
    }

    public JsonNode get(String path) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(URI.create(base + path)).GET(), 200);
    }

    public JsonNode post(String path, String body) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(URI.create(base + path))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8)), 200);
    }

    /** Posts and expects another status than 200, e.g. a refusal; answers the error body. */
    public JsonNode post(String path, String body, int expectedStatus) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(URI.create(base + path))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8)), expectedStatus);
    }

    public JsonNode delete(String path) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(URI.create(base + path)).DELETE(), 200);
    }

    private JsonNode send(HttpRequest.Builder request, int expected) throws IOException, InterruptedException {
        HttpResponse<String> response = http.send(request.header("Authorization", "Bearer " + token).build(),
                HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        if (response.statusCode() != expected) {
            throw new AssertionError(request.build().uri() + " answered " + response.statusCode() + ": "
                    + response.body());
        }
        return JSON.readTree(response.body());
    }

    /** Opens the node's {@code GET /api/events} stream and waits until it is open. */
    public EventStream events(Duration timeout) throws IOException, InterruptedException {
        return EventStream.open(httpPort, token, timeout);
    }

    public String deviceId() throws IOException, InterruptedException {
        return get("/api/identity").get("deviceId").asText();
    }

    public int syncPort() throws IOException, InterruptedException {
        return get("/api/identity").get("syncPort").asInt();
    }

    public JsonNode sync(String deviceId, int port) throws IOException, InterruptedException {
        return post("/api/sync", "{\"deviceId\":\"" + deviceId + "\",\"host\":\"127.0.0.1\",\"port\":" + port + "}");
    }

    /** Every entry, by id, with a SHA-256 of its JSON as the node serves it: equal digests, equal journals. */
    public Map<String, String> digest() throws IOException, InterruptedException {
        Map<String, String> digest = new TreeMap<>();
        String after = null;
        do {
            JsonNode page = get("/api/entries?limit=1000" + (after == null ? "" : "&after=" + after));
            for (JsonNode entry : page.get("entries")) {
                digest.put(entry.get("id").asText(), sha256(entry.toString()));
            }
            after = page.get("next").isNull() ? null : page.get("next").asText();
        } while (after != null);
        return digest;
    }

    private static String sha256(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
