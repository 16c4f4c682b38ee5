package org.moodhaven.pairing.internal;

/**
 * What a step of the device showing the PIN ({@link PairingHost}) answered.
 * Each outcome carries the HTTP status and {@code "error"} code the pairing
 * server sends for it (PROTOCOL.md section 5), so the mapping lives in one place.
 *
 * @param <T> the value of a successful step
 */
public sealed interface PairingOutcome<T> {

    /**
     * @return the HTTP status the pairing server answers with
     */
    int httpStatus();

    /**
     * @return the {@code "error"} member of the answer, or {@code null} for {@link Ok}
     */
    String error();

    /**
     * The step succeeded.
     *
     * @param value its result
     * @param <T>   its type
     */
    record Ok<T>(T value) implements PairingOutcome<T> {
        @Override
        public int httpStatus() {
            return 200;
        }

        @Override
        public String error() {
            return null;
        }
    }

    /**
     * A {@code round1} arrived while another attempt is in progress.
     *
     * @param <T> the value type of the step
     */
    record Busy<T>() implements PairingOutcome<T> {
        @Override
        public int httpStatus() {
            return 409;
        }

        @Override
        public String error() {
            return "busy";
        }
    }

    /**
     * A step of another attempt, replayed, or out of order.
     *
     * @param reason what was wrong, for the log
     * @param <T>    the value type of the step
     */
    record Conflict<T>(String reason) implements PairingOutcome<T> {
        @Override
        public int httpStatus() {
            return 409;
        }

        @Override
        public String error() {
            return "conflict";
        }
    }

    /**
     * The partner's round-3 MAC did not verify: it does not know the PIN. One attempt used.
     *
     * @param remainingAttempts failed attempts left before the PIN is void (0: it is void now)
     * @param <T>               the value type of the step
     */
    record PinMismatch<T>(int remainingAttempts) implements PairingOutcome<T> {
        @Override
        public int httpStatus() {
            return 403;
        }

        @Override
        public String error() {
            return "pin_mismatch";
        }
    }

    /**
     * The PIN can no longer be used: three attempts failed, or it already paired a device.
     *
     * @param used {@code true} when it paired a device (one success per PIN), {@code false}
     *             after three failed attempts
     * @param <T>  the value type of the step
     */
    record PinVoid<T>(boolean used) implements PairingOutcome<T> {
        @Override
        public int httpStatus() {
            return 410;
        }

        @Override
        public String error() {
            return "pin_void";
        }
    }

    /**
     * The PIN is more than 5 minutes old.
     *
     * @param <T> the value type of the step
     */
    record Expired<T>() implements PairingOutcome<T> {
        @Override
        public int httpStatus() {
            return 410;
        }

        @Override
        public String error() {
            return "expired";
        }
    }

    /**
     * A's user declined the device that completed the exchange.
     *
     * @param <T> the value type of the step
     */
    record Declined<T>() implements PairingOutcome<T> {
        @Override
        public int httpStatus() {
            return 403;
        }

        @Override
        public String error() {
            return "declined";
        }
    }

    /**
     * A's user has not decided yet ({@code result} only; the HTTP layer keeps waiting).
     *
     * @param <T> the value type of the step
     */
    record Pending<T>() implements PairingOutcome<T> {
        @Override
        public int httpStatus() {
            return 202;
        }

        @Override
        public String error() {
            return "pending";
        }
    }

    /**
     * The body breaks the page, or a J-PAKE payload failed BouncyCastle's validation
     * (a bad zero-knowledge proof, equal participant ids). No PIN guess was made, so
     * no attempt is counted; an attempt it belonged to is dropped.
     *
     * @param reason what was wrong
     * @param <T>    the value type of the step
     */
    record Malformed<T>(String reason) implements PairingOutcome<T> {
        @Override
        public int httpStatus() {
            return 400;
        }

        @Override
        public String error() {
            return "malformed";
        }
    }

    /**
     * The partner knew the PIN but its revealed identity failed a check. Counted as a
     * failed attempt, like a wrong PIN.
     *
     * @param problem           which check failed
     * @param remainingAttempts failed attempts left before the PIN is void
     * @param <T>               the value type of the step
     */
    record IdentityRefused<T>(IdentityProblem problem, int remainingAttempts) implements PairingOutcome<T> {
        @Override
        public int httpStatus() {
            return 403;
        }

        @Override
        public String error() {
            return "identity_refused";
        }
    }

    /**
     * @return the JSON body of a failure, {@code {"error": ..., "remainingAttempts": n}} where
     *         a count applies
     * @throws IllegalStateException for {@link Ok}, whose body is the step's own answer
     */
    default byte[] errorBody() {
        if (this instanceof Ok<?>) {
            throw new IllegalStateException("an ok step answers with its own body");
        }
        JsonObjectWriter body = new JsonObjectWriter().string("error", error());
        if (this instanceof PinMismatch<?> mismatch) {
            body.number("remainingAttempts", mismatch.remainingAttempts());
        } else if (this instanceof IdentityRefused<?> refused) {
            body.number("remainingAttempts", refused.remainingAttempts());
        }
        return body.bytes();
    }
}
