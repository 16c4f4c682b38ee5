package org.moodhaven.store.derby.internal;

import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * Where one write transaction takes its seqs from. A seam for tests only: the
 * store's own allocator, {@link #UNDER_LOCK}, hands out seqs lazily, while the
 * transaction holds the store-wide write lock, so seqs commit in order
 * (PROTOCOL.md 6.6). A test substitutes an allocator that reserves seqs before the
 * lock, to prove that the concurrency test catches a store that gets this wrong.
 */
@FunctionalInterface
interface SeqAllocator {

    /** Takes each seq when the transaction asks for it, under the write lock. */
    SeqAllocator UNDER_LOCK = (counter, maxSeqs) -> counter::incrementAndGet;

    /**
     * Called before the write lock is taken.
     *
     * @param counter the highest seq handed out so far
     * @param maxSeqs the most seqs the transaction may ask for
     * @return what the transaction calls, under the lock, for each seq it writes
     */
    LongSupplier begin(AtomicLong counter, int maxSeqs);
}
