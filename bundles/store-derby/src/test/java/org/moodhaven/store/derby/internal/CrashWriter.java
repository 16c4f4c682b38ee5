package org.moodhaven.store.derby.internal;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;

import org.moodhaven.testing.EntryGenerator;
import org.moodhaven.testing.ManualClock;

/**
 * Runs in a child JVM that the test kills with SIGKILL: writes to a Derby store
 * without end and prints {@code ok <i>} after each write has returned. Even writes
 * are local writes of entry i; odd ones are a merge batch of entry i and a second
 * version of entry i-1, so a batch cut in half would show.
 */
final class CrashWriter {

    private CrashWriter() {
    }

    /**
     * @param args the data folder
     * @throws Exception if the store fails
     */
    public static void main(String[] args) throws Exception {
        DerbyJournalStore store = DerbyJournalStoreTest.open(Path.of(args[0]),
                new ManualClock(DerbyJournalStoreTest.CRASH_CLOCK), 300, 30);
        EntryGenerator gen = DerbyJournalStoreTest.CRASH_ENTRIES;
        PrintStream out = System.out;
        for (int i = 0; ; i++) {
            if (i % 2 == 0) {
                store.writeLocal(gen.entry(i));
            } else {
                store.merge(List.of(gen.entry(i), gen.version(i - 1, 1)));
            }
            out.println("ok " + i);
            out.flush();
        }
    }
}
