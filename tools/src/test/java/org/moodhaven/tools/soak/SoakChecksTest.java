package org.moodhaven.tools.soak;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;

import org.junit.jupiter.api.Test;

/** The soak's own judgements: what counts as lost, and how a change of threads is reported. */
class SoakChecksTest {

    private static final String H1 = "a".repeat(64);
    private static final String H2 = "b".repeat(64);

    @Test
    void anEntryAbsentOrHeldInAnotherVersionIsLostAndOneHeldAsAcknowledgedIsNot() {
        Map<String, String> acknowledged = Map.of("kept", H1, "absent", H1, "other", H1);
        Map<String, String> held = Map.of("kept", H1, "other", H2, "never-acknowledged", H2);
        assertEquals(Map.of("absent", "absent", "other", "another version (bbbbbbbbbbbb…)"),
                Soak.missing(acknowledged, held));
        assertEquals(Map.of(), Soak.missing(acknowledged, Map.of("kept", H1, "absent", H1, "other", H1)));
    }

    @Test
    void threadNamesThatChangedAreListedWithTheirCounts() {
        assertEquals("derby.rawStoreDaemon 1→2, moodhaven-sync-# 4→3, qtp#-# 0→1", Soak.threadDiff(
                Map.of("derby.rawStoreDaemon", 1, "moodhaven-sync-#", 4, "main", 1),
                Map.of("derby.rawStoreDaemon", 2, "moodhaven-sync-#", 3, "main", 1, "qtp#-#", 1)));
        assertEquals("the same names and counts", Soak.threadDiff(Map.of("main", 1), Map.of("main", 1)));
    }
}
