package org.moodhaven.pairing.internal;

import java.nio.charset.StandardCharsets;

import org.moodhaven.api.entry.CanonicalJson;

/**
 * Writes one compact JSON object, members in the order PROTOCOL.md shows
 * them. Strings are escaped by the API's canonical writer.
 */
final class JsonObjectWriter {

    private final StringBuilder out = new StringBuilder("{");
    private boolean empty = true;

    JsonObjectWriter string(String name, String value) {
        name(name);
        CanonicalJson.string(out, value);
        return this;
    }

    JsonObjectWriter number(String name, long value) {
        name(name);
        out.append(value);
        return this;
    }

    JsonObjectWriter bool(String name, boolean value) {
        name(name);
        out.append(value);
        return this;
    }

    /** A member whose value is already JSON text (an object or array this package wrote). */
    JsonObjectWriter raw(String name, String json) {
        name(name);
        out.append(json);
        return this;
    }

    /** A member whose value is an array of strings. */
    JsonObjectWriter strings(String name, String... values) {
        name(name);
        out.append('[');
        for (int i = 0; i < values.length; i++) {
            if (i > 0) {
                out.append(',');
            }
            CanonicalJson.string(out, values[i]);
        }
        out.append(']');
        return this;
    }

    String text() {
        return out + "}";
    }

    byte[] bytes() {
        return text().getBytes(StandardCharsets.UTF_8);
    }

    private void name(String name) {
        if (!empty) {
            out.append(',');
        }
        empty = false;
        CanonicalJson.string(out, name);
        out.append(':');
    }
}
