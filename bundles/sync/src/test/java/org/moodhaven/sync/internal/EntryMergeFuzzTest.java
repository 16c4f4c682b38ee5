package org.moodhaven.sync.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.util.List;
import java.util.Map;
import java.util.Optional;

import com.code_intelligence.jazzer.junit.FuzzTest;
import org.moodhaven.api.entry.Entry;
import org.moodhaven.api.entry.EntryRules;
import org.moodhaven.api.entry.EntryVersion;
import org.moodhaven.api.store.MergeOutcome;
import org.moodhaven.api.store.StoredEntry;
import org.moodhaven.common.json.StrictJson;

/**
 * Fuzzes one entry object as it arrives in ENTRIES (PROTOCOL.md 6.4, 6.5) on its way
 * into a real store: parsed by the session's reader, decoded by {@link EntryCodec},
 * merged. An entry that breaks a rule is rejected and the journal is unchanged to the
 * byte; a valid one is stored whole when it is newer by the merge rule, else the held
 * version is kept; nothing but the typed outcomes ever comes back.
 */
class EntryMergeFuzzTest {

    @FuzzTest
    void entryFromTheWireMergedIntoTheStore(byte[] json) throws Exception {
        FuzzJournal journal = new FuzzJournal();
        Map<String, Object> object;
        try {
            object = Messages.JSON.parseObject(json);
            Fields.id(object, "id"); // the session checks the id first, as the frame's key
        } catch (StrictJson.MalformedJson | ProtocolViolation notAnEntry) {
            return;
        }
        EntryCodec.Decoded decoded = EntryCodec.decode(object);
        if (decoded.entry() == null) {
            assertNotNull(decoded.problem(), "an entry that did not decode has no reason");
            return;
        }
        Entry entry = decoded.entry();
        Optional<Entry> held = journal.store.get(entry.id()).map(StoredEntry::entry);

        List<MergeOutcome> outcomes = journal.store.merge(List.of(entry)).outcomes();

        assertEquals(1, outcomes.size());
        MergeOutcome.Kind kind = outcomes.get(0).kind();
        if (EntryRules.problem(entry, FuzzJournal.NOW, EntryRules.DEFAULT_MAX_CLOCK_SKEW).isPresent()) {
            assertEquals(MergeOutcome.Kind.REJECTED, kind, "an entry that breaks a rule was not rejected");
            journal.assertUnchanged();
        } else if (held.isEmpty() || EntryVersion.of(entry).isNewerThan(EntryVersion.of(held.get()))) {
            assertEquals(MergeOutcome.Kind.STORED, kind);
            assertEquals(entry, journal.store.get(entry.id()).orElseThrow().entry(), "the entry was not stored whole");
            journal.assertChangedOnlyByValidNewerEntries();
        } else {
            assertEquals(MergeOutcome.Kind.KEPT_LOCAL, kind);
            journal.assertUnchanged();
        }
    }
}
