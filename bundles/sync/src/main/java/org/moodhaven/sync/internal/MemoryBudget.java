package org.moodhaven.sync.internal;

import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.moodhaven.api.sync.SyncErrors;

/**
 * The heap that sync sessions may hold at once, node-wide, in bytes. Every buffer
 * whose size a peer decides (a received frame, the ids of its manifest, entries
 * waiting for their commit) and the working set of sending entries are reserved here
 * before they are allocated, so whatever peers send, and however many sessions run,
 * sessions together never hold more than the budget: a reservation that does not
 * fit waits a while for other sessions to give memory back, and then ends its
 * session with {@code internal} instead of the node running out of memory.
 */
final class MemoryBudget {

    /** What a session holds memory for; each is set to a size, up or down, as the session goes. */
    enum Use {
        /** The frame being read and handled: its bytes, its plaintext, its parsed tree. */
        FRAME("a received frame"),
        /** The session's table of entry ids ({@link SessionIds}). */
        IDS("the ids of the manifests"),
        /** Received entries not committed yet, and their merge. */
        PENDING("received entries before their commit"),
        /** Entries read from the store, the frame they go into and its sealed copy. */
        SENDING("entries being sent");

        private final String words;

        Use(String words) {
            this.words = words;
        }
    }

    private final long capacity;
    private final long waitNanos;
    private long reserved;
    private int leases;

    /**
     * @param capacity   bytes all sessions together may hold
     * @param waitMillis how long a reservation that does not fit waits for memory before it fails
     */
    MemoryBudget(long capacity, long waitMillis) {
        if (capacity <= 0) {
            throw new IllegalArgumentException("a memory budget must be positive");
        }
        this.capacity = capacity;
        this.waitNanos = TimeUnit.MILLISECONDS.toNanos(Math.max(0, waitMillis));
    }

    /** @return a new, empty lease for one session; close it when the session ends */
    synchronized Lease open() {
        leases++;
        return new Lease();
    }

    /** @return the budget in bytes */
    long capacity() {
        return capacity;
    }

    /** @return the bytes reserved by all sessions now */
    synchronized long reserved() {
        return reserved;
    }

    private synchronized void grow(long bytes, Use use) throws SyncFailure, InterruptedException {
        if (bytes > capacity) {
            throw shortOfMemory(bytes, use, "more than this node's whole sync memory budget");
        }
        long deadline = System.nanoTime() + waitNanos;
        while (reserved + bytes > capacity) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw shortOfMemory(bytes, use, "other syncs hold " + mib(reserved) + " of it");
            }
            TimeUnit.NANOSECONDS.timedWait(this, left);
        }
        reserved += bytes;
    }

    private synchronized void shrink(long bytes) {
        reserved -= bytes;
        notifyAll();
    }

    private synchronized void closed() {
        leases--;
    }

    private SyncFailure shortOfMemory(long bytes, Use use, String why) {
        return new SyncFailure(SyncErrors.INTERNAL, "this node has no memory for " + use.words + " of "
                + mib(bytes) + " now (" + why + "; the sync memory budget is " + mib(capacity)
                + "); the sync will be tried again, and a larger -Xmx raises the budget");
    }

    static String mib(long bytes) {
        return String.format(java.util.Locale.ROOT, "%.1f MiB", bytes / (1024.0 * 1024.0));
    }

    /** What one session holds of the budget, by use. Used by the session's own thread only. */
    final class Lease implements AutoCloseable {
        private final Map<Use, Long> held = new EnumMap<>(Use.class);
        private boolean closed;

        private Lease() {
        }

        /**
         * Sets what this session holds for one use: more is reserved (waiting for it if
         * needed), less is given back at once.
         *
         * @throws SyncFailure if the increase does not fit the budget in time
         */
        void hold(Use use, long bytes) throws SyncFailure {
            if (closed) {
                throw new IllegalStateException("the session's memory lease is closed");
            }
            long before = held.getOrDefault(use, 0L);
            long after = Math.max(0, bytes);
            if (after > before) {
                try {
                    grow(after - before, use);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new SyncFailure(SyncErrors.INTERNAL, "the sync was interrupted while it waited for memory");
                }
            } else if (after < before) {
                shrink(before - after);
            }
            held.put(use, after);
        }

        /** @return what this session holds for one use */
        long held(Use use) {
            return held.getOrDefault(use, 0L);
        }

        /** Gives everything back. */
        @Override
        public void close() {
            if (closed) {
                return;
            }
            closed = true;
            long total = 0;
            for (long bytes : held.values()) {
                total += bytes;
            }
            held.clear();
            shrink(total);
            closed();
        }
    }
}
