package org.moodhaven.store.memory.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import org.moodhaven.api.store.JournalStore;
import org.moodhaven.testing.Configs;
import org.moodhaven.testing.ManualClock;
import org.moodhaven.testing.store.JournalStoreContract;

/** The store contract on the memory store, plus what is particular to it. */
class MemoryJournalStoreTest extends JournalStoreContract {

    @Override
    protected JournalStore createStore(ManualClock clock, long maxClockSkewSeconds, int keepReplacedDays) {
        MemoryJournalStore store = new MemoryJournalStore(Configs.of(MemoryJournalStore.Config.class,
                "maxClockSkewSeconds", maxClockSkewSeconds, "keepReplacedDays", keepReplacedDays));
        store.setClock(clock);
        return store;
    }

    @Test
    void itSaysItIsNotPersisted() {
        assertEquals("memory (not persisted)", store.name());
    }
}
