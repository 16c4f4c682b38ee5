package org.moodhaven.api.store;

import java.util.List;

/**
 * One page of entries.
 *
 * @param entries the entries of this page
 * @param next    the cursor of the next page, or {@code null} when this is the last
 */
public record EntryPage(List<StoredEntry> entries, String next) {

    /**
     * Freezes the list.
     */
    public EntryPage {
        entries = List.copyOf(entries);
    }
}
