package org.moodhaven.api.journal;

/**
 * An entry as a person sees it.
 *
 * @param id          the entry id
 * @param createdAt   {@code created_at}, as stored
 * @param updatedAt   {@code updated_at}, as stored
 * @param mood        {@code null} or 1 to 5
 * @param pinned      whether it is pinned
 * @param privacyMode its privacy mode
 * @param bookId      its book, or {@code null}
 * @param state       whether the text could be read
 * @param text        the decrypted text when {@code state} is {@link Readability#READABLE}, else {@code null}
 */
public record JournalEntry(String id, String createdAt, String updatedAt, Integer mood, boolean pinned,
                           String privacyMode, String bookId, Readability state, String text) {
}
