package org.moodhaven.api.entry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class TimestampsTest {

    @ParameterizedTest
    @CsvSource({
            "2026-03-18T10:00:00.000Z, 2026-03-18T10:00:00Z",
            "2026-03-18t10:00:00z, 2026-03-18T10:00:00Z",
            "2026-03-18T11:05:00.000+01:00, 2026-03-18T10:05:00Z",
            "2026-03-18T05:05:00-05:00, 2026-03-18T10:05:00Z",
            "2026-03-18T10:00:00.123456789Z, 2026-03-18T10:00:00.123456789Z",
            "2026-03-18T10:00:00.5Z, 2026-03-18T10:00:00.500Z",
            "2024-02-29T23:59:59Z, 2024-02-29T23:59:59Z"})
    void acceptsRfc3339AtAnyOffsetAndComparesInstants(String text, String instant) {
        assertEquals(Instant.parse(instant), Timestamps.parse(text));
    }

    @ParameterizedTest
    @ValueSource(strings = {"2026-03-18", "2026-03-18T10:00Z", "2026-03-18T10:00:60Z", "2026-02-30T10:00:00Z",
            "2026-03-18T24:00:00Z", "2026-03-18T10:00:00.1234567890Z", "2026-03-18T10:00:00",
            "2026-03-18 10:00:00Z", "2026-03-18T10:00:00+1:00", "2026-03-18T10:00:00+24:00",
            "+2026-03-18T10:00:00Z", "2026-03-18T10:00:00.Z", "２026-03-18T10:00:00Z", ""})
    void refusesWhatIsNotAnRfc3339DateTime(String text) {
        assertFalse(Timestamps.isValid(text));
    }

    @Test
    void writesUtcWithMillisecondsAndAZ() {
        assertEquals("2026-03-18T10:00:00.120Z", Timestamps.format(Instant.parse("2026-03-18T10:00:00.120999Z")));
        assertTrue(Timestamps.isValid(Timestamps.format(Instant.EPOCH)));
    }
}
