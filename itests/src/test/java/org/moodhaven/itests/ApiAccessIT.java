package org.moodhaven.itests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.moodhaven.api.entry.CanonicalJson;
import org.moodhaven.api.entry.Entry;
import org.moodhaven.testing.EntryGenerator;
import org.moodhaven.tools.TwoNodes;

/**
 * The JSON API answers only the person's own programs (ARCHITECTURE.md): requests
 * are sent here as raw HTTP, so every header is exactly what an attacker could send.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ApiAccessIT {

    private static final ObjectMapper JSON = new ObjectMapper();

    private TwoNodes.Node node;
    private int port;
    private String token;

    @BeforeAll
    void start(@TempDir Path folder) throws Exception {
        node = new TwoNodes.Node(folder, "api").start();
        port = Integer.parseInt(node.process.transcript().replaceAll("(?s).*127\\.0\\.0\\.1:(\\d+)/.*", "$1"));
        token = Files.readString(node.data.resolve("api-token")).strip();
    }

    @AfterAll
    void stop() throws Exception {
        node.close();
    }

    @Test
    void theTokenFileIsOwnerOnly() throws IOException {
        assertEquals("rw-------", PosixFilePermissions.toString(
                Files.getPosixFilePermissions(node.data.resolve("api-token"))));
        assertTrue(Files.readString(node.data.resolve("logs").resolve("moodhaven.log")).indexOf(token) < 0,
                "the token is never logged");
    }

    @Test
    void withoutTheTokenTheApiRefuses() throws IOException {
        String answer = request("GET /api/identity", "127.0.0.1:" + port, "");
        assertTrue(answer.startsWith("HTTP/1.1 401"), answer);
        assertTrue(answer.contains("\"error\":\"unauthorized\""), answer);
        assertTrue(request("GET /api/identity", "127.0.0.1:" + port, "Authorization: Bearer wrong\r\n")
                .startsWith("HTTP/1.1 401"));
    }

    @Test
    void aRequestNamingAnotherHostIsRefusedEvenWithTheToken() throws IOException {
        for (String host : new String[] {"attacker.example:" + port, "127.0.0.1:1", "127.0.0.1", "localhost.:" + port}) {
            String answer = request("GET /api/identity", host, bearer());
            assertTrue(answer.startsWith("HTTP/1.1 403") && answer.contains("forbidden_host"), host + ": " + answer);
        }
        assertTrue(request("GET /api/identity", "localhost:" + port, bearer()).startsWith("HTTP/1.1 200"));
    }

    @Test
    void aRequestFromAnotherOriginIsRefusedEvenWithTheToken() throws IOException {
        String answer = request("GET /api/trusted", "127.0.0.1:" + port,
                bearer() + "Origin: http://attacker.example\r\n");
        assertTrue(answer.startsWith("HTTP/1.1 403") && answer.contains("forbidden_origin"), answer);
        String sameOrigin = request("GET /api/trusted", "127.0.0.1:" + port,
                bearer() + "Origin: http://127.0.0.1:" + port + "\r\n");
        assertTrue(sameOrigin.startsWith("HTTP/1.1 200"), sameOrigin);
    }

    @Test
    void theLinkTradesTheTokenForAStrictHttpOnlyCookieThatDoesNotHoldIt() throws IOException {
        String answer = request("GET /?token=" + token, "127.0.0.1:" + port, "");
        assertTrue(answer.startsWith("HTTP/1.1 303"), answer);
        String name = "moodhaven-api-" + port;
        Matcher setCookie = Pattern.compile("\r\nSet-Cookie: " + name + "=([A-Za-z0-9_-]{43}); Path=/; Max-Age=34560000; HttpOnly; "
                + "SameSite=Strict\r\n").matcher(answer);
        assertTrue(setCookie.find(), answer);
        assertFalse(answer.contains(token), "browsers send a cookie to every port of 127.0.0.1: " + answer);
        assertTrue(answer.contains("Location: /") || answer.contains("Location: http://127.0.0.1:" + port + "/"),
                answer);
        String withCookie = request("GET /api/journal", "127.0.0.1:" + port,
                "Cookie: " + name + "=" + setCookie.group(1) + "\r\n");
        assertTrue(withCookie.startsWith("HTTP/1.1 200") && withCookie.contains("\"salt\""), withCookie);
        for (String cookie : new String[] {name + "=" + token, "moodhaven_token=" + token}) {
            String refused = request("GET /api/journal", "127.0.0.1:" + port, "Cookie: " + cookie + "\r\n");
            assertTrue(refused.startsWith("HTTP/1.1 401"), "the token itself is not a cookie: " + refused);
        }
        assertTrue(request("GET /?token=wrong", "127.0.0.1:" + port, "").startsWith("HTTP/1.1 401"));
    }

    @Test
    void badBodiesGetAClearError() throws IOException {
        String malformed = post("/api/entries", "{\"id\": ");
        assertTrue(malformed.startsWith("HTTP/1.1 400") && malformed.contains("malformed_json"), malformed);
        String duplicate = post("/api/sync", "{\"deviceId\":\"a\",\"deviceId\":\"b\"}");
        assertTrue(duplicate.startsWith("HTTP/1.1 400"), duplicate);
        String invalid = post("/api/entries", "{\"id\":\"x y\",\"created_at\":\"2026-01-01T00:00:00Z\","
                + "\"updated_at\":\"2026-01-01T00:00:00Z\",\"content\":{\"iv\":\"a\",\"data\":\"b\",\"salt\":\"c\"},"
                + "\"mood\":null,\"privacy_mode\":\"normal\",\"book_id\":null,\"pinned\":false}");
        assertTrue(invalid.startsWith("HTTP/1.1 400") && invalid.contains("invalid_entry"), invalid);
        String large = post("/api/entries", "{\"pad\":\"" + "x".repeat(2 * 1024 * 1024) + "\"}");
        assertTrue(large.startsWith("HTTP/1.1 413"), large.substring(0, Math.min(200, large.length())));
        String unknown = request("GET /api/nothing", "127.0.0.1:" + port, bearer());
        assertTrue(unknown.startsWith("HTTP/1.1 404") && unknown.contains("not_found"), unknown);
    }

    @Test
    void anEntrysEarlierVersionsAreListedAndOneIsRestoredAsItWas() throws Exception {
        EntryGenerator entries = new EntryGenerator(7, 64, Instant.parse("2026-02-01T00:00:00Z"));
        Entry first = entries.version(0, 0);
        Entry second = entries.version(0, 1);
        for (Entry entry : List.of(first, second, entries.version(1, 0), entries.version(1, 1))) {
            node.api.post("/api/entries", CanonicalJson.of(entry));
        }
        String path = "/api/entries/" + first.id();

        JsonNode versions = node.api.get(path + "/versions").get("versions");
        assertEquals(1, versions.size(), versions.toString());
        JsonNode kept = versions.get(0);
        assertEquals("local", kept.get("replacedBy").asText());
        assertEquals(JSON.readTree(CanonicalJson.of(first)), kept.get("entry"));

        JsonNode restored = node.api.post(path + "/restore", "{\"versionId\":" + kept.get("versionId") + "}");
        assertEquals(kept.get("entry").get("content"), restored.get("content"), "the same ciphertext");
        assertEquals(kept.get("entry").get("mood"), restored.get("mood"));
        assertEquals(first.createdAt(), restored.get("created_at").asText());
        assertTrue(restored.get("updated_at").asText().compareTo(second.updatedAt()) > 0,
                "a new version, newer than the one it replaced: " + restored);
        JsonNode now = node.api.get(path + "/versions").get("versions");
        assertEquals(2, now.size());
        assertEquals(JSON.readTree(CanonicalJson.of(second)).get("content"), now.get(0).get("entry").get("content"),
                "the version the restore replaced is kept in turn");

        long othersVersion = node.api.get("/api/entries/" + entries.id(1) + "/versions").get("versions").get(0)
                .get("versionId").asLong();
        JsonNode notThisEntrys = node.api.post(path + "/restore", "{\"versionId\":" + othersVersion + "}", 404);
        assertEquals("not_found", notThisEntrys.get("error").asText());
        assertEquals("not_found", node.api.post("/api/entries/no-such-entry/restore", "{\"versionId\":1}", 404)
                .get("error").asText());
        assertEquals("bad_request", node.api.post(path + "/restore", "{\"versionId\":\"1\"}", 400)
                .get("error").asText());
        assertEquals("malformed_json", node.api.post(path + "/restore", "{", 400).get("error").asText());
        assertEquals(0, node.api.get("/api/entries/no-such-entry/versions").get("versions").size());
        assertEquals(restored, currentEntry(first.id()), "nothing changed by the refused restores");
    }

    private JsonNode currentEntry(String id) throws IOException, InterruptedException {
        for (JsonNode entry : node.api.get("/api/entries?limit=1000").get("entries")) {
            if (id.equals(entry.get("id").asText())) {
                return entry;
            }
        }
        throw new AssertionError("no entry " + id);
    }

    private String bearer() {
        return "Authorization: Bearer " + token + "\r\n";
    }

    private String post(String path, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        return request("POST " + path, "127.0.0.1:" + port, bearer() + "Content-Type: application/json\r\n"
                + "Content-Length: " + bytes.length + "\r\n", bytes);
    }

    private String request(String line, String host, String headers) throws IOException {
        return request(line, host, headers, new byte[0]);
    }

    /** One raw HTTP/1.1 request; answers the status line, headers and body. */
    private String request(String line, String host, String headers, byte[] body) throws IOException {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
            socket.setSoTimeout(30_000);
            OutputStream out = socket.getOutputStream();
            out.write((line + " HTTP/1.1\r\nHost: " + host + "\r\n" + headers + "Connection: close\r\n\r\n")
                    .getBytes(StandardCharsets.UTF_8));
            try {
                out.write(body);
                out.flush();
            } catch (IOException e) {
                // the server may refuse a large body before reading it all
            }
            InputStream in = socket.getInputStream();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
