package org.moodhaven.tools.soak;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.MissingNode;

import org.moodhaven.api.entry.EntryHash;
import org.moodhaven.testing.TestVectors;

/**
 * A node's JSON API as the soak uses it: every call has a time limit (a node that stops
 * answering must fail the soak, not hang it) and answers its status, so a refusal
 * (e.g. 503 while the store restarts) is counted rather than thrown.
 */
final class SoakApi {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** What a call answered. */
    record Answer(int status, JsonNode body) {

        boolean ok() {
            return status == 200;
        }

        /** @return the answer's body, or an error saying what the node answered instead */
        JsonNode require(String what) {
            if (!ok()) {
                throw new IllegalStateException(what + " answered " + status + ": " + body);
            }
            return body;
        }
    }

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    private final String base;
    private final String token;
    private final Duration timeout;

    /**
     * @param httpPort the node's API port on 127.0.0.1
     * @param data     its data folder (for the API token)
     * @param timeout  how long one call may take
     */
    SoakApi(int httpPort, Path data, Duration timeout) throws IOException {
        this.base = "http://127.0.0.1:" + httpPort;
        this.token = Files.readString(data.resolve("api-token")).strip();
        this.timeout = timeout;
    }

    Answer get(String path) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(URI.create(base + path)).GET());
    }

    Answer post(String path, String body) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(URI.create(base + path)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8)));
    }

    Answer delete(String path) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(URI.create(base + path)).DELETE());
    }

    private Answer send(HttpRequest.Builder request) throws IOException, InterruptedException {
        HttpResponse<String> response = http.send(request.timeout(timeout).header("Authorization", "Bearer " + token)
                .build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        JsonNode body;
        try {
            body = response.body().isEmpty() ? MissingNode.getInstance() : JSON.readTree(response.body());
        } catch (IOException notJson) {
            body = JSON.getNodeFactory().textNode(response.body());
        }
        return new Answer(response.statusCode(), body);
    }

    /**
     * @return every entry the node serves, by id, with the entry hash (PROTOCOL.md 6.5) of the
     *         version it serves
     */
    Map<String, String> entryHashes() throws IOException, InterruptedException {
        Map<String, String> hashes = new HashMap<>();
        String after = null;
        do {
            JsonNode page = get("/api/entries?limit=1000" + (after == null ? "" : "&after=" + after))
                    .require("GET /api/entries");
            for (JsonNode entry : page.get("entries")) {
                hashes.put(entry.get("id").asText(), EntryHash.of(TestVectors.entry(entry)));
            }
            after = page.path("next").isTextual() ? page.get("next").asText() : null;
        } while (after != null);
        return hashes;
    }
}
