package org.moodhaven.api.journal;

/**
 * What unlocking found out about the password. The journal tries it on the newest entry of each salt it meets
 * among its newest entries (one salt per device that wrote entries), a few salts at most.
 *
 * @param newJournal    whether the journal held no entries, so the password became its first one
 * @param saltsChecked  how many salts' newest entries the password was tried on
 * @param saltsOpened   how many of those it opened (at least one, unless {@code newJournal})
 */
public record UnlockResult(boolean newJournal, int saltsChecked, int saltsOpened) {

    /** @return whether some entries were written with another password and stay unreadable with this one */
    public boolean someUnreadable() {
        return saltsOpened < saltsChecked;
    }
}
