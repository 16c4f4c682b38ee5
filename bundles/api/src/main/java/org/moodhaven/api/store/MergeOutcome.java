package org.moodhaven.api.store;

/**
 * What happened to one incoming entry.
 *
 * @param id     the entry id as received
 * @param kind   stored, kept the local version, or rejected
 * @param reason why it was rejected, else {@code null}
 */
public record MergeOutcome(String id, Kind kind, String reason) {

    /** The three fates of an incoming entry. */
    public enum Kind {
        /** It was new or newer than the held version, and is now stored. */
        STORED,
        /** It was valid but the held version is the same or newer. */
        KEPT_LOCAL,
        /** It broke a field rule or lay too far in the future; not stored. */
        REJECTED
    }

    /**
     * @param id the entry id
     * @return a stored outcome
     */
    public static MergeOutcome stored(String id) {
        return new MergeOutcome(id, Kind.STORED, null);
    }

    /**
     * @param id the entry id
     * @return a kept-local outcome
     */
    public static MergeOutcome keptLocal(String id) {
        return new MergeOutcome(id, Kind.KEPT_LOCAL, null);
    }

    /**
     * @param id     the entry id
     * @param reason the broken rule
     * @return a rejected outcome
     */
    public static MergeOutcome rejected(String id, String reason) {
        return new MergeOutcome(id, Kind.REJECTED, reason);
    }
}
