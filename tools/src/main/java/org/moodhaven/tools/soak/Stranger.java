package org.moodhaven.tools.soak;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.moodhaven.tools.ProbeConnection;
import org.moodhaven.tools.SyncPortLoad;

/**
 * A stranger on the LAN, from loopback addresses other than the trusted nodes' 127.0.0.1:
 * in rounds, against every node's sync port at once, connections held silent, clients
 * trickling a HELLO a byte at a time, junk (random bytes, random frames, absurd length
 * prefixes), floods of connects, and floods of HELLOs of unknown devices at the 4 KiB cap;
 * and, while a node has a pairing offer open, junk, half requests and slow connections to
 * its pairing port. Bounded: one round at a time, each a fixed number of connections, so the
 * harness does not take the CPU the nodes need.
 */
final class Stranger implements AutoCloseable {

    /** The addresses the stranger sends from (Linux routes all of 127.0.0.0/8 to the loopback interface). */
    static final List<String> ADDRESSES = List.of("127.0.0.2", "127.0.0.3", "127.0.0.4");
    /** Per node and round. */
    static final int HELD = 6;
    static final int SLOW = 4;
    static final int HELLOS = 300;
    static final int CONNECTS = 100;
    static final int JUNK = 20;
    /** A round starts at most this often; it lasts about the node's 10 s handshake limit. */
    static final Duration ROUND = Duration.ofSeconds(20);

    private final List<SoakNode> nodes;
    private final SplittableRandom random = new SplittableRandom(20261207);
    private final Map<String, Integer> outcomes = new TreeMap<>();
    private final AtomicInteger rounds = new AtomicInteger();
    private final AtomicInteger connections = new AtomicInteger();
    private final CountDownLatch stop = new CountDownLatch(1);
    private final Thread thread;
    private volatile int pairingPort;
    private final AtomicInteger pairingConnections = new AtomicInteger();

    Stranger(List<SoakNode> nodes) {
        this.nodes = List.copyOf(nodes);
        this.thread = new Thread(this::run, "soak-stranger");
        thread.setDaemon(true);
    }

    void start() {
        thread.start();
    }

    /** While a node shows a pairing offer: its pairing port, which the stranger then hits too; 0 for none. */
    void pairingPortOpen(int port) {
        pairingPort = port;
    }

    private void run() {
        while (stop.getCount() > 0) {
            long started = System.nanoTime();
            int round = rounds.getAndIncrement();
            String held = ADDRESSES.get(round % ADDRESSES.size());
            String flood = ADDRESSES.get((round + 1) % ADDRESSES.size());
            List<SyncPortLoad> loads = new ArrayList<>();
            List<Thread> junk = new ArrayList<>();
            for (SoakNode node : nodes) {
                SyncPortLoad.Route route = SyncPortLoad.Route.to("127.0.0.1", node.syncPort);
                loads.add(SyncPortLoad.heldConnections(route.from(held), HELD));
                loads.add(SyncPortLoad.slowClients(route.from(held), SLOW, Duration.ofMillis(500)));
                loads.add(SyncPortLoad.capHellos(route.from(flood), HELLOS, 2));
                loads.add(SyncPortLoad.connectFlood(route.from(flood), CONNECTS, 1));
                junk.add(daemon("soak-junk-" + node.name, () -> junk(flood, node.syncPort)));
            }
            int pairing = pairingPort;
            if (pairing > 0) {
                junk.add(daemon("soak-pairing-junk", () -> pairingJunk(held, pairing)));
            }
            try {
                for (Thread thread : junk) {
                    thread.join(TimeUnit.SECONDS.toMillis(40));
                }
                for (SyncPortLoad load : loads) {
                    load.awaitEnd(Duration.ofSeconds(40));
                }
            } catch (InterruptedException e) {
                // closing: the loads are closed below
            }
            for (SyncPortLoad load : loads) {
                load.close();
                SyncPortLoad.Report report = load.report();
                connections.addAndGet(report.connections());
                synchronized (outcomes) {
                    report.outcomes().forEach((outcome, count) -> outcomes.merge(outcome, count, Integer::sum));
                }
            }
            try {
                // One round every ROUND at most: the nodes get quiet spells, and the harness leaves them the CPU.
                stop.await(ROUND.toNanos() - (System.nanoTime() - started), TimeUnit.NANOSECONDS);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private static Thread daemon(String name, Runnable work) {
        Thread thread = new Thread(work, name);
        thread.setDaemon(true);
        thread.start();
        return thread;
    }

    /** Junk on fresh connections: what PROTOCOL.md 6.1 and 6.2 say closes a connection at once. */
    private void junk(String from, int port) {
        for (int i = 0; i < JUNK && stop.getCount() > 0; i++) {
            byte[] bytes = switch (i % 5) {
                case 0 -> ProbeConnection.randomBytes(64 * 1024);
                case 1 -> ProbeConnection.frame(ProbeConnection.randomBytes(200));
                case 2 -> new byte[] {-1, -1, -1, -1};
                case 3 -> ByteBuffer.allocate(4).putInt(ProbeConnection.HANDSHAKE_CAP + 1).array();
                default -> ProbeConnection.frame(("{\"type\":\"SYNC_STATE\",\"storeId\":\"junk\",\"have\":null}")
                        .getBytes(StandardCharsets.UTF_8));
            };
            count("junk: " + exchange(from, port, bytes, Duration.ofSeconds(15)));
        }
    }

    /** Junk, a request cut in the middle and a request trickled byte by byte, on the pairing port. */
    private void pairingJunk(String from, int port) {
        for (int i = 0; i < 6 && stop.getCount() > 0; i++) {
            pairingConnections.incrementAndGet();
            String outcome = switch (i % 3) {
                case 0 -> exchange(from, port, ProbeConnection.randomBytes(4096), Duration.ofSeconds(15));
                case 1 -> exchange(from, port, ("POST /pairing/round1 HTTP/1.1\r\nHost: x\r\nContent-Length: 100000"
                        + "\r\n\r\n{\"junk\":").getBytes(StandardCharsets.US_ASCII), Duration.ofSeconds(15));
                default -> trickle(from, port, "GET / HTTP/1.1\r\nHost: pairing\r\n\r\n", Duration.ofMillis(500));
            };
            count("pairing port: " + outcome);
        }
    }

    /** Sends bytes on a fresh connection and waits for the other side to close it. */
    private String exchange(String from, int port, byte[] bytes, Duration patience) {
        try (Socket socket = connect(from, port)) {
            socket.setSoTimeout((int) patience.toMillis());
            OutputStream out = socket.getOutputStream();
            try {
                out.write(bytes);
                out.flush();
            } catch (IOException closedWhileSending) {
                return "closed while sending";
            }
            return awaitClose(socket.getInputStream());
        } catch (IOException e) {
            return "could not connect (" + e.getClass().getSimpleName() + ")";
        }
    }

    /** Sends text a byte at a time, a byte every {@code interval}, until the other side closes. */
    private String trickle(String from, int port, String text, Duration interval) {
        try (Socket socket = connect(from, port)) {
            socket.setSoTimeout((int) interval.toMillis());
            OutputStream out = socket.getOutputStream();
            InputStream in = socket.getInputStream();
            for (byte b : text.getBytes(StandardCharsets.US_ASCII)) {
                if (stop.getCount() == 0) {
                    return "ended by the stranger";
                }
                try {
                    out.write(b);
                    out.flush();
                    return in.read() < 0 ? "closed while trickling" : "answered while trickling";
                } catch (java.net.SocketTimeoutException stillOpen) {
                    // the server waits for the next byte: send it
                } catch (IOException closed) {
                    return "closed while trickling";
                }
            }
            socket.setSoTimeout(15_000);
            return "whole request sent, then " + awaitClose(in);
        } catch (IOException e) {
            return "could not connect (" + e.getClass().getSimpleName() + ")";
        }
    }

    private Socket connect(String from, int port) throws IOException {
        Socket socket = new Socket();
        try {
            socket.bind(new InetSocketAddress(from, 0));
            socket.connect(new InetSocketAddress("127.0.0.1", port), 10_000);
            connections.incrementAndGet();
            return socket;
        } catch (IOException e) {
            socket.close();
            throw e;
        }
    }

    private static String awaitClose(InputStream in) {
        byte[] buffer = new byte[4096];
        try {
            while (in.read(buffer) >= 0) {
                // what the server says before closing does not matter here
            }
            return "closed";
        } catch (java.net.SocketTimeoutException e) {
            return "still open after the patience";
        } catch (IOException e) {
            return "closed (reset)";
        }
    }

    private void count(String outcome) {
        synchronized (outcomes) {
            outcomes.merge(outcome, 1, Integer::sum);
        }
    }

    int rounds() {
        return rounds.get();
    }

    int connections() {
        return connections.get();
    }

    int pairingConnections() {
        return pairingConnections.get();
    }

    /** @return how every connection so far ended, e.g. "REJECT not_trusted" → 4,512 */
    Map<String, Integer> outcomes() {
        synchronized (outcomes) {
            return new TreeMap<>(outcomes);
        }
    }

    @Override
    public void close() throws InterruptedException {
        stop.countDown();
        thread.interrupt();
        thread.join(TimeUnit.SECONDS.toMillis(60));
    }
}
