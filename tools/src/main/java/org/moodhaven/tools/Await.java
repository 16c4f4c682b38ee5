package org.moodhaven.tools;

import java.time.Duration;
import java.util.concurrent.Callable;

/** Waits for a condition another process brings about, checking it every 50 ms until a deadline. */
public final class Await {

    private static final Object MONITOR = new Object();

    private Await() {
    }

    public static void until(String what, Duration timeout, Callable<Boolean> condition) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.call()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out after " + timeout + " waiting until " + what);
            }
            synchronized (MONITOR) {
                MONITOR.wait(50);
            }
        }
    }
}
