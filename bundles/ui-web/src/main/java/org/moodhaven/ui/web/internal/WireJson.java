package org.moodhaven.ui.web.internal;

import java.io.IOException;
import java.io.InputStream;
import java.util.LinkedHashMap;
import java.util.Map;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;

import org.moodhaven.api.entry.Entry;

/**
 * JSON of the API: request bodies are read strictly (a duplicate key or trailing
 * text is an error) and within a size limit; entries are the wire shape of
 * PROTOCOL.md 6.4.
 */
final class WireJson {

    static final ObjectMapper MAPPER = JsonMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .disable(JsonParser.Feature.ALLOW_COMMENTS)
            .build();

    /** A request body that cannot be used; answered with 400 (or 413 when too large). */
    static final class BadRequest extends Exception {
        private static final long serialVersionUID = 1L;
        final int status;
        final String code;

        BadRequest(int status, String code, String message) {
            super(message);
            this.status = status;
            this.code = code;
        }
    }

    private WireJson() {
    }

    /**
     * @param in       the request body
     * @param maxBytes the largest body accepted
     * @return the JSON object
     * @throws BadRequest if it is too large, not JSON, or not an object
     */
    static JsonNode readObject(InputStream in, int maxBytes) throws BadRequest, IOException {
        byte[] body = in.readNBytes(maxBytes + 1);
        if (body.length > maxBytes) {
            throw new BadRequest(413, "too_large", "the request body is larger than " + maxBytes + " bytes");
        }
        JsonNode node;
        try {
            node = MAPPER.readTree(body);
        } catch (IOException e) {
            throw new BadRequest(400, "malformed_json", "the request body is not valid JSON");
        }
        if (node == null || !node.isObject()) {
            throw new BadRequest(400, "malformed_json", "the request body must be a JSON object");
        }
        return node;
    }

    /**
     * @param node an entry object in the wire shape
     * @return the entry (its field rules are checked by the store)
     * @throws BadRequest if a field is missing or of the wrong type
     */
    static Entry toEntry(JsonNode node) throws BadRequest {
        String id = text(node, "id");
        String createdAt = text(node, "created_at");
        String updatedAt = text(node, "updated_at");
        String privacyMode = text(node, "privacy_mode");
        JsonNode pinned = node.get("pinned");
        JsonNode mood = node.get("mood");
        JsonNode book = node.get("book_id");
        JsonNode content = node.get("content");
        if (pinned == null || !pinned.isBoolean()) {
            throw invalid("pinned must be true or false");
        }
        if (mood == null || !(mood.isNull() || (mood.isIntegralNumber() && mood.canConvertToInt()))) {
            throw invalid("mood must be null or an integer");
        }
        if (book == null || !(book.isNull() || book.isTextual())) {
            throw invalid("book_id must be null or a string");
        }
        if (content == null || !content.isObject()) {
            throw invalid("content must be an object of strings");
        }
        Map<String, String> members = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> member : content.properties()) {
            if (!member.getValue().isTextual()) {
                throw invalid("content must be an object of strings");
            }
            members.put(member.getKey(), member.getValue().asText());
        }
        return new Entry(id, createdAt, updatedAt, members, mood.isNull() ? null : mood.intValue(), privacyMode,
                book.isNull() ? null : book.asText(), pinned.booleanValue());
    }

    private static String text(JsonNode node, String field) throws BadRequest {
        JsonNode value = node.get(field);
        if (value == null || !value.isTextual()) {
            throw invalid(field + " must be a string");
        }
        return value.asText();
    }

    private static BadRequest invalid(String message) {
        return new BadRequest(400, "invalid_entry", message);
    }
}
