package org.moodhaven.sync.internal;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.concurrent.CompletableFuture;
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

    /**
     * A proxy that forwards bytes unchanged to a server, recording what passes each way.
     *
     * @param target         the real server
     * @param clientToServer receives what the client sent
     * @param serverToClient receives what the server sent
     * @return the running proxy (one connection)
     */
    static ScriptedServer<Void> forwarding(SyncAddress target, ByteArrayOutputStream clientToServer,
                                           ByteArrayOutputStream serverToClient) throws IOException {
        return start(accepted -> {
            try (Socket upstream = new Socket(target.host(), target.port())) {
                CompletableFuture<Void> back = CompletableFuture.runAsync(() ->
                        copy(upstream, accepted, serverToClient));
                copy(accepted, upstream, clientToServer);
                back.join();
                return null;
            }
        });
    }

    /** Copies until the source ends, then ends the destination's output. */
    private static void copy(Socket from, Socket to, ByteArrayOutputStream record) {
        try {
            InputStream in = from.getInputStream();
            OutputStream out = to.getOutputStream();
            byte[] buffer = new byte[64 * 1024];
            int n;
            while ((n = in.read(buffer)) > 0) {
                out.write(buffer, 0, n);
                synchronized (record) {
                    record.write(buffer, 0, n);
                }
            }
            to.shutdownOutput();
        } catch (IOException e) {
            // one side closed: the relay ends
        }
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
