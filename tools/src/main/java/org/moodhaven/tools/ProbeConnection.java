package org.moodhaven.tools;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.HexFormat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * One raw TCP connection to a node's sync port that can send any bytes, framed
 * or not, and tells what the node did next. Written from PROTOCOL.md 6.1 and 6.2
 * alone, sharing no code with the node, so a probe built on it checks the node
 * rather than repeating its reading of the page.
 */
public final class ProbeConnection implements AutoCloseable {

    /** The frame cap until the handshake is complete (PROTOCOL.md 6.1). */
    public static final int HANDSHAKE_CAP = 4096;

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final SecureRandom RANDOM = new SecureRandom();

    /** What the node did after the probe's last bytes. */
    public enum Kind {
        /** It closed the connection without a word (end of stream or reset). */
        CLOSED,
        /** It sent a plaintext REJECT (and is expected to close). */
        REJECT,
        /** It answered with its own HELLO: the handshake goes on. */
        HELLO,
        /** It sent a frame that is none of these. */
        OTHER,
        /** It neither answered nor closed within the probe's patience. */
        TIMEOUT,
        /** The connection could not be made at all. */
        REFUSED
    }

    /**
     * @param kind   what happened
     * @param detail the REJECT reason, the frame's type or the error
     * @param nodeId the deviceId the node gave in its REJECT or HELLO, or ""
     * @param millis how long after the probe's last bytes
     */
    public record Answer(Kind kind, String detail, String nodeId, long millis) {

        @Override
        public String toString() {
            String what = switch (kind) {
                case CLOSED -> "closed without a word" + (detail.isEmpty() ? "" : " (" + detail + ")");
                case REJECT -> "REJECT " + detail;
                case HELLO -> "answered HELLO";
                case OTHER -> "answered " + detail;
                case TIMEOUT -> "neither answered nor closed";
                case REFUSED -> "connection refused (" + detail + ")";
            };
            return what + " after " + millis + " ms";
        }
    }

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;
    private long lastSent = System.nanoTime();

    private ProbeConnection(Socket socket) throws IOException {
        this.socket = socket;
        this.in = socket.getInputStream();
        this.out = socket.getOutputStream();
    }

    /**
     * @param host    the node's address
     * @param port    its sync port
     * @param timeout how long the connect may take
     * @return the open connection
     * @throws IOException if it cannot be made
     */
    public static ProbeConnection open(String host, int port, Duration timeout) throws IOException {
        return open(null, host, port, timeout);
    }

    /**
     * @param localAddress the local address to connect from, or null for the system's choice
     * @param host         the node's address
     * @param port         its sync port
     * @param timeout      how long the connect may take
     * @return the open connection
     * @throws IOException if it cannot be made
     */
    public static ProbeConnection open(String localAddress, String host, int port, Duration timeout)
            throws IOException {
        Socket socket = new Socket();
        try {
            socket.setTcpNoDelay(true);
            if (localAddress != null) {
                socket.bind(new InetSocketAddress(localAddress, 0));
            }
            socket.connect(new InetSocketAddress(host, port), (int) timeout.toMillis());
            return new ProbeConnection(socket);
        } catch (IOException e) {
            socket.close();
            throw e;
        }
    }

    /** Sends bytes exactly as given: a length prefix is the caller's business. */
    public void sendRaw(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
        lastSent = System.nanoTime();
    }

    /** Sends one frame: the 4-byte big-endian length, then the body. */
    public void sendFrame(byte[] body) throws IOException {
        sendRaw(frame(body));
    }

    /** Says "no more bytes from me" while still listening (TCP half-close). */
    public void endOutput() throws IOException {
        socket.shutdownOutput();
        lastSent = System.nanoTime();
    }

    /**
     * Waits for the node's next move: a frame it sends, or the end of the connection.
     *
     * @param patience how long to wait before calling it a timeout
     * @return what the node did
     */
    public Answer await(Duration patience) {
        long deadline = System.nanoTime() + patience.toNanos();
        try {
            byte[] header = readFully(4, deadline);
            if (header == null) {
                return answer(Kind.CLOSED, "");
            }
            long length = ByteBuffer.wrap(header).getInt() & 0xFFFFFFFFL;
            if (length == 0 || length > HANDSHAKE_CAP) {
                return answer(Kind.OTHER, "a frame of " + length + " bytes before any handshake");
            }
            byte[] body = readFully((int) length, deadline);
            if (body == null) {
                return answer(Kind.CLOSED, "in the middle of a frame");
            }
            JsonNode message;
            try {
                message = JSON.readTree(body);
            } catch (IOException notJson) {
                return answer(Kind.OTHER, "a frame that is not JSON");
            }
            String type = message.path("type").asText("");
            String nodeId = message.path("deviceId").asText("");
            return switch (type) {
                case "REJECT" -> new Answer(Kind.REJECT, message.path("reason").asText("")
                        + (message.has("supported") ? " supported " + message.get("supported") : ""), nodeId,
                        sinceLastSent());
                case "HELLO" -> new Answer(Kind.HELLO, "", nodeId, sinceLastSent());
                default -> answer(Kind.OTHER, "a " + (type.isEmpty() ? "frame without a type" : type));
            };
        } catch (SocketTimeoutException timeout) {
            return answer(Kind.TIMEOUT, "");
        } catch (IOException reset) {
            return answer(Kind.CLOSED, reset.getMessage() == null ? "" : reset.getMessage());
        }
    }

    /** Waits for the node to close the connection, ignoring what it sends meanwhile. */
    public Answer awaitClose(Duration patience) {
        long deadline = System.nanoTime() + patience.toNanos();
        byte[] buffer = new byte[4096];
        try {
            while (true) {
                int left = (int) Math.max(1, (deadline - System.nanoTime()) / 1_000_000);
                socket.setSoTimeout(left);
                if (in.read(buffer) < 0) {
                    return answer(Kind.CLOSED, "");
                }
                if (System.nanoTime() > deadline) {
                    return answer(Kind.TIMEOUT, "");
                }
            }
        } catch (SocketTimeoutException timeout) {
            return answer(Kind.TIMEOUT, "");
        } catch (IOException reset) {
            return answer(Kind.CLOSED, reset.getMessage() == null ? "" : reset.getMessage());
        }
    }

    private Answer answer(Kind kind, String detail) {
        return new Answer(kind, detail, "", sinceLastSent());
    }

    private long sinceLastSent() {
        return (System.nanoTime() - lastSent) / 1_000_000;
    }

    /** Reads exactly n bytes before the deadline; null if the stream ended first. */
    private byte[] readFully(int n, long deadline) throws IOException {
        byte[] bytes = new byte[n];
        int read = 0;
        while (read < n) {
            long left = (deadline - System.nanoTime()) / 1_000_000;
            if (left <= 0) {
                throw new SocketTimeoutException("the probe's patience ran out");
            }
            socket.setSoTimeout((int) left);
            int got = in.read(bytes, read, n - read);
            if (got < 0) {
                return null;
            }
            read += got;
        }
        return bytes;
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException e) {
            // closing anyway
        }
    }

    // ------------------------------------------------------------------ what a probe sends

    /** @return the 4-byte big-endian length followed by the body */
    public static byte[] frame(byte[] body) {
        return ByteBuffer.allocate(4 + body.length).putInt(body.length).put(body).array();
    }

    /** @return a deviceId no node trusts: 16 random lowercase hex characters */
    public static String strangerId() {
        return HexFormat.of().formatHex(randomBytes(8));
    }

    /** @return a fresh 32-byte ephemeral key as b64url (any 32 bytes are an X25519 public key) */
    public static String ephemeralKey() {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(randomBytes(32));
    }

    /**
     * A HELLO body with the fields in the page's order, and the version written as given,
     * so a probe can send {@code 2}, {@code 2.0} or {@code "2"}.
     *
     * @param deviceId        the claimed deviceId
     * @param protocolVersion the JSON text of the version
     * @return the UTF-8 body
     */
    public static byte[] hello(String deviceId, String protocolVersion) {
        return ("{\"type\":\"HELLO\",\"deviceId\":\"" + deviceId + "\",\"protocolVersion\":" + protocolVersion
                + ",\"ephemeralKey\":\"" + ephemeralKey() + "\"}").getBytes(StandardCharsets.UTF_8);
    }

    /**
     * A valid version-2 HELLO padded with an unknown field (which readers ignore) to
     * exactly the given size, e.g. the 4,096-byte cap.
     *
     * @param deviceId the claimed deviceId
     * @param size     the body's length in bytes
     * @return the UTF-8 body
     */
    public static byte[] paddedHello(String deviceId, int size) {
        String start = "{\"type\":\"HELLO\",\"deviceId\":\"" + deviceId + "\",\"protocolVersion\":2,\"ephemeralKey\":\""
                + ephemeralKey() + "\",\"padding\":\"";
        int fill = size - start.length() - 2;
        if (fill < 0) {
            throw new IllegalArgumentException("a HELLO needs more than " + size + " bytes");
        }
        return (start + "x".repeat(fill) + "\"}").getBytes(StandardCharsets.UTF_8);
    }

    /** @return n random bytes */
    public static byte[] randomBytes(int n) {
        byte[] bytes = new byte[n];
        RANDOM.nextBytes(bytes);
        return bytes;
    }
}
