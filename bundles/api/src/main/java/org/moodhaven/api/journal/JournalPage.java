package org.moodhaven.api.journal;

import java.util.List;

/**
 * A page of entries, newest first.
 *
 * @param entries the entries
 * @param next    the cursor of the next page, or {@code null} at the end
 */
public record JournalPage(List<JournalEntry> entries, String next) {

    /** Freezes the list. */
    public JournalPage {
        entries = List.copyOf(entries);
    }
}
