package org.moodhaven.itests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.moodhaven.tools.soak.Soak;

/**
 * The short soak of issue 12 (docs/reliability.md, "Soak"): the harness {@code scripts/soak}
 * runs, for 3 minutes ({@code -Dsoak.minutes=N} changes it): three real nodes A–B–C syncing
 * by themselves, a writer on each, a stranger flooding every sync port, a trusted peer
 * pushing oversize entries to C every minute, and on B's console a live update of the Derby
 * store bundle and a crypto provider swap. It fails on any check the harness failed (an
 * acknowledged entry missing on a node, resources of the last quarter beyond the tolerances,
 * logs over the rotation cap, an oversize push not rejected, a console operation that did not
 * end as expected, a node that died), and checks that the short run did each hostile and
 * operator action at least once. The table goes to {@code target/soak/soak-3min.md}; the nodes'
 * folders are kept in {@code target/soak/work} when a check failed.
 */
class SoakIT {

    private static final int MINUTES = Integer.getInteger("soak.minutes", 3);

    @Test
    void threeNodesUnderHostileLoadAndLiveUpdatesLoseNothingAndStayWithinTheirResources() throws Exception {
        Path target = Path.of("target", "soak");
        Soak.Result result = Soak.run(new Soak.Options(MINUTES, target, target.resolve("work"), false), System.out);

        assertEquals(List.of(), result.failures(), "the soak's checks:\n" + result.report());
        assertTrue(result.storeUpdates() >= 1, "at least one live update of the Derby store: " + result.report());
        assertTrue(result.cryptoSwaps() >= 1, "at least one crypto provider swap and back: " + result.report());
        assertTrue(result.oversizePushes() >= MINUTES, "an oversize push every minute: " + result.report());
        assertTrue(result.acknowledged() >= MINUTES * 60L * 3 * 9 / 10, "about an entry a second on each of "
                + "three nodes was acknowledged: " + result.acknowledged());
    }
}
