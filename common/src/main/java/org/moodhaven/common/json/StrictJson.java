package org.moodhaven.common.json;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;

/**
 * Parses what peers send as PROTOCOL.md requires, and nothing more leniently:
 * one UTF-8 JSON object, no byte order mark, a duplicate key makes the text
 * malformed, nothing may follow the object, nesting and strings are bounded.
 * Numbers keep their literal text ({@link Number}), so that a field that must be a
 * non-negative integer literal can refuse {@code 2.0}, {@code -0} or {@code 1e2}.
 * <p>
 * The tree is plain Java: {@code Map<String, Object>} (insertion order),
 * {@code List<Object>}, {@code String}, {@link Number}, {@code Boolean}, and
 * {@link #NULL} for a JSON null. Used by the sync transport and by pairing, each
 * with the limits of its own messages.
 */
public final class StrictJson {

    /** JSON {@code null}, distinct from an absent member. */
    public static final Object NULL = new Object() {
        @Override
        public String toString() {
            return "null";
        }
    };

    /** A number as written: its literal text. */
    public record Number(String literal) {

        /** Largest {@code seq} and count: 2^53 - 1. */
        public static final long MAX_SAFE = (1L << 53) - 1;

        /**
         * @return the value, if the literal is digits only (no sign, fraction or exponent)
         *         and at most 2^53 - 1; else -1
         */
        public long nonNegativeInteger() {
            if (literal.isEmpty() || literal.length() > 16) {
                return -1;
            }
            for (int i = 0; i < literal.length(); i++) {
                char c = literal.charAt(i);
                if (c < '0' || c > '9') {
                    return -1;
                }
            }
            long value = Long.parseLong(literal);
            return value <= MAX_SAFE ? value : -1;
        }
    }

    /** The text is not JSON as PROTOCOL.md accepts it. */
    public static final class MalformedJson extends Exception {
        private static final long serialVersionUID = 1L;

        MalformedJson(String message) {
            super(message);
        }
    }

    private final JsonFactory factory;

    /**
     * @param maxDepth        the deepest nesting accepted (the top-level object is 1)
     * @param maxStringLength the longest string accepted, in characters
     */
    public StrictJson(int maxDepth, int maxStringLength) {
        this.factory = JsonFactory.builder()
                .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                .streamReadConstraints(StreamReadConstraints.builder()
                        .maxNestingDepth(maxDepth)
                        .maxNumberLength(32)
                        .maxStringLength(maxStringLength)
                        .build())
                .build();
    }

    /**
     * @param bytes  UTF-8 JSON (no BOM)
     * @param offset where the text starts
     * @param length its length
     * @return the top-level object
     * @throws MalformedJson if the bytes are not one strict JSON object
     */
    public Map<String, Object> parseObject(byte[] bytes, int offset, int length) throws MalformedJson {
        if (length >= 3 && (bytes[offset] & 0xFF) == 0xEF && (bytes[offset + 1] & 0xFF) == 0xBB
                && (bytes[offset + 2] & 0xFF) == 0xBF) {
            throw new MalformedJson("a byte order mark is not allowed");
        }
        try (JsonParser parser = factory.createParser(bytes, offset, length)) {
            JsonToken first = parser.nextToken();
            if (first != JsonToken.START_OBJECT) {
                throw new MalformedJson("expected a JSON object");
            }
            Map<String, Object> object = readObject(parser);
            if (parser.nextToken() != null) {
                throw new MalformedJson("text after the JSON object");
            }
            return object;
        } catch (IOException e) {
            throw new MalformedJson(e.getMessage() == null ? "malformed JSON" : firstLine(e.getMessage()));
        } catch (RuntimeException e) {
            // Jackson reports some limits (nesting, number length) as unchecked exceptions.
            throw new MalformedJson("malformed JSON: " + e.getClass().getSimpleName());
        }
    }

    /**
     * @param bytes the whole text, UTF-8 JSON (no BOM)
     * @return the top-level object
     * @throws MalformedJson if the bytes are not one strict JSON object
     */
    public Map<String, Object> parseObject(byte[] bytes) throws MalformedJson {
        return parseObject(bytes, 0, bytes.length);
    }

    private static Map<String, Object> readObject(JsonParser parser) throws IOException, MalformedJson {
        Map<String, Object> object = new LinkedHashMap<>();
        JsonToken token;
        while ((token = parser.nextToken()) != JsonToken.END_OBJECT) {
            if (token != JsonToken.FIELD_NAME) {
                throw new MalformedJson("expected a member name");
            }
            String name = parser.currentName();
            parser.nextToken();
            object.put(name, readValue(parser));
        }
        return object;
    }

    private static Object readValue(JsonParser parser) throws IOException, MalformedJson {
        JsonToken token = parser.currentToken();
        if (token == null) {
            throw new MalformedJson("unexpected end of JSON");
        }
        return switch (token) {
            case START_OBJECT -> readObject(parser);
            case START_ARRAY -> readArray(parser);
            case VALUE_STRING -> parser.getText();
            case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> new Number(parser.getText());
            case VALUE_TRUE -> Boolean.TRUE;
            case VALUE_FALSE -> Boolean.FALSE;
            case VALUE_NULL -> NULL;
            default -> throw new MalformedJson("unexpected " + token);
        };
    }

    private static List<Object> readArray(JsonParser parser) throws IOException, MalformedJson {
        List<Object> array = new ArrayList<>();
        while (parser.nextToken() != JsonToken.END_ARRAY) {
            array.add(readValue(parser));
        }
        return array;
    }

    private static String firstLine(String message) {
        int newline = message.indexOf('\n');
        return newline < 0 ? message : message.substring(0, newline);
    }
}
