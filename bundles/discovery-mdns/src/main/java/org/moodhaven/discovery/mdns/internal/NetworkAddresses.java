package org.moodhaven.discovery.mdns.internal;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;

/**
 * The local addresses mDNS runs on. By default every IPv4 address of every
 * interface that is up, not loopback and able to multicast: an IPv6 link-local
 * address is only usable with its zone, and jmdns left to choose may pick one
 * that nobody else can reach. Configured entries are addresses
 * ({@code 192.168.1.20}, {@code 127.0.0.1} for tests) or interface names
 * ({@code eth0}: its IPv4 addresses, or its other IPv6 addresses if it has none).
 */
final class NetworkAddresses {

    private NetworkAddresses() {
    }

    /**
     * @param configured the configured addresses and interface names; empty for the default
     * @param problems   told about each entry that cannot be used
     * @return the addresses, without duplicates, in a stable order
     */
    static Set<InetAddress> select(String[] configured, Consumer<String> problems) {
        Set<InetAddress> addresses = new LinkedHashSet<>();
        if (configured == null || configured.length == 0) {
            for (NetworkInterface nic : interfaces(problems)) {
                if (usable(nic, problems) && !isLoopback(nic)) {
                    nic.inetAddresses().filter(a -> a instanceof Inet4Address).forEach(addresses::add);
                }
            }
            return addresses;
        }
        for (String entry : configured) {
            String item = entry == null ? "" : entry.strip();
            if (item.isEmpty()) {
                continue;
            }
            if (looksLikeAddress(item)) {
                try {
                    // A literal: no name lookup happens.
                    addresses.add(InetAddress.getByName(item));
                } catch (UnknownHostException e) {
                    problems.accept("not an address: " + item);
                }
                continue;
            }
            try {
                NetworkInterface nic = NetworkInterface.getByName(item);
                if (nic == null) {
                    problems.accept("no network interface named " + item);
                } else if (usable(nic, problems)) {
                    List<InetAddress> v4 = nic.inetAddresses().filter(a -> a instanceof Inet4Address).toList();
                    if (!v4.isEmpty()) {
                        addresses.addAll(v4);
                    } else {
                        nic.inetAddresses().filter(a -> a instanceof Inet6Address && !a.isLinkLocalAddress())
                                .forEach(addresses::add);
                    }
                }
            } catch (SocketException e) {
                problems.accept("cannot read network interface " + item + ": " + e.getMessage());
            }
        }
        return addresses;
    }

    private static boolean looksLikeAddress(String item) {
        return item.indexOf(':') >= 0 || item.chars().allMatch(c -> (c >= '0' && c <= '9') || c == '.');
    }

    private static List<NetworkInterface> interfaces(Consumer<String> problems) {
        try {
            return new ArrayList<>(Collections.list(NetworkInterface.getNetworkInterfaces()));
        } catch (SocketException | NullPointerException e) {
            problems.accept("cannot list the network interfaces: " + e.getMessage());
            return List.of();
        }
    }

    private static boolean usable(NetworkInterface nic, Consumer<String> problems) {
        try {
            return nic.isUp() && (nic.supportsMulticast() || nic.isLoopback());
        } catch (SocketException e) {
            problems.accept("cannot read network interface " + nic.getName() + ": " + e.getMessage());
            return false;
        }
    }

    private static boolean isLoopback(NetworkInterface nic) {
        try {
            return nic.isLoopback();
        } catch (SocketException e) {
            return true;
        }
    }
}
