package org.moodhaven.sync.internal;

import java.net.InetAddress;
import java.util.ArrayDeque;
import java.util.Collection;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;
import java.util.regex.Pattern;

import org.moodhaven.api.identity.TrustedDevice;
import org.moodhaven.api.sync.SyncAddress;

/**
 * The addresses where this node's trusted devices are known to be: where each was
 * last reached (its trust entry's {@code lastAddress}), where discovery sees it now,
 * and where the last devices that authenticated to this node connected from. The
 * handshake slots keep a share for these addresses (PROTOCOL.md 6.1 allows such a
 * local policy), so strangers, however many addresses they use, cannot lock a known
 * device out.
 * <p>
 * Nothing here resolves a host name: a {@code lastAddress} given as a name instead of
 * an address literal simply does not count.
 */
final class KnownAddresses {

    /** How many recent authenticated source addresses are remembered. */
    static final int RECENT = 64;

    /** What an IPv6 literal may hold; anything else is never handed to {@code InetAddress}, which could look it up. */
    private static final Pattern IPV6_LITERAL = Pattern.compile("[0-9A-Fa-f:.]+(%[A-Za-z0-9_.-]+)?");

    /** How many trusted devices discovery is remembered to see at once. */
    static final int DISCOVERED = 256;

    private final Supplier<Collection<TrustedDevice>> trusted;
    private final Deque<String> recent = new ArrayDeque<>();
    /** Where discovery sees trusted devices now, by deviceId (from its events). */
    private final Map<String, String> discovered = new LinkedHashMap<>();

    /**
     * @param trusted the trusted devices now
     */
    KnownAddresses(Supplier<Collection<TrustedDevice>> trusted) {
        this.trusted = trusted;
    }

    /** Discovery sees a trusted device at an address ({@code host:port}, as its events carry it). */
    synchronized void discovered(String deviceId, String address) {
        String host;
        try {
            host = literal(SyncAddress.parse(address).host());
        } catch (IllegalArgumentException e) {
            return;
        }
        discovered.remove(deviceId);
        discovered.put(deviceId, host);
        if (discovered.size() > DISCOVERED) {
            discovered.remove(discovered.keySet().iterator().next());
        }
    }

    /** Discovery no longer sees a device. */
    synchronized void lost(String deviceId) {
        discovered.remove(deviceId);
    }

    /** A trusted device authenticated from this address. */
    synchronized void authenticated(InetAddress source) {
        String address = normal(source);
        recent.remove(address);
        recent.addFirst(address);
        while (recent.size() > RECENT) {
            recent.removeLast();
        }
    }

    /** @return whether a trusted device is known to be at this address */
    boolean isKnown(InetAddress source) {
        String address = normal(source);
        synchronized (this) {
            if (recent.contains(address) || discovered.containsValue(address)) {
                return true;
            }
        }
        for (TrustedDevice device : trusted.get()) {
            String last = device.lastAddressIfKnown().orElse(null);
            if (last != null && sameHost(last, address)) {
                return true;
            }
        }
        return false;
    }

    private static boolean sameHost(String lastAddress, String address) {
        try {
            return address.equals(literal(SyncAddress.parse(lastAddress).host()));
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /** An address literal in the form {@link #normal} gives, or the host unchanged (never equal to one). */
    private static String literal(String host) {
        String bare = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        if (bare.indexOf(':') >= 0 && IPV6_LITERAL.matcher(bare).matches()) {
            try {
                return normal(InetAddress.getByName(bare)); // an IPv6 literal: parsed, never looked up
            } catch (java.net.UnknownHostException | SecurityException e) {
                return bare;
            }
        }
        return bare.toLowerCase(Locale.ROOT);
    }

    private static String normal(InetAddress address) {
        return address.getHostAddress().toLowerCase(Locale.ROOT);
    }
}
