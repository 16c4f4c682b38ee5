package org.moodhaven.api.discovery;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

import org.moodhaven.api.sync.SyncAddress;

/**
 * A node this node can reach, as {@link PeerDirectory} knows it. Every string in it
 * may come from the network: it has been validated, and is only ever shown as text.
 *
 * @param deviceId    the announced deviceId, or the one given with the address; {@code null}
 *                    for an address added without one
 * @param deviceName  the announced name, the trusted name for a trusted device added by
 *                    address, or {@code null} (a node may keep its name to itself)
 * @param host        where its sync server listens: an IP address (announced peers) or the
 *                    host as added
 * @param port        its sync port
 * @param protocols   the sync protocol versions it announces, ascending (e.g. {@code [1, 2]});
 *                    empty for a peer added by address
 * @param pairingPort the port of its pairing server while it announces {@code pair=}, else {@code null}
 * @param source      how it is known
 * @param trusted     whether its deviceId is in the trust list (the announcement proves nothing)
 * @param lastSeen    when it was last announced, or when it was added by address
 */
public record Peer(String deviceId, String deviceName, String host, int port, List<Integer> protocols,
                   Integer pairingPort, Source source, boolean trusted, Instant lastSeen) {

    /** How a peer is known. */
    public enum Source {
        /** It announces itself by mDNS on the LAN. */
        MDNS,
        /** A person added its address. */
        MANUAL
    }

    /**
     * @throws NullPointerException     if host, protocols, source or lastSeen is missing
     * @throws IllegalArgumentException if a port is out of range
     */
    public Peer {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(lastSeen, "lastSeen");
        protocols = List.copyOf(protocols);
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("a port is 1 to 65535, not " + port);
        }
        if (pairingPort != null && (pairingPort < 1 || pairingPort > 65535)) {
            throw new IllegalArgumentException("a pairing port is 1 to 65535, not " + pairingPort);
        }
    }

    /**
     * @return the deviceId, if known
     */
    public Optional<String> deviceIdIfKnown() {
        return Optional.ofNullable(deviceId);
    }

    /**
     * @return the pairing port, while the peer announces one
     */
    public OptionalInt pairingPortIfOpen() {
        return pairingPort == null ? OptionalInt.empty() : OptionalInt.of(pairingPort);
    }

    /**
     * @return where to reach its sync server
     */
    public SyncAddress address() {
        return new SyncAddress(host, port);
    }
}
