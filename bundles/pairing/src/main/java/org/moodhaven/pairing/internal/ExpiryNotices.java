package org.moodhaven.pairing.internal;

import java.io.IOException;
import java.util.Optional;

import org.moodhaven.api.pairing.PairingException;
import org.moodhaven.common.net.ConnectionProblem;

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
        return host.lapsedApproval().map(lapsed -> "The PIN expired before "
                + PairingService.quoted(lapsed.device().deviceName()) + " was approved: nothing was trusted on "
                + "either device. Start pairing again for a new PIN.")
                .orElse("The PIN expired. Start pairing again for a new one.");
    }

    /**
     * @param host the PIN an approval came for, after none could be made
     * @return the refusal, if the approval came after the PIN expired with the device waiting
     */
    static Optional<PairingException> lateApproval(PairingHost host) {
        return host.lapsedApproval().map(lapsed -> new PairingException(PairingException.EXPIRED,
                "The PIN expired before you approved " + PairingService.quoted(lapsed.device().deviceName())
                        + ": nothing was trusted on either device. Start pairing again for a new PIN."));
    }

    /**
     * @param failure    why B's wait for A's decision ended without one
     * @param deviceName A's name
     * @return what B's screen says
     */
    static String waitEnded(PairingException failure, String deviceName) {
        String who = PairingService.quoted(deviceName);
        return switch (failure.reason()) {
            case PairingException.EXPIRED -> who + " did not approve this device before its PIN expired: "
                    + "nothing was trusted on either device. Start pairing again.";
            case PairingException.DECLINED -> who + " declined this device: nothing was trusted on either device.";
            case PairingException.UNREACHABLE -> "No answer came from " + who + " about its approval: "
                    + (failure.getCause() instanceof IOException lost ? ConnectionProblem.of(lost).words()
                            : "this device stopped waiting") + ". Nothing was trusted on this device; if " + who
                    + " lists it as trusted, revoke it there and pair again.";
            default -> failure.getMessage();
        };
    }
}
