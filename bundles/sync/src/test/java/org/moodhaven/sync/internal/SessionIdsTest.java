package org.moodhaven.sync.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;

/** The compact table of a session's ids: flags, counts, walks, and what it costs. */
class SessionIdsTest {

    private final MemoryBudget budget = new MemoryBudget(512L * 1024 * 1024, 0);

    @Test
    void keepsEachIdOnceWithItsFlags() throws Exception {
        try (MemoryBudget.Lease lease = budget.open()) {
            SessionIds ids = new SessionIds(lease);
            assertEquals(0, ids.set("a", SessionIds.LISTED));
            assertEquals(SessionIds.LISTED, ids.set("a", SessionIds.PEER_WANTS));
            assertEquals(0, ids.set("b-64", SessionIds.PEER_LISTED | SessionIds.WANTED));
            assertEquals(SessionIds.LISTED | SessionIds.PEER_WANTS, ids.flags("a"));
            assertEquals(0, ids.flags("c"));
            assertEquals(1, ids.count(SessionIds.LISTED));
            assertEquals(1, ids.count(SessionIds.WANTED));
            ids.set("a", SessionIds.LISTED); // again: counted once
            assertEquals(1, ids.count(SessionIds.LISTED));
            assertEquals(1, ids.count(SessionIds.WANTED, SessionIds.RECEIVED));
            ids.set("b-64", SessionIds.RECEIVED);
            assertEquals(0, ids.count(SessionIds.WANTED, SessionIds.RECEIVED));
        }
    }

    @Test
    void holdsAHundredThousandIdsInUnderSixtyBytesEachAndWalksThemInPages() throws Exception {
        try (MemoryBudget.Lease lease = budget.open()) {
            SessionIds ids = new SessionIds(lease);
            Set<String> expected = new HashSet<>();
            for (int i = 0; i < 100_000; i++) {
                String id = "Q2xpZW50IGVudHJ5IG" + i; // about 22 characters, like a real id
                ids.set(id, i % 3 == 0 ? SessionIds.PUSH : SessionIds.WANTED);
                if (i % 3 == 0) {
                    expected.add(id);
                }
            }
            assertEquals(expected.size(), ids.count(SessionIds.PUSH));
            Set<String> walked = new HashSet<>();
            SessionIds.Cursor cursor = ids.cursor(SessionIds.PUSH, 0);
            List<String> page;
            while (!(page = cursor.next(256)).isEmpty()) {
                assertTrue(page.size() <= 256);
                walked.addAll(page);
            }
            assertEquals(expected, walked);
            // 23 bytes of id, 5 of slot at a load of 1/4 to 1/2, and the arena's room to grow:
            // a HashSet<String> would take about 100 bytes for each set an id is in.
            long perId = ids.bytes() / 100_000;
            assertTrue(perId < 60, "an id costs " + perId + " bytes");
            assertEquals(ids.bytes(), lease.held(MemoryBudget.Use.IDS), "the table's memory is reserved");
        }
    }

    @Test
    void growingBeyondTheBudgetFailsInsteadOfAllocating() throws Exception {
        MemoryBudget small = new MemoryBudget(256 * 1024, 0);
        try (MemoryBudget.Lease lease = small.open()) {
            SessionIds ids = new SessionIds(lease);
            List<String> added = new ArrayList<>();
            SyncFailure failure = null;
            for (int i = 0; i < 100_000 && failure == null; i++) {
                try {
                    ids.set("id-" + i, SessionIds.PEER_LISTED);
                    added.add("id-" + i);
                } catch (SyncFailure e) {
                    failure = e;
                }
            }
            assertTrue(failure != null, "a budget of 256 KiB cannot hold 100,000 ids");
            assertTrue(small.reserved() <= 256 * 1024);
            for (String id : added) {
                assertEquals(SessionIds.PEER_LISTED, ids.flags(id), id);
            }
        }
    }
}
