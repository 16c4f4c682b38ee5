package org.moodhaven.shell.internal;

import org.moodhaven.api.journal.JournalEntry;

/** How the shell shows entries in one line. */
final class Texts {

    private Texts() {
    }

    /**
     * @param entry an entry
     * @param width most characters of text to show
     * @return its first line, shortened, or a word saying why it cannot be read
     */
    static String preview(JournalEntry entry, int width) {
        return switch (entry.state()) {
            case LOCKED -> "[locked: mh:unlock to read]";
            case UNREADABLE -> "[unreadable with this password]";
            case READABLE -> shorten(firstLine(entry.text()), width);
        };
    }

    static String firstLine(String text) {
        int newline = text.indexOf('\n');
        return newline < 0 ? text : text.substring(0, newline) + " ...";
    }

    static String shorten(String text, int width) {
        if (text.codePointCount(0, text.length()) <= width) {
            return text;
        }
        return text.substring(0, text.offsetByCodePoints(0, width - 3)) + "...";
    }

    /**
     * @param text  text from anywhere, a peer's name included
     * @param width the column width, in code points
     * @return the text shortened to the width and padded with spaces to it, so that the
     *         columns after it stay in place whatever the text is
     */
    static String pad(String text, int width) {
        String shortened = shorten(text, width);
        return shortened + " ".repeat(width - shortened.codePointCount(0, shortened.length()));
    }

    static String mood(Integer mood) {
        return mood == null ? "-" : Integer.toString(mood);
    }

    /**
     * The console turns an argument made only of digits into a number, dropping its
     * leading zeros ({@code 012345} arrives as 12345); a PIN or a deviceId made only of
     * digits is given back its fixed length.
     *
     * @param argument what the console passed
     * @param length   the length the value has when typed right (6 for a PIN, 16 for a deviceId)
     * @return the text as typed
     */
    static String digits(Object argument, int length) {
        if (argument instanceof Number number && number.longValue() >= 0) {
            return String.format("%0" + length + "d", number.longValue());
        }
        return String.valueOf(argument).strip();
    }

    /**
     * @param argument a deviceId as the console passed it
     * @return the deviceId as typed
     */
    static String deviceId(Object argument) {
        return digits(argument, 16);
    }
}
