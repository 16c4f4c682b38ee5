package org.moodhaven.sync.internal;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.moodhaven.api.sync.SyncAddress;

/**
 * Listens on 127.0.0.1 where a node expects a sync server, and plays a script
 * with the first connection: a fake server, or a man in the middle.
 *
 * @param <T> what the script reports
 */
final class ScriptedServer<T> implements AutoCloseable {

    /** What happens on the accepted connection; runs on its own thread. */
    @FunctionalInterface
    interface Script<T> {
        T play(Socket accepted) throws Exception;
    }

    private final ServerSocket listener;
    private final ExecutorService thread = Executors.newSingleThreadExecutor(task -> {
        Thread daemon = new Thread(task, "scripted-server");
        daemon.setDaemon(true);
        return daemon;
    });
    private final Future<T> outcome;

    private ScriptedServer(Script<T> script) throws IOException {
        this.listener = new ServerSocket(0, 4, InetAddress.getLoopbackAddress());
        this.outcome = thread.submit(() -> {
            try (Socket accepted = listener.accept()) {
                return script.play(accepted);
            }
        });
    }

    static <T> ScriptedServer<T> start(Script<T> script) throws IOException {
        return new ScriptedServer<>(script);
    }

    SyncAddress address() {
        return new SyncAddress("127.0.0.1", listener.getLocalPort());
    }

    /** Waits for the script to end; its failure (an assertion included) fails the test. */
    T outcome() throws Exception {
        try {
            return outcome.get(30, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof Exception cause) {
                throw cause;
            }
            throw (Error) e.getCause();
        }
    }

    @Override
    public void close() throws IOException {
        listener.close();
        thread.shutdownNow();
    }
}
