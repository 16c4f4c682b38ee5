package org.moodhaven.shell.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Instant;
import java.time.ZoneId;

import org.junit.jupiter.api.Test;

class TextsTest {

    @Test
    void aTimeReadsInThePersonsZoneToTheSecond() {
        Instant instant = Instant.parse("2026-12-07T19:17:17.412144981Z");
        assertEquals("2026-12-07 20:17:17", Texts.time(instant, ZoneId.of("Europe/Berlin")));
        assertEquals("2026-12-07 14:17:17", Texts.time(instant, ZoneId.of("America/New_York")));
        assertEquals(Texts.TIME_WIDTH, Texts.time(instant).length());
    }

    @Test
    void anEntrysStoredTimestampReadsTheSameWay() {
        assertEquals(Texts.time(Instant.parse("2026-12-07T19:17:17.412Z")), Texts.time("2026-12-07T19:17:17.412Z"));
        assertEquals(Texts.time(Instant.parse("2026-12-07T19:17:17Z")), Texts.time("2026-12-07T20:17:17+01:00"));
    }

    @Test
    void noTimeOrNoTimestampIsShownAsItIs() {
        assertEquals("-", Texts.time((Instant) null));
        assertEquals("-", Texts.time((String) null));
        assertEquals("yesterday", Texts.time("yesterday"));
    }
}
