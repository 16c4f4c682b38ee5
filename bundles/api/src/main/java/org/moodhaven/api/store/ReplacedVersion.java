package org.moodhaven.api.store;

import java.time.Instant;

import org.moodhaven.api.entry.Entry;

/**
 * A version of an entry that a later write replaced, kept locally (never synced)
 * so a bad or malicious overwrite can be undone.
 *
 * @param versionId  identifies this kept version within the store
 * @param entry      the replaced entry, as it was
 * @param hash       its entry hash
 * @param replacedAt when the store replaced it
 * @param replacedBy {@code "local"} or {@code "sync"}: which kind of write replaced it
 */
public record ReplacedVersion(long versionId, Entry entry, String hash, Instant replacedAt, String replacedBy) {

    /** {@link #replacedBy()} of a version replaced by a write on this device. */
    public static final String BY_LOCAL = "local";

    /** {@link #replacedBy()} of a version replaced by an entry from a peer. */
    public static final String BY_SYNC = "sync";
}
