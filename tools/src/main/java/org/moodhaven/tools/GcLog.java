package org.moodhaven.tools;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A node's garbage-collector log ({@code -Xlog:gc}), read for the most heap the
 * node used: the JVM's own account, not a sample taken from outside.
 */
public final class GcLog {

    /** A pause line's "used before -> used after (committed)", e.g. {@code 24M->6M(64M)}. */
    private static final Pattern PAUSE = Pattern.compile("(\\d+)M->(\\d+)M\\((\\d+)M\\)");

    private GcLog() {
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
