package org.moodhaven.pairing.internal;

import java.security.SecureRandom;

import org.bouncycastle.crypto.agreement.jpake.JPAKEParticipant;
import org.bouncycastle.crypto.agreement.jpake.JPAKEPrimeOrderGroups;
import org.bouncycastle.crypto.digests.SHA256Digest;

/**
 * The J-PAKE parameters PROTOCOL.md section 5 fixes: BouncyCastle's finite-field
 * participant over the NIST 3072-bit prime-order group with SHA-256, the
 * deviceId as participant id and the PIN's six ASCII digits as password.
 */
final class Jpake {

    private Jpake() {
    }

    /**
     * @param deviceId this device's deviceId
     * @param pin      the PIN
     * @param random   the CSPRNG for the exponents
     * @return a fresh participant for one attempt
     */
    static JPAKEParticipant participant(String deviceId, Pin pin, SecureRandom random) {
        char[] password = pin.password();
        try {
            // BouncyCastle keeps its own copy of the password.
            return new JPAKEParticipant(deviceId, password, JPAKEPrimeOrderGroups.NIST_3072, new SHA256Digest(),
                    random);
        } finally {
            java.util.Arrays.fill(password, '\0');
        }
    }
}
