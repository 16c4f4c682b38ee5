package org.moodhaven.api.pairing;

import java.util.List;
import java.util.Objects;
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
 * @param attemptFrom   on the device showing the PIN, the address of the device whose attempt
 *                      is in progress right now (while it lasts, any other device is told
 *                      {@code busy}); empty when none is (since 1.1)
 * @param callers       on the device showing the PIN, the addresses that tried this PIN, the
 *                      latest first; at most {@link #MAX_CALLERS} (since 1.1)
 */
public record PairingStatus(Role role, State state, Optional<PairingOffer> offer, int attemptsLeft,
        Optional<PairingRequest> request, Optional<String> message, Optional<String> attemptFrom,
        List<PairingCaller> callers) {

    /**
     * The most {@link #callers} a status lists: the addresses seen longest ago make room.
     *
     * @since 1.1
     */
    public static final int MAX_CALLERS = 8;

    /**
     * @throws NullPointerException if {@code attemptFrom} or {@code callers} (or one of them) is null
     */
    public PairingStatus {
        attemptFrom = Objects.requireNonNull(attemptFrom, "attemptFrom");
        callers = List.copyOf(callers);
    }

    /**
     * A status without who tried the PIN (version 1.0 of this package).
     *
     * @param role         whether this device shows the PIN or had it typed in
     * @param state        where it stands
     * @param offer        on the device showing the PIN, what it shows
     * @param attemptsLeft on the device showing the PIN, wrong guesses left before the PIN is void
     * @param request      the device that completed the exchange, once one has
     * @param message      for people: why it failed or ended, when it did
     */
    public PairingStatus(Role role, State state, Optional<PairingOffer> offer, int attemptsLeft,
            Optional<PairingRequest> request, Optional<String> message) {
        this(role, state, offer, attemptsLeft, request, message, Optional.empty(), List.of());
    }

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
        /** The PIN expired; a device awaiting approval then was not approved in time. */
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
