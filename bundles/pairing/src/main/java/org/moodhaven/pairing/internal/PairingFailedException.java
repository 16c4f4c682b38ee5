package org.moodhaven.pairing.internal;

import java.util.Optional;

/**
 * Pairing failed on device B, the one that typed the PIN. B then trusts nothing
 * and must start again.
 */
public final class PairingFailedException extends Exception {

    private static final long serialVersionUID = 1L;

    /** Why pairing failed. */
    public enum Reason {
        /** A's answer breaks PROTOCOL.md section 5, or its J-PAKE payload failed validation. */
        MALFORMED,
        /** A step was asked for out of order on this side. */
        OUT_OF_ORDER,
        /** A's round-3 MAC did not verify: the PIN differs, or someone is in the middle. */
        KEY_CONFIRMATION_FAILED,
        /** A's revealed identity failed a check; see {@link #problem()}. */
        IDENTITY_REFUSED
    }

    private final Reason reason;
    private final IdentityProblem problem;

    /**
     * @param reason  why
     * @param message details for the log (never a secret)
     */
    public PairingFailedException(Reason reason, String message) {
        super(message);
        this.reason = reason;
        this.problem = null;
    }

    /**
     * @param problem the identity check that failed
     */
    public PairingFailedException(IdentityProblem problem) {
        super(problem.description());
        this.reason = Reason.IDENTITY_REFUSED;
        this.problem = problem;
    }

    /**
     * @return why pairing failed
     */
    public Reason reason() {
        return reason;
    }

    /**
     * @return the identity check that failed, for {@link Reason#IDENTITY_REFUSED}
     */
    public Optional<IdentityProblem> problem() {
        return Optional.ofNullable(problem);
    }
}
