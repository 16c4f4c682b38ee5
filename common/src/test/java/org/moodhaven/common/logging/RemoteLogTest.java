package org.moodhaven.common.logging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;
import org.moodhaven.testing.logging.RecordingLogger;

/**
 * Lines a stranger can cause are rate-limited per source address: the first of a kind
 * in a minute is written, the rest counted and summed up in one line, whatever
 * identity the stranger claims, and however many addresses it uses.
 */
class RemoteLogTest {

    private static final RemoteLog.Kind REFUSED = new RemoteLog.Kind("refused HELLOs", 1, false);

    private final AtomicLong now = new AtomicLong(TimeUnit.HOURS.toNanos(1));
    private final RecordingLogger lines = new RecordingLogger();
    private final RemoteLog log = new RemoteLog(lines, now::get, 60_000, 4);

    @Test
    void fiveThousandRefusalsFromOneAddressMakeTwoLines() {
        for (int i = 0; i < 5_000; i++) {
            log.log("127.0.0.2", REFUSED, "refused a sync from {} claiming device {}", "127.0.0.2", "id-" + i);
        }
        assertEquals(List.of("INFO refused a sync from 127.0.0.2 claiming device id-0"), lines.lines());
        log.flush();
        assertEquals(1, lines.lines().size(), "nothing more within the minute");
        now.addAndGet(TimeUnit.SECONDS.toNanos(61));
        log.flush();
        assertEquals("INFO 4,999 more refused HELLOs from 127.0.0.2 in the last 61 s (counted, not logged one by one)",
                lines.lines().get(1));
        assertEquals(0, log.followedCount(), "a window that is over is forgotten");
        assertTrue(log.log("127.0.0.2", REFUSED, "again"), "a new minute writes a new first line");
    }

    @Test
    void eachAddressHasItsOwnShareAndTheClaimedIdentityDoesNotMatter() {
        assertTrue(log.log("10.0.0.1", REFUSED, "one"));
        assertTrue(log.log("10.0.0.2", REFUSED, "two"));
        assertFalse(log.log("10.0.0.1", REFUSED, "one again, another deviceId"));
        assertEquals(2, lines.lines().size());
    }

    @Test
    void addressesBeyondTheLimitShareOneCounter() {
        for (int address = 1; address <= 100; address++) {
            for (int i = 0; i < 10; i++) {
                log.log("10.0.0." + address, REFUSED, "refused {}", address);
            }
        }
        assertEquals(5, lines.lines().size(), "4 addresses followed one by one, the other 96 as one");
        assertTrue(log.followedCount() <= 5);
        now.addAndGet(TimeUnit.MINUTES.toNanos(2));
        log.flush();
        assertTrue(lines.lines().contains(
                "INFO 959 more refused HELLOs from other addresses in the last 120 s (counted, not logged one by one)"),
                lines.lines()::toString);
    }

    @Test
    void warningsStayWarningsAndABurstAllowsSeveralLines() {
        RemoteLog.Kind failed = new RemoteLog.Kind("failed syncs", 3, true);
        for (int i = 0; i < 10; i++) {
            log.log("10.0.0.9", failed, "failed {}", i);
        }
        assertEquals(List.of("WARN failed 0", "WARN failed 1", "WARN failed 2"), lines.lines());
    }
}
