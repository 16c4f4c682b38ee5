package org.moodhaven.pairing.internal;

import java.util.Optional;

import org.moodhaven.api.pairing.PairingException;

/**
 * What the people on both devices read when a pairing runs out: a PIN that expired with
 * or without a device awaiting approval, an approval that came too late, and B's wait
 * for an approval that never came. Each says that nothing was trusted, and what to do.
 */
final class ExpiryNotices {

    private ExpiryNotices() {
    }

    /**
     * @param host the expired PIN
     * @return why the pairing ended, for A's screen
     */
    static String expired(PairingHost host) {
        return host.lapsedApproval().map(lapsed -> "the PIN expired before \"" + lapsed.device().deviceName()
                + "\" was approved: nothing was trusted on either device; start pairing again for a new PIN")
                .orElse("the PIN expired; start pairing again for a new one");
    }

    /**
     * @param host the PIN an approval came for, after none could be made
     * @return the refusal, if the approval came after the PIN expired with the device waiting
     */
    static Optional<PairingException> lateApproval(PairingHost host) {
        return host.lapsedApproval().map(lapsed -> new PairingException(PairingException.EXPIRED,
                "the PIN expired before you approved \"" + lapsed.device().deviceName() + "\": nothing was "
                        + "trusted on either device; start pairing again for a new PIN"));
    }

    /**
     * @param failure why B's wait for A's decision ended without one
     * @return what B's screen says
     */
    static String waitEnded(PairingException failure) {
        return switch (failure.reason()) {
            case PairingException.EXPIRED -> "the other device's user did not approve before its PIN expired: "
                    + "nothing was trusted on either device; start pairing again";
            case PairingException.UNREACHABLE -> "no approval came: " + failure.getMessage()
                    + "; nothing was trusted on this device";
            default -> failure.getMessage();
        };
    }
}
