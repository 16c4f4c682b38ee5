package org.moodhaven.pairing.internal;

import java.io.IOException;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The open connections of a pairing server: at most {@code total} at once, and at most
 * {@code perAddress} from one source address, so that one stranger holding connections
 * open cannot take the place of the device the person is pairing. Each admitted
 * connection has its own thread until it is answered or its request time limit passes;
 * an address with no open connection has no entry, so the bookkeeping is empty again
 * after any storm.
 */
final class ConnectionSlots {

    private final int total;
    private final int perAddress;
    private final Map<String, Integer> byAddress = new HashMap<>();
    private final Set<Socket> open = new HashSet<>();
    /** Those whose request arrived whole: their answer is being made or sent. */
    private final Set<Socket> answering = new HashSet<>();
    private boolean closed;

    /**
     * @param total      connections open at once
     * @param perAddress of which from one address
     */
    ConnectionSlots(int total, int perAddress) {
        this.total = total;
        this.perAddress = perAddress;
    }

    /**
     * @param socket  an accepted connection
     * @param address where it comes from
     * @return whether it may be served; if not, the caller closes it at once
     */
    synchronized boolean admit(Socket socket, String address) {
        int held = byAddress.getOrDefault(address, 0);
        if (closed || open.size() >= total || held >= perAddress) {
            return false;
        }
        byAddress.put(address, held + 1);
        open.add(socket);
        return true;
    }

    /**
     * @param socket  a connection {@link #admit} let in, now closed; releasing it twice is harmless
     * @param address where it came from
     */
    synchronized void release(Socket socket, String address) {
        if (!open.remove(socket)) {
            return;
        }
        answering.remove(socket);
        byAddress.computeIfPresent(address, (key, held) -> held <= 1 ? null : held - 1);
        notifyAll();
    }

    /**
     * @param socket an open connection whose request arrived whole
     */
    synchronized void answering(Socket socket) {
        if (open.contains(socket)) {
            answering.add(socket);
        }
    }

    /**
     * Admits nothing more and closes the connections whose request is still arriving (they
     * will get no answer); gives those being answered up to {@code grace} to finish, then
     * closes what is still open.
     *
     * @param grace how long answers may take to finish
     */
    void closeAll(Duration grace) {
        List<Socket> unanswered;
        synchronized (this) {
            closed = true;
            unanswered = new ArrayList<>(open);
            unanswered.removeAll(answering);
        }
        closeQuietly(unanswered);
        List<Socket> left;
        synchronized (this) {
            long deadline = System.nanoTime() + grace.toNanos();
            long wait;
            while (!answering.isEmpty() && (wait = deadline - System.nanoTime()) > 0) {
                try {
                    wait(Math.max(1, wait / 1_000_000));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
            left = new ArrayList<>(open);
        }
        closeQuietly(left);
    }

    private static void closeQuietly(List<Socket> sockets) {
        for (Socket socket : sockets) {
            try {
                socket.close();
            } catch (IOException e) {
                // closing is all we wanted
            }
        }
    }
}
