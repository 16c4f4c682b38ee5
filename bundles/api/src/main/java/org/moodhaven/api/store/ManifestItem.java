package org.moodhaven.api.store;

import org.moodhaven.api.entry.EntryVersion;

/**
 * One item of a manifest (PROTOCOL.md 6.4): which version of an entry a store holds.
 *
 * @param id        the entry id
 * @param updatedAt its {@code updated_at}, as stored
 * @param hash      its entry hash
 * @param seq       its local seq
 */
public record ManifestItem(String id, String updatedAt, String hash, long seq) {

    /**
     * @return the version this item names
     */
    public EntryVersion version() {
        return EntryVersion.of(updatedAt, hash);
    }
}
