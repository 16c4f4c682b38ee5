package org.moodhaven.api.entry;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The RFC 8785 (JCS) canonical form of an entry, over exactly the eight wire
 * fields: object members sorted by their UTF-16 code units, no whitespace,
 * strings escaped as ECMAScript's {@code JSON.stringify} does, integers in
 * plain decimal.
 * <p>
 * Entries hold only strings, small integers, booleans, {@code null} and one
 * object of strings, so this writer needs no general JSON library.
 */
public final class CanonicalJson {

    private CanonicalJson() {
    }

    /**
     * @param entry an entry (its strings must be valid Unicode for the result to be
     *              valid JCS; {@link EntryRules} checks that)
     * @return the canonical JSON text
     */
    public static String of(Entry entry) {
        StringBuilder out = new StringBuilder(256 + entry.content().size() * 64);
        // Member names in UTF-16 order: book_id, content, created_at, id, mood, pinned, privacy_mode, updated_at.
        out.append("{\"book_id\":");
        nullableString(out, entry.bookId());
        out.append(",\"content\":");
        object(out, entry.content());
        out.append(",\"created_at\":");
        string(out, entry.createdAt());
        out.append(",\"id\":");
        string(out, entry.id());
        out.append(",\"mood\":");
        out.append(entry.mood() == null ? "null" : Integer.toString(entry.mood()));
        out.append(",\"pinned\":").append(entry.pinned());
        out.append(",\"privacy_mode\":");
        string(out, entry.privacyMode());
        out.append(",\"updated_at\":");
        string(out, entry.updatedAt());
        return out.append('}').toString();
    }

    /**
     * @param members string members of an object
     * @return the canonical JSON text of the object
     */
    public static String ofObject(Map<String, String> members) {
        StringBuilder out = new StringBuilder(members.size() * 64 + 2);
        object(out, members);
        return out.toString();
    }

    private static void object(StringBuilder out, Map<String, String> members) {
        List<String> names = new ArrayList<>(members.keySet());
        names.sort(null); // String.compareTo orders by UTF-16 code units, as JCS requires
        out.append('{');
        for (int i = 0; i < names.size(); i++) {
            if (i > 0) {
                out.append(',');
            }
            string(out, names.get(i));
            out.append(':');
            string(out, members.get(names.get(i)));
        }
        out.append('}');
    }

    /** @return how many leading characters need no escaping */
    private static int plainPrefix(String value) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c < 0x20 || c == '"' || c == '\\') {
                return i;
            }
        }
        return value.length();
    }

    private static void nullableString(StringBuilder out, String value) {
        if (value == null) {
            out.append("null");
        } else {
            string(out, value);
        }
    }

    /**
     * Appends a JSON string literal escaped as JCS requires.
     *
     * @param out   the destination
     * @param value the string
     */
    public static void string(StringBuilder out, String value) {
        out.append('"');
        int plain = plainPrefix(value);
        if (plain == value.length()) {
            // The common case (ids, timestamps, base64): nothing to escape, one copy.
            out.append(value).append('"');
            return;
        }
        out.append(value, 0, plain);
        for (int i = plain; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\b' -> out.append("\\b");
                case '\f' -> out.append("\\f");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < 0x20) {
                        out.append("\\u00");
                        out.append(Character.forDigit(c >> 4, 16));
                        out.append(Character.forDigit(c & 0xF, 16));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
    }
}
