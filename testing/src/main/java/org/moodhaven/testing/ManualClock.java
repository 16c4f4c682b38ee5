package org.moodhaven.testing;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicReference;

import org.moodhaven.api.node.NodeClock;

/** A clock that moves only when a test moves it. */
public final class ManualClock implements NodeClock {

    private final AtomicReference<Instant> now;

    /**
     * @param start the initial instant
     */
    public ManualClock(Instant start) {
        this.now = new AtomicReference<>(start);
    }

    @Override
    public Instant now() {
        return now.get();
    }

    /**
     * @param amount how far to move forward (or back, if negative)
     */
    public void advance(Duration amount) {
        now.updateAndGet(t -> t.plus(amount));
    }

    /**
     * @param instant the new current instant
     */
    public void set(Instant instant) {
        now.set(instant);
    }
}
