package org.moodhaven.common.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.moodhaven.api.entry.Timestamps;

class EntryOrderTest {

    @Test
    void keysAreFixedWidthAndSortLikeInstants() {
        List<String> timestamps = List.of("0000-01-01T00:30:00+01:00", "0000-01-01T00:00:00Z",
                "1969-12-31T23:59:59.999999999Z", "1970-01-01T00:00:00Z", "2026-03-18T11:05:00.000+01:00",
                "2026-03-18t10:05:00.000000001z", "2026-03-18T10:05:00.1Z", "9999-12-31T23:59:59Z",
                "9999-12-31T23:30:00-01:00");
        List<String> keys = new ArrayList<>();
        for (String t : timestamps) {
            String key = EntryOrder.keyOf(t);
            assertEquals(EntryOrder.KEY_LENGTH, key.length(), key);
            assertEquals(Timestamps.parse(t), EntryOrder.instantOf(key));
            keys.add(key);
        }
        for (int i = 1; i < keys.size(); i++) {
            assertTrue(keys.get(i - 1).compareTo(keys.get(i)) < 0, keys.get(i - 1) + " < " + keys.get(i));
        }
        assertEquals("-0001-12-31T23:30:00.000000000Z", keys.get(0));
        assertEquals("02026-03-18T10:05:00.000000000Z", EntryOrder.keyOf("2026-03-18T11:05:00+01:00"));
        assertEquals("10000-01-01T00:30:00.000000000Z", keys.get(keys.size() - 1));
    }

    @Test
    void cursorsRoundTripAndRejectGarbage() {
        String key = EntryOrder.keyOf(Instant.parse("2026-03-18T10:00:00Z"));
        EntryOrder.Position p = EntryOrder.parseCursor(EntryOrder.cursor(key, "entry-0001"));
        assertEquals(new EntryOrder.Position(key, "entry-0001"), p);
        assertThrows(IllegalArgumentException.class, () -> EntryOrder.parseCursor("%%"));
        assertThrows(IllegalArgumentException.class, () -> EntryOrder.instantOf("2026"));
    }
}
