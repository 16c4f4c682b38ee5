package org.moodhaven.pairing.internal;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.moodhaven.api.pairing.PairingCaller;

/**
 * The addresses that sent a PIN's pairing server a first step, with how often and when
 * last: what lets A's user see that a stranger holds or keeps trying the one attempt slot.
 * At most {@code capacity} addresses are kept; a new one pushes out the one heard from
 * longest ago, so a caller with many addresses costs bounded memory and the latest
 * callers always show.
 */
final class RecentCallers {

    private final int capacity;
    /** In the order last heard from, oldest first. */
    private final LinkedHashMap<String, PairingCaller> byAddress = new LinkedHashMap<>();

    /**
     * @param capacity how many addresses to keep (at least 1)
     */
    RecentCallers(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be at least 1");
        }
        this.capacity = capacity;
    }

    /**
     * @param address where a first step came from
     * @param at      when it arrived
     */
    synchronized void record(String address, Instant at) {
        PairingCaller before = byAddress.remove(address);
        int tries = before == null ? 1 : before.tries() == Integer.MAX_VALUE ? Integer.MAX_VALUE : before.tries() + 1;
        byAddress.put(address, new PairingCaller(address, tries, at));
        if (byAddress.size() > capacity) {
            Map.Entry<String, PairingCaller> oldest = byAddress.entrySet().iterator().next();
            byAddress.remove(oldest.getKey());
        }
    }

    /**
     * @return the callers, the one heard from last first
     */
    synchronized List<PairingCaller> latestFirst() {
        List<PairingCaller> callers = new ArrayList<>(byAddress.values());
        Collections.reverse(callers);
        return List.copyOf(callers);
    }
}
