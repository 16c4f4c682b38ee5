package org.moodhaven.pairing.internal;

import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;

import org.moodhaven.api.identity.DeviceIds;
import org.moodhaven.api.identity.TrustedDevice;

/**
 * What a device knows before it opens its partner's identity, to check it
 * against (PROTOCOL.md section 5).
 *
 * @param ownDeviceId      this device's deviceId: the partner must not claim it
 * @param expectedDeviceId on B, the deviceId of A it expected (QR, mDNS TXT or typed), if any
 * @param fingerprint      on B with a QR payload, {@code fp}: b64url SHA-256 of A's raw publicKey
 * @param trusted          looks a deviceId up among the trusted devices, e.g. {@code trustStore::find}
 */
public record IdentityChecks(String ownDeviceId, Optional<String> expectedDeviceId, Optional<String> fingerprint,
                             Function<String, Optional<TrustedDevice>> trusted) {

    /**
     * @throws NullPointerException     if an argument is null
     * @throws IllegalArgumentException if a deviceId is not valid
     */
    public IdentityChecks {
        Objects.requireNonNull(expectedDeviceId, "expectedDeviceId");
        Objects.requireNonNull(fingerprint, "fingerprint");
        Objects.requireNonNull(trusted, "trusted");
        if (!DeviceIds.isValid(ownDeviceId) || !expectedDeviceId.map(DeviceIds::isValid).orElse(true)) {
            throw new IllegalArgumentException("not a deviceId");
        }
    }

    /**
     * The checks of A, the device showing the PIN: it expects nobody in particular.
     *
     * @param ownDeviceId this device's deviceId
     * @param trusted     the trusted-device lookup
     * @return the checks
     */
    public static IdentityChecks host(String ownDeviceId, Function<String, Optional<TrustedDevice>> trusted) {
        return new IdentityChecks(ownDeviceId, Optional.empty(), Optional.empty(), trusted);
    }
}
