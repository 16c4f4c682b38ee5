package org.moodhaven.sync.internal;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

import org.moodhaven.api.entry.Entry;
import org.moodhaven.api.entry.EntryRules;
import org.moodhaven.common.json.StrictJson;

/**
 * Turns an entry object received in ENTRIES into an {@link Entry}, or says why it
 * cannot be one. Only the eight wire fields are kept (unknown fields are dropped,
 * PROTOCOL.md 6.5); the field rules themselves are {@code EntryRules}', applied by the store, and here already
 * to content large enough to matter for memory.
 */
final class EntryCodec {

    /**
     * Content of more characters than this is checked against the 1 MiB rule when it is
     * decoded. Below it, content is under the limit but in contrived cases (thousands of
     * tiny escaped members), which the store still rejects at the merge; the memory such
     * an entry holds until then is counted like any other's.
     */
    static final long LARGE_CONTENT_CHARS = EntryRules.MAX_CONTENT_BYTES / 8;

    private EntryCodec() {
    }

    /** The outcome: an entry, or the reason it is invalid (counted in {@code rejected}). */
    record Decoded(Entry entry, String problem) {
    }

    /**
     * @param object the entry object; its {@code id} has already been checked
     * @return the entry, or the problem with it
     */
    static Decoded decode(Map<String, Object> object) {
        String id = (String) object.get("id");
        Object createdAt = object.get("created_at");
        Object updatedAt = object.get("updated_at");
        Object privacyMode = object.get("privacy_mode");
        Object pinned = object.get("pinned");
        if (!(createdAt instanceof String) || !(updatedAt instanceof String)) {
            return invalid("created_at and updated_at must be strings");
        }
        if (!(privacyMode instanceof String)) {
            return invalid("privacy_mode must be a string");
        }
        if (!(pinned instanceof Boolean)) {
            return invalid("pinned must be true or false");
        }
        if (!object.containsKey("mood") || !object.containsKey("book_id")) {
            return invalid("mood and book_id are required (they may be null)");
        }
        Integer mood = null;
        Object moodValue = object.get("mood");
        if (moodValue != StrictJson.NULL) {
            long value = moodValue instanceof StrictJson.Number number ? number.nonNegativeInteger() : -1;
            if (value < 0 || value > Integer.MAX_VALUE) {
                return invalid("mood must be null or an integer literal");
            }
            mood = (int) value;
        }
        String bookId = null;
        Object bookValue = object.get("book_id");
        if (bookValue != StrictJson.NULL) {
            if (!(bookValue instanceof String text)) {
                return invalid("book_id must be null or a string");
            }
            bookId = text;
        }
        if (!(object.get("content") instanceof Map<?, ?> contentObject)) {
            return invalid("content must be an object");
        }
        Map<String, String> content = new LinkedHashMap<>();
        long contentChars = 0;
        for (Map.Entry<?, ?> member : contentObject.entrySet()) {
            if (!(member.getValue() instanceof String value)) {
                return invalid("content values must be strings");
            }
            content.put((String) member.getKey(), value);
            contentChars += ((String) member.getKey()).length() + value.length();
        }
        Entry entry = new Entry(id, (String) createdAt, (String) updatedAt, content, mood, (String) privacyMode,
                bookId, (Boolean) pinned);
        // Content that may be near or over the limit is measured now, so an oversize entry is
        // rejected here and never waits in memory for its commit; the store checks every rule again.
        if (contentChars > LARGE_CONTENT_CHARS) {
            Optional<String> problem = EntryRules.problem(entry);
            if (problem.isPresent()) {
                return invalid(problem.get());
            }
        }
        return new Decoded(entry, null);
    }

    /**
     * About how much heap a decoded entry holds: its strings (ids, timestamps and the
     * content's base64 are ASCII, one byte a character) and the objects around them.
     */
    static long approximateBytes(Entry entry) {
        long bytes = 512 + entry.id().length() + entry.createdAt().length() + entry.updatedAt().length();
        for (Map.Entry<String, String> member : entry.content().entrySet()) {
            bytes += 128 + member.getKey().length() + member.getValue().length();
        }
        return bytes;
    }

    private static Decoded invalid(String problem) {
        return new Decoded(null, problem);
    }
}
