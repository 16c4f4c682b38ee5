package org.moodhaven.tools.soak;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The most bytes a node's log files may take on disk, read from the rotation settings the
 * distribution ships in {@code conf/} (a logback file's {@code maxFileSize} with
 * {@code totalSizeCap} or {@code maxIndex}), or assumed when it ships none.
 *
 * @param bytes  the cap on the total of the files in {@code {data}/logs}
 * @param source where the figure comes from, for the report
 */
record LogCap(long bytes, String source) {

    /** Assumed when the distribution states no cap: 10 MiB a file, the current one and five rotated. */
    static final long ASSUMED = 60L * 1024 * 1024;
    /**
     * Besides the node's own log, {@code {data}/logs} holds Derby's, which the launcher rotates
     * itself (3 files of 1 MiB) and a cap on the node's log does not cover.
     */
    static final long DERBY_LOG_ALLOWANCE = 3L * 1024 * 1024;
    private static final String DERBY = " + 3 MiB for Derby's derby-0..2.log";

    private static final Pattern SIZE = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*([kmg]i?b?)?", Pattern.CASE_INSENSITIVE);

    /**
     * @param dist the distribution folder
     * @return the cap its configuration states, or {@link #ASSUMED}
     */
    static LogCap of(Path dist) throws IOException {
        Path conf = dist.resolve("conf");
        if (Files.isDirectory(conf)) {
            try (Stream<Path> files = Files.walk(conf)) {
                for (Path file : (Iterable<Path>) files.filter(Files::isRegularFile).sorted()::iterator) {
                    LogCap cap = fromText(Files.readString(file), dist.relativize(file).toString());
                    if (cap != null) {
                        return cap;
                    }
                }
            }
        }
        return new LogCap(ASSUMED + DERBY_LOG_ALLOWANCE, "assumed: the distribution's conf/ states no log "
                + "rotation, so 60 MiB (10 MiB × 6 files)" + DERBY);
    }

    /** Reads a logback-style configuration; null when it states no rotation. */
    static LogCap fromText(String text, String name) {
        Long fileSize = element(text, "maxFileSize");
        if (fileSize == null) {
            return null;
        }
        Long total = element(text, "totalSizeCap");
        if (total != null) {
            // logback's totalSizeCap bounds the rotated files; the file being written comes on top.
            return new LogCap(total + fileSize + DERBY_LOG_ALLOWANCE, name + ": totalSizeCap " + mib(total)
                    + " + the current file's maxFileSize " + mib(fileSize) + DERBY);
        }
        Long maxIndex = element(text, "maxIndex");
        if (maxIndex != null) {
            Long minIndex = element(text, "minIndex");
            long files = maxIndex - (minIndex == null ? 1 : minIndex) + 2;
            return new LogCap(files * fileSize + DERBY_LOG_ALLOWANCE, name + ": " + files + " files of maxFileSize "
                    + mib(fileSize) + DERBY);
        }
        return null;
    }

    private static Long element(String text, String name) {
        // Outside comments only: a comment may mention the element in prose.
        String configuration = text.replaceAll("(?s)<!--.*?-->", "");
        Matcher element = Pattern.compile("<" + name + ">\\s*([^<]+?)\\s*</" + name + ">").matcher(configuration);
        if (!element.find()) {
            return null;
        }
        return bytes(resolve(element.group(1)));
    }

    /**
     * A logback variable as the node resolves it when nothing sets it, as in the soak, which
     * passes no such property to its nodes: {@code ${moodhaven.log.oldFiles:-5}} is 5.
     */
    static String resolve(String value) {
        Matcher variable = Pattern.compile("\\$\\{([^:}]+)(?::-([^}]*))?}").matcher(value.strip());
        if (!variable.matches()) {
            return value;
        }
        return variable.group(2) == null ? "" : variable.group(2);
    }

    static Long bytes(String size) {
        Matcher matcher = SIZE.matcher(size.strip());
        if (!matcher.matches()) {
            return null;
        }
        double value = Double.parseDouble(matcher.group(1));
        String unit = matcher.group(2) == null ? "" : matcher.group(2).toLowerCase(Locale.ROOT);
        long factor = switch (unit.isEmpty() ? ' ' : unit.charAt(0)) {
            case 'k' -> 1024L;
            case 'm' -> 1024L * 1024;
            case 'g' -> 1024L * 1024 * 1024;
            default -> 1L;
        };
        return (long) (value * factor);
    }

    private static String mib(long bytes) {
        return String.format(Locale.ROOT, "%.1f MiB", bytes / 1048576.0);
    }
}
