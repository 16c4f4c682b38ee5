package org.moodhaven.api.entry;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * RFC 3339 timestamps as PROTOCOL.md uses them: readers accept any offset, a
 * lowercase {@code t}/{@code z}, 0 to 9 fractional digits and seconds 00 to 59,
 * and compare instants, never strings; writers produce UTC with millisecond
 * precision and a {@code Z}.
 */
public final class Timestamps {

    private static final Pattern RFC3339 = Pattern.compile(
            "(\\d{4})-(\\d{2})-(\\d{2})[Tt](\\d{2}):(\\d{2}):(\\d{2})(?:\\.(\\d{1,9}))?(?:([Zz])|([+-])(\\d{2}):(\\d{2}))");

    private static final DateTimeFormatter WRITER =
            DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

    /** Longest valid timestamp: 4+1+2+1+2+1+2+1+2+1+2+1+9+6 characters. */
    public static final int MAX_LENGTH = 35;

    private Timestamps() {
    }

    /**
     * Parses a timestamp to the instant it names, at the precision given.
     *
     * @param text the timestamp
     * @return the instant
     * @throws IllegalArgumentException if {@code text} is not a valid RFC 3339 date-time
     *                                  with the limits above
     */
    public static Instant parse(String text) {
        if (text == null || text.length() > MAX_LENGTH) {
            throw new IllegalArgumentException("not an RFC 3339 timestamp");
        }
        Matcher m = RFC3339.matcher(text);
        if (!m.matches()) {
            throw new IllegalArgumentException("not an RFC 3339 timestamp: " + text);
        }
        try {
            int nanos = 0;
            if (m.group(7) != null) {
                String fraction = (m.group(7) + "00000000").substring(0, 9);
                nanos = Integer.parseInt(fraction);
            }
            LocalDateTime local = LocalDateTime.of(
                    Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)), Integer.parseInt(m.group(3)),
                    Integer.parseInt(m.group(4)), Integer.parseInt(m.group(5)), Integer.parseInt(m.group(6)),
                    nanos);
            ZoneOffset offset = ZoneOffset.UTC;
            if (m.group(8) == null) {
                int hours = Integer.parseInt(m.group(10));
                int minutes = Integer.parseInt(m.group(11));
                if (hours > 23 || minutes > 59) {
                    throw new IllegalArgumentException("offset out of range: " + text);
                }
                int sign = m.group(9).equals("-") ? -1 : 1;
                offset = ZoneOffset.ofHoursMinutes(sign * hours, sign * minutes);
            }
            return local.toInstant(offset);
        } catch (DateTimeException e) {
            throw new IllegalArgumentException("invalid date or time: " + text, e);
        }
    }

    /**
     * @param text a candidate timestamp
     * @return whether {@link #parse} accepts it
     */
    public static boolean isValid(String text) {
        try {
            parse(text);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /**
     * Formats an instant as writers do: UTC, milliseconds, {@code Z}. Precision below
     * a millisecond is truncated.
     *
     * @param instant the instant
     * @return e.g. {@code 2026-03-18T10:00:00.000Z}
     */
    public static String format(Instant instant) {
        return WRITER.format(instant.truncatedTo(ChronoUnit.MILLIS));
    }

    /**
     * The earliest millisecond-precision instant strictly after the given one.
     *
     * @param instant any instant
     * @return the next whole millisecond after it
     */
    public static Instant nextMillisAfter(Instant instant) {
        return instant.truncatedTo(ChronoUnit.MILLIS).plusMillis(1);
    }
}
