package org.moodhaven.tools.soak;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An OSGi operator at one node's console (its stdin, as a person types): a live update of
 * the Derby store bundle ({@code update}, then {@code refresh}), and a crypto provider swap
 * ({@code stop} of the JDK provider so BouncyCastle takes over, {@code start} to bring it
 * back), each checked with {@code mh:status}. They are typed under their short names, as a
 * person types them: no {@code mh} command shadows a Felix one. The operations keep Felix's
 * scope in their names ({@code felix:stop ...}), which the soak's report reads.
 */
final class ConsoleOperator {

    static final String STORE_BUNDLE = "moodhaven.store.derby";
    static final String JDK_CRYPTO_BUNDLE = "moodhaven.crypto.jdk";
    private static final Duration STEP = Duration.ofSeconds(60);

    /**
     * What one operation did.
     *
     * @param what    e.g. "update moodhaven.store.derby (bundle 37), refresh"
     * @param ok      whether the node ended as expected
     * @param millis  from the first command until {@code mh:status} showed the expected state
     * @param detail  what the console printed when it went wrong, or a short confirmation
     */
    record Operation(String what, boolean ok, long millis, String detail) {
    }

    private final SoakNode node;
    private final AtomicInteger marks = new AtomicInteger();

    ConsoleOperator(SoakNode node) {
        this.node = node;
    }

    /** Updates the Derby store bundle in place and refreshes it; the store must come back as Derby. */
    Operation updateStore() throws IOException, InterruptedException {
        long started = System.nanoTime();
        long id = bundleId(STORE_BUNDLE);
        String what = "update " + STORE_BUNDLE + " (bundle " + id + "), refresh";
        String printed = run("update " + id) + run("refresh " + id);
        if (problem(printed)) {
            return new Operation(what, false, millisSince(started), printed.strip());
        }
        Operation active = awaitOutput(what, started, "lb -s " + STORE_BUNDLE, "\\|Active +\\|[^|]*\\|"
                + Pattern.quote(STORE_BUNDLE) + " ", printed);
        return active.ok() ? awaitOutput(what, started, "mh:status", "store +Derby", printed) : active;
    }

    /** Stops the JDK crypto provider: BouncyCastle must take over. */
    Operation stopJdkCrypto() throws IOException, InterruptedException {
        long started = System.nanoTime();
        long id = bundleId(JDK_CRYPTO_BUNDLE);
        String what = "felix:stop " + JDK_CRYPTO_BUNDLE + " (bundle " + id + ")";
        String printed = run("stop " + id);
        if (problem(printed)) {
            return new Operation(what, false, millisSince(started), printed.strip());
        }
        return awaitOutput(what, started, "mh:status", "crypto +BouncyCastle", printed);
    }

    /** Starts the JDK crypto provider again: it must be in use again. */
    Operation startJdkCrypto() throws IOException, InterruptedException {
        long started = System.nanoTime();
        long id = bundleId(JDK_CRYPTO_BUNDLE);
        String what = "felix:start " + JDK_CRYPTO_BUNDLE + " (bundle " + id + ")";
        String printed = run("start " + id);
        if (problem(printed)) {
            return new Operation(what, false, millisSince(started), printed.strip());
        }
        return awaitOutput(what, started, "mh:status", "crypto +JDK", printed);
    }

    /** Runs a command every 250 ms until a line of its output matches, within {@link #STEP}. */
    private Operation awaitOutput(String what, long started, String command, String expected, String printed)
            throws IOException, InterruptedException {
        Pattern line = Pattern.compile("(?m)^(?:g! )*.*?" + expected);
        String status = "";
        long deadline = System.nanoTime() + STEP.toNanos();
        while (System.nanoTime() < deadline) {
            status = run(command);
            Matcher matcher = line.matcher(status);
            if (matcher.find()) {
                // e.g. "crypto BouncyCastle (lightweight API)"; a store line without its path
                String shown = status.substring(matcher.start()).lines().findFirst().orElse("")
                        .replaceFirst("^(?:g! )*", "").replaceAll(" +", " ").replaceFirst(" at /.*", "");
                return new Operation(what, true, millisSince(started), command + ": " + shown);
            }
            TimeUnit.MILLISECONDS.sleep(250); // between polls of mh:status, within STEP
        }
        return new Operation(what, false, millisSince(started), command + " never showed /" + expected + "/ within "
                + STEP.toSeconds() + " s; last:\n" + status + "\n" + printed);
    }

    /** The bundle's id, from {@code lb -s} as an operator reads it. */
    long bundleId(String symbolicName) throws IOException, InterruptedException {
        String listing = run("lb -s " + symbolicName);
        Matcher matcher = Pattern.compile("(?m)^(?:g! )*\\s*(\\d+)\\|[^|]*\\|\\s*\\d+\\|" + Pattern.quote(symbolicName)
                + " \\(").matcher(listing);
        if (!matcher.find()) {
            throw new IOException("lb -s " + symbolicName + " did not list the bundle; it printed:\n" + listing);
        }
        return Long.parseLong(matcher.group(1));
    }

    /**
     * Types a command, then an {@code echo} of a fresh mark, and answers what the console
     * printed in between (the console does not echo what is typed).
     */
    String run(String command) throws IOException, InterruptedException {
        String mark = "soak-mark-" + marks.incrementAndGet();
        int before = node.process.transcript().length();
        node.process.type(command, "echo " + mark);
        node.process.expect("^(?:g! )*" + mark + "$", STEP);
        String after = node.process.transcript();
        int end = after.indexOf(mark, before);
        return after.substring(before, end < 0 ? after.length() : end);
    }

    /** Whether the console printed an error (gogo prints exceptions as "gogo: …Exception: …"). */
    private static boolean problem(String printed) {
        return printed.contains("gogo: ") || printed.contains("Exception") || printed.contains("Cannot ");
    }

    private static long millisSince(long started) {
        return (System.nanoTime() - started) / 1_000_000;
    }
}
