package org.moodhaven.api.pairing;

import java.util.Optional;

/**
 * The pairing on this device.
 *
 * @param role          whether this device shows the PIN or had it typed in
 * @param state         where it stands
 * @param offer         on the device showing the PIN, what it shows
 * @param attemptsLeft  on the device showing the PIN, wrong guesses left before the PIN is void
 * @param request       the device that completed the exchange, once one has
 * @param message       for people: why it failed or ended, when it did
 */
public record PairingStatus(Role role, State state, Optional<PairingOffer> offer, int attemptsLeft,
        Optional<PairingRequest> request, Optional<String> message) {

    /** Which side of pairing this device is on. */
    public enum Role {
        /** This device shows the PIN (A). */
        SHOWING_PIN,
        /** The PIN was typed into this device (B). */
        ENTERING_PIN
    }

    /** Where a pairing stands. */
    public enum State {
        /** A: waiting for a device to use the PIN. */
        OPEN,
        /** A device completed the exchange; A's user has not decided yet. */
        AWAITING_APPROVAL,
        /** Approved: both devices trust each other. */
        PAIRED,
        /** A's user declined. */
        DECLINED,
        /** Three wrong guesses: the PIN is void. */
        PIN_VOID,
        /** The PIN expired. */
        EXPIRED,
        /** Cancelled on this device. */
        CANCELLED,
        /** B: the exchange or the wait for A's decision failed. */
        FAILED
    }

    /**
     * @return whether this pairing is over
     */
    public boolean ended() {
        return state != State.OPEN && state != State.AWAITING_APPROVAL;
    }
}
