package org.moodhaven.api.entry;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The field rules every device applies to an entry before storing it
 * (PROTOCOL.md 6.4 "Entry on the wire" and the skew rule of 6.5).
 */
public final class EntryRules {

    /** Largest canonical JSON of {@code content}, in UTF-8 bytes (1 MiB). */
    public static final int MAX_CONTENT_BYTES = 1024 * 1024;

    /** The default {@code maxClockSkew}: how far in the future an {@code updated_at} may lie. */
    public static final Duration DEFAULT_MAX_CLOCK_SKEW = Duration.ofMinutes(5);

    private static final Pattern ID = Pattern.compile("[A-Za-z0-9_-]{1,64}");
    private static final Pattern PRIVACY_MODE = Pattern.compile("[a-z0-9_-]{1,32}");

    private EntryRules() {
    }

    /**
     * @param id a candidate entry id, book id or store id
     * @return whether it is 1 to 64 characters of {@code [A-Za-z0-9_-]}
     */
    public static boolean isValidId(String id) {
        return id != null && ID.matcher(id).matches();
    }

    /**
     * Checks every field rule except the clock skew.
     *
     * @param entry the entry
     * @return the first broken rule, in words, or empty if the entry is valid
     */
    public static Optional<String> problem(Entry entry) {
        if (!isValidId(entry.id())) {
            return Optional.of("id must be 1-64 characters of [A-Za-z0-9_-]");
        }
        if (!Timestamps.isValid(entry.createdAt())) {
            return Optional.of("created_at is not an RFC 3339 timestamp");
        }
        if (!Timestamps.isValid(entry.updatedAt())) {
            return Optional.of("updated_at is not an RFC 3339 timestamp");
        }
        Optional<String> content = contentProblem(entry.content());
        if (content.isPresent()) {
            return content;
        }
        if (entry.mood() != null && (entry.mood() < 1 || entry.mood() > 5)) {
            return Optional.of("mood must be null or an integer 1-5");
        }
        if (!PRIVACY_MODE.matcher(entry.privacyMode()).matches()) {
            return Optional.of("privacy_mode must be 1-32 characters of [a-z0-9_-]");
        }
        if (entry.bookId() != null && !isValidId(entry.bookId())) {
            return Optional.of("book_id must be null or 1-64 characters of [A-Za-z0-9_-]");
        }
        return Optional.empty();
    }

    /**
     * Checks every field rule and the skew rule.
     *
     * @param entry        the entry
     * @param now          the receiver's clock
     * @param maxClockSkew how far in the future {@code updated_at} may lie
     * @return the first broken rule, in words, or empty if the entry may be stored
     */
    public static Optional<String> problem(Entry entry, Instant now, Duration maxClockSkew) {
        Optional<String> fields = problem(entry);
        if (fields.isPresent()) {
            return fields;
        }
        if (Timestamps.parse(entry.updatedAt()).isAfter(now.plus(maxClockSkew))) {
            return Optional.of("updated_at lies more than " + maxClockSkew.toSeconds()
                    + " s in the future of this device's clock");
        }
        return Optional.empty();
    }

    private static Optional<String> contentProblem(Map<String, String> content) {
        for (String required : new String[] {"iv", "data", "salt"}) {
            if (!content.containsKey(required)) {
                return Optional.of("content lacks \"" + required + "\"");
            }
        }
        for (Map.Entry<String, String> member : content.entrySet()) {
            if (member.getValue() == null) {
                return Optional.of("content values must be strings");
            }
            if (!isValidUnicode(member.getKey()) || !isValidUnicode(member.getValue())) {
                return Optional.of("content holds a string that is not valid Unicode");
            }
        }
        if (canonicalSizeBound(content) > MAX_CONTENT_BYTES
                && CanonicalJson.utf8Length(content) > MAX_CONTENT_BYTES) {
            return Optional.of("content is larger than 1 MiB as compact JSON");
        }
        return Optional.empty();
    }

    /**
     * An upper bound of the content's canonical JSON size in UTF-8 bytes: a character
     * takes at most 6 bytes (an escape such as {@code \u001f}, or 3 bytes of UTF-8), so
     * the exact size is computed only for content that could be near the limit.
     */
    private static long canonicalSizeBound(Map<String, String> content) {
        long bound = 2;
        for (Map.Entry<String, String> member : content.entrySet()) {
            bound += 6L * (member.getKey().length() + member.getValue().length()) + 6;
        }
        return bound;
    }

    /**
     * @param s a string
     * @return whether it has no lone surrogate
     */
    public static boolean isValidUnicode(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.isHighSurrogate(c)) {
                if (i + 1 >= s.length() || !Character.isLowSurrogate(s.charAt(i + 1))) {
                    return false;
                }
                i++;
            } else if (Character.isLowSurrogate(c)) {
                return false;
            }
        }
        return true;
    }
}
