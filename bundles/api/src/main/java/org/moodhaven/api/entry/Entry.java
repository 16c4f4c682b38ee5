package org.moodhaven.api.entry;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * A journal entry exactly as it travels on the wire (PROTOCOL.md 6.4): the eight
 * fields, with timestamps kept as the strings given, since the entry hash covers
 * the exact strings.
 * <p>
 * Constructing an entry checks only that required fields are present; whether the
 * values follow the protocol is {@link EntryRules}' job.
 *
 * @param id          1 to 64 characters of {@code [A-Za-z0-9_-]}
 * @param createdAt   RFC 3339 timestamp, as given
 * @param updatedAt   RFC 3339 timestamp, as given
 * @param content     the encrypted content: string keys and string values, at least
 *                    {@code iv}, {@code data} and {@code salt}; opaque to sync
 * @param mood        {@code null} or 1 to 5
 * @param privacyMode 1 to 32 characters of {@code [a-z0-9_-]}
 * @param bookId      {@code null} or 1 to 64 characters of {@code [A-Za-z0-9_-]}
 * @param pinned      whether the entry is pinned
 */
public record Entry(String id, String createdAt, String updatedAt, Map<String, String> content,
                    Integer mood, String privacyMode, String bookId, boolean pinned) {

    /** The privacy mode of an ordinary entry. */
    public static final String PRIVACY_NORMAL = "normal";

    /**
     * Checks presence and freezes the content map (keeping its order).
     *
     * @throws NullPointerException if a required field is {@code null}
     */
    public Entry {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(createdAt, "created_at");
        Objects.requireNonNull(updatedAt, "updated_at");
        Objects.requireNonNull(content, "content");
        Objects.requireNonNull(privacyMode, "privacy_mode");
        content = Collections.unmodifiableMap(new LinkedHashMap<>(content));
    }

    /**
     * @param newUpdatedAt the new {@code updated_at} string
     * @return a copy of this entry with another {@code updated_at}
     */
    public Entry withUpdatedAt(String newUpdatedAt) {
        return new Entry(id, createdAt, newUpdatedAt, content, mood, privacyMode, bookId, pinned);
    }

    /**
     * @return the content value of {@code salt}, or {@code null} if absent
     */
    public String contentSalt() {
        return content.get("salt");
    }
}
