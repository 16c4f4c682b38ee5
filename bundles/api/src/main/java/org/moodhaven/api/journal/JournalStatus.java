package org.moodhaven.api.journal;

/**
 * What the journal runs on now.
 *
 * @param unlocked       whether it is unlocked
 * @param passwordMatches whether the current password opens this device's earlier entries
 * @param store          {@code name()} of the store in use
 * @param storeId        its storeId
 * @param crypto         {@code name()} of the crypto provider in use
 */
public record JournalStatus(boolean unlocked, boolean passwordMatches, String store, String storeId, String crypto) {
}
