package org.moodhaven.sync.internal;

import java.net.InetAddress;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The slots of connections still in their handshake: at most {@code total} at once
 * (PROTOCOL.md 6.1), and at most {@code perAddress} of them from one source address,
 * a stricter local policy so that one stranger cannot take every slot. An address
 * with no connection in its handshake has no entry, so the map is empty again after
 * any storm of connections.
 */
final class HandshakeSlots {

    private final int total;
    private final int perAddress;
    private final AtomicInteger taken = new AtomicInteger();
    private final ConcurrentHashMap<InetAddress, Integer> takenByAddress = new ConcurrentHashMap<>();

    HandshakeSlots(int total, int perAddress) {
        this.total = total;
        this.perAddress = perAddress;
    }

    /**
     * Takes a slot for a connection from {@code source}, if both limits allow.
     *
     * @return the slot, to be released when the handshake ends, or empty if a limit is reached
     */
    Optional<Slot> tryTake(InetAddress source) {
        if (taken.incrementAndGet() > total) {
            taken.decrementAndGet();
            return Optional.empty();
        }
        boolean[] granted = {false};
        takenByAddress.compute(source, (address, count) -> {
            int held = count == null ? 0 : count;
            if (held >= perAddress) {
                return count;
            }
            granted[0] = true;
            return held + 1;
        });
        if (!granted[0]) {
            taken.decrementAndGet();
            return Optional.empty();
        }
        return Optional.of(new Slot(source));
    }

    /** @return the number of connections in their handshake */
    int taken() {
        return taken.get();
    }

    /** @return the number of source addresses with a connection in its handshake */
    int addresses() {
        return takenByAddress.size();
    }

    /** One connection's place among the handshakes; released once, however often {@link #release} is called. */
    final class Slot {
        private final InetAddress source;
        private final AtomicBoolean released = new AtomicBoolean();

        private Slot(InetAddress source) {
            this.source = source;
        }

        void release() {
            if (!released.compareAndSet(false, true)) {
                return;
            }
            takenByAddress.computeIfPresent(source, (address, count) -> count <= 1 ? null : count - 1);
            taken.decrementAndGet();
        }
    }
}
