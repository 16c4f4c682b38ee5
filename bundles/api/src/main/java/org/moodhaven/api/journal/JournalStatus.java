package org.moodhaven.api.journal;

/**
 * What the journal runs on now.
 *
 * @param unlocked whether it is unlocked
 * @param empty    whether it holds no entries yet, so the next unlock chooses its password
 *                 ({@link Journal#choosePassword}); {@code false} when the store cannot tell right now
 * @param store    {@code name()} of the store in use
 * @param storeId  its storeId
 * @param crypto   {@code name()} of the crypto provider in use
 */
public record JournalStatus(boolean unlocked, boolean empty, String store, String storeId, String crypto) {
}
