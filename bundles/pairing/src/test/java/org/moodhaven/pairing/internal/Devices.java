package org.moodhaven.pairing.internal;

import java.security.SecureRandom;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

import org.moodhaven.api.crypto.CryptoProvider;
import org.moodhaven.api.identity.TrustedDevice;
import org.moodhaven.crypto.jdk.internal.JdkCryptoProvider;
import org.moodhaven.testing.Configs;
import org.moodhaven.testing.ManualClock;
import org.moodhaven.testing.SeedIdentity;

import static org.junit.jupiter.api.Assertions.fail;

/** Two devices, A showing a PIN and B typing it, with a manual clock and in-memory trust. */
final class Devices {

    static final CryptoProvider CRYPTO = new JdkCryptoProvider(Configs.of(JdkCryptoProvider.Config.class));
    static final SecureRandom RANDOM = new SecureRandom();

    final ManualClock clock = new ManualClock(Instant.parse("2026-03-18T10:00:00Z"));
    final SeedIdentity a = SeedIdentity.numbered(1, "Ken's MacBook", CRYPTO);
    final SeedIdentity b = SeedIdentity.numbered(2, "Ken's phone", CRYPTO);
    final Map<String, TrustedDevice> trustedOnA = new HashMap<>();
    final Map<String, TrustedDevice> trustedOnB = new HashMap<>();
    final Pin pin = Pin.of("042917");
    final PairingHost host;

    Devices() {
        host = new PairingHost(pin, a, IdentityChecks.host(a.deviceId(), id -> Optional.ofNullable(trustedOnA.get(id))),
                CRYPTO, clock, RANDOM);
    }

    PairingGuest guest(String typedPin) {
        return guest(typedPin, Optional.empty(), Optional.empty());
    }

    PairingGuest guest(String typedPin, Optional<String> expectedDeviceId, Optional<String> fp) {
        return new PairingGuest(Pin.of(typedPin), b, new IdentityChecks(b.deviceId(), expectedDeviceId, fp,
                id -> Optional.ofNullable(trustedOnB.get(id))), CRYPTO, RANDOM);
    }

    /** Runs round 1 and round 2; returns B's confirm request. */
    byte[] throughRound2(PairingGuest guest) throws Exception {
        byte[] r1 = ok(host.round1(guest.round1Request()));
        byte[] r2 = ok(host.round2(guest.onRound1Answer(r1)));
        return guest.onRound2Answer(r2);
    }

    static byte[] ok(PairingOutcome<byte[]> outcome) {
        if (outcome instanceof PairingOutcome.Ok<byte[]> ok) {
            return ok.value();
        }
        return fail("expected ok, got " + outcome);
    }

    /** A's own trusted-device entry, for B's list. */
    static TrustedDevice trusted(SeedIdentity device) {
        return new TrustedDevice(device.deviceId(), device.deviceName(), device.publicKeyBase64(),
                Instant.parse("2026-01-01T00:00:00Z"), null, null);
    }
}
