package org.moodhaven.common.logging;

/**
 * Makes text that came from the network safe to put into a log line or a message a
 * person reads: control characters (CR and LF above all, which could forge log
 * lines), the Unicode line and paragraph separators and the bidirectional controls
 * are written as escapes, a backslash as two, and the text is cut after
 * {@link #MAX_CODE_POINTS} code points.
 */
public final class LogText {

    /** The most code points of one string kept in a log line. */
    public static final int MAX_CODE_POINTS = 200;

    private LogText() {
    }

    /**
     * @param text text from the network, or {@code null}
     * @return the text, escaped and shortened; {@code "null"} for {@code null}
     */
    public static String escape(String text) {
        if (text == null) {
            return "null";
        }
        StringBuilder out = new StringBuilder(Math.min(text.length(), MAX_CODE_POINTS) + 16);
        int kept = 0;
        for (int i = 0; i < text.length(); ) {
            int cp = text.codePointAt(i);
            if (kept == MAX_CODE_POINTS) {
                out.append("…(").append(text.codePointCount(i, text.length())).append(" more)");
                break;
            }
            switch (cp) {
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (needsEscape(cp)) {
                        out.append(String.format("\\u%04x", cp));
                    } else {
                        out.appendCodePoint(cp);
                    }
                }
            }
            kept++;
            i += Character.charCount(cp);
        }
        return out.toString();
    }

    private static boolean needsEscape(int cp) {
        return Character.isISOControl(cp)
                || cp == 0x2028 || cp == 0x2029 // line and paragraph separators
                || (cp >= 0x202A && cp <= 0x202E) || (cp >= 0x2066 && cp <= 0x2069) // bidi controls
                || (cp >= 0xD800 && cp <= 0xDFFF) // a lone surrogate
                || cp == 0xFEFF;
    }
}
