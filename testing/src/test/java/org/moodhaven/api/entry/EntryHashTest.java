package org.moodhaven.api.entry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;

import org.junit.jupiter.api.Test;
import org.moodhaven.testing.TestVectors;

/** The entry hash and canonical JSON reproduce every entryHash vector. */
class EntryHashTest {

    @Test
    void reproducesTheCanonicalFormAndHashOfEveryVector() {
        JsonNode vectors = TestVectors.root().get("entryHash");
        assertEquals(4, vectors.size());
        for (JsonNode vector : vectors) {
            Entry entry = TestVectors.entry(vector.get("entry"));
            assertEquals(vector.get("canonical").asText(), CanonicalJson.of(entry));
            assertEquals(vector.get("h").asText(), EntryHash.of(entry));
        }
    }

    @Test
    void canonicalFormSortsContentMembersAndEscapesLikeJsonStringify() {
        Map<String, String> content = new LinkedHashMap<>();
        content.put("salt", "s");
        content.put("iv", "i");
        content.put("data", "quote\" backslash\\ newline\n tab\t bell\u0007 e\u0301 \uD83C\uDF3F \u2028");
        content.put("\uD83C\uDF3F", "emoji key sorts by UTF-16 code units");
        content.put("\uFFFD", "after the surrogate pair's high unit? no: U+FFFD > U+D83C");
        Entry entry = new Entry("id", "2026-01-01T00:00:00Z", "2026-01-01T00:00:00Z", content, null, "normal",
                "book-1", true);
        assertEquals("{\"book_id\":\"book-1\",\"content\":{\"data\":\"quote\\\" backslash\\\\ newline\\n tab\\t "
                + "bell\\u0007 e\u0301 \uD83C\uDF3F \u2028\",\"iv\":\"i\",\"salt\":\"s\","
                + "\"\uD83C\uDF3F\":\"emoji key sorts by UTF-16 code units\","
                + "\"\uFFFD\":\"after the surrogate pair's high unit? no: U+FFFD > U+D83C\"},"
                + "\"created_at\":\"2026-01-01T00:00:00Z\",\"id\":\"id\",\"mood\":null,\"pinned\":true,"
                + "\"privacy_mode\":\"normal\",\"updated_at\":\"2026-01-01T00:00:00Z\"}", CanonicalJson.of(entry));
    }

    @Test
    void hashesAreLowercaseHexOf64Characters() {
        assertTrue(EntryHash.isValid("b6dce602d0dff4b09c3f78868918d783ff98d3f9d8eccc9962f2b615bfb4cdab"));
        assertFalse(EntryHash.isValid("B6DCE602D0DFF4B09C3F78868918D783FF98D3F9D8ECCC9962F2B615BFB4CDAB"));
        assertFalse(EntryHash.isValid("b6dc"));
        assertFalse(EntryHash.isValid(null));
    }
}
