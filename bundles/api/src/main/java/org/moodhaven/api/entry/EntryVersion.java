package org.moodhaven.api.entry;

import java.time.Instant;
import java.util.Objects;

/**
 * The version of an entry as the merge rule of PROTOCOL.md 6.5 sees it:
 * {@code updated_at} as an instant, then the entry hash as a string. The greater
 * version wins on every device, so every device ends with the same entry.
 *
 * @param updatedAt the instant of {@code updated_at}, at the precision given
 * @param hash      the entry hash {@code h}
 */
public record EntryVersion(Instant updatedAt, String hash) implements Comparable<EntryVersion> {

    /**
     * @throws NullPointerException if a field is missing
     */
    public EntryVersion {
        Objects.requireNonNull(updatedAt, "updatedAt");
        Objects.requireNonNull(hash, "hash");
    }

    /**
     * @param updatedAt an {@code updated_at} string
     * @param hash      the entry hash
     * @return the version
     * @throws IllegalArgumentException if {@code updatedAt} is not a valid timestamp
     */
    public static EntryVersion of(String updatedAt, String hash) {
        return new EntryVersion(Timestamps.parse(updatedAt), hash);
    }

    /**
     * @param entry a valid entry
     * @return its version
     * @throws IllegalArgumentException if its {@code updated_at} is not a valid timestamp
     */
    public static EntryVersion of(Entry entry) {
        return of(entry.updatedAt(), EntryHash.of(entry));
    }

    @Override
    public int compareTo(EntryVersion other) {
        int byTime = updatedAt.compareTo(other.updatedAt);
        return byTime != 0 ? byTime : hash.compareTo(other.hash);
    }

    /**
     * @param other the version held now, or {@code null} if none is held
     * @return whether this version replaces {@code other} by the merge rule
     */
    public boolean isNewerThan(EntryVersion other) {
        return other == null || compareTo(other) > 0;
    }
}
