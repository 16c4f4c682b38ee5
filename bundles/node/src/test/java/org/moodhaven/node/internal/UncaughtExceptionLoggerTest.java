package org.moodhaven.node.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.moodhaven.testing.logging.RecordingLogger;
import org.slf4j.event.Level;

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

        assertEquals(1, log.records().size(), "one line for one dead thread: " + log.records());
        RecordingLogger.Record record = log.records().get(0);
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
}
