package org.moodhaven.pairing.internal;

import java.math.BigInteger;
import java.security.SecureRandom;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalInt;

import org.bouncycastle.crypto.CryptoException;
import org.bouncycastle.crypto.agreement.jpake.JPAKEParticipant;
import org.bouncycastle.crypto.agreement.jpake.JPAKERound1Payload;
import org.bouncycastle.crypto.agreement.jpake.JPAKERound2Payload;
import org.bouncycastle.crypto.agreement.jpake.JPAKERound3Payload;
import org.moodhaven.api.crypto.CryptoProvider;
import org.moodhaven.api.identity.DeviceIdentity;

/**
 * Pairing on device B, the one the PIN is typed into (PROTOCOL.md section 5), as a
 * one-shot state machine without transport: it writes each request body and
 * reads each of A's answers, in order
 * {@link #round1Request()}, {@link #onRound1Answer}, {@link #onRound2Answer},
 * {@link #onConfirmAnswer}. Any failure ends it; a new attempt needs a new instance.
 * <p>
 * B's own identity goes out sealed under a key only a holder of the PIN can
 * derive; A's identity is opened only after A's round-3 MAC verified.
 */
public final class PairingGuest {

    private enum Stage { NEW, ROUND1_SENT, ROUND2_SENT, CONFIRM_SENT, DONE, FAILED }

    private final DeviceIdentity self;
    private final OptionalInt syncPort;
    private final IdentityChecks checks;
    private final CryptoProvider crypto;
    private final JPAKEParticipant participant;

    private Stage stage = Stage.NEW;
    private String token;
    private String hostId;
    private BigInteger keyingMaterial;
    private PairingKeys keys;

    /**
     * A guest whose revealed identity carries no {@code syncPort} (as a device without a sync
     * server, or one from before the field, sends it).
     *
     * @param pin    the PIN the user typed (or read from the QR code)
     * @param self   this device's identity
     * @param checks what B checks A's identity against (expected deviceId, QR {@code fp})
     * @param crypto HKDF, AES-GCM, Ed25519 and the CSPRNG of nonces
     * @param random the CSPRNG of the J-PAKE exponents
     * @throws IllegalArgumentException if the checks are for another device
     */
    public PairingGuest(Pin pin, DeviceIdentity self, IdentityChecks checks, CryptoProvider crypto,
            SecureRandom random) {
        this(pin, self, OptionalInt.empty(), checks, crypto, random);
    }

    /**
     * @param pin      the PIN the user typed (or read from the QR code)
     * @param self     this device's identity
     * @param syncPort the port this device's sync server is bound to, revealed to A as
     *                 {@code syncPort}; empty to leave it out
     * @param checks   what B checks A's identity against (expected deviceId, QR {@code fp})
     * @param crypto   HKDF, AES-GCM, Ed25519 and the CSPRNG of nonces
     * @param random   the CSPRNG of the J-PAKE exponents
     * @throws IllegalArgumentException if the checks are for another device, or the port is not 1 to 65535
     */
    public PairingGuest(Pin pin, DeviceIdentity self, OptionalInt syncPort, IdentityChecks checks,
            CryptoProvider crypto, SecureRandom random) {
        this.self = Objects.requireNonNull(self, "self");
        this.syncPort = Objects.requireNonNull(syncPort, "syncPort");
        if (syncPort.isPresent() && (syncPort.getAsInt() < 1 || syncPort.getAsInt() > 65_535)) {
            throw new IllegalArgumentException("a sync port is 1 to 65535, not " + syncPort.getAsInt());
        }
        this.checks = Objects.requireNonNull(checks, "checks");
        this.crypto = Objects.requireNonNull(crypto, "crypto");
        if (!checks.ownDeviceId().equals(self.deviceId())) {
            throw new IllegalArgumentException("the identity checks are for another device");
        }
        this.participant = Jpake.participant(self.deviceId(), pin, random);
    }

    /**
     * @return the body of {@code POST /pair/v2/round1}
     * @throws PairingFailedException if called twice
     */
    public synchronized byte[] round1Request() throws PairingFailedException {
        expect(Stage.NEW);
        stage = Stage.ROUND1_SENT;
        return PairingMessages.round1Request(JpakeCodec.encodeRound1(participant.createRound1PayloadToSend()));
    }

    /**
     * Reads A's round 1 and the attempt token.
     *
     * @param answer A's answer to round 1
     * @return the body of {@code POST /pair/v2/round2}
     * @throws PairingFailedException if the answer is malformed or its J-PAKE payload invalid,
     *                                A is not the device expected, or out of order
     */
    public synchronized byte[] onRound1Answer(byte[] answer) throws PairingFailedException {
        expect(Stage.ROUND1_SENT);
        try {
            Map<String, Object> body = PairingJson.parseObject(answer);
            JPAKERound1Payload received = JpakeCodec.decodeRound1(Fields.object(body, "round1"));
            String attempt = PairingMessages.token(body);
            if (checks.expectedDeviceId().isPresent()
                    && !checks.expectedDeviceId().get().equals(received.getParticipantId())) {
                // Stop before B's identity is sealed for a device it did not mean to pair with.
                throw fail(new PairingFailedException(IdentityProblem.UNEXPECTED_DEVICE));
            }
            participant.validateRound1PayloadReceived(received);
            token = attempt;
            hostId = received.getParticipantId();
        } catch (MalformedMessage | CryptoException e) {
            throw fail(new PairingFailedException(PairingFailedException.Reason.MALFORMED,
                    "A's round 1: " + e.getMessage()));
        }
        stage = Stage.ROUND2_SENT;
        return PairingMessages.round2Request(token, JpakeCodec.encodeRound2(participant.createRound2PayloadToSend()));
    }

    /**
     * Reads A's round 2, derives the keys and seals this device's identity.
     *
     * @param answer A's answer to round 2
     * @return the body of {@code POST /pair/v2/confirm}
     * @throws PairingFailedException if the answer is malformed or invalid, or out of order
     */
    public synchronized byte[] onRound2Answer(byte[] answer) throws PairingFailedException {
        expect(Stage.ROUND2_SENT);
        try {
            JPAKERound2Payload received = JpakeCodec.decodeRound2(
                    Fields.object(PairingJson.parseObject(answer), "round2"));
            participant.validateRound2PayloadReceived(received);
        } catch (MalformedMessage | CryptoException e) {
            throw fail(new PairingFailedException(PairingFailedException.Reason.MALFORMED,
                    "A's round 2: " + e.getMessage()));
        }
        keyingMaterial = participant.calculateKeyingMaterial();
        keys = PairingKeys.derive(keyingMaterial, crypto);
        JPAKERound3Payload own = participant.createRound3PayloadToSend(keyingMaterial);
        SealedIdentity identity = SealedIdentity.seal(self, syncPort, keys.sealB(), keys.bind(), self.deviceId(),
                hostId, crypto);
        stage = Stage.CONFIRM_SENT;
        return PairingMessages.confirmRequest(token, JpakeCodec.encodeRound3(own), identity.toJson());
    }

    /**
     * Verifies A's round-3 MAC, then opens and checks A's identity.
     *
     * @param answer A's 200 answer to confirm
     * @return A's identity and the check code
     * @throws PairingFailedException if the MAC fails (another PIN, or a man in the middle),
     *                                the identity is refused, the answer is malformed, or out of
     *                                order
     */
    public synchronized PairedWithHost onConfirmAnswer(byte[] answer) throws PairingFailedException {
        expect(Stage.CONFIRM_SENT);
        JPAKERound3Payload received;
        SealedIdentity sealed;
        try {
            Map<String, Object> body = PairingJson.parseObject(answer);
            received = JpakeCodec.decodeRound3(Fields.object(body, "round3"));
            sealed = SealedIdentity.decode(Fields.object(body, "identity"));
        } catch (MalformedMessage e) {
            throw fail(new PairingFailedException(PairingFailedException.Reason.MALFORMED,
                    "A's confirmation: " + e.getMessage()));
        }
        try {
            participant.validateRound3PayloadReceived(received, keyingMaterial);
        } catch (CryptoException e) {
            throw fail(new PairingFailedException(PairingFailedException.Reason.KEY_CONFIRMATION_FAILED,
                    "A's key confirmation does not verify"));
        }
        try {
            PeerIdentity host = sealed.open(keys.sealA(), keys.bind(), hostId, checks, crypto);
            stage = Stage.DONE;
            return new PairedWithHost(host, keys.checkCode());
        } catch (IdentityRefusedException e) {
            throw fail(new PairingFailedException(e.problem()));
        } finally {
            wipe();
        }
    }

    /**
     * @return the body of {@code POST /pair/v2/result}
     * @throws PairingFailedException before A's confirmation was accepted
     */
    public synchronized byte[] resultRequest() throws PairingFailedException {
        expect(Stage.DONE);
        return PairingMessages.resultRequest(token);
    }

    private void expect(Stage expected) throws PairingFailedException {
        if (stage != expected) {
            throw new PairingFailedException(PairingFailedException.Reason.OUT_OF_ORDER,
                    "step asked for in stage " + stage);
        }
    }

    private PairingFailedException fail(PairingFailedException failure) {
        stage = Stage.FAILED;
        wipe();
        return failure;
    }

    private void wipe() {
        if (keys != null) {
            keys.destroy();
            keys = null;
        }
        keyingMaterial = null;
    }
}
