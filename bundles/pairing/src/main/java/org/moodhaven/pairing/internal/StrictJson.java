package org.moodhaven.pairing.internal;

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
 * Parses pairing bodies strictly: one UTF-8 JSON object and nothing after it,
 * no byte order mark, no duplicate member, shallow nesting, bounded size.
 * Numbers keep their literal text so a reader can tell {@code 2} from {@code 2.0}.
 * <p>
 * The same approach as the sync bundle's parser, kept private to this bundle
 * so that neither exports anything. The tree is plain Java: {@code Map}
 * (insertion order), {@code List}, {@code String}, {@link Number},
 * {@code Boolean}, and {@link #NULL}.
 */
final class StrictJson {

    /** JSON {@code null}, distinct from an absent member. */
    static final Object NULL = new Object() {
        @Override
        public String toString() {
            return "null";
        }
    };

    /** Largest body PROTOCOL.md section 5 accepts (a larger one gets 413 from the HTTP layer). */
    static final int MAX_BODY = 64 * 1024;

    /** A confirm body is the deepest message: body, SEALED or R1, proof array. */
    private static final int MAX_DEPTH = 6;

    private static final JsonFactory FACTORY = JsonFactory.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .streamReadConstraints(StreamReadConstraints.builder()
                    .maxNestingDepth(MAX_DEPTH)
                    .maxNumberLength(32)
                    .maxStringLength(MAX_BODY)
                    .build())
            .build();

    /** A number as written: its literal text. */
    record Number(String literal) {
    }

    private StrictJson() {
    }

    /**
     * @param bytes UTF-8 JSON, at most {@link #MAX_BODY} bytes
     * @return the top-level object
     * @throws MalformedMessage if the bytes are not one strict JSON object
     */
    static Map<String, Object> parseObject(byte[] bytes) throws MalformedMessage {
        if (bytes == null || bytes.length == 0) {
            throw new MalformedMessage("empty body");
        }
        if (bytes.length > MAX_BODY) {
            throw new MalformedMessage("body larger than 64 KiB");
        }
        if (bytes.length >= 3 && (bytes[0] & 0xFF) == 0xEF && (bytes[1] & 0xFF) == 0xBB
                && (bytes[2] & 0xFF) == 0xBF) {
            throw new MalformedMessage("a byte order mark is not allowed");
        }
        try (JsonParser parser = FACTORY.createParser(bytes)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                throw new MalformedMessage("expected a JSON object");
            }
            Map<String, Object> object = readObject(parser);
            if (parser.nextToken() != null) {
                throw new MalformedMessage("text after the JSON object");
            }
            return object;
        } catch (IOException e) {
            throw new MalformedMessage("malformed JSON");
        } catch (RuntimeException e) {
            // Jackson reports some limits (nesting, number length) as unchecked exceptions.
            throw new MalformedMessage("malformed JSON: " + e.getClass().getSimpleName());
        }
    }

    private static Map<String, Object> readObject(JsonParser parser) throws IOException, MalformedMessage {
        Map<String, Object> object = new LinkedHashMap<>();
        JsonToken token;
        while ((token = parser.nextToken()) != JsonToken.END_OBJECT) {
            if (token != JsonToken.FIELD_NAME) {
                throw new MalformedMessage("expected a member name");
            }
            String name = parser.currentName();
            parser.nextToken();
            object.put(name, readValue(parser));
        }
        return object;
    }

    private static Object readValue(JsonParser parser) throws IOException, MalformedMessage {
        JsonToken token = parser.currentToken();
        if (token == null) {
            throw new MalformedMessage("unexpected end of JSON");
        }
        return switch (token) {
            case START_OBJECT -> readObject(parser);
            case START_ARRAY -> readArray(parser);
            case VALUE_STRING -> parser.getText();
            case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> new Number(parser.getText());
            case VALUE_TRUE -> Boolean.TRUE;
            case VALUE_FALSE -> Boolean.FALSE;
            case VALUE_NULL -> NULL;
            default -> throw new MalformedMessage("unexpected " + token);
        };
    }

    private static List<Object> readArray(JsonParser parser) throws IOException, MalformedMessage {
        List<Object> array = new ArrayList<>();
        while (parser.nextToken() != JsonToken.END_ARRAY) {
            array.add(readValue(parser));
        }
        return array;
    }
}
