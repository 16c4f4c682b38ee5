package org.moodhaven.node.internal;

import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes every exception or error that ends a thread to the node's log, at ERROR
 * with the thread's name and the stack trace.
 * <p>
 * It is the JVM's default uncaught-exception handler, a JVM-wide setting that a
 * bundle should rarely touch; here it is right: the JVM is the node's own (the
 * launcher runs one node per JVM and nothing else), and the threads that can die
 * are everybody's (jmdns, Jetty, Derby, SCR and ours), most of them made where no
 * handler of ours can be given. Without it the JVM prints the trace on standard
 * error, without a time, where a service manager may discard it, and a node whose
 * discovery or sync thread died goes on without a word in its log. Threads with a
 * handler of their own, and pools that keep a task's exception for its caller, are
 * not affected. An {@link OutOfMemoryError} never gets here: bin/moodhaven makes the
 * JVM exit on one, for the service manager to restart the node.
 * <p>
 * The handler that was there before is called too, and put back when this component
 * stops (a bundle update, or a test framework sharing the JVM), unless another one
 * replaced ours in the meantime.
 */
@Component(immediate = true, service = {}) // installed, not offered: nothing should call it
public final class UncaughtExceptionLogger implements Thread.UncaughtExceptionHandler {

    private final Logger log;
    private final Thread.UncaughtExceptionHandler previous;

    /** Installs the handler, logging to this class's logger. */
    public UncaughtExceptionLogger() {
        this(LoggerFactory.getLogger(UncaughtExceptionLogger.class));
    }

    /**
     * Installs the handler.
     *
     * @param log where the exceptions are written
     */
    UncaughtExceptionLogger(Logger log) {
        this.log = log;
        this.previous = Thread.getDefaultUncaughtExceptionHandler();
        Thread.setDefaultUncaughtExceptionHandler(this);
    }

    @Deactivate
    void deactivate() {
        if (Thread.getDefaultUncaughtExceptionHandler() == this) {
            Thread.setDefaultUncaughtExceptionHandler(previous);
        }
    }

    @Override
    public void uncaughtException(Thread thread, Throwable error) {
        log.error("thread {} ended with an uncaught {}; what it was doing has stopped (please report this)",
                thread.getName(), error.toString(), error);
        if (previous != null) {
            previous.uncaughtException(thread, error);
        }
    }
}
