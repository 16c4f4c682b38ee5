package org.moodhaven.pairing.internal;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;

/**
 * Reads the one HTTP/1.1 request of a pairing connection (PROTOCOL.md section 5), all of
 * it, request line, headers and body, within one time limit counted from the start: a
 * client that sends nothing, or a byte now and then, is dropped when the limit passes,
 * however busy it keeps the socket. Only what the four pairing steps need is read: a
 * request line, headers up to {@link #MAX_HEAD} bytes with {@code Content-Length}, and a
 * body of that length; everything else about the request is refused as malformed.
 */
final class RequestReader {

    /** The request line and headers together; B's are a few hundred bytes. */
    static final int MAX_HEAD = 8 * 1024;
    private static final int MAX_HEADERS = 64;

    /** The request line and the one header that matters. */
    record Head(String method, String path, long contentLength) {
    }

    /** The request breaks HTTP/1.1 as the pairing server reads it: answered 400 and closed. */
    static final class Malformed extends Exception {
        private static final long serialVersionUID = 1L;

        Malformed(String message) {
            super(message);
        }
    }

    /** Bounds the next read of the connection ({@link Socket#setSoTimeout}). */
    @FunctionalInterface
    interface ReadTimeout {
        /**
         * @param millis at least 1
         * @throws IOException if the connection is closed
         */
        void set(int millis) throws IOException;
    }

    private final ReadTimeout readTimeout;
    private final long deadline;
    private final InputStream in;
    private int headBytes;

    /**
     * @param socket the accepted connection
     * @param limit  how long the whole request may take to arrive, from now
     * @throws IOException if the socket is closed
     */
    RequestReader(Socket socket, Duration limit) throws IOException {
        this(socket.getInputStream(), socket::setSoTimeout, limit);
    }

    /**
     * @param raw         the connection's input
     * @param readTimeout bounds each read of {@code raw}
     * @param limit       how long the whole request may take to arrive, from now
     */
    RequestReader(InputStream raw, ReadTimeout readTimeout, Duration limit) {
        this.readTimeout = readTimeout;
        this.deadline = System.nanoTime() + limit.toNanos();
        this.in = new BufferedInputStream(new TimedInput(raw), 2048);
    }

    /**
     * @return the request line and {@code Content-Length} (0 when absent)
     * @throws Malformed             if they break HTTP/1.1 or the limits
     * @throws SocketTimeoutException if they did not arrive within the time limit
     * @throws IOException           if the connection failed or closed first
     */
    Head head() throws Malformed, IOException {
        String[] requestLine = line().split(" ", -1);
        if (requestLine.length != 3 || !requestLine[0].matches("[A-Z]{1,16}") || !requestLine[1].startsWith("/")
                || !requestLine[2].matches("HTTP/1\\.[01]")) {
            throw new Malformed("not an HTTP/1.1 request line");
        }
        long contentLength = -1;
        for (int headers = 0;; headers++) {
            String header = line();
            if (header.isEmpty()) {
                break;
            }
            int colon = header.indexOf(':');
            if (headers == MAX_HEADERS || colon < 1 || header.charAt(0) == ' ' || header.charAt(0) == '\t') {
                throw new Malformed("malformed or too many headers");
            }
            String name = header.substring(0, colon).strip().toLowerCase(Locale.ROOT);
            String value = header.substring(colon + 1).strip();
            if (name.equals("transfer-encoding")) {
                throw new Malformed("only a body with Content-Length is read");
            }
            if (name.equals("content-length")) {
                if (!value.matches("[0-9]{1,12}") || contentLength >= 0 && contentLength != Long.parseLong(value)) {
                    throw new Malformed("bad Content-Length");
                }
                contentLength = Long.parseLong(value);
            }
        }
        String target = requestLine[1];
        int query = target.indexOf('?');
        return new Head(requestLine[0], query < 0 ? target : target.substring(0, query), Math.max(0, contentLength));
    }

    /**
     * @param length the body's {@code Content-Length}, at most {@link PairingJson#MAX_BODY}
     * @return the body
     * @throws SocketTimeoutException if it did not arrive within what is left of the time limit
     * @throws IOException           if the connection failed or closed first
     */
    byte[] body(long length) throws IOException {
        if (length > PairingJson.MAX_BODY) {
            throw new IllegalArgumentException("body longer than the pairing limit");
        }
        byte[] body = in.readNBytes((int) length);
        if (body.length < length) {
            throw new IOException("the connection closed in the middle of the body");
        }
        return body;
    }

    /**
     * Reads and drops what the client still sends, up to {@code max} bytes and within what
     * is left of the time limit, so that closing after an early answer (413) does not reset
     * the connection before the client read the answer.
     *
     * @param max the most bytes to drop
     */
    void discardRest(long max) {
        try {
            long left = max;
            byte[] sink = new byte[4096];
            int read;
            while (left > 0 && (read = in.read(sink, 0, (int) Math.min(sink.length, left))) >= 0) {
                left -= read;
            }
        } catch (IOException e) {
            // the client stopped or the limit passed: closing is all that is left
        }
    }

    /** One line of the head, without its CRLF (a bare LF is taken too). */
    private String line() throws Malformed, IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream(128);
        while (true) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("the connection closed in the middle of the request");
            }
            if (++headBytes > MAX_HEAD) {
                throw new Malformed("request line and headers longer than " + MAX_HEAD + " bytes");
            }
            if (b == '\n') {
                byte[] bytes = line.toByteArray();
                int end = bytes.length > 0 && bytes[bytes.length - 1] == '\r' ? bytes.length - 1 : bytes.length;
                return new String(bytes, 0, end, StandardCharsets.ISO_8859_1);
            }
            line.write(b);
        }
    }

    /** The socket's input, each read bounded by what is left of the request's time limit. */
    private final class TimedInput extends InputStream {
        private final InputStream raw;

        TimedInput(InputStream raw) {
            this.raw = raw;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xFF;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new SocketTimeoutException("the request did not arrive within the time limit");
            }
            readTimeout.set((int) Math.max(1, Math.min(Integer.MAX_VALUE, (left + 999_999) / 1_000_000)));
            return raw.read(b, off, len);
        }

        @Override
        public int available() throws IOException {
            return raw.available();
        }
    }
}
