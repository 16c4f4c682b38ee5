package org.moodhaven.sync.internal;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Every entry id one session deals with, each once, with what it is to the session
 * as flags: listed by this side, listed by the peer, wanted, to push, wanted by the
 * peer, received. One table instead of a set per role, and ids kept as their ASCII
 * bytes in one array instead of as strings, so that an id of 22 characters costs 35 to 55 bytes
 * instead of about 100 per set it is in: the table is what a manifest of a million
 * ids costs the node, and it is reserved from the {@link MemoryBudget} as it grows.
 * <p>
 * Ids are valid entry ids (1 to 64 characters of {@code [A-Za-z0-9_-]}), checked by
 * the caller. Open addressing with linear probing; used by one thread.
 */
final class SessionIds {

    /** This side listed the id in its manifest. */
    static final int LISTED = 1;
    /** The peer listed it in its manifest. */
    static final int PEER_LISTED = 1 << 1;
    /** The peer's listed version is newer: this side wants it. */
    static final int WANTED = 1 << 2;
    /** This side holds a newer version than the peer listed: it sends it unasked. */
    static final int PUSH = 1 << 3;
    /** The peer wants it. */
    static final int PEER_WANTS = 1 << 4;
    /** It arrived in ENTRIES. */
    static final int RECEIVED = 1 << 5;

    private static final int FLAG_COUNT = 6;

    /** Each id as [length][ASCII bytes], one after another. */
    private byte[] arena = new byte[1024];
    private int arenaUsed;
    /** Per slot: the id's offset in the arena plus one; 0 for an empty slot. */
    private int[] slots = new int[64];
    private byte[] flags = new byte[64];
    private int size;
    private final int[] counts = new int[FLAG_COUNT];
    private final MemoryBudget.Lease lease;

    /**
     * @param lease where the table reserves its memory before it grows
     * @throws SyncFailure if even the empty table does not fit the budget
     */
    SessionIds(MemoryBudget.Lease lease) throws SyncFailure {
        this.lease = lease;
        lease.hold(MemoryBudget.Use.IDS, bytes());
    }

    /**
     * Sets a flag on an id, adding the id if it is new.
     *
     * @return the id's flags before this call (0 for a new id)
     * @throws SyncFailure if the table must grow and the budget has no room for it
     */
    int set(String id, int flag) throws SyncFailure {
        int slot = find(id);
        if (slots[slot] == 0) {
            if ((size + 1) * 2 > slots.length) {
                grow();
                slot = find(id);
            }
            slots[slot] = store(id) + 1;
            size++;
        }
        int before = flags[slot];
        flags[slot] = (byte) (before | flag);
        countNewFlags(before, flag);
        return before;
    }

    /** @return the flags of an id, 0 if the session has not met it */
    int flags(String id) {
        int slot = find(id);
        return slots[slot] == 0 ? 0 : flags[slot];
    }

    /** @return how many ids carry a flag */
    int count(int flag) {
        return counts[Integer.numberOfTrailingZeros(flag)];
    }

    /** @return how many ids carry every flag of {@code required} and none of {@code excluded} */
    int count(int required, int excluded) {
        int n = 0;
        for (int slot = 0; slot < slots.length; slot++) {
            if (slots[slot] != 0 && matches(flags[slot], required, excluded)) {
                n++;
            }
        }
        return n;
    }

    /** @return the heap this table holds, in bytes (what the budget must cover) */
    long bytes() {
        return arena.length + 4L * slots.length + flags.length + 64;
    }

    /** Walks the ids with some flags, a page at a time: the position is kept between calls. */
    final class Cursor {
        private final int required;
        private final int excluded;
        private int next;

        private Cursor(int required, int excluded) {
            this.required = required;
            this.excluded = excluded;
        }

        /** @return up to {@code max} more ids, none once the walk is over */
        List<String> next(int max) {
            List<String> page = new ArrayList<>(Math.min(max, 1024));
            while (next < slots.length && page.size() < max) {
                int slot = next++;
                if (slots[slot] != 0 && matches(flags[slot], required, excluded)) {
                    page.add(idAt(slots[slot] - 1));
                }
            }
            return page;
        }
    }

    /**
     * @return a walk over the ids that carry every flag of {@code required} and none of
     *         {@code excluded}; the table must not gain ids during the walk
     */
    Cursor cursor(int required, int excluded) {
        return new Cursor(required, excluded);
    }

    private static boolean matches(int flags, int required, int excluded) {
        return (flags & required) == required && (flags & excluded) == 0;
    }

    private void countNewFlags(int before, int flag) {
        int added = flag & ~before;
        while (added != 0) {
            int bit = Integer.numberOfTrailingZeros(added);
            counts[bit]++;
            added &= added - 1;
        }
    }

    /** @return the slot holding the id, or the empty slot where it would go */
    private int find(String id) {
        int mask = slots.length - 1;
        int slot = spread(id.hashCode()) & mask;
        while (slots[slot] != 0 && !equalsAt(slots[slot] - 1, id)) {
            slot = (slot + 1) & mask;
        }
        return slot;
    }

    private static int spread(int hash) {
        int h = hash * 0x9E3779B9;
        return h ^ (h >>> 16);
    }

    private boolean equalsAt(int offset, String id) {
        int length = arena[offset];
        if (length != id.length()) {
            return false;
        }
        for (int i = 0; i < length; i++) {
            if (arena[offset + 1 + i] != id.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    /** The id's {@code String.hashCode()}, computed from its bytes (ids are ASCII). */
    private int hashAt(int offset) {
        int hash = 0;
        for (int i = 0, length = arena[offset]; i < length; i++) {
            hash = 31 * hash + arena[offset + 1 + i];
        }
        return hash;
    }

    private String idAt(int offset) {
        return new String(arena, offset + 1, arena[offset], StandardCharsets.US_ASCII);
    }

    private int store(String id) throws SyncFailure {
        int needed = id.length() + 1;
        if (arenaUsed + needed > arena.length) {
            int length = Math.max(arena.length + (arena.length >> 1), arenaUsed + needed);
            // Old and new arrays exist together while the ids are copied.
            lease.hold(MemoryBudget.Use.IDS, bytes() + length);
            byte[] larger = new byte[length];
            System.arraycopy(arena, 0, larger, 0, arenaUsed);
            arena = larger;
            lease.hold(MemoryBudget.Use.IDS, bytes());
        }
        int offset = arenaUsed;
        arena[offset] = (byte) id.length();
        for (int i = 0; i < id.length(); i++) {
            arena[offset + 1 + i] = (byte) id.charAt(i);
        }
        arenaUsed += needed;
        return offset;
    }

    private void grow() throws SyncFailure {
        int[] oldSlots = slots;
        byte[] oldFlags = flags;
        lease.hold(MemoryBudget.Use.IDS, bytes() + 5L * oldSlots.length * 2);
        slots = new int[oldSlots.length * 2];
        flags = new byte[oldFlags.length * 2];
        int mask = slots.length - 1;
        for (int i = 0; i < oldSlots.length; i++) {
            if (oldSlots[i] != 0) {
                int offset = oldSlots[i] - 1;
                int slot = spread(hashAt(offset)) & mask;
                while (slots[slot] != 0) {
                    slot = (slot + 1) & mask;
                }
                slots[slot] = oldSlots[i];
                flags[slot] = oldFlags[i];
            }
        }
        lease.hold(MemoryBudget.Use.IDS, bytes());
    }
}
