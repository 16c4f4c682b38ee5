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

    /**
     * Receives the elements of a streamed array one at a time (see
     * {@link #parseObject(byte[], int, int, String, ElementSink)}).
     *
     * @param <E> what the sink throws to stop the parse
     */
    @FunctionalInterface
    public interface ElementSink<E extends Exception> {
        /**
         * @param element one element, parsed as any other value
         * @throws E to stop the parse; the exception reaches the caller of the parse unchanged
         */
        void accept(Object element) throws E;
    }

    /**
     * What a streamed array leaves in the parsed object: the number of elements it had.
     *
     * @param size how many elements were passed to the sink
     */
    public record StreamedArray(int size) {
    }

    private final JsonFactory factory;
    private final int maxValues;

    /**
     * A reader without a limit on the number of values (the text's length bounds it).
     *
     * @param maxDepth        the deepest nesting accepted (the top-level object is 1)
     * @param maxStringLength the longest string accepted, in characters
     */
    public StrictJson(int maxDepth, int maxStringLength) {
        this(maxDepth, maxStringLength, Integer.MAX_VALUE);
    }

    /**
     * @param maxDepth        the deepest nesting accepted (the top-level object is 1)
     * @param maxStringLength the longest string accepted, in characters
     * @param maxValues       the most values (objects, arrays, strings, numbers, literals) one parse
     *                        builds, counted separately for each element of a streamed array: a
     *                        small value costs far more heap than its text, so this bounds what a
     *                        text of many tiny values can make the parse hold
     */
    public StrictJson(int maxDepth, int maxStringLength, int maxValues) {
        this.factory = JsonFactory.builder()
                .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                .streamReadConstraints(StreamReadConstraints.builder()
                        .maxNestingDepth(maxDepth)
                        .maxNumberLength(32)
                        .maxStringLength(maxStringLength)
                        .build())
                .build();
        this.maxValues = maxValues;
    }

    /**
     * @param bytes  UTF-8 JSON (no BOM)
     * @param offset where the text starts
     * @param length its length
     * @return the top-level object
     * @throws MalformedJson if the bytes are not one strict JSON object
     */
    public Map<String, Object> parseObject(byte[] bytes, int offset, int length) throws MalformedJson {
        return new Parse(null, null).run(bytes, offset, length);
    }

    /**
     * Parses like {@link #parseObject(byte[], int, int)}, except that the elements of one
     * array member of the top-level object are handed to {@code sink} one by one as they
     * are read instead of being collected, so a large array never exists as a tree: the
     * memory a parse holds is that of one element. The member's value in the returned
     * object is a {@link StreamedArray}. The whole text is still checked: elements may
     * have reached the sink before a later part of the text turns out to be malformed.
     *
     * @param bytes    UTF-8 JSON (no BOM)
     * @param offset   where the text starts
     * @param length   its length
     * @param streamed the name of the top-level member whose array is streamed
     * @param sink     receives each element of that array, in order
     * @param <E>      what the sink throws
     * @return the top-level object
     * @throws MalformedJson if the bytes are not one strict JSON object
     * @throws E             if the sink stopped the parse
     */
    public <E extends Exception> Map<String, Object> parseObject(byte[] bytes, int offset, int length,
                                                                 String streamed, ElementSink<E> sink)
            throws MalformedJson, E {
        try {
            return new Parse(streamed, sink).run(bytes, offset, length);
        } catch (SinkStopped stopped) {
            @SuppressWarnings("unchecked") // only the sink's own exceptions are wrapped, and the sink throws E
            E cause = (E) stopped.getCause();
            throw cause;
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

    /** One parse: the tree it builds and the values it may still build. */
    private final class Parse {
        private final String streamed;
        private final ElementSink<?> sink;
        private int valuesLeft = maxValues;

        Parse(String streamed, ElementSink<?> sink) {
            this.streamed = streamed;
            this.sink = sink;
        }

        Map<String, Object> run(byte[] bytes, int offset, int length) throws MalformedJson {
            if (length >= 3 && (bytes[offset] & 0xFF) == 0xEF && (bytes[offset + 1] & 0xFF) == 0xBB
                    && (bytes[offset + 2] & 0xFF) == 0xBF) {
                throw new MalformedJson("a byte order mark is not allowed");
            }
            try (JsonParser parser = factory.createParser(bytes, offset, length)) {
                JsonToken first = parser.nextToken();
                if (first != JsonToken.START_OBJECT) {
                    throw new MalformedJson("expected a JSON object");
                }
                Map<String, Object> object = readObject(parser, true);
                if (parser.nextToken() != null) {
                    throw new MalformedJson("text after the JSON object");
                }
                return object;
            } catch (IOException e) {
                throw new MalformedJson(e.getMessage() == null ? "malformed JSON" : firstLine(e.getMessage()));
            } catch (SinkStopped stopped) {
                throw stopped;
            } catch (RuntimeException e) {
                // Jackson reports some limits (nesting, number length) as unchecked exceptions.
                throw new MalformedJson("malformed JSON: " + e.getClass().getSimpleName());
            }
        }

        private Map<String, Object> readObject(JsonParser parser, boolean topLevel) throws IOException, MalformedJson {
            Map<String, Object> object = new LinkedHashMap<>();
            JsonToken token;
            while ((token = parser.nextToken()) != JsonToken.END_OBJECT) {
                if (token != JsonToken.FIELD_NAME) {
                    throw new MalformedJson("expected a member name");
                }
                String name = parser.currentName();
                JsonToken value = parser.nextToken();
                if (topLevel && value == JsonToken.START_ARRAY && name.equals(streamed)) {
                    object.put(name, streamArray(parser));
                } else {
                    object.put(name, readValue(parser));
                }
            }
            return object;
        }

        private Object readValue(JsonParser parser) throws IOException, MalformedJson {
            JsonToken token = parser.currentToken();
            if (token == null) {
                throw new MalformedJson("unexpected end of JSON");
            }
            if (--valuesLeft < 0) {
                throw new MalformedJson("more than " + maxValues + " values");
            }
            return switch (token) {
                case START_OBJECT -> readObject(parser, false);
                case START_ARRAY -> readArray(parser);
                case VALUE_STRING -> parser.getText();
                case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> new Number(parser.getText());
                case VALUE_TRUE -> Boolean.TRUE;
                case VALUE_FALSE -> Boolean.FALSE;
                case VALUE_NULL -> NULL;
                default -> throw new MalformedJson("unexpected " + token);
            };
        }

        private List<Object> readArray(JsonParser parser) throws IOException, MalformedJson {
            List<Object> array = new ArrayList<>();
            while (parser.nextToken() != JsonToken.END_ARRAY) {
                array.add(readValue(parser));
            }
            return array;
        }

        /** Each element gets a count of values of its own; what is left for the rest of the text is kept. */
        private StreamedArray streamArray(JsonParser parser) throws IOException, MalformedJson {
            int size = 0;
            int outside = valuesLeft;
            while (parser.nextToken() != JsonToken.END_ARRAY) {
                valuesLeft = maxValues;
                Object element = readValue(parser);
                try {
                    sink.accept(element);
                } catch (RuntimeException | Error e) {
                    throw e;
                } catch (Exception e) {
                    throw new SinkStopped(e);
                }
                size++;
            }
            valuesLeft = outside;
            return new StreamedArray(size);
        }
    }

    /** Carries a sink's checked exception out through the parser, to be thrown unchanged. */
    private static final class SinkStopped extends RuntimeException {
        private static final long serialVersionUID = 1L;

        SinkStopped(Exception cause) {
            super(cause);
        }
    }

    private static String firstLine(String message) {
        int newline = message.indexOf('\n');
        return newline < 0 ? message : message.substring(0, newline);
    }
}
