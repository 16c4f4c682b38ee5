package org.moodhaven.api.entry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;

import org.junit.jupiter.api.Test;
import org.moodhaven.testing.TestVectors;

/** The merge rule (PROTOCOL.md 6.5) decides every mergeCase of the vectors. */
class MergeRuleTest {

    @Test
    void decidesEveryMergeCaseOfTheVectors() {
        Map<Integer, Entry> byMood = new HashMap<>();
        for (JsonNode vector : TestVectors.root().get("entryHash")) {
            Entry entry = TestVectors.entry(vector.get("entry"));
            byMood.put(entry.mood(), entry);
        }
        JsonNode cases = TestVectors.root().get("mergeCases");
        assertEquals(5, cases.size());
        for (JsonNode mergeCase : cases) {
            EntryVersion local = EntryVersion.of(byMood.get(mergeCase.get("localMood").asInt()));
            EntryVersion incoming = EntryVersion.of(byMood.get(mergeCase.get("incomingMood").asInt()));
            assertEquals(mergeCase.get("incomingReplacesLocal").asBoolean(), incoming.isNewerThan(local),
                    mergeCase.get("name").asText());
        }
    }

    @Test
    void equalVersionsDoNotReplaceEachOtherAndAnythingReplacesNothing() {
        EntryVersion version = EntryVersion.of("2026-03-18T10:05:00.000Z", "ab");
        assertFalse(version.isNewerThan(EntryVersion.of("2026-03-18T11:05:00+01:00", "ab")));
        assertTrue(version.isNewerThan(null));
    }

    @Test
    void comparesInstantsAtTheirFullPrecision() {
        EntryVersion earlier = EntryVersion.of("2026-03-18T10:05:00.000000001Z", "ff");
        EntryVersion later = EntryVersion.of("2026-03-18T10:05:00.000000002Z", "00");
        assertTrue(later.isNewerThan(earlier));
    }

    @Test
    void aLocalEditMovesPastTheVersionItReplacesWhenTheClockIsBehind() {
        Entry edit = TestVectors.entry(TestVectors.root().at("/entryHash/0/entry"))
                .withUpdatedAt("2026-03-18T09:00:00.000Z");
        EntryVersion replaced = EntryVersion.of("2026-03-18T10:05:00.123456789Z", "ab");
        Entry moved = LocalEditRule.apply(edit, replaced);
        assertEquals("2026-03-18T10:05:00.124Z", moved.updatedAt());
        assertTrue(EntryVersion.of(moved).isNewerThan(replaced));

        Entry ahead = edit.withUpdatedAt("2026-03-18T11:00:00.000Z");
        assertEquals(ahead, LocalEditRule.apply(ahead, replaced), "an edit already later keeps its time");
        assertEquals(edit, LocalEditRule.apply(edit, null), "a new entry keeps its time");
    }
}
