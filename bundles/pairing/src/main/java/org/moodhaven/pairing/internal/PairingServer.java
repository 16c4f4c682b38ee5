package org.moodhaven.pairing.internal;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The pairing server of the device showing the PIN (PROTOCOL.md section 5): its own
 * HTTP listener, on an ephemeral port, open only while pairing, answering the four
 * steps {@code POST /pair/v2/round1|round2|confirm|result} from a {@link PairingHost}.
 * <p>
 * Every request is hostile until proven otherwise: only POST to those paths, bodies
 * over 64 KiB refused with 413 before they are read, one request per connection. Each
 * connection must deliver its whole request within the read limit or is closed
 * unanswered ({@link RequestReader}), and {@link ConnectionSlots} caps the connections
 * open at once, in all and from one address, each with its own thread: a stranger
 * holding slow or silent connections open neither stalls the server nor keeps the
 * person's device out. {@code result} waits for A's user (up to {@link #resultWait})
 * and is woken by {@link #decided()}.
 */
final class PairingServer implements AutoCloseable {

    /** What the server reports after each step, for events and for closing itself. */
    interface Steps {
        /**
         * Called once the answer is sent (so a listener that closes this server from its
         * own lock never holds up an answer).
         *
         * @param step    {@code round1}, {@code round2}, {@code confirm} or {@code result}
         * @param outcome what the host answered
         */
        void answered(String step, PairingOutcome<byte[]> outcome);
    }

    /** Connections open at once. */
    static final int MAX_CONNECTIONS = 32;
    /** Connections open at once from one address; B itself needs one. */
    static final int MAX_CONNECTIONS_PER_ADDRESS = 8;

    private static final Logger LOG = LoggerFactory.getLogger(PairingServer.class);
    private static final String PREFIX = "/pair/v2/";
    /** How long in-flight answers get when the server closes. */
    private static final Duration CLOSE_GRACE = Duration.ofSeconds(1);

    private final ServerSocket listener;
    private final ThreadPoolExecutor workers;
    private final ConnectionSlots slots = new ConnectionSlots(MAX_CONNECTIONS, MAX_CONNECTIONS_PER_ADDRESS);
    private final PairingHost host;
    private final Steps steps;
    private final Duration resultWait;
    private final Duration readLimit;
    private final Object decision = new Object();
    private volatile boolean closed;

    private PairingServer(ServerSocket listener, ThreadPoolExecutor workers, PairingHost host, Steps steps,
            Duration resultWait, Duration readLimit) {
        this.listener = listener;
        this.workers = workers;
        this.host = host;
        this.steps = steps;
        this.resultWait = resultWait;
        this.readLimit = readLimit;
    }

    /**
     * Opens the server on an ephemeral port.
     *
     * @param bind       the address to listen on ({@code 0.0.0.0} for every interface)
     * @param host       the PIN's state machine
     * @param steps      told of every answer
     * @param resultWait how long {@code result} waits for A's user
     * @param readLimit  how long a connection may take to deliver its whole request
     * @return the running server
     * @throws IOException if it cannot listen
     */
    static PairingServer open(InetAddress bind, PairingHost host, Steps steps, Duration resultWait,
            Duration readLimit) throws IOException {
        ServerSocket listener = new ServerSocket();
        try {
            listener.bind(new InetSocketAddress(bind, 0), 50);
        } catch (IOException e) {
            listener.close();
            throw e;
        }
        AtomicInteger threads = new AtomicInteger();
        // Slots bound the connections; the pool may briefly hold a few more threads that
        // finished their answer and are reporting it.
        ThreadPoolExecutor workers = new ThreadPoolExecutor(0, 2 * MAX_CONNECTIONS, 30, TimeUnit.SECONDS,
                new SynchronousQueue<>(), task -> {
                    Thread thread = new Thread(task, "moodhaven-pairing-" + threads.incrementAndGet());
                    thread.setDaemon(true);
                    return thread;
                });
        PairingServer server = new PairingServer(listener, workers, host, steps, resultWait, readLimit);
        Thread acceptor = new Thread(server::acceptLoop, "moodhaven-pairing-accept");
        acceptor.setDaemon(true);
        acceptor.start();
        return server;
    }

    /**
     * @return the port the server listens on
     */
    int port() {
        return listener.getLocalPort();
    }

    /** Wakes the {@code result} requests waiting for A's user: a decision was made. */
    void decided() {
        synchronized (decision) {
            decision.notifyAll();
        }
    }

    private void acceptLoop() {
        while (!closed) {
            Socket socket;
            try {
                socket = listener.accept();
            } catch (IOException e) {
                if (!closed) {
                    LOG.warn("The pairing server cannot accept connections: {}", e.toString());
                    pause();
                }
                continue;
            }
            String from = socket.getInetAddress().getHostAddress();
            if (!slots.admit(socket, from)) {
                LOG.debug("Pairing connection from {} refused: too many open", from);
                closeQuietly(socket);
                continue;
            }
            try {
                workers.execute(() -> serve(socket, from));
            } catch (RejectedExecutionException e) {
                slots.release(socket, from);
                closeQuietly(socket);
            }
        }
    }

    /** After a failed accept (no file descriptors left, say): a back-off, not a busy loop. */
    private static void pause() {
        try {
            Thread.sleep(100);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** One connection: its request within the read limit, one answer, closed; then the step is reported. */
    private void serve(Socket socket, String from) {
        String step = null;
        PairingOutcome<byte[]> outcome = null;
        try (socket) {
            RequestReader reader = new RequestReader(socket, readLimit);
            RequestReader.Head head;
            try {
                head = reader.head();
            } catch (RequestReader.Malformed e) {
                answerEarly(socket, reader, 400, error("malformed"), null);
                return;
            }
            String path = head.path();
            String asked = path.startsWith(PREFIX) ? path.substring(PREFIX.length()) : "";
            if (!asked.matches("round1|round2|confirm|result")) {
                answerEarly(socket, reader, 404, error("not_found"), null);
                return;
            }
            if (!"POST".equals(head.method())) {
                answerEarly(socket, reader, 405, error("method_not_allowed"), "Allow: POST\r\n");
                return;
            }
            if (head.contentLength() > PairingJson.MAX_BODY) {
                answerEarly(socket, reader, 413, error("too_large"), null);
                return;
            }
            byte[] body = reader.body(head.contentLength());
            slots.answering(socket);
            PairingOutcome<byte[]> answer = switch (asked) {
                case "round1" -> host.round1(body, from);
                case "round2" -> host.round2(body);
                case "confirm" -> host.confirm(body, Optional.of(from));
                default -> awaitResult(body);
            };
            step = asked;
            outcome = answer;
            if (answer instanceof PairingOutcome.Ok<byte[]> ok) {
                answer(socket, 200, ok.value(), null);
            } else {
                answer(socket, answer.httpStatus(), answer.errorBody(), null);
            }
        } catch (SocketTimeoutException e) {
            LOG.debug("Pairing connection from {} dropped: no whole request within {}", from, readLimit);
        } catch (IOException e) {
            LOG.debug("Pairing connection from {} failed: {}", from, e.toString());
        } catch (RuntimeException e) {
            LOG.warn("pairing request failed: {}", e.toString());
        } finally {
            slots.release(socket, from);
            if (outcome != null) {
                steps.answered(step, outcome);
            }
        }
    }

    /** {@code result}: asks the host, and while A's user has not decided, waits and asks again. */
    private PairingOutcome<byte[]> awaitResult(byte[] body) {
        long deadline = System.nanoTime() + resultWait.toNanos();
        synchronized (decision) {
            // Asked under the monitor decided() takes, so a decision between asking and waiting is not missed.
            PairingOutcome<byte[]> outcome = host.result(body);
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
            return outcome;
        }
    }

    private static byte[] error(String code) {
        return new JsonObjectWriter().string("error", code).bytes();
    }

    /**
     * An answer before the body was read: what the client still sends is read and dropped,
     * so that closing does not reset the connection before the client read the answer.
     */
    private static void answerEarly(Socket socket, RequestReader reader, int status, byte[] body, String header)
            throws IOException {
        answer(socket, status, body, header);
        socket.shutdownOutput();
        reader.discardRest(2L * PairingJson.MAX_BODY);
    }

    private static void answer(Socket socket, int status, byte[] body, String header) throws IOException {
        String head = "HTTP/1.1 " + status + " " + reason(status) + "\r\n"
                + "Content-Type: application/json\r\n"
                + "Cache-Control: no-store\r\n"
                + "Content-Length: " + body.length + "\r\n"
                + "Connection: close\r\n"
                + (header == null ? "" : header)
                + "\r\n";
        OutputStream out = socket.getOutputStream();
        out.write(head.getBytes(StandardCharsets.US_ASCII));
        out.write(body);
        out.flush();
    }

    private static String reason(int status) {
        return switch (status) {
            case 200 -> "OK";
            case 202 -> "Accepted";
            case 400 -> "Bad Request";
            case 403 -> "Forbidden";
            case 404 -> "Not Found";
            case 405 -> "Method Not Allowed";
            case 409 -> "Conflict";
            case 410 -> "Gone";
            case 413 -> "Content Too Large";
            default -> "Error";
        };
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException e) {
            // nothing more to do with it
        }
    }

    /** Stops listening, drops requests still arriving, ends waiting ones; answers in flight get a second to finish. */
    @Override
    public void close() {
        closed = true;
        decided();
        try {
            listener.close();
        } catch (IOException e) {
            LOG.debug("closing the pairing listener: {}", e.toString());
        }
        slots.closeAll(CLOSE_GRACE);
        workers.shutdownNow();
    }
}
