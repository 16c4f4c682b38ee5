package org.moodhaven.shell.internal;

import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;

import org.moodhaven.api.entry.Timestamps;
import org.moodhaven.api.journal.JournalEntry;

/** How the shell shows entries in one line. */
final class Texts {

    /** A time as a person reads it: their own zone, to the second, no "T", no fraction, no zone. */
    private static final DateTimeFormatter LOCAL_TIME = DateTimeFormatter.ofPattern("uuuu-MM-dd HH:mm:ss");

    /** How many columns {@link #time} takes. */
    static final int TIME_WIDTH = 19;

    private Texts() {
    }

    /**
     * @param instant a time, or {@code null}
     * @return it in the JVM's default time zone (the person's), e.g. {@code 2026-12-07 20:17:17},
     *         or "-" for none
     */
    static String time(Instant instant) {
        return time(instant, ZoneId.systemDefault());
    }

    /**
     * @param instant a time, or {@code null}
     * @param zone    the zone to show it in
     * @return it in that zone, to the second, or "-" for none
     */
    static String time(Instant instant, ZoneId zone) {
        return instant == null ? "-" : LOCAL_TIME.format(instant.atZone(zone));
    }

    /**
     * @param timestamp an RFC 3339 timestamp as stored with an entry
     * @return it as {@link #time(Instant)} shows a time; the text itself if it is not one
     */
    static String time(String timestamp) {
        if (timestamp == null) {
            return "-";
        }
        try {
            return time(Timestamps.parse(timestamp));
        } catch (IllegalArgumentException e) {
            return timestamp;
        }
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
