package org.moodhaven.node.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.Marker;
import org.slf4j.event.Level;
import org.slf4j.helpers.LegacyAbstractLogger;
import org.slf4j.helpers.MessageFormatter;

class UncaughtExceptionLoggerTest {

    private Thread.UncaughtExceptionHandler before;

    @BeforeEach
    void remember() {
        before = Thread.getDefaultUncaughtExceptionHandler();
    }

    @AfterEach
    void restore() {
        Thread.setDefaultUncaughtExceptionHandler(before);
    }

    @Test
    void anErrorThatEndsAThreadIsLoggedWithTheThreadsName() throws InterruptedException {
        RecordingLogger log = new RecordingLogger();
        UncaughtExceptionLogger handler = new UncaughtExceptionLogger(log);
        StackOverflowError error = new StackOverflowError("deep");

        Thread worker = new Thread(() -> {
            throw error;
        }, "moodhaven-test-worker");
        worker.start();
        worker.join();

        assertEquals(1, log.records.size(), "one line for one dead thread: " + log.records);
        Record record = log.records.get(0);
        assertEquals(Level.ERROR, record.level());
        assertTrue(record.message().contains("moodhaven-test-worker"), record.message());
        assertTrue(record.message().contains("java.lang.StackOverflowError: deep"), record.message());
        assertSame(error, record.error(), "the stack trace is logged");
        handler.deactivate();
    }

    @Test
    void theHandlerBeforeIsCalledTooAndPutBackOnDeactivate() throws InterruptedException {
        List<Throwable> seenBefore = new ArrayList<>();
        Thread.UncaughtExceptionHandler earlier = (thread, error) -> seenBefore.add(error);
        Thread.setDefaultUncaughtExceptionHandler(earlier);
        UncaughtExceptionLogger handler = new UncaughtExceptionLogger(new RecordingLogger());
        assertSame(handler, Thread.getDefaultUncaughtExceptionHandler());

        IllegalStateException failure = new IllegalStateException("broken");
        Thread worker = new Thread(() -> {
            throw failure;
        }, "moodhaven-test-worker");
        worker.start();
        worker.join();
        assertEquals(List.of(failure), seenBefore);

        handler.deactivate();
        assertSame(earlier, Thread.getDefaultUncaughtExceptionHandler());
    }

    @Test
    void deactivateLeavesAHandlerInstalledLaterInPlace() {
        UncaughtExceptionLogger handler = new UncaughtExceptionLogger(new RecordingLogger());
        Thread.UncaughtExceptionHandler later = (thread, error) -> { };
        Thread.setDefaultUncaughtExceptionHandler(later);
        handler.deactivate();
        assertSame(later, Thread.getDefaultUncaughtExceptionHandler());
    }

    private record Record(Level level, String message, Throwable error) {
    }

    /** Keeps what is logged, formatted as a log line's message. */
    private static final class RecordingLogger extends LegacyAbstractLogger {
        private static final long serialVersionUID = 1L;
        final List<Record> records = new ArrayList<>();

        @Override
        protected String getFullyQualifiedCallerName() {
            return null;
        }

        @Override
        protected void handleNormalizedLoggingCall(Level level, Marker marker, String pattern, Object[] arguments,
                                                   Throwable throwable) {
            synchronized (records) {
                records.add(new Record(level, MessageFormatter.basicArrayFormat(pattern, arguments), throwable));
            }
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
}
