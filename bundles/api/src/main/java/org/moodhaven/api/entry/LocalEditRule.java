package org.moodhaven.api.entry;

import java.time.Instant;

/**
 * The local-edit rule of PROTOCOL.md 6.5: an entry written on this device gets
 * an {@code updated_at} later than that of the version it replaces, even when
 * this device's clock is behind, so the edit wins here and on every peer.
 */
public final class LocalEditRule {

    private LocalEditRule() {
    }

    /**
     * @param edit     the entry as written locally
     * @param replaced the version it replaces, or {@code null} for a new entry
     * @return {@code edit} unchanged when its {@code updated_at} is already later than
     *         {@code replaced}'s; otherwise a copy whose {@code updated_at} is the first whole
     *         millisecond after {@code replaced}'s, formatted as writers do
     * @throws IllegalArgumentException if a timestamp is invalid
     */
    public static Entry apply(Entry edit, EntryVersion replaced) {
        if (replaced == null) {
            return edit;
        }
        Instant written = Timestamps.parse(edit.updatedAt());
        if (written.isAfter(replaced.updatedAt())) {
            return edit;
        }
        return edit.withUpdatedAt(Timestamps.format(Timestamps.nextMillisAfter(replaced.updatedAt())));
    }
}
