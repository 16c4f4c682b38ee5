package org.moodhaven.api.journal;

import java.util.List;
import java.util.Optional;

import org.moodhaven.api.store.EntryRejectedException;
import org.moodhaven.api.store.StoreException;
import org.osgi.annotation.versioning.ProviderType;

/**
 * The person's journal (PROTOCOL.md section 7): entry text is encrypted with a
 * key derived from their password before it reaches the store, and decrypted
 * only in memory. The key is derived once per unlock and per salt, and is never
 * written anywhere; {@link #lock()} forgets it.
 * <p>
 * An entry that does not decrypt with the current password is shown as
 * unreadable and is never changed.
 */
@ProviderType
public interface Journal {

    /**
     * Unlocks with the password of the entries already in the journal. The password is tried on the newest entry
     * of each salt among the newest entries (slow by design: PBKDF2 with 600,000 iterations per salt) and taken
     * only if it opens at least one; the keys and the password stay in memory until {@link #lock()}.
     *
     * @param password the password; the journal keeps its own copy, the caller may clear it
     * @return what the password opened
     * @throws WrongPasswordException   if the journal holds entries and the password opens none of those tried
     * @throws NewJournalException      if the journal holds no entries yet: its first password is chosen with
     *                                  {@link #choosePassword}
     * @throws IllegalArgumentException if the password is empty
     * @throws StoreException           if the store cannot be read to check the password
     */
    UnlockResult unlock(char[] password) throws WrongPasswordException, NewJournalException, StoreException;

    /**
     * Unlocks a journal that holds no entries yet with its first password, typed twice. If entries have arrived
     * (by sync) meanwhile, this is {@link #unlock}: the password must open them.
     *
     * @param password the new password
     * @param repeated the same, typed again
     * @return what the password opened ({@code newJournal} when there was nothing to check)
     * @throws IllegalArgumentException if the password is empty or the two differ
     * @throws WrongPasswordException   if entries have arrived meanwhile and the password opens none of them
     * @throws StoreException           if the store cannot be read
     */
    UnlockResult choosePassword(char[] password, char[] repeated) throws WrongPasswordException, StoreException;

    /**
     * Forgets the password and every derived key.
     */
    void lock();

    /**
     * @return whether the journal is unlocked
     */
    boolean isUnlocked();

    /**
     * Encrypts and stores a new entry.
     *
     * @param text the entry text
     * @param mood {@code null} or 1 to 5
     * @return the entry as stored, decrypted
     * @throws JournalLockedException if the journal is locked, or its password has not opened any entry
     *                                written on another device while such entries are there (they arrived
     *                                by sync after a new journal's password was chosen)
     * @throws EntryRejectedException if the entry breaks a rule (a mood out of range, say)
     * @throws StoreException         if it could not be stored (nothing changed)
     */
    JournalEntry write(String text, Integer mood)
            throws JournalLockedException, EntryRejectedException, StoreException;

    /**
     * Replaces the text and mood of an entry, as a local edit (PROTOCOL.md 6.5).
     *
     * @param id   the entry
     * @param text the new text
     * @param mood the new mood, {@code null} or 1 to 5
     * @return the entry as stored, decrypted
     * @throws JournalLockedException if the journal is locked or may not write (see {@link #write})
     * @throws java.util.NoSuchElementException if there is no such entry
     * @throws EntryRejectedException if the result breaks a rule
     * @throws StoreException         if it could not be stored (nothing changed)
     */
    JournalEntry edit(String id, String text, Integer mood)
            throws JournalLockedException, EntryRejectedException, StoreException;

    /**
     * @param id an entry id
     * @return the entry, decrypted when possible
     * @throws StoreException if the store cannot be read
     */
    Optional<JournalEntry> read(String id) throws StoreException;

    /**
     * Entries newest first.
     *
     * @param limit  1 to 10,000
     * @param cursor {@code null}, or the {@code next} of the previous page
     * @return the page
     * @throws StoreException if the store cannot be read
     */
    JournalPage list(int limit, String cursor) throws StoreException;

    /**
     * @param id an entry id
     * @return the earlier versions of the entry kept on this device, newest first, decrypted when possible
     * @throws StoreException if the store cannot be read
     */
    List<JournalVersion> history(String id) throws StoreException;

    /**
     * Makes an earlier version current again, as a new local edit.
     *
     * @param id        the entry
     * @param versionId a {@link JournalVersion#versionId()} from {@link #history}
     * @return the entry as now stored
     * @throws JournalLockedException if the journal is locked or may not write
     * @throws java.util.NoSuchElementException if there is no such version
     * @throws EntryRejectedException if the result breaks a rule
     * @throws StoreException         if it could not be stored
     */
    JournalEntry restore(String id, long versionId)
            throws JournalLockedException, EntryRejectedException, StoreException;

    /**
     * @return the salt new entries are encrypted with, standard base64 (PROTOCOL.md section 7)
     */
    String salt();

    /**
     * @return which store and crypto provider the journal uses now, and whether it is unlocked
     */
    JournalStatus status();
}
