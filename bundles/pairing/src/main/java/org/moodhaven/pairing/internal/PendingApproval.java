package org.moodhaven.pairing.internal;

import java.util.Objects;
import java.util.Optional;

import org.moodhaven.api.sync.SyncAddress;

/**
 * What A's screen shows once a device completed the exchange with the right
 * PIN (PROTOCOL.md section 5, confirmation): who is asking, and the check code
 * the user compares with B's screen before approving.
 *
 * @param device      the verified identity of the device asking to pair
 * @param checkCode   the 4-digit check code both screens show
 * @param syncAddress where the device's sync server is: the host its confirm request came
 *                    from and the {@code syncPort} it revealed; empty if either is unknown
 */
public record PendingApproval(PeerIdentity device, String checkCode, Optional<SyncAddress> syncAddress) {

    /**
     * @throws NullPointerException if an argument is null
     */
    public PendingApproval {
        Objects.requireNonNull(device, "device");
        Objects.requireNonNull(checkCode, "checkCode");
        Objects.requireNonNull(syncAddress, "syncAddress");
    }
}
