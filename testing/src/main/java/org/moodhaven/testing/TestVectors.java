package org.moodhaven.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.moodhaven.api.entry.Entry;

/**
 * The worked examples of {@code test-vectors.json}, copied from the design folder
 * into this module's resources so the repository tests alone.
 */
public final class TestVectors {

    private static final JsonNode ROOT = load();

    private TestVectors() {
    }

    /**
     * @return the whole document
     */
    public static JsonNode root() {
        return ROOT;
    }

    /**
     * @param path a JSON pointer such as {@code /v2/kC2SHex}
     * @return the text at that pointer
     * @throws IllegalArgumentException if there is nothing there
     */
    public static String text(String path) {
        JsonNode node = ROOT.at(path);
        if (node.isMissingNode()) {
            throw new IllegalArgumentException("no test vector at " + path);
        }
        return node.asText();
    }

    /**
     * @param path a JSON pointer to a hex string
     * @return the bytes
     */
    public static byte[] hex(String path) {
        return HexFormat.of().parseHex(text(path));
    }

    /**
     * @param node an entry object of the vectors
     * @return the entry
     */
    public static Entry entry(JsonNode node) {
        Map<String, String> content = new LinkedHashMap<>();
        node.get("content").properties().forEach(f -> content.put(f.getKey(), f.getValue().asText()));
        JsonNode mood = node.get("mood");
        JsonNode book = node.get("book_id");
        return new Entry(node.get("id").asText(), node.get("created_at").asText(), node.get("updated_at").asText(),
                content, mood.isNull() ? null : mood.asInt(), node.get("privacy_mode").asText(),
                book.isNull() ? null : book.asText(), node.get("pinned").asBoolean());
    }

    private static JsonNode load() {
        try (InputStream in = TestVectors.class.getResourceAsStream("/moodhaven/test-vectors.json")) {
            if (in == null) {
                throw new IllegalStateException("test-vectors.json is missing from moodhaven.testing");
            }
            return new ObjectMapper().readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
