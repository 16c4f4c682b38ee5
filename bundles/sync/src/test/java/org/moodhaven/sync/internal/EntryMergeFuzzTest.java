package org.moodhaven.sync.internal;

import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * Fuzzes one entry object from ENTRIES on its way into a real memory store made anew for
 * each input ({@link EntryMergeProperty} says what is checked; {@link EntryMergeDerbyFuzzTest}
 * checks the same of the Derby store).
 */
class EntryMergeFuzzTest {

    @FuzzTest
    void entryFromTheWireMergedIntoTheStore(byte[] json) throws Exception {
        EntryMergeProperty.check(json, new FuzzJournal().store);
    }
}
