package org.moodhaven.api.discovery;

import java.util.List;
import java.util.Optional;

import org.osgi.annotation.versioning.ProviderType;

/**
 * The MoodHaven nodes this node knows how to reach: those announcing themselves by
 * mDNS / DNS-SD on the LAN (PROTOCOL.md section 4) and those a person added by
 * address where multicast does not work. An announcement proves nothing about who
 * is behind it; {@link Peer#trusted()} only says that its deviceId is in the trust
 * list, and the sync handshake is what authenticates the device.
 * <p>
 * Changes are posted on {@code moodhaven/discovery/*} topics (see
 * {@code org.moodhaven.api.event.EventTopics#PEER_DISCOVERED} and {@code PEER_LOST}).
 */
@ProviderType
public interface PeerDirectory {

    /** Most peers added by address. */
    int MAX_MANUAL_PEERS = 64;

    /**
     * @return every peer known now: announced ones first, then those added by address;
     *         a device announcing itself and also added by address appears twice, once per source
     */
    List<Peer> peers();

    /**
     * @param deviceId a deviceId
     * @return the peer with that deviceId, preferring a live announcement over an address
     *         added by hand; empty if none is known
     */
    Optional<Peer> find(String deviceId);

    /**
     * Adds a peer by address, or replaces the one at the same host and port. It is kept
     * across restarts.
     *
     * @param host     an IPv4 or IPv6 address, or a DNS host name (not resolved here)
     * @param port     its sync port, 1 to 65535
     * @param deviceId the deviceId expected there, if known (16 lowercase hex characters,
     *                 not this node's own)
     * @return the peer as listed
     * @throws IllegalArgumentException with a message for the person if an argument is
     *                                  invalid, or {@value #MAX_MANUAL_PEERS} peers are already added
     * @throws PeerDirectoryException   if the list could not be written (nothing changed)
     */
    Peer addManual(String host, int port, Optional<String> deviceId) throws PeerDirectoryException;

    /**
     * Forgets a peer added by address.
     *
     * @param host its host, as added
     * @param port its port
     * @return whether it was there
     * @throws PeerDirectoryException if the list could not be written (nothing changed)
     */
    boolean removeManual(String host, int port) throws PeerDirectoryException;

    /**
     * @return whether this node announces itself and browses by mDNS (off with {@code --no-mdns})
     */
    boolean multicastEnabled();
}
