package org.moodhaven.sync.internal;

import java.nio.file.Path;

import com.code_intelligence.jazzer.junit.FuzzTest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.moodhaven.store.derby.internal.DerbyJournalStore;
import org.moodhaven.testing.Configs;
import org.moodhaven.testing.ManualClock;
import org.moodhaven.testing.TestNodeSettings;

/**
 * Fuzzes one entry object from ENTRIES on its way into a real Derby store, whose merge is
 * its own SQL, with the same property and seeds as {@link EntryMergeFuzzTest}. One database
 * in a temporary folder serves every input of the run (a database per input would cost a
 * second each); it starts with the same three entries, and each input is judged against what
 * it held just before that input ({@link EntryMergeProperty}), so what one input stored never
 * stands in for what the next should have changed.
 */
class EntryMergeDerbyFuzzTest {

    @TempDir
    static Path dataFolder;

    private static DerbyJournalStore store;

    @BeforeAll
    static void openTheJournal() throws Exception {
        store = new DerbyJournalStore(Configs.of(DerbyJournalStore.Config.class), new TestNodeSettings(dataFolder));
        // A new database has no replaced versions, so the activate step (pruning them) has nothing to do.
        store.setClock(new ManualClock(FuzzJournal.NOW));
        store.merge(FuzzJournal.HELD);
    }

    @AfterAll
    static void closeTheJournal() {
        if (store != null) {
            store.deactivate();
        }
    }

    @FuzzTest
    void entryFromTheWireMergedIntoDerby(byte[] json) throws Exception {
        EntryMergeProperty.check(json, store);
    }
}
