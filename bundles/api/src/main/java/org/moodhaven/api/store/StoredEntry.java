package org.moodhaven.api.store;

import java.util.Objects;

import org.moodhaven.api.entry.Entry;
import org.moodhaven.api.entry.EntryVersion;

/**
 * An entry as held by a store.
 *
 * @param entry the entry, exactly as received or written
 * @param hash  its entry hash {@code h}
 * @param seq   the seq the store gave it when it was last inserted or replaced
 */
public record StoredEntry(Entry entry, String hash, long seq) {

    /**
     * @throws NullPointerException if the entry or hash is missing
     */
    public StoredEntry {
        Objects.requireNonNull(entry, "entry");
        Objects.requireNonNull(hash, "hash");
    }

    /**
     * @return the version of the held entry
     */
    public EntryVersion version() {
        return EntryVersion.of(entry.updatedAt(), hash);
    }
}
