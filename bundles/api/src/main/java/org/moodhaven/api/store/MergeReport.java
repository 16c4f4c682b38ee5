package org.moodhaven.api.store;

import java.util.List;

/**
 * What {@link JournalStore#merge} did with a batch.
 *
 * @param outcomes   one per incoming entry, in order
 * @param seqBefore  the store's highest seq just before this batch's commit
 * @param seqAfter   the store's highest seq right after it (equal to {@code seqBefore}
 *                   when nothing was stored)
 */
public record MergeReport(List<MergeOutcome> outcomes, long seqBefore, long seqAfter) {

    /**
     * Freezes the list.
     */
    public MergeReport {
        outcomes = List.copyOf(outcomes);
    }

    /**
     * @return how many entries were stored (new or newer than the held version)
     */
    public int stored() {
        return count(MergeOutcome.Kind.STORED);
    }

    /**
     * @return how many were valid but not newer than the held version
     */
    public int keptLocal() {
        return count(MergeOutcome.Kind.KEPT_LOCAL);
    }

    /**
     * @return how many were invalid or too far in the future
     */
    public int rejected() {
        return count(MergeOutcome.Kind.REJECTED);
    }

    private int count(MergeOutcome.Kind kind) {
        int n = 0;
        for (MergeOutcome outcome : outcomes) {
            if (outcome.kind() == kind) {
                n++;
            }
        }
        return n;
    }
}
