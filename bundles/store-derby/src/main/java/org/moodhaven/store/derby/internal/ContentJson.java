package org.moodhaven.store.derby.internal;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Reads back the {@code content} column, which holds the canonical JSON that
 * {@link org.moodhaven.api.entry.CanonicalJson#ofObject} wrote: one flat object of
 * string members. A general JSON library would be a dependency for twenty lines,
 * and being strict (no whitespace, no duplicate names, nothing after the object)
 * turns a damaged row into an error instead of a silently different entry.
 */
final class ContentJson {

    private final String text;
    private int pos;

    private ContentJson(String text) {
        this.text = text;
    }

    /**
     * @param json a flat JSON object whose values are all strings, without whitespace
     * @return its members, in the order written
     * @throws IllegalArgumentException if the text is not such an object
     */
    static Map<String, String> parse(String json) {
        return new ContentJson(json).object();
    }

    private Map<String, String> object() {
        Map<String, String> members = new LinkedHashMap<>();
        expect('{');
        if (peek() == '}') {
            pos++;
        } else {
            while (true) {
                String name = string();
                expect(':');
                String value = string();
                if (members.put(name, value) != null) {
                    throw fail("duplicate member");
                }
                char c = next();
                if (c == '}') {
                    break;
                }
                if (c != ',') {
                    throw fail("expected , or }");
                }
            }
        }
        if (pos != text.length()) {
            throw fail("text after the object");
        }
        return members;
    }

    private String string() {
        expect('"');
        StringBuilder out = new StringBuilder();
        while (true) {
            char c = next();
            if (c == '"') {
                return out.toString();
            }
            if (c < 0x20) {
                throw fail("unescaped control character");
            }
            if (c != '\\') {
                out.append(c);
                continue;
            }
            char e = next();
            switch (e) {
                case '"' -> out.append('"');
                case '\\' -> out.append('\\');
                case '/' -> out.append('/');
                case 'b' -> out.append('\b');
                case 'f' -> out.append('\f');
                case 'n' -> out.append('\n');
                case 'r' -> out.append('\r');
                case 't' -> out.append('\t');
                case 'u' -> {
                    if (pos + 4 > text.length()) {
                        throw fail("short \\u escape");
                    }
                    int code = 0;
                    for (int i = 0; i < 4; i++) {
                        int digit = Character.digit(text.charAt(pos++), 16);
                        if (digit < 0) {
                            throw fail("bad \\u escape");
                        }
                        code = code * 16 + digit;
                    }
                    out.append((char) code);
                }
                default -> throw fail("bad escape");
            }
        }
    }

    private void expect(char expected) {
        if (next() != expected) {
            throw fail("expected " + expected);
        }
    }

    private char peek() {
        if (pos >= text.length()) {
            throw fail("unexpected end");
        }
        return text.charAt(pos);
    }

    private char next() {
        char c = peek();
        pos++;
        return c;
    }

    private IllegalArgumentException fail(String what) {
        // The position only: the text is journal content (ciphertext, but still not for logs).
        return new IllegalArgumentException("stored content is not a flat JSON object of strings: " + what
                + " at " + pos);
    }
}
