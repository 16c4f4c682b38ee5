package org.moodhaven.sync.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

import org.moodhaven.api.entry.Entry;
import org.moodhaven.api.entry.EntryRules;
import org.moodhaven.api.entry.EntryVersion;
import org.moodhaven.api.store.JournalStore;
import org.moodhaven.api.store.StoreException;
import org.moodhaven.api.store.StoredEntry;
import org.moodhaven.store.memory.internal.MemoryJournalStore;
import org.moodhaven.testing.Configs;
import org.moodhaven.testing.EntryGenerator;
import org.moodhaven.testing.ManualClock;

/**
 * The journal the fuzz tests merge into: a real memory store holding three entries, on a
 * manual clock, made anew for each input, and the check that whatever arrived changed
 * nothing but by the rules.
 */
final class FuzzJournal {

    static final Instant NOW = Instant.parse("2026-11-25T12:00:00Z");
    /** Small entries, so the seeds that carry them stay readable. */
    static final EntryGenerator ENTRIES = new EntryGenerator(7, 24, Instant.parse("2026-01-01T00:00:00Z"));
    /** What the store holds before an input: version 1 of entries 0 to 2. */
    static final List<Entry> HELD = List.of(ENTRIES.version(0, 1), ENTRIES.version(1, 1), ENTRIES.version(2, 1));

    final MemoryJournalStore store = new MemoryJournalStore(Configs.of(MemoryJournalStore.Config.class));
    private final Map<String, Entry> before;

    FuzzJournal() throws StoreException {
        store.setClock(new ManualClock(NOW));
        store.merge(HELD);
        before = entries(store);
    }

    /** Every entry held, by id. */
    static Map<String, Entry> entries(JournalStore store) throws StoreException {
        Map<String, Entry> all = new TreeMap<>();
        String cursor = null;
        do {
            var page = store.list(JournalStore.MAX_PAGE, cursor);
            for (StoredEntry stored : page.entries()) {
                all.put(stored.entry().id(), stored.entry());
            }
            cursor = page.next();
        } while (cursor != null);
        return all;
    }

    /** Nothing in {@code store} changed since it held {@code before}. */
    static void assertUnchanged(Map<String, Entry> before, JournalStore store) throws StoreException {
        assertEquals(before, entries(store), "the stored entries changed");
    }

    /**
     * Whatever changed is an entry that passes every rule (the clock skew too), stored
     * whole, and for a held id a version newer by the merge rule; nothing held was lost.
     */
    void assertChangedOnlyByValidNewerEntries() throws StoreException {
        assertChangedOnlyByValidNewerEntries(before, store);
    }

    /** {@link #assertChangedOnlyByValidNewerEntries()} of {@code store} since it held {@code before}. */
    static void assertChangedOnlyByValidNewerEntries(Map<String, Entry> before, JournalStore store)
            throws StoreException {
        Map<String, Entry> after = entries(store);
        assertTrue(after.keySet().containsAll(before.keySet()), "a held entry disappeared");
        for (Map.Entry<String, Entry> held : after.entrySet()) {
            Entry entry = held.getValue();
            Entry old = before.get(held.getKey());
            if (entry.equals(old)) {
                continue;
            }
            Optional<String> problem = EntryRules.problem(entry, NOW, EntryRules.DEFAULT_MAX_CLOCK_SKEW);
            assertTrue(problem.isEmpty(), "an invalid entry was stored: " + problem.orElse(""));
            if (old != null) {
                assertTrue(EntryVersion.of(entry).isNewerThan(EntryVersion.of(old)),
                        "entry " + entry.id() + " was replaced by a version that is not newer");
            }
        }
    }
}
