package org.moodhaven.testing.discovery;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import org.moodhaven.api.discovery.Peer;
import org.moodhaven.api.discovery.PeerDirectory;
import org.moodhaven.api.discovery.PeerDirectoryException;

/** A peer directory in memory: announced peers are set by the test, manual ones kept in a list. */
public final class InMemoryPeerDirectory implements PeerDirectory {

    /** When every peer was last seen. */
    public static final Instant NOW = Instant.parse("2026-03-18T10:00:00Z");

    /** Peers found by mDNS, as the test sets them. */
    public final List<Peer> announced = new ArrayList<>();
    /** Peers added by address. */
    public final List<Peer> manual = new ArrayList<>();
    private final Set<String> trusted;
    /** What {@link #multicastEnabled()} answers. */
    public boolean multicast = true;
    /** When set, writes fail as a full disk would. */
    public boolean failWrites;

    /**
     * @param trusted the deviceIds to mark trusted
     */
    public InMemoryPeerDirectory(Set<String> trusted) {
        this.trusted = trusted;
    }

    @Override
    public synchronized List<Peer> peers() {
        List<Peer> all = new ArrayList<>(announced);
        all.addAll(manual);
        return all;
    }

    @Override
    public synchronized Optional<Peer> find(String deviceId) {
        return peers().stream().filter(p -> deviceId.equals(p.deviceId())).findFirst();
    }

    @Override
    public synchronized Peer addManual(String host, int port, Optional<String> deviceId)
            throws PeerDirectoryException {
        if (host == null || host.isBlank() || host.contains(" ")) {
            throw new IllegalArgumentException("Cannot add this peer: not a host name or address: " + host + ".");
        }
        if (deviceId.isPresent() && !deviceId.get().matches("[0-9a-f]{16}")) {
            throw new IllegalArgumentException("Cannot add this peer: a device id is 16 characters, each 0-9 or a-f.");
        }
        if (failWrites) {
            throw new PeerDirectoryException("could not save the peer: disk full", null);
        }
        Peer peer = new Peer(deviceId.orElse(null), null, host, port, List.of(), null, Peer.Source.MANUAL,
                deviceId.map(trusted::contains).orElse(false), NOW);
        manual.removeIf(p -> p.host().equals(host) && p.port() == port);
        manual.add(peer);
        return peer;
    }

    @Override
    public synchronized boolean removeManual(String host, int port) throws PeerDirectoryException {
        if (failWrites) {
            throw new PeerDirectoryException("could not save the peers: disk full", null);
        }
        return manual.removeIf(p -> p.host().equals(host) && p.port() == port);
    }

    @Override
    public boolean multicastEnabled() {
        return multicast;
    }
}
