package org.moodhaven.api.journal;

import java.time.Instant;

/**
 * An earlier version of an entry, kept on this device.
 *
 * @param versionId  pass to {@link Journal#restore} to make it current again
 * @param entry      the version as a person sees it
 * @param replacedAt when a later write replaced it
 * @param replacedBy {@code "local"} or {@code "sync"}
 */
public record JournalVersion(long versionId, JournalEntry entry, Instant replacedAt, String replacedBy) {
}
