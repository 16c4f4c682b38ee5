package org.moodhaven.testing.logging;

import java.util.ArrayList;
import java.util.List;

import org.slf4j.Marker;
import org.slf4j.event.Level;
import org.slf4j.helpers.LegacyAbstractLogger;
import org.slf4j.helpers.MessageFormatter;

/**
 * An SLF4J logger that keeps what is logged, every level enabled, for tests that check
 * what a component writes to the node's log. Thread-safe.
 */
public final class RecordingLogger extends LegacyAbstractLogger {

    private static final long serialVersionUID = 1L;

    /**
     * One line.
     *
     * @param level   its level
     * @param message its message, formatted with its arguments
     * @param error   the throwable logged with it, or {@code null}
     */
    public record Record(Level level, String message, Throwable error) {

        @Override
        public String toString() {
            return level + " " + message;
        }
    }

    private final List<Record> records = new ArrayList<>();

    /** @return what was logged so far, in order */
    public synchronized List<Record> records() {
        return List.copyOf(records);
    }

    /** @return what was logged so far, each as {@code "LEVEL message"} */
    public synchronized List<String> lines() {
        return records.stream().map(Record::toString).toList();
    }

    @Override
    protected String getFullyQualifiedCallerName() {
        return null;
    }

    @Override
    protected synchronized void handleNormalizedLoggingCall(Level level, Marker marker, String pattern,
                                                            Object[] arguments, Throwable throwable) {
        records.add(new Record(level, MessageFormatter.basicArrayFormat(pattern, arguments), throwable));
    }

    @Override
    public boolean isTraceEnabled() {
        return true;
    }

    @Override
    public boolean isDebugEnabled() {
        return true;
    }

    @Override
    public boolean isInfoEnabled() {
        return true;
    }

    @Override
    public boolean isWarnEnabled() {
        return true;
    }

    @Override
    public boolean isErrorEnabled() {
        return true;
    }
}
