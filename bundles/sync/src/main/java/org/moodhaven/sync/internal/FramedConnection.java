package org.moodhaven.sync.internal;

import java.io.BufferedOutputStream;
import java.io.Closeable;
import java.io.EOFException;
import java.io.FilterInputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One TCP connection carrying frames (PROTOCOL.md 6.1): {@code [uint32be L][L bytes]}.
 * The length is checked against the current cap before anything of that size is
 * allocated: 4,096 bytes until the handshake completes, then 16 MiB. It counts the
 * bytes each way and when they last moved, for the watchdog and the history.
 */
final class FramedConnection implements Closeable {

    /** Cap until the handshake completes. */
    static final int HANDSHAKE_CAP = 4096;

    /** Cap after it. */
    static final int SESSION_CAP = 16 * 1024 * 1024;

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;
    private final AtomicLong bytesIn = new AtomicLong();
    private final AtomicLong bytesOut = new AtomicLong();
    private final long openedNanos = System.nanoTime();
    private volatile long lastActivityNanos = openedNanos;
    private volatile boolean handshakeComplete;
    private volatile String closedBecause;
    private int cap = HANDSHAKE_CAP;
    private FrameCipher sending;
    private FrameCipher receiving;

    FramedConnection(Socket socket) throws IOException {
        this.socket = socket;
        this.in = new Counting(new java.io.BufferedInputStream(socket.getInputStream(), 64 * 1024));
        this.out = new BufferedOutputStream(new CountingOut(socket.getOutputStream()), 64 * 1024);
    }

    /** Encrypted frames from now on, with the handshake cap still in force (before the peer's AUTH verified). */
    void encrypt(FrameCipher send, FrameCipher receive) {
        this.sending = send;
        this.receiving = receive;
    }

    /** Lifts the cap once the handshake is complete. */
    void liftCap() {
        this.cap = SESSION_CAP;
        this.handshakeComplete = true;
    }

    /** Reserves the memory a frame will take before its body is allocated. */
    @FunctionalInterface
    interface FrameMemory {
        /**
         * @param length the frame's length, within the caps
         * @throws SyncFailure if the memory cannot be had
         */
        void reserve(int length) throws SyncFailure;
    }

    byte[] readFrame() throws IOException, FrameRejected {
        return readBody(readLength());
    }

    private int readLength() throws IOException, FrameRejected {
        int b0 = in.read();
        if (b0 < 0) {
            throw new EOFException("the peer closed the connection");
        }
        int b1 = in.read();
        int b2 = in.read();
        int b3 = in.read();
        if ((b1 | b2 | b3) < 0) {
            throw new EOFException("the peer closed the connection within a frame header");
        }
        long length = ((long) b0 << 24) | ((long) b1 << 16) | ((long) b2 << 8) | b3;
        if (length == 0 || length > cap) {
            throw new FrameRejected("a frame of " + length + " bytes (the cap is " + cap + ")");
        }
        return (int) length;
    }

    private byte[] readBody(int length) throws IOException {
        byte[] body = new byte[length];
        int read = 0;
        while (read < body.length) {
            int n = in.read(body, read, body.length - read);
            if (n < 0) {
                throw new EOFException("the peer closed the connection within a frame");
            }
            read += n;
        }
        return body;
    }

    /** Reads an encrypted frame and opens it. */
    byte[] readSealed() throws IOException, FrameRejected {
        return receiving.open(readFrame());
    }

    /**
     * Reads an encrypted frame whose plaintext may be at most {@code maxPlaintext} bytes,
     * refusing a longer one from its length alone, before anything of that size is
     * allocated, and reserving the frame's memory before its body is read.
     *
     * @param expected     the message expected, for the refusal
     * @param maxPlaintext the most plaintext this message may have
     * @param memory       reserves the memory of a frame of the announced length
     * @return the plaintext
     * @throws ProtocolViolation if the frame is longer than its message may be
     * @throws SyncFailure       if the frame is rejected or its memory cannot be had
     * @throws IOException       if the connection breaks
     */
    byte[] readSealed(String expected, int maxPlaintext, FrameMemory memory) throws IOException, SyncFailure {
        int length = readLength();
        if (length - FrameCipher.MIN_BODY > maxPlaintext) {
            throw new ProtocolViolation("a " + expected + " frame of " + length + " bytes: its plaintext may be at "
                    + "most " + maxPlaintext + " bytes");
        }
        memory.reserve(length);
        return receiving.open(readBody(length));
    }

    void writeFrame(byte[] body) throws IOException {
        int length = body.length;
        out.write(new byte[] {(byte) (length >>> 24), (byte) (length >>> 16), (byte) (length >>> 8), (byte) length});
        out.write(body);
    }

    /** Seals a plaintext and writes it as one frame (not yet flushed). */
    void writeSealed(byte[] plaintext) throws IOException {
        writeFrame(sending.seal(plaintext));
    }

    void flush() throws IOException {
        out.flush();
    }

    long bytesIn() {
        return bytesIn.get();
    }

    long bytesOut() {
        return bytesOut.get();
    }

    long openedNanos() {
        return openedNanos;
    }

    long lastActivityNanos() {
        return lastActivityNanos;
    }

    boolean handshakeComplete() {
        return handshakeComplete;
    }

    String remoteAddress() {
        return socket.getInetAddress().getHostAddress() + ":" + socket.getPort();
    }

    /** @return the peer's address, without the port */
    String remoteHost() {
        return socket.getInetAddress().getHostAddress();
    }

    java.net.InetAddress remoteInetAddress() {
        return socket.getInetAddress();
    }

    /**
     * Closes from another thread (the watchdog, a revocation) and remembers why, so
     * the session thread, whose blocked read or write now fails, can report it.
     */
    void abort(String reason) {
        if (closedBecause == null) {
            closedBecause = reason;
        }
        closeQuietly();
    }

    /** @return why {@link #abort} closed the connection, or {@code null} */
    String abortReason() {
        return closedBecause;
    }

    boolean isClosed() {
        return socket.isClosed();
    }

    @Override
    public void close() {
        closeQuietly();
    }

    private void closeQuietly() {
        try {
            socket.close();
        } catch (IOException e) {
            // closing anyway
        }
    }

    private final class Counting extends FilterInputStream {
        Counting(InputStream in) {
            super(in);
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0) {
                bytesIn.incrementAndGet();
                lastActivityNanos = System.nanoTime();
            }
            return b;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            int n = super.read(buffer, offset, length);
            if (n > 0) {
                bytesIn.addAndGet(n);
                lastActivityNanos = System.nanoTime();
            }
            return n;
        }
    }

    private final class CountingOut extends FilterOutputStream {
        CountingOut(OutputStream out) {
            super(out);
        }

        @Override
        public void write(int b) throws IOException {
            out.write(b);
            bytesOut.incrementAndGet();
            lastActivityNanos = System.nanoTime();
        }

        @Override
        public void write(byte[] buffer, int offset, int length) throws IOException {
            // Large writes go out in slices so the watchdog sees progress on a slow but moving link.
            int done = 0;
            while (done < length) {
                int slice = Math.min(64 * 1024, length - done);
                out.write(buffer, offset + done, slice);
                done += slice;
                bytesOut.addAndGet(slice);
                lastActivityNanos = System.nanoTime();
            }
        }
    }
}
