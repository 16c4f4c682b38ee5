package org.moodhaven.store.memory.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;

import org.junit.jupiter.api.Test;
import org.moodhaven.api.store.JournalStore;
import org.moodhaven.testing.ManualClock;
import org.moodhaven.testing.store.JournalStoreContract;
import org.moodhaven.testing.store.StoreConfigs;

/** The store contract on the memory store, plus what is particular to it. */
class MemoryJournalStoreTest extends JournalStoreContract {

    @Override
    protected JournalStore createStore(ManualClock clock, long maxClockSkewSeconds, int keepReplacedDays) {
        MemoryJournalStore store = new MemoryJournalStore(StoreConfigs.of(MemoryJournalStore.Config.class,
                Map.of("maxClockSkewSeconds", maxClockSkewSeconds, "keepReplacedDays", keepReplacedDays)));
        store.setClock(clock);
        return store;
    }

    @Test
    void itSaysItIsNotPersisted() {
        assertEquals("memory (not persisted)", store.name());
    }
}
