package org.moodhaven.pairing.internal;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

import org.moodhaven.api.identity.TrustedDevice;
import org.moodhaven.api.sync.SyncAddress;

/**
 * The identity a partner revealed in pairing, after every check of PROTOCOL.md
 * section 5 passed: its publicKey hashes to its deviceId, it is the J-PAKE
 * partner, it signed {@code bind} with that key.
 *
 * @param deviceId   16 lowercase hex characters
 * @param deviceName a valid device name (show it as text only)
 * @param publicKey  b64url of the 32-byte Ed25519 public key
 * @param syncPort   the port its sync server is bound to, 1 to 65535; empty when it did not say
 *                   (a device from before {@code syncPort} was part of the identity)
 */
public record PeerIdentity(String deviceId, String deviceName, String publicKey, OptionalInt syncPort) {

    /**
     * @throws NullPointerException     if {@code syncPort} is null
     * @throws IllegalArgumentException if {@code syncPort} is out of range
     */
    public PeerIdentity {
        Objects.requireNonNull(syncPort, "syncPort");
        if (syncPort.isPresent() && (syncPort.getAsInt() < 1 || syncPort.getAsInt() > 65_535)) {
            throw new IllegalArgumentException("a sync port is 1 to 65535, not " + syncPort.getAsInt());
        }
    }

    /**
     * Where this device's sync server is: the host its pairing connection came from or went
     * to, and the sync port it revealed. The port is authentic (it came in the sealed identity,
     * which only the partner holding the PIN could seal); the host is only what the network
     * showed, so a sync there is trusted no more than any other: it must pass the handshake.
     *
     * @param host the pairing connection's peer host (a name or an address literal, IPv6 with or
     *             without brackets), or empty if not known
     * @return the sync address, or empty if the host or the port is not known or the host is
     *         not usable as one
     */
    public Optional<SyncAddress> syncAddress(Optional<String> host) {
        if (host.isEmpty() || syncPort.isEmpty()) {
            return Optional.empty();
        }
        return syncAddress(host.get(), syncPort.getAsInt());
    }

    /**
     * @param host a host name or address literal, IPv6 with or without brackets
     * @param port a port
     * @return the sync address, or empty if the host or port is not usable as one
     */
    static Optional<SyncAddress> syncAddress(String host, int port) {
        String bare = host.strip();
        if (bare.startsWith("[") && bare.endsWith("]")) {
            bare = bare.substring(1, bare.length() - 1);
        }
        try {
            return Optional.of(new SyncAddress(bare, port));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    /**
     * @param pairedAt    when the pairing was approved
     * @param lastAddress where its sync server is ({@code lastAddress} of PROTOCOL.md section 2), if known
     * @return the entry to keep in {@code trusted_devices.json}
     */
    public TrustedDevice toTrustedDevice(Instant pairedAt, Optional<SyncAddress> lastAddress) {
        return new TrustedDevice(deviceId, deviceName, publicKey, pairedAt, null,
                lastAddress.map(SyncAddress::toString).orElse(null));
    }
}
