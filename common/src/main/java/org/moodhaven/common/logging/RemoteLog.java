package org.moodhaven.common.logging;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

import org.slf4j.Logger;

/**
 * Log lines that someone on the network can cause, rate-limited per source address
 * (never per anything the remote party claims about itself, such as a deviceId, which
 * it can change at will). In each window (a minute by default) the first few lines of
 * a kind from an address are written; the rest are counted, and one summary line
 * says how many there were once the window has passed:
 * {@code refused 1,705 more HELLOs from 127.0.0.2 in the last 60 s}.
 * <p>
 * At most {@code maxAddresses} addresses are followed at once; lines from further
 * addresses share one counter, so a stranger with many addresses cannot make the
 * limiter itself grow. Together with the log's rotation this bounds what strangers
 * can write to the disk. Callers escape what they put into a line ({@link LogText}).
 * Thread-safe.
 */
public final class RemoteLog {

    /** Stands for the addresses beyond {@code maxAddresses}. */
    static final String OTHER_ADDRESSES = "other addresses";

    /**
     * A kind of line.
     *
     * @param plural what the summary counts, e.g. {@code "refused HELLOs"}
     * @param burst  how many lines of this kind one address may cause in a window before they are counted instead
     * @param warn   whether the lines are warnings (else information)
     */
    public record Kind(String plural, int burst, boolean warn) {
    }

    private final Logger log;
    private final LongSupplier nanoTime;
    private final long windowNanos;
    private final int maxAddresses;
    private final Map<Key, Window> windows = new HashMap<>();
    /** How many windows each followed address has open. */
    private final Map<String, Integer> addresses = new HashMap<>();

    /**
     * @param log          where the lines go
     * @param nanoTime     a monotonic clock ({@code System::nanoTime}, or a test's)
     * @param windowMillis the length of a window
     * @param maxAddresses how many addresses are followed one by one
     */
    public RemoteLog(Logger log, LongSupplier nanoTime, long windowMillis, int maxAddresses) {
        this.log = log;
        this.nanoTime = nanoTime;
        this.windowNanos = TimeUnit.MILLISECONDS.toNanos(windowMillis);
        this.maxAddresses = maxAddresses;
    }

    /**
     * Writes a line unless the address has written its share of this kind in the
     * current window, in which case it is only counted.
     *
     * @param address the source address, as text (never a claimed identity)
     * @param kind    the kind of line
     * @param format  an SLF4J format; arguments from the network must be escaped already
     * @param args    its arguments
     * @return whether the line was written (a caller may tie other reports, such as an event, to it)
     */
    public boolean log(String address, Kind kind, String format, Object... args) {
        List<String> summaries = new ArrayList<>(1);
        boolean write;
        synchronized (this) {
            long now = nanoTime.getAsLong();
            Key key = new Key(followed(address), kind);
            Window window = windows.get(key);
            if (window != null && now - window.start >= windowNanos) {
                summarise(key, window, summaries);
                forget(key);
                window = null;
            }
            if (window == null) {
                window = new Window(now);
                windows.put(key, window);
                addresses.merge(key.address, 1, Integer::sum);
            }
            write = window.written < kind.burst();
            if (write) {
                window.written++;
            } else {
                window.suppressed++;
            }
        }
        summaries.forEach(line -> write(kind, line));
        if (write) {
            if (kind.warn()) {
                log.warn(format, args);
            } else {
                log.info(format, args);
            }
        }
        return write;
    }

    /** Writes the summaries of windows that have passed, and forgets them; call it now and then. */
    public void flush() {
        flush(false);
    }

    /** Writes the summaries of every window, passed or not, and forgets them: when the component stops. */
    public void flushAll() {
        flush(true);
    }

    private void flush(boolean all) {
        List<Map.Entry<Kind, String>> lines = new ArrayList<>();
        synchronized (this) {
            long now = nanoTime.getAsLong();
            for (Map.Entry<Key, Window> entry : List.copyOf(windows.entrySet())) {
                if (all || now - entry.getValue().start >= windowNanos) {
                    List<String> summary = new ArrayList<>(1);
                    summarise(entry.getKey(), entry.getValue(), summary);
                    summary.forEach(line -> lines.add(Map.entry(entry.getKey().kind, line)));
                    forget(entry.getKey());
                }
            }
        }
        lines.forEach(line -> write(line.getKey(), line.getValue()));
    }

    /** @return how many address and kind pairs are followed now (for tests) */
    synchronized int followedCount() {
        return windows.size();
    }

    private String followed(String address) {
        return addresses.containsKey(address) || addresses.size() < maxAddresses ? address : OTHER_ADDRESSES;
    }

    private void forget(Key key) {
        windows.remove(key);
        addresses.computeIfPresent(key.address, (address, open) -> open <= 1 ? null : open - 1);
    }

    private void summarise(Key key, Window window, List<String> out) {
        if (window.suppressed == 0) {
            return;
        }
        long seconds = TimeUnit.NANOSECONDS.toSeconds(nanoTime.getAsLong() - window.start);
        out.add(String.format(Locale.ROOT, "%,d more %s from %s in the last %d s (counted, not logged one by one)",
                window.suppressed, key.kind.plural(), key.address, seconds));
    }

    private void write(Kind kind, String line) {
        if (kind.warn()) {
            log.warn(line);
        } else {
            log.info(line);
        }
    }

    private record Key(String address, Kind kind) {
    }

    private static final class Window {
        private final long start;
        private int written;
        private long suppressed;

        Window(long start) {
            this.start = start;
        }
    }
}
