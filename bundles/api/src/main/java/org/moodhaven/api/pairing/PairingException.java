package org.moodhaven.api.pairing;

import java.util.OptionalInt;

/**
 * Pairing could not go on. The message says what happened and what to do next; the
 * reason is one of the constants here, for programs.
 */
public class PairingException extends Exception {

    private static final long serialVersionUID = 1L;

    /** Reason: pairing is already open on this device. */
    public static final String ALREADY_OPEN = "already_open";
    /** Reason: the other device is pairing with someone else right now. */
    public static final String BUSY = "busy";
    /** Reason: the PIN was wrong. */
    public static final String PIN_MISMATCH = "pin_mismatch";
    /** Reason: the PIN is void (three wrong guesses, or already used). */
    public static final String PIN_VOID = "pin_void";
    /** Reason: the PIN expired. */
    public static final String EXPIRED = "expired";
    /** Reason: the user of the device showing the PIN declined. */
    public static final String DECLINED = "declined";
    /** Reason: the other device's identity was refused. */
    public static final String IDENTITY_REFUSED = "identity_refused";
    /** Reason: the other device could not be reached, or answered something unexpected. */
    public static final String UNREACHABLE = "unreachable";
    /** Reason: the other device broke the protocol. */
    public static final String PROTOCOL_ERROR = "protocol_error";
    /** Reason: the input (address, port, PIN) is not valid. */
    public static final String INVALID = "invalid";
    /** Reason: this node failed (e.g. cannot write its trust list). */
    public static final String INTERNAL = "internal";

    private final String reason;
    private final Integer remainingAttempts;

    /**
     * @param reason  one of the constants
     * @param message for people
     */
    public PairingException(String reason, String message) {
        this(reason, message, null, null);
    }

    /**
     * @param reason            one of the constants
     * @param message           for people
     * @param remainingAttempts guesses left on the PIN, when a guess was used up
     * @param cause             the cause, or null
     */
    public PairingException(String reason, String message, Integer remainingAttempts, Throwable cause) {
        super(message, cause);
        this.reason = reason;
        this.remainingAttempts = remainingAttempts;
    }

    /**
     * @return the reason, one of the constants
     */
    public String reason() {
        return reason;
    }

    /**
     * @return guesses left on the PIN, when this failure used one up
     */
    public OptionalInt remainingAttempts() {
        return remainingAttempts == null ? OptionalInt.empty() : OptionalInt.of(remainingAttempts);
    }
}
