package org.moodhaven.sync.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.moodhaven.api.sync.SyncErrors;

/** The node-wide sync memory budget: what sessions hold together never passes it. */
class MemoryBudgetTest {

    private static final long MIB = 1024 * 1024;

    @Test
    void aSessionSetsWhatItHoldsPerUseUpAndDownAndGivesEverythingBackWhenClosed() throws Exception {
        MemoryBudget budget = new MemoryBudget(10 * MIB, 0);
        try (MemoryBudget.Lease lease = budget.open()) {
            lease.hold(MemoryBudget.Use.FRAME, 4 * MIB);
            lease.hold(MemoryBudget.Use.IDS, 3 * MIB);
            assertEquals(7 * MIB, budget.reserved());
            lease.hold(MemoryBudget.Use.FRAME, MIB);
            assertEquals(4 * MIB, budget.reserved());
            assertEquals(MIB, lease.held(MemoryBudget.Use.FRAME));
        }
        assertEquals(0, budget.reserved());
    }

    @Test
    void whatDoesNotFitFailsWithInternalAfterItsWaitAndChangesNothing() throws Exception {
        MemoryBudget budget = new MemoryBudget(10 * MIB, 0);
        try (MemoryBudget.Lease first = budget.open(); MemoryBudget.Lease second = budget.open()) {
            first.hold(MemoryBudget.Use.FRAME, 8 * MIB);
            SyncFailure failure = assertThrows(SyncFailure.class, () -> second.hold(MemoryBudget.Use.IDS, 3 * MIB));
            assertEquals(SyncErrors.INTERNAL, failure.reason());
            assertTrue(failure.getMessage().contains("the ids of the manifests"), failure.getMessage());
            assertEquals(8 * MIB, budget.reserved());
            assertEquals(0, second.held(MemoryBudget.Use.IDS));
        }
    }

    @Test
    void moreThanTheWholeBudgetFailsAtOnceWithoutWaiting() {
        MemoryBudget budget = new MemoryBudget(10 * MIB, TimeUnit.HOURS.toMillis(1));
        try (MemoryBudget.Lease lease = budget.open()) {
            SyncFailure failure = assertThrows(SyncFailure.class,
                    () -> lease.hold(MemoryBudget.Use.FRAME, 11 * MIB));
            assertTrue(failure.getMessage().contains("whole sync memory budget"), failure.getMessage());
        }
    }

    @Test
    void aReservationWaitsForAnotherSessionToGiveMemoryBack() throws Exception {
        MemoryBudget budget = new MemoryBudget(10 * MIB, TimeUnit.MINUTES.toMillis(1));
        MemoryBudget.Lease first = budget.open();
        first.hold(MemoryBudget.Use.FRAME, 8 * MIB);
        CompletableFuture<Long> second = CompletableFuture.supplyAsync(() -> {
            try (MemoryBudget.Lease lease = budget.open()) {
                lease.hold(MemoryBudget.Use.FRAME, 5 * MIB);
                return budget.reserved();
            } catch (SyncFailure e) {
                throw new AssertionError(e);
            }
        });
        first.close(); // the waiting session goes on once this memory is back
        assertEquals(5 * MIB, second.get(30, TimeUnit.SECONDS));
        assertEquals(0, budget.reserved());
    }
}
