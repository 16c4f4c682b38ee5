package org.moodhaven.store.derby.internal;

import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongSupplier;

/**
 * A deliberately broken seq allocation, to show that the concurrency test catches
 * it: a transaction reserves its seqs before it takes the write lock and pauses a
 * little (up to 3 ms, at random) before committing, so a transaction with higher
 * seqs often commits first. A reader that sees the higher seq then moves its
 * watermark past the lower one, which commits later and is never listed.
 */
final class SeqsBeforeTheLock implements SeqAllocator {

    private static final long MAX_PAUSE_NANOS = 3_000_000;

    @Override
    public LongSupplier begin(AtomicLong counter, int maxSeqs) {
        long first = counter.getAndAdd(maxSeqs) + 1;
        // The broken store's own pause between allocation and commit (not test synchronisation).
        LockSupport.parkNanos(ThreadLocalRandom.current().nextLong(MAX_PAUSE_NANOS));
        long[] next = {first};
        return () -> next[0]++;
    }
}
