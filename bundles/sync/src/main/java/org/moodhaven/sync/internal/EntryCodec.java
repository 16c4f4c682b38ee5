package org.moodhaven.sync.internal;

import java.util.LinkedHashMap;
import java.util.Map;

import org.moodhaven.api.entry.Entry;
import org.moodhaven.common.json.StrictJson;

/**
 * Turns an entry object received in ENTRIES into an {@link Entry}, or says why it
 * cannot be one. Only the eight wire fields are kept (unknown fields are dropped,
 * PROTOCOL.md 6.5); the field rules themselves are {@code EntryRules}', applied by the store.
 */
final class EntryCodec {

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
        for (Map.Entry<?, ?> member : contentObject.entrySet()) {
            if (!(member.getValue() instanceof String value)) {
                return invalid("content values must be strings");
            }
            content.put((String) member.getKey(), value);
        }
        return new Decoded(new Entry(id, (String) createdAt, (String) updatedAt, content, mood,
                (String) privacyMode, bookId, (Boolean) pinned), null);
    }

    private static Decoded invalid(String problem) {
        return new Decoded(null, problem);
    }
}
