package org.moodhaven.itests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;

import org.moodhaven.api.entry.CanonicalJson;
import org.moodhaven.api.entry.Entry;
import org.moodhaven.api.entry.EntryHash;
import org.moodhaven.api.entry.EntryRules;
import org.moodhaven.testing.EntryGenerator;
import org.moodhaven.tools.TwoNodes;

/**
 * The entries a crash test wrote through a node's API, each with the entry hash of
 * the version the node acknowledged, so that after a kill the test can tell a whole
 * entry from a partial one and a kept entry from one never written.
 */
final class WrittenEntries {

    private static final Duration ANSWER = Duration.ofSeconds(60);

    private final EntryGenerator generator = new EntryGenerator(7, 1024, Instant.parse("2026-01-01T00:00:00Z"));
    /** Every entry written: id to the entry hash of the version stored. */
    private final Map<String, String> written = new HashMap<>();
    private long nextIndex;

    /** @return the ids of every entry written so far */
    Set<String> ids() {
        return new HashSet<>(written.keySet());
    }

    /** Writes new entries on a node, a few API calls at a time; answers their ids. */
    Set<String> write(TwoNodes.Node node, ExecutorService pool, int count) throws Exception {
        List<Future<JsonNode>> answers = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            Entry entry = generator.entry(nextIndex++);
            answers.add(pool.submit(() -> node.api.post("/api/entries", CanonicalJson.of(entry))));
        }
        Set<String> ids = new HashSet<>();
        for (Future<JsonNode> answer : answers) {
            Entry stored = wire(answer.get(ANSWER.toSeconds(), TimeUnit.SECONDS));
            written.put(stored.id(), EntryHash.of(stored));
            ids.add(stored.id());
        }
        return ids;
    }

    /**
     * Reads every entry the node holds through its API and checks each is whole: valid by
     * the entry rules, and with the entry hash of the version that was written.
     *
     * @return the ids it holds
     */
    Set<String> checkWhole(TwoNodes.Node node, String when) throws Exception {
        Set<String> ids = new HashSet<>();
        String after = null;
        do {
            JsonNode page = node.api.get("/api/entries?limit=1000" + (after == null ? "" : "&after=" + after));
            for (JsonNode json : page.get("entries")) {
                Entry entry = wire(json);
                assertEquals(Optional.empty(), EntryRules.problem(entry), "entry " + entry.id()
                        + " is valid after " + when);
                String expected = written.get(entry.id());
                if (expected == null) {
                    fail("entry " + entry.id() + " was never written, after " + when);
                }
                assertEquals(expected, EntryHash.of(entry), "entry " + entry.id() + " is whole after " + when);
                assertTrue(ids.add(entry.id()), "entry " + entry.id() + " is listed once after " + when);
            }
            after = page.get("next").isNull() ? null : page.get("next").asText();
        } while (after != null);
        return ids;
    }

    /** An entry in the wire shape (PROTOCOL.md 6.4), as the API serves it. */
    static Entry wire(JsonNode json) {
        Map<String, String> content = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> field : json.get("content").properties()) {
            content.put(field.getKey(), field.getValue().asText());
        }
        return new Entry(json.get("id").asText(), json.get("created_at").asText(), json.get("updated_at").asText(),
                content, json.path("mood").isInt() ? json.get("mood").asInt() : null,
                json.get("privacy_mode").asText(), json.path("book_id").isTextual() ? json.get("book_id").asText() : null,
                json.get("pinned").asBoolean());
    }
}
