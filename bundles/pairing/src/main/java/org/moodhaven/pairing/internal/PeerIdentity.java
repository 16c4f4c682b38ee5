package org.moodhaven.pairing.internal;

import java.time.Instant;

import org.moodhaven.api.identity.TrustedDevice;

/**
 * The identity a partner revealed in pairing, after every check of PROTOCOL.md
 * section 5 passed: its publicKey hashes to its deviceId, it is the J-PAKE
 * partner, it signed {@code bind} with that key.
 *
 * @param deviceId   16 lowercase hex characters
 * @param deviceName a valid device name (show it as text only)
 * @param publicKey  b64url of the 32-byte Ed25519 public key
 */
public record PeerIdentity(String deviceId, String deviceName, String publicKey) {

    /**
     * @param pairedAt when the pairing was approved
     * @return the entry to keep in {@code trusted_devices.json}
     */
    public TrustedDevice toTrustedDevice(Instant pairedAt) {
        return new TrustedDevice(deviceId, deviceName, publicKey, pairedAt, null, null);
    }
}
