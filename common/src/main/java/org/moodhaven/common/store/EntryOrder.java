package org.moodhaven.common.store;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.moodhaven.api.entry.EntryRules;
import org.moodhaven.api.entry.Timestamps;

/**
 * The listing order of entries (newest {@code created_at} instant first, then id
 * ascending) as fixed-width strings that sort the same way, and the opaque
 * cursor built from them.
 * <p>
 * Timestamps are kept as the strings given, which do not sort as instants (offsets,
 * fraction digits, lowercase letters), so every stored entry also carries this
 * normalised key: UTC with nine fraction digits. The journal stores share these
 * keys and cursors, so they list alike. The year is five characters wide because
 * an offset can move a valid 4-digit-year timestamp to year -1 or 10000;
 * {@code -0001} sorts before {@code 00000} since {@code '-'} precedes the digits.
 */
public final class EntryOrder {

    /** Length of every sort key. */
    static final int KEY_LENGTH = 31;

    private static final Pattern KEY = Pattern.compile(
            "(-\\d{4}|\\d{5})-(\\d{2})-(\\d{2})T(\\d{2}):(\\d{2}):(\\d{2})\\.(\\d{9})Z");

    private static final char SEPARATOR = '|';

    private EntryOrder() {
    }

    /**
     * The sort key of a timestamp.
     *
     * @param timestamp a valid RFC 3339 timestamp
     * @return its sort key
     * @throws IllegalArgumentException if it is not a valid timestamp
     */
    public static String keyOf(String timestamp) {
        return keyOf(Timestamps.parse(timestamp));
    }

    /**
     * The sort key of an instant.
     *
     * @param instant an instant
     * @return its sort key, e.g. {@code 02026-03-18T10:00:00.000000000Z}
     */
    public static String keyOf(Instant instant) {
        LocalDateTime t = LocalDateTime.ofEpochSecond(instant.getEpochSecond(), instant.getNano(), ZoneOffset.UTC);
        return String.format(Locale.ROOT, "%05d-%02d-%02dT%02d:%02d:%02d.%09dZ", t.getYear(), t.getMonthValue(),
                t.getDayOfMonth(), t.getHour(), t.getMinute(), t.getSecond(), t.getNano());
    }

    /**
     * The instant a sort key names.
     *
     * @param key a sort key
     * @return the instant it names
     * @throws IllegalArgumentException if it is not a sort key
     */
    public static Instant instantOf(String key) {
        Matcher m = KEY.matcher(key);
        if (!m.matches()) {
            throw new IllegalArgumentException("not a sort key");
        }
        return LocalDateTime.of(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)),
                Integer.parseInt(m.group(3)), Integer.parseInt(m.group(4)), Integer.parseInt(m.group(5)),
                Integer.parseInt(m.group(6)), Integer.parseInt(m.group(7))).toInstant(ZoneOffset.UTC);
    }

    /**
     * The opaque cursor of the page after an entry.
     *
     * @param key the sort key of the last entry of a page
     * @param id  its id
     * @return the cursor of the next page
     */
    public static String cursor(String key, String id) {
        return Base64.getUrlEncoder().withoutPadding()
                .encodeToString((key + SEPARATOR + id).getBytes(StandardCharsets.UTF_8));
    }

    /**
     * A decoded cursor: the position after which the next page starts.
     *
     * @param key the sort key of the last entry of the previous page
     * @param id  its id
     */
    public record Position(String key, String id) {
    }

    /**
     * Decodes a cursor made by {@link #cursor}.
     *
     * @param cursor a cursor made by {@link #cursor}
     * @return the position it names
     * @throws IllegalArgumentException if it is not such a cursor
     */
    public static Position parseCursor(String cursor) {
        String text;
        try {
            text = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("invalid cursor", e);
        }
        int split = text.indexOf(SEPARATOR);
        if (split != KEY_LENGTH) {
            throw new IllegalArgumentException("invalid cursor");
        }
        String key = text.substring(0, split);
        String id = text.substring(split + 1);
        if (!KEY.matcher(key).matches() || !EntryRules.isValidId(id)) {
            throw new IllegalArgumentException("invalid cursor");
        }
        return new Position(key, id);
    }
}
