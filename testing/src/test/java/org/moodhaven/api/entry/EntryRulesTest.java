package org.moodhaven.api.entry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.moodhaven.testing.TestVectors;

class EntryRulesTest {

    private final Entry valid = TestVectors.entry(TestVectors.root().at("/entryHash/0/entry"));

    @Test
    void acceptsTheVectorEntries() {
        assertEquals(Optional.empty(), EntryRules.problem(valid));
    }

    @Test
    void checksEveryField() {
        assertProblem(new Entry("", valid.createdAt(), valid.updatedAt(), valid.content(), 4, "normal", null, false));
        assertProblem(new Entry("a".repeat(65), valid.createdAt(), valid.updatedAt(), valid.content(), 4, "normal",
                null, false));
        assertProblem(new Entry("with space", valid.createdAt(), valid.updatedAt(), valid.content(), 4, "normal",
                null, false));
        assertProblem(new Entry("id", "2026-03-18", valid.updatedAt(), valid.content(), 4, "normal", null, false));
        assertProblem(new Entry("id", valid.createdAt(), "yesterday", valid.content(), 4, "normal", null, false));
        assertProblem(new Entry("id", valid.createdAt(), valid.updatedAt(), valid.content(), 0, "normal", null, false));
        assertProblem(new Entry("id", valid.createdAt(), valid.updatedAt(), valid.content(), 6, "normal", null, false));
        assertProblem(new Entry("id", valid.createdAt(), valid.updatedAt(), valid.content(), 3, "Normal", null, false));
        assertProblem(new Entry("id", valid.createdAt(), valid.updatedAt(), valid.content(), 3, "", null, false));
        assertProblem(new Entry("id", valid.createdAt(), valid.updatedAt(), valid.content(), 3, "normal", "b/1",
                false));
        Map<String, String> noSalt = new LinkedHashMap<>(valid.content());
        noSalt.remove("salt");
        assertProblem(new Entry("id", valid.createdAt(), valid.updatedAt(), noSalt, 3, "normal", null, false));
        Map<String, String> loneSurrogate = new LinkedHashMap<>(valid.content());
        loneSurrogate.put("data", "\uD800x");
        assertProblem(new Entry("id", valid.createdAt(), valid.updatedAt(), loneSurrogate, 3, "normal", null, false));
    }

    @Test
    void contentIsLimitedTo1MiBAsCompactJson() {
        Map<String, String> content = new LinkedHashMap<>(valid.content());
        String overhead = CanonicalJson.ofObject(Map.of("iv", content.get("iv"), "salt", content.get("salt"),
                "data", ""));
        content.put("data", "x".repeat(EntryRules.MAX_CONTENT_BYTES - overhead.length()));
        Entry atLimit = new Entry("id", valid.createdAt(), valid.updatedAt(), content, 3, "normal", null, false);
        assertEquals(Optional.empty(), EntryRules.problem(atLimit));
        content.put("data", content.get("data") + "x");
        assertProblem(new Entry("id", valid.createdAt(), valid.updatedAt(), content, 3, "normal", null, false));
    }

    @Test
    void refusesAnUpdateMoreThanTheSkewInTheFuture() {
        Instant updated = Timestamps.parse(valid.updatedAt());
        Duration skew = EntryRules.DEFAULT_MAX_CLOCK_SKEW;
        assertEquals(Optional.empty(), EntryRules.problem(valid, updated.minus(skew), skew));
        assertTrue(EntryRules.problem(valid, updated.minus(skew).minusMillis(1), skew).isPresent());
    }

    private static void assertProblem(Entry entry) {
        assertTrue(EntryRules.problem(entry).isPresent(), () -> "expected a problem with " + entry);
    }
}
