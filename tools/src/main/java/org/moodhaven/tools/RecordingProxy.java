package org.moodhaven.tools;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongConsumer;

/**
 * A TCP proxy between two nodes that records what crosses it, independently of
 * the nodes' own counters: the bytes each way and the size of every frame (it
 * reads the 4-byte length prefixes, PROTOCOL.md 6.1; it cannot read the
 * encrypted bodies). One connection at a time.
 */
public final class RecordingProxy implements AutoCloseable {

    private final ServerSocket server;
    private final int targetPort;
    private final Thread acceptor;
    /** Bytes kept per direction for {@link Direction#captured()}: enough for a handshake or a pairing. */
    public static final int CAPTURE = 1 << 20;

    public final Direction clientToServer = new Direction();
    public final Direction serverToClient = new Direction();
    /** Called with the bytes relayed so far from client to server, after each chunk. */
    public volatile LongConsumer onClientBytes = total -> { };

    /** What crossed in one direction. */
    public static final class Direction {
        public final AtomicLong bytes = new AtomicLong();
        public final List<Integer> frames = new CopyOnWriteArrayList<>();
        /** The first {@link #CAPTURE} bytes relayed, as they were. */
        private final java.io.ByteArrayOutputStream captured = new java.io.ByteArrayOutputStream();

        /** @return the first bytes relayed (at most {@link #CAPTURE}), for a test to look into */
        public synchronized byte[] captured() {
            return captured.toByteArray();
        }

        synchronized void capture(byte[] buffer, int length) {
            int room = CAPTURE - captured.size();
            if (room > 0) {
                captured.write(buffer, 0, Math.min(room, length));
            }
        }

        public synchronized void reset() {
            bytes.set(0);
            frames.clear();
            captured.reset();
        }
    }

    public RecordingProxy(int targetPort) throws IOException {
        this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        this.targetPort = targetPort;
        this.acceptor = new Thread(this::acceptLoop, "recording-proxy");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    public int port() {
        return server.getLocalPort();
    }

    public void reset() {
        clientToServer.reset();
        serverToClient.reset();
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            try {
                Socket client = server.accept();
                Socket target = new Socket(InetAddress.getLoopbackAddress(), targetPort);
                // Like the nodes themselves: without this, Nagle's algorithm and delayed ACKs
                // would add tens of milliseconds to every small frame the proxy relays.
                client.setTcpNoDelay(true);
                target.setTcpNoDelay(true);
                relay(client, target, clientToServer, true);
                relay(target, client, serverToClient, false);
            } catch (IOException e) {
                // closed
            }
        }
    }

    private void relay(Socket from, Socket to, Direction record, boolean fromClient) {
        Thread thread = new Thread(() -> {
            FrameSplitter splitter = new FrameSplitter(record.frames);
            byte[] buffer = new byte[64 * 1024];
            try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
                int n;
                while ((n = in.read(buffer)) > 0) {
                    out.write(buffer, 0, n);
                    out.flush();
                    long total = record.bytes.addAndGet(n);
                    record.capture(buffer, n);
                    splitter.feed(buffer, n);
                    if (fromClient) {
                        onClientBytes.accept(total);
                    }
                }
            } catch (IOException e) {
                // one side closed
            } finally {
                close(from);
                close(to);
            }
        }, "recording-proxy-relay");
        thread.setDaemon(true);
        thread.start();
    }

    private static void close(Socket socket) {
        try {
            socket.close();
        } catch (IOException e) {
            // closing
        }
    }

    /** Follows the length prefixes through the byte stream and records each frame's body length. */
    private static final class FrameSplitter {
        private final List<Integer> frames;
        private final List<Byte> header = new ArrayList<>(4);
        private long remaining;

        FrameSplitter(List<Integer> frames) {
            this.frames = frames;
        }

        void feed(byte[] bytes, int length) {
            int i = 0;
            while (i < length) {
                if (remaining > 0) {
                    long take = Math.min(remaining, length - i);
                    remaining -= take;
                    i += (int) take;
                } else {
                    header.add(bytes[i++]);
                    if (header.size() == 4) {
                        long frame = ((header.get(0) & 0xFFL) << 24) | ((header.get(1) & 0xFFL) << 16)
                                | ((header.get(2) & 0xFFL) << 8) | (header.get(3) & 0xFFL);
                        header.clear();
                        frames.add((int) frame);
                        remaining = frame;
                    }
                }
            }
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
    }
}
