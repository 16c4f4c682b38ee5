package org.moodhaven.tools;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A node's garbage-collector log ({@code -Xlog:gc}), read for the most heap the
 * node used: the JVM's own account, not a sample taken from outside.
 */
public final class GcLog {

    /** A pause line's "used before -> used after (committed)", e.g. {@code 24M->6M(64M)}. */
    private static final Pattern PAUSE = Pattern.compile("(\\d+)M->(\\d+)M\\((\\d+)M\\)");

    /**
     * A whole pause line with its uptime, e.g.
     * {@code [63.123s][info][gc] GC(12) Pause Full (System.gc()) 45M->21M(247M) 85.123ms}; sizes may be
     * printed in K, M or G.
     */
    private static final Pattern COLLECTION = Pattern.compile("^\\[(\\d+(?:\\.\\d+)?)s\\].*GC\\(\\d+\\) (Pause .+?) "
            + "(\\d+)([KMG])->(\\d+)([KMG])\\((\\d+)([KMG])\\) (\\d+(?:\\.\\d+)?)ms");

    /**
     * One collection as the JVM logged it.
     *
     * @param uptimeSeconds when, in seconds since the JVM started
     * @param kind          e.g. "Pause Young (Allocation Failure)" or "Pause Full (System.gc())"
     * @param beforeMiB     heap in use before it
     * @param afterMiB      heap in use after it
     * @param committedMiB  heap committed after it
     * @param pauseMillis   how long the application was stopped
     */
    public record Collection(double uptimeSeconds, String kind, double beforeMiB, double afterMiB,
                             double committedMiB, double pauseMillis) {

        /** @return whether it collected the whole heap (a full collection), not only the young generation */
        public boolean full() {
            return kind.startsWith("Pause Full");
        }
    }

    private GcLog() {
    }

    /**
     * @param log a GC log written with {@link #option}
     * @return every collection in it, in order; empty when there is no log yet
     * @throws IOException if the log cannot be read
     */
    public static List<Collection> collections(Path log) throws IOException {
        List<Collection> collections = new ArrayList<>();
        if (!Files.exists(log)) {
            return collections;
        }
        for (String line : Files.readAllLines(log)) {
            Matcher pause = COLLECTION.matcher(line);
            if (pause.find()) {
                collections.add(new Collection(Double.parseDouble(pause.group(1)), pause.group(2),
                        mib(pause.group(3), pause.group(4)), mib(pause.group(5), pause.group(6)),
                        mib(pause.group(7), pause.group(8)), Double.parseDouble(pause.group(9))));
            }
        }
        return collections;
    }

    private static double mib(String amount, String unit) {
        double value = Double.parseDouble(amount);
        return switch (unit) {
            case "K" -> value / 1024;
            case "G" -> value * 1024;
            default -> value;
        };
    }

    /**
     * @param log where the JVM writes its GC log
     * @return the JVM option that makes it write the log there
     */
    public static String option(Path log) {
        return "-Xlog:gc:file=" + log;
    }

    /**
     * @param log a GC log written with {@link #option}
     * @return the largest heap in use before a collection, in MiB; NaN when there is no log,
     *         0 when no collection happened
     * @throws IOException if the log cannot be read
     */
    public static double peakHeapMiB(Path log) throws IOException {
        if (!Files.exists(log)) {
            return Double.NaN;
        }
        double peak = 0;
        for (String line : Files.readAllLines(log)) {
            Matcher pause = PAUSE.matcher(line);
            if (pause.find()) {
                peak = Math.max(peak, Double.parseDouble(pause.group(1)));
            }
        }
        return peak;
    }
}
