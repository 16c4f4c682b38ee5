package org.moodhaven.pairing.internal;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The pairing server of the device showing the PIN (PROTOCOL.md section 5): its own
 * HTTP listener, on an ephemeral port, open only while pairing, answering the four
 * steps {@code POST /pair/v2/round1|round2|confirm|result} from a {@link PairingHost}.
 * <p>
 * Every request is hostile until proven otherwise: only POST to those paths, bodies
 * over 64 KiB refused with 413 before they are read, a few worker threads, a short
 * queue. {@code result} waits for A's user (up to {@link #resultWait}) and is woken
 * by {@link #decided()}.
 */
final class PairingServer implements AutoCloseable {

    /** What the server reports after each step, for events and for closing itself. */
    interface Steps {
        /**
         * @param step    {@code round1}, {@code round2}, {@code confirm} or {@code result}
         * @param outcome what the host answered
         */
        void answered(String step, PairingOutcome<byte[]> outcome);
    }

    private static final Logger LOG = LoggerFactory.getLogger(PairingServer.class);
    private static final String PREFIX = "/pair/v2/";
    private static final int WORKERS = 4;
    private static final int QUEUE = 16;

    private final HttpServer http;
    private final ExecutorService workers;
    private final PairingHost host;
    private final Steps steps;
    private final Duration resultWait;
    private final Object decision = new Object();
    private volatile boolean closed;

    private PairingServer(HttpServer http, ExecutorService workers, PairingHost host, Steps steps,
            Duration resultWait) {
        this.http = http;
        this.workers = workers;
        this.host = host;
        this.steps = steps;
        this.resultWait = resultWait;
    }

    /**
     * Opens the server on an ephemeral port.
     *
     * @param bind       the address to listen on ({@code 0.0.0.0} for every interface)
     * @param host       the PIN's state machine
     * @param steps      told of every answer
     * @param resultWait how long {@code result} waits for A's user
     * @return the running server
     * @throws IOException if it cannot listen
     */
    static PairingServer open(InetAddress bind, PairingHost host, Steps steps, Duration resultWait)
            throws IOException {
        HttpServer http = HttpServer.create(new InetSocketAddress(bind, 0), 16);
        AtomicInteger threads = new AtomicInteger();
        ThreadPoolExecutor workers = new ThreadPoolExecutor(WORKERS, WORKERS, 30, TimeUnit.SECONDS,
                new ArrayBlockingQueue<>(QUEUE), task -> {
                    Thread thread = new Thread(task, "moodhaven-pairing-" + threads.incrementAndGet());
                    thread.setDaemon(true);
                    return thread;
                });
        workers.allowCoreThreadTimeOut(true);
        PairingServer server = new PairingServer(http, workers, host, steps, resultWait);
        http.createContext("/", server::handle);
        http.setExecutor(workers);
        http.start();
        return server;
    }

    /**
     * @return the port the server listens on
     */
    int port() {
        return http.getAddress().getPort();
    }

    /** Wakes the {@code result} requests waiting for A's user: a decision was made. */
    void decided() {
        synchronized (decision) {
            decision.notifyAll();
        }
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String path = exchange.getRequestURI().getRawPath();
            String step = path.startsWith(PREFIX) ? path.substring(PREFIX.length()) : "";
            if (!step.matches("round1|round2|confirm|result")) {
                answer(exchange, 404, error("not_found"));
                return;
            }
            if (!"POST".equals(exchange.getRequestMethod())) {
                exchange.getResponseHeaders().set("Allow", "POST");
                answer(exchange, 405, error("method_not_allowed"));
                return;
            }
            byte[] body = readBody(exchange);
            if (body == null) {
                answer(exchange, 413, error("too_large"));
                return;
            }
            PairingOutcome<byte[]> outcome = switch (step) {
                case "round1" -> host.round1(body);
                case "round2" -> host.round2(body);
                case "confirm" -> host.confirm(body);
                default -> awaitResult(body);
            };
            steps.answered(step, outcome);
            if (outcome instanceof PairingOutcome.Ok<byte[]> ok) {
                answer(exchange, 200, ok.value());
            } else {
                answer(exchange, outcome.httpStatus(), outcome.errorBody());
            }
        } catch (RuntimeException e) {
            LOG.warn("pairing request failed: {}", e.toString());
        }
    }

    /** {@code result}: asks the host, and while A's user has not decided, waits and asks again. */
    private PairingOutcome<byte[]> awaitResult(byte[] body) {
        long deadline = System.nanoTime() + resultWait.toNanos();
        PairingOutcome<byte[]> outcome = host.result(body);
        synchronized (decision) {
            while (outcome instanceof PairingOutcome.Pending<byte[]> && !closed) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    break;
                }
                try {
                    decision.wait(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
                outcome = host.result(body);
            }
        }
        return outcome;
    }

    /** @return the body, or null if it is larger than {@link PairingJson#MAX_BODY} */
    private static byte[] readBody(HttpExchange exchange) throws IOException {
        String declared = exchange.getRequestHeaders().getFirst("Content-Length");
        if (declared != null) {
            try {
                if (Long.parseLong(declared.strip()) > PairingJson.MAX_BODY) {
                    return null;
                }
            } catch (NumberFormatException e) {
                return new byte[0]; // malformed: the host answers 400
            }
        }
        try (InputStream in = exchange.getRequestBody()) {
            byte[] body = in.readNBytes(PairingJson.MAX_BODY + 1);
            return body.length > PairingJson.MAX_BODY ? null : body;
        }
    }

    private static byte[] error(String code) {
        return new JsonObjectWriter().string("error", code).bytes();
    }

    private static void answer(HttpExchange exchange, int status, byte[] body) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.getResponseHeaders().set("Cache-Control", "no-store");
        exchange.sendResponseHeaders(status, body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }

    /** Stops listening and ends waiting requests; in-flight answers get a second to finish. */
    @Override
    public void close() {
        closed = true;
        decided();
        http.stop(1);
        workers.shutdownNow();
    }
}
