package org.moodhaven.tools.soak;

import java.util.List;
import java.util.Locale;

/**
 * How much a node's resources may grow from the first quarter of the soak's minutes to the
 * last before the soak calls it a leak. Each bound compares the highest value of the last
 * quarter with the highest of the first, so a spike in the first quarter loosens nothing
 * the last quarter could hide behind for long, and one noisy minute at the end is enough
 * to be looked at. Why these figures: docs/reliability.md ("Soak").
 */
final class Tolerances {

    /**
     * RSS: × 1.10 + 32 MiB. The heap is committed from the start and compacted every minute; the
     * JIT's code cache and metaspace still grow, slowing, for tens of minutes.
     */
    static final double RSS_FACTOR = 1.10;
    static final double RSS_SLACK_MIB = 32;
    /** Heap after a full collection: × 1.25 + 16 MiB. Derby's page cache and the sync history are bounded. */
    static final double HEAP_FACTOR = 1.25;
    static final double HEAP_SLACK_MIB = 16;
    /** The lowest live thread count of a minute: + 5. */
    static final int THREADS_SLACK = 5;
    /** The lowest count of open file descriptors of a minute: + 16. */
    static final int FDS_SLACK = 16;
    /**
     * The oldest acknowledged write a node may lack at a minute mark, in seconds: nodes sync a few
     * seconds after a change (PROTOCOL.md 8), twice that through a relay, and a sync the stranger or
     * an update made fail is tried again at the next change.
     */
    static final int MAX_LAG_SECONDS = 60;
    /** Writes a node may refuse or not answer, of those tried (an update restarts the store for seconds). */
    static final double MAX_REFUSED_SHARE = 0.10;

    private Tolerances() {
    }

    static double rssBound(double firstQuarterMax) {
        return firstQuarterMax * RSS_FACTOR + RSS_SLACK_MIB;
    }

    static double heapBound(double firstQuarterMax) {
        return firstQuarterMax * HEAP_FACTOR + HEAP_SLACK_MIB;
    }

    static int threadsBound(int firstQuarterMax) {
        return firstQuarterMax + THREADS_SLACK;
    }

    static int fdsBound(int firstQuarterMax) {
        return firstQuarterMax + FDS_SLACK;
    }

    /** @return the tolerances as the report states them */
    static List<String> describe(LogCap cap) {
        return List.of(
                String.format(Locale.ROOT, "RSS: the last quarter's highest ≤ the first quarter's highest × %.2f + %.0f MiB",
                        RSS_FACTOR, RSS_SLACK_MIB),
                String.format(Locale.ROOT, "heap after a full GC: the last quarter's highest ≤ the first quarter's "
                        + "highest × %.2f + %.0f MiB", HEAP_FACTOR, HEAP_SLACK_MIB),
                "live threads (the lowest of each minute, sampled every 5 s, without the console's own command "
                        + "threads): the last quarter's highest ≤ the first quarter's highest + " + THREADS_SLACK,
                "open file descriptors (the lowest of each minute): the last quarter's highest ≤ the first quarter's "
                        + "highest + " + FDS_SLACK,
                String.format(Locale.ROOT, "log files in {data}/logs ≤ %.1f MiB at every minute (%s)",
                        cap.bytes() / 1048576.0, cap.source()),
                String.format(Locale.ROOT, "writes refused or unanswered ≤ %.0f%% of those tried on each node",
                        MAX_REFUSED_SHARE * 100),
                "sync lag (the oldest acknowledged write, on any node, that a node lacks) ≤ " + MAX_LAG_SECONDS
                        + " s at every minute mark",
                "every write the API acknowledged is on every node, with the entry hash it was acknowledged with "
                        + "(0 lost); no oversize entry is stored anywhere; every oversize push ends in DONE_ACK with "
                        + "all its entries rejected; every console operation ends in the expected state; every "
                        + "pairing offer opens and is cancelled; no "
                        + "OutOfMemoryError; every node still runs");
    }
}
