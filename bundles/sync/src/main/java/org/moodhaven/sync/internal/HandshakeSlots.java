package org.moodhaven.sync.internal;

import java.net.InetAddress;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

/**
 * The slots of connections still in their handshake: at most {@code total} at once
 * (PROTOCOL.md 6.1), and at most {@code perAddress} of them from one source address;
 * the last {@code kept} slots go only to addresses where a trusted device is known to
 * be. Both are a stricter local policy within the page's maxima, so that strangers,
 * from one address or from many, cannot take every slot from a known device. An
 * address with no connection in its handshake has no entry, so the map is empty again
 * after any storm of connections.
 */
final class HandshakeSlots {

    private final int total;
    private final int perAddress;
    private final int kept;
    private final AtomicInteger taken = new AtomicInteger();
    private final ConcurrentHashMap<InetAddress, Integer> takenByAddress = new ConcurrentHashMap<>();

    /**
     * @param total      slots in all
     * @param perAddress slots one address may hold
     * @param kept       slots only known addresses may take (less than {@code total})
     */
    HandshakeSlots(int total, int perAddress, int kept) {
        this.total = total;
        this.perAddress = perAddress;
        this.kept = Math.max(0, Math.min(kept, total - 1));
    }

    /**
     * Takes a slot for a connection from {@code source}, if the limits allow.
     *
     * @param source where the connection comes from
     * @param known  whether a trusted device is known at an address; asked only when
     *               the slots open to anyone are all taken
     * @return the slot, to be released when the handshake ends, or empty if a limit is reached
     */
    Optional<Slot> tryTake(InetAddress source, Predicate<InetAddress> known) {
        int now = taken.incrementAndGet();
        if (now > total || (now > total - kept && !known.test(source))) {
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
