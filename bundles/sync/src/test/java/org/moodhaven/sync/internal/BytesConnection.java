package org.moodhaven.sync.internal;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * A {@link FramedConnection} whose peer is a fixed byte string: what the peer "sent"
 * is read from it, then the connection ends (EOF), and what this side writes is
 * kept. The fuzz tests drive the real reader, handshake and session through it
 * without a network, thousands of times a second.
 */
final class BytesConnection {

    private final ByteArrayOutputStream written = new ByteArrayOutputStream();
    final FramedConnection connection;

    BytesConnection(byte[] fromPeer) throws IOException {
        this.connection = new FramedConnection(new BytesSocket(new ByteArrayInputStream(fromPeer), written));
    }

    /** @return the frame bodies this side wrote, in order */
    List<byte[]> writtenFrames() throws IOException {
        connection.flush();
        return frames(written.toByteArray());
    }

    /** Splits a byte stream of whole frames {@code [uint32be L][L bytes]} into the bodies. */
    static List<byte[]> frames(byte[] stream) {
        List<byte[]> bodies = new ArrayList<>();
        ByteBuffer in = ByteBuffer.wrap(stream);
        while (in.remaining() >= 4) {
            byte[] body = new byte[in.getInt()];
            in.get(body);
            bodies.add(body);
        }
        return bodies;
    }

    /** Frames a list of bodies as a peer would write them. */
    static byte[] stream(List<byte[]> bodies) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] body : bodies) {
            out.writeBytes(ByteBuffer.allocate(4).putInt(body.length).array());
            out.writeBytes(body);
        }
        return out.toByteArray();
    }

    /** A socket that is only a pair of streams: nothing is connected, nothing listens. */
    private static final class BytesSocket extends Socket {
        private final InputStream in;
        private final OutputStream out;
        private boolean closed;

        BytesSocket(InputStream in, OutputStream out) {
            this.in = in;
            this.out = out;
        }

        @Override
        public InputStream getInputStream() {
            return in;
        }

        @Override
        public OutputStream getOutputStream() {
            return out;
        }

        @Override
        public InetAddress getInetAddress() {
            return InetAddress.getLoopbackAddress();
        }

        @Override
        public int getPort() {
            return 0;
        }

        @Override
        public synchronized void close() {
            closed = true;
        }

        @Override
        public boolean isClosed() {
            return closed;
        }
    }
}
