package org.moodhaven.sync.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.moodhaven.api.entry.Entry;
import org.moodhaven.api.entry.EntryRules;
import org.moodhaven.api.entry.EntryVersion;
import org.moodhaven.api.store.JournalStore;
import org.moodhaven.api.store.MergeOutcome;
import org.moodhaven.api.store.StoreException;
import org.moodhaven.api.store.StoredEntry;
import org.moodhaven.common.json.StrictJson;

/**
 * What the entry-merge fuzz targets check of any store: one entry object as it arrives in
 * ENTRIES (PROTOCOL.md 6.4, 6.5) is parsed by the session's reader, decoded by
 * {@link EntryCodec} and merged. An entry that breaks a rule is rejected and the journal is
 * unchanged to the byte; a valid one is stored whole when it is newer by the merge rule, else
 * the held version is kept; nothing but the typed outcomes ever comes back. What the store
 * holds is read just before the merge, so a store kept from one input to the next is judged
 * against its own state, not against an assumed one.
 */
final class EntryMergeProperty {

    private EntryMergeProperty() {
    }

    /**
     * Decodes {@code json} as the session would and, if it is an entry, merges it into
     * {@code store}, asserting the outcome and what changed.
     *
     * @param json  the entry object's bytes
     * @param store the store to merge into, on the clock {@link FuzzJournal#NOW}
     * @throws StoreException if the store fails, which no input may cause
     */
    static void check(byte[] json, JournalStore store) throws StoreException {
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
        Optional<Entry> held = store.get(entry.id()).map(StoredEntry::entry);
        Map<String, Entry> before = FuzzJournal.entries(store);

        List<MergeOutcome> outcomes = store.merge(List.of(entry)).outcomes();

        assertEquals(1, outcomes.size());
        MergeOutcome.Kind kind = outcomes.get(0).kind();
        if (EntryRules.problem(entry, FuzzJournal.NOW, EntryRules.DEFAULT_MAX_CLOCK_SKEW).isPresent()) {
            assertEquals(MergeOutcome.Kind.REJECTED, kind, "an entry that breaks a rule was not rejected");
            FuzzJournal.assertUnchanged(before, store);
        } else if (held.isEmpty() || EntryVersion.of(entry).isNewerThan(EntryVersion.of(held.get()))) {
            assertEquals(MergeOutcome.Kind.STORED, kind);
            assertEquals(entry, store.get(entry.id()).orElseThrow().entry(), "the entry was not stored whole");
            FuzzJournal.assertChangedOnlyByValidNewerEntries(before, store);
        } else {
            assertEquals(MergeOutcome.Kind.KEPT_LOCAL, kind);
            FuzzJournal.assertUnchanged(before, store);
        }
    }
}
