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

    /**
     * The length in UTF-8 bytes of {@link #ofObject}'s text, counted without making it:
     * what the 1 MiB content rule measures, at no cost in memory however large the
     * content.
     *
     * @param members string members of an object (valid Unicode)
     * @return the UTF-8 length of its canonical JSON text
     * @since 1.1
     */
    public static long utf8Length(Map<String, String> members) {
        long length = 2 + Math.max(0, members.size() - 1); // braces and commas
        for (Map.Entry<String, String> member : members.entrySet()) {
            length += stringUtf8Length(member.getKey()) + 1 + stringUtf8Length(member.getValue());
        }
        return length;
    }

    /** The UTF-8 length of {@link #string}'s literal of a value, quotes included. */
    private static long stringUtf8Length(String value) {
        long length = 2;
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '"' || c == '\\' || c == '\b' || c == '\f' || c == '\n' || c == '\r' || c == '\t') {
                length += 2;
            } else if (c < 0x20) {
                length += 6;
            } else if (c < 0x80) {
                length += 1;
            } else if (c < 0x800) {
                length += 2;
            } else if (Character.isHighSurrogate(c) && i + 1 < value.length()
                    && Character.isLowSurrogate(value.charAt(i + 1))) {
                length += 4; // a pair is one code point of 4 bytes
                i++;
            } else if (Character.isSurrogate(c)) {
                length += 1; // a lone surrogate (invalid anyway) becomes '?', as String.getBytes writes it
            } else {
                length += 3;
            }
        }
        return length;
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
