package org.moodhaven.pairing.internal;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

import org.bouncycastle.crypto.CryptoException;
import org.bouncycastle.crypto.agreement.jpake.JPAKEParticipant;
import org.bouncycastle.crypto.agreement.jpake.JPAKERound1Payload;
import org.bouncycastle.crypto.agreement.jpake.JPAKERound2Payload;
import org.bouncycastle.crypto.agreement.jpake.JPAKERound3Payload;
import org.moodhaven.api.crypto.CryptoProvider;
import org.moodhaven.api.identity.DeviceIdentity;
import org.moodhaven.api.node.NodeClock;
import org.moodhaven.api.pairing.PairingCaller;
import org.moodhaven.api.pairing.PairingStatus;

/**
 * Pairing on device A, the one showing the PIN (PROTOCOL.md section 5), as a
 * state machine without transport: each method takes a request body and
 * returns the outcome the pairing server sends. One instance is one displayed
 * PIN.
 * <p>
 * The limits: the PIN expires {@link #PIN_LIFETIME} after it was made; after
 * {@link #MAX_FAILED_ATTEMPTS} failed attempts it is void; it pairs at most one
 * device. One attempt (one J-PAKE run, one PIN guess) runs at a time and is
 * dropped after {@link #ATTEMPT_IDLE} without its next step. A device that completed
 * the exchange waits for A's user only as long as the PIN lives: once it expired, the
 * request lapses, {@code result} answers {@code expired} and nothing can approve it, so
 * neither side ends up trusting the other alone. A's round-3 MAC
 * and sealed identity are released only after B's MAC verified, so a wrong
 * guess learns nothing that could be tested offline.
 * <p>
 * Methods are synchronized: the HTTP layer may call from several threads.
 */
public final class PairingHost {

    /** How long a PIN can be used after it was made. */
    public static final Duration PIN_LIFETIME = Duration.ofMinutes(5);
    /** An attempt without its next step for this long is dropped. */
    public static final Duration ATTEMPT_IDLE = Duration.ofSeconds(30);
    /** Failed attempts that void the PIN. */
    public static final int MAX_FAILED_ATTEMPTS = 3;

    /** Where this PIN stands, for the screen and for closing the server. */
    public enum State {
        /** Waiting for a round 1. */
        OPEN,
        /** An attempt is in progress. */
        ATTEMPT_IN_PROGRESS,
        /** A device completed the exchange; A's user has not decided. */
        AWAITING_APPROVAL,
        /** A's user approved the device. */
        APPROVED,
        /** A's user declined the device. */
        DECLINED,
        /** Three attempts failed. */
        VOID,
        /** The PIN is older than five minutes (a device awaiting approval was not approved in time). */
        EXPIRED
    }

    private enum Stage { AWAITING_ROUND2, AWAITING_CONFIRM }

    private enum Decision { PENDING, APPROVED, DECLINED }

    private static final class Attempt {
        final String token;
        final JPAKEParticipant participant;
        final String partnerId;
        final String from;
        Stage stage = Stage.AWAITING_ROUND2;
        Instant lastStep;

        Attempt(String token, JPAKEParticipant participant, String partnerId, String from, Instant now) {
            this.token = token;
            this.participant = participant;
            this.partnerId = partnerId;
            this.from = from;
            this.lastStep = now;
        }
    }

    /**
     * What approving does before the approval counts, run while no step can see the
     * decision: the caller's trust write. If it throws, nothing was approved.
     *
     * @param <E> what it throws
     */
    @FunctionalInterface
    public interface Approval<E extends Exception> {
        /**
         * @param pending the device being approved
         * @throws E if it cannot be trusted (then it stays awaiting approval)
         */
        void trust(PendingApproval pending) throws E;
    }

    private final Pin pin;
    private final DeviceIdentity self;
    private final OptionalInt syncPort;
    private final IdentityChecks checks;
    private final CryptoProvider crypto;
    private final NodeClock clock;
    private final SecureRandom random;
    private final Instant created;
    private final RecentCallers callers = new RecentCallers(PairingStatus.MAX_CALLERS);

    private int failedAttempts;
    private Attempt current;
    private String completedToken;
    private PendingApproval completed;
    private Decision decision;

    /**
     * A host whose revealed identity carries no {@code syncPort} (as a device without a sync
     * server, or one from before the field, sends it).
     *
     * @param pin     the PIN shown on this device
     * @param self    this device's identity (signs the revealed identity)
     * @param checks  the identity checks; {@code checks.ownDeviceId()} must be {@code self}'s
     * @param crypto  HKDF, AES-GCM, Ed25519 and the CSPRNG of tokens and nonces
     * @param clock   the clock limits are measured on; the PIN is made now
     * @param random  the CSPRNG of the J-PAKE exponents
     * @throws IllegalArgumentException if the checks are for another device
     */
    public PairingHost(Pin pin, DeviceIdentity self, IdentityChecks checks, CryptoProvider crypto, NodeClock clock,
            SecureRandom random) {
        this(pin, self, OptionalInt.empty(), checks, crypto, clock, random);
    }

    /**
     * @param pin      the PIN shown on this device
     * @param self     this device's identity (signs the revealed identity)
     * @param syncPort the port this device's sync server is bound to, revealed to the partner as
     *                 {@code syncPort}; empty to leave it out
     * @param checks   the identity checks; {@code checks.ownDeviceId()} must be {@code self}'s
     * @param crypto   HKDF, AES-GCM, Ed25519 and the CSPRNG of tokens and nonces
     * @param clock    the clock limits are measured on; the PIN is made now
     * @param random   the CSPRNG of the J-PAKE exponents
     * @throws IllegalArgumentException if the checks are for another device, or the port is not 1 to 65535
     */
    public PairingHost(Pin pin, DeviceIdentity self, OptionalInt syncPort, IdentityChecks checks,
            CryptoProvider crypto, NodeClock clock, SecureRandom random) {
        this.pin = Objects.requireNonNull(pin, "pin");
        this.self = Objects.requireNonNull(self, "self");
        this.syncPort = Objects.requireNonNull(syncPort, "syncPort");
        if (syncPort.isPresent() && (syncPort.getAsInt() < 1 || syncPort.getAsInt() > 65_535)) {
            throw new IllegalArgumentException("a sync port is 1 to 65535, not " + syncPort.getAsInt());
        }
        this.checks = Objects.requireNonNull(checks, "checks");
        this.crypto = Objects.requireNonNull(crypto, "crypto");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.random = Objects.requireNonNull(random, "random");
        if (!checks.ownDeviceId().equals(self.deviceId())) {
            throw new IllegalArgumentException("the identity checks are for another device");
        }
        this.created = clock.now();
    }

    /**
     * Step 1 from a sender whose address is not known (an exchange in memory).
     *
     * @param body {@code {"round1": R1}}
     * @return as {@link #round1(byte[], String)}
     */
    public PairingOutcome<byte[]> round1(byte[] body) {
        return round1(body, "unknown");
    }

    /**
     * Step 1: B's round 1; starts an attempt. Every round 1 is counted for its sender's
     * address, whatever the answer (see {@link #callers()}).
     *
     * @param body {@code {"round1": R1}}
     * @param from the sender's address, as shown to A's user
     * @return on success {@code {"round1": R1, "attempt": token}}; else busy, pin void,
     *         expired or malformed
     */
    public synchronized PairingOutcome<byte[]> round1(byte[] body, String from) {
        Instant now = clock.now();
        callers.record(Objects.requireNonNull(from, "from"), now);
        Optional<PairingOutcome<byte[]>> closed = closed(now, true);
        if (closed.isPresent()) {
            return closed.get();
        }
        if (current != null) {
            return new PairingOutcome.Busy<>();
        }
        JPAKERound1Payload received;
        try {
            received = JpakeCodec.decodeRound1(Fields.object(PairingJson.parseObject(body), "round1"));
        } catch (MalformedMessage e) {
            return new PairingOutcome.Malformed<>(e.getMessage());
        }
        JPAKEParticipant participant = Jpake.participant(self.deviceId(), pin, random);
        JPAKERound1Payload own = participant.createRound1PayloadToSend();
        try {
            participant.validateRound1PayloadReceived(received);
        } catch (CryptoException e) {
            return new PairingOutcome.Malformed<>("round 1 refused: " + e.getMessage());
        }
        String token = PairingMessages.newToken(crypto.randomBytes(PairingMessages.TOKEN_BYTES));
        current = new Attempt(token, participant, received.getParticipantId(), from, now);
        return new PairingOutcome.Ok<>(PairingMessages.round1Answer(JpakeCodec.encodeRound1(own), token));
    }

    /**
     * Step 2: B's round 2 of the current attempt.
     *
     * @param body {@code {"attempt": token, "round2": R2}}
     * @return on success {@code {"round2": R2}}; else conflict, pin void, expired or malformed
     */
    public synchronized PairingOutcome<byte[]> round2(byte[] body) {
        Instant now = clock.now();
        StepRequest step = openStep(body, Stage.AWAITING_ROUND2, now);
        if (step.refusal().isPresent()) {
            return step.refusal().get();
        }
        Map<String, Object> request = step.body();
        Attempt attempt = current;
        // BouncyCastle creates a payload only before it validates the partner's of the same
        // round; A's round 2 is made here but sent only if B's validates.
        JPAKERound2Payload own = attempt.participant.createRound2PayloadToSend();
        try {
            JPAKERound2Payload received = JpakeCodec.decodeRound2(Fields.object(request, "round2"));
            attempt.participant.validateRound2PayloadReceived(received);
        } catch (MalformedMessage | CryptoException e) {
            current = null;
            return new PairingOutcome.Malformed<>("round 2 refused: " + e.getMessage());
        }
        attempt.stage = Stage.AWAITING_CONFIRM;
        attempt.lastStep = now;
        return new PairingOutcome.Ok<>(PairingMessages.round2Answer(JpakeCodec.encodeRound2(own)));
    }

    /**
     * Step 3 from a sender whose address is not known (an exchange in memory): the device
     * awaiting approval has no address to sync with.
     *
     * @param body {@code {"attempt": token, "round3": R3, "identity": SEALED}}
     * @return as {@link #confirm(byte[], Optional)}
     */
    public PairingOutcome<byte[]> confirm(byte[] body) {
        return confirm(body, Optional.empty());
    }

    /**
     * Step 3: B's key confirmation and sealed identity. B's MAC is verified first (a
     * failure is one failed attempt), only then is its identity opened and checked; on
     * success A's own confirmation and identity are released and the device awaits
     * approval.
     *
     * @param body {@code {"attempt": token, "round3": R3, "identity": SEALED}}
     * @param from the address literal this request came from: with the {@code syncPort} B
     *             reveals, where B's sync server is
     * @return on success {@code {"round3": R3, "identity": SEALED}}; else pin mismatch,
     *         identity refused, conflict, pin void, expired or malformed
     */
    public synchronized PairingOutcome<byte[]> confirm(byte[] body, Optional<String> from) {
        Instant now = clock.now();
        StepRequest step = openStep(body, Stage.AWAITING_CONFIRM, now);
        if (step.refusal().isPresent()) {
            return step.refusal().get();
        }
        Map<String, Object> request = step.body();
        Attempt attempt = current;
        // Whatever happens next, this attempt is over: its one PIN guess is being spent.
        current = null;
        JPAKERound3Payload received;
        SealedIdentity sealed;
        try {
            received = JpakeCodec.decodeRound3(Fields.object(request, "round3"));
            sealed = SealedIdentity.decode(Fields.object(request, "identity"));
        } catch (MalformedMessage e) {
            return new PairingOutcome.Malformed<>(e.getMessage());
        }
        if (!received.getParticipantId().equals(attempt.partnerId)) {
            return new PairingOutcome.Malformed<>("round 3 names another participant");
        }
        BigInteger keyingMaterial = attempt.participant.calculateKeyingMaterial();
        // Made before B's tag is checked (BouncyCastle's order), released only after.
        JPAKERound3Payload own = attempt.participant.createRound3PayloadToSend(keyingMaterial);
        try {
            attempt.participant.validateRound3PayloadReceived(received, keyingMaterial);
        } catch (CryptoException e) {
            failedAttempts++;
            return new PairingOutcome.PinMismatch<>(remainingAttempts());
        }
        PairingKeys keys = PairingKeys.derive(keyingMaterial, crypto);
        try {
            PeerIdentity peer;
            try {
                peer = sealed.open(keys.sealB(), keys.bind(), attempt.partnerId, checks, crypto);
            } catch (IdentityRefusedException e) {
                failedAttempts++;
                return new PairingOutcome.IdentityRefused<>(e.problem(), remainingAttempts());
            }
            SealedIdentity ownIdentity = SealedIdentity.seal(self, syncPort, keys.sealA(), keys.bind(),
                    self.deviceId(), attempt.partnerId, crypto);
            completedToken = attempt.token;
            completed = new PendingApproval(peer, keys.checkCode(), peer.syncAddress(from));
            decision = Decision.PENDING;
            return new PairingOutcome.Ok<>(
                    PairingMessages.confirmAnswer(JpakeCodec.encodeRound3(own), ownIdentity.toJson()));
        } finally {
            keys.destroy();
        }
    }

    /**
     * Step 4: whether A's user approved the device that completed the exchange. The
     * HTTP layer waits (up to 60 s) while the answer is pending.
     *
     * @param body {@code {"attempt": token}} of the completed attempt
     * @return {@code {"approved": true}}, pending, declined, conflict (another attempt's
     *         token) or malformed
     */
    public synchronized PairingOutcome<byte[]> result(byte[] body) {
        String token;
        try {
            token = PairingMessages.token(PairingJson.parseObject(body));
        } catch (MalformedMessage e) {
            return new PairingOutcome.Malformed<>(e.getMessage());
        }
        if (completedToken == null || !sameToken(completedToken, token)) {
            return new PairingOutcome.Conflict<>("not the attempt that completed the exchange");
        }
        return switch (decision) {
            case PENDING -> lapsed(clock.now()) ? new PairingOutcome.Expired<>() : new PairingOutcome.Pending<>();
            case APPROVED -> new PairingOutcome.Ok<>(PairingMessages.approvedAnswer());
            case DECLINED -> new PairingOutcome.Declined<>();
        };
    }

    /**
     * @return the device awaiting A's user's decision, with the check code, if any and the
     *         PIN has not expired
     */
    public synchronized Optional<PendingApproval> pendingApproval() {
        return decision == Decision.PENDING && !lapsed(clock.now()) ? Optional.of(completed) : Optional.empty();
    }

    /**
     * @return the device that was awaiting approval when the PIN expired, if one was: it
     *         can no longer be approved
     */
    public synchronized Optional<PendingApproval> lapsedApproval() {
        return decision == Decision.PENDING && lapsed(clock.now()) ? Optional.of(completed) : Optional.empty();
    }

    /**
     * A's user approves the device awaiting approval; the caller then trusts it.
     *
     * @return the approved device, or empty if none was awaiting approval (or it lapsed)
     */
    public Optional<PeerIdentity> approve() {
        return approve(pending -> { }).map(PendingApproval::device);
    }

    /**
     * A's user approves the device awaiting approval: {@code trust} runs first, and only
     * if it succeeds is the approval final. Both happen under this host's lock, so no
     * {@code result} step or expiry can come between: either the device is trusted and B
     * is told {@code approved}, or neither.
     *
     * @param trust what approving does (writing the trust list)
     * @param <E>   what {@code trust} throws
     * @return the approved device, or empty if none was awaiting approval or the PIN expired
     * @throws E if {@code trust} failed; the device still awaits approval
     */
    public synchronized <E extends Exception> Optional<PendingApproval> approve(Approval<E> trust) throws E {
        if (decision != Decision.PENDING || lapsed(clock.now())) {
            return Optional.empty();
        }
        trust.trust(completed);
        decision = Decision.APPROVED;
        return Optional.of(completed);
    }

    /**
     * A's user declines the device awaiting approval. The PIN stays used.
     *
     * @return whether a device was awaiting approval (one that lapsed with the PIN was not)
     */
    public synchronized boolean decline() {
        if (decision != Decision.PENDING || lapsed(clock.now())) {
            return false;
        }
        decision = Decision.DECLINED;
        return true;
    }

    /**
     * @return the address of the device whose attempt is in progress, if one is
     */
    public synchronized Optional<String> attemptFrom() {
        return state() == State.ATTEMPT_IN_PROGRESS ? Optional.of(current.from) : Optional.empty();
    }

    /**
     * @return the addresses that sent this PIN a round 1, the latest first (at most
     *         {@link PairingStatus#MAX_CALLERS})
     */
    public List<PairingCaller> callers() {
        return callers.latestFirst();
    }

    /**
     * @return failed attempts so far (wrong PIN or refused identity)
     */
    public synchronized int failedAttempts() {
        return failedAttempts;
    }

    /**
     * @return the state of this PIN now
     */
    public synchronized State state() {
        Instant now = clock.now();
        if (decision != null) {
            return switch (decision) {
                case PENDING -> lapsed(now) ? State.EXPIRED : State.AWAITING_APPROVAL;
                case APPROVED -> State.APPROVED;
                case DECLINED -> State.DECLINED;
            };
        }
        if (failedAttempts >= MAX_FAILED_ATTEMPTS) {
            return State.VOID;
        }
        if (expired(now)) {
            return State.EXPIRED;
        }
        dropIdle(now);
        return current == null ? State.OPEN : State.ATTEMPT_IN_PROGRESS;
    }

    /**
     * @return when the PIN was made
     */
    public Instant created() {
        return created;
    }

    /**
     * @return the PIN, to show on this device's screen only
     */
    public Pin pin() {
        return pin;
    }

    /** A step's body once the checks every step of an attempt starts with have passed, or why not. */
    private record StepRequest(Map<String, Object> body, Optional<PairingOutcome<byte[]>> refusal) {
    }

    /**
     * The checks round 2 and confirm start with: the PIN still takes steps, the body is
     * well formed, and it carries the token of the attempt in progress at this stage.
     */
    private StepRequest openStep(byte[] body, Stage expected, Instant now) {
        Optional<PairingOutcome<byte[]>> closed = closed(now, false);
        if (closed.isPresent()) {
            return new StepRequest(null, closed);
        }
        Map<String, Object> request;
        String token;
        try {
            request = PairingJson.parseObject(body);
            token = PairingMessages.token(request);
        } catch (MalformedMessage e) {
            return new StepRequest(null, Optional.of(new PairingOutcome.Malformed<>(e.getMessage())));
        }
        return new StepRequest(request, conflict(token, expected));
    }

    /** The answer when this PIN takes no J-PAKE step any more; a later step of the paired attempt is a replay. */
    private Optional<PairingOutcome<byte[]>> closed(Instant now, boolean starting) {
        if (lapsed(now)) {
            return Optional.of(new PairingOutcome.Expired<>());
        }
        if (decision != null) {
            return Optional.of(starting ? new PairingOutcome.PinVoid<>(true)
                    : new PairingOutcome.Conflict<>("the exchange is already complete"));
        }
        if (failedAttempts >= MAX_FAILED_ATTEMPTS) {
            return Optional.of(new PairingOutcome.PinVoid<>(false));
        }
        if (expired(now)) {
            current = null;
            return Optional.of(new PairingOutcome.Expired<>());
        }
        dropIdle(now);
        return Optional.empty();
    }

    private Optional<PairingOutcome<byte[]>> conflict(String token, Stage expected) {
        if (current == null || !sameToken(current.token, token)) {
            return Optional.of(new PairingOutcome.Conflict<>("no attempt in progress with this token"));
        }
        if (current.stage != expected) {
            return Optional.of(new PairingOutcome.Conflict<>("step out of order"));
        }
        return Optional.empty();
    }

    private boolean expired(Instant now) {
        return !now.isBefore(created.plus(PIN_LIFETIME));
    }

    /** A device completed the exchange, A's user had not decided, and the PIN expired. */
    private boolean lapsed(Instant now) {
        return decision == Decision.PENDING && expired(now);
    }

    private void dropIdle(Instant now) {
        if (current != null && !now.isBefore(current.lastStep.plus(ATTEMPT_IDLE))) {
            current = null;
        }
    }

    private int remainingAttempts() {
        return Math.max(0, MAX_FAILED_ATTEMPTS - failedAttempts);
    }

    private static boolean sameToken(String a, String b) {
        return MessageDigest.isEqual(a.getBytes(StandardCharsets.US_ASCII), b.getBytes(StandardCharsets.US_ASCII));
    }
}
