package org.moodhaven.api.identity;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * One entry of {@code trusted_devices.json} (PROTOCOL.md section 2).
 *
 * @param deviceId    16 lowercase hex characters, derived from {@code publicKey}
 * @param deviceName  the name the device gave when paired
 * @param publicKey   b64url of its 32-byte Ed25519 public key
 * @param pairedAt    when it was paired
 * @param protocol    {@code 1} for a device that speaks only protocol version 1, else {@code null}
 * @param lastAddress the last {@code host:port} a sync with it used, or {@code null}
 */
public record TrustedDevice(String deviceId, String deviceName, String publicKey, Instant pairedAt,
                            Integer protocol, String lastAddress) {

    /**
     * @throws NullPointerException if a required field is missing
     */
    public TrustedDevice {
        Objects.requireNonNull(deviceId, "deviceId");
        Objects.requireNonNull(deviceName, "deviceName");
        Objects.requireNonNull(publicKey, "publicKey");
        Objects.requireNonNull(pairedAt, "pairedAt");
    }

    /**
     * @return the raw 32-byte public key
     * @throws IllegalArgumentException if {@code publicKey} is not valid b64url
     */
    public byte[] publicKeyBytes() {
        return DeviceIds.fromBase64Url(publicKey);
    }

    /**
     * @return whether this device speaks only protocol version 1
     */
    public boolean legacyV1Only() {
        return protocol != null && protocol == 1;
    }

    /**
     * @return the last address, if known
     */
    public Optional<String> lastAddressIfKnown() {
        return Optional.ofNullable(lastAddress);
    }

    /**
     * @param address the new last address ({@code host:port})
     * @return a copy with that last address
     */
    public TrustedDevice withLastAddress(String address) {
        return new TrustedDevice(deviceId, deviceName, publicKey, pairedAt, protocol, address);
    }
}
