package org.moodhaven.pairing.internal;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

import org.junit.jupiter.api.Test;
import org.moodhaven.api.identity.DeviceIds;
import org.moodhaven.api.identity.TrustedDevice;
import org.moodhaven.api.pairing.PairingCaller;
import org.moodhaven.api.pairing.PairingStatus;
import org.moodhaven.api.sync.SyncAddress;
import org.moodhaven.testing.SeedIdentity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.moodhaven.pairing.internal.Devices.ok;

/** Both state machines against each other in memory, as the HTTP steps of PROTOCOL.md section 5 would run them. */
class PairingExchangeTest {

    private final Devices d = new Devices();

    private static String text(byte[] body) {
        return new String(body, StandardCharsets.UTF_8);
    }

    private static Map<String, Object> json(byte[] body) throws MalformedMessage {
        return PairingJson.parseObject(body);
    }

    @Test
    void rightPinGivesBothTheSameCodeAndEachTheOthersIdentity() throws Exception {
        PairingGuest guest = d.guest("042917");
        PairedWithHost paired = guest.onConfirmAnswer(ok(d.host.confirm(d.throughRound2(guest))));

        assertEquals(new PeerIdentity(d.a.deviceId(), d.a.deviceName(), d.a.publicKeyBase64(), OptionalInt.empty()), paired.host());
        assertTrue(paired.checkCode().matches("[0-9]{4}"), paired.checkCode());
        PendingApproval pending = d.host.pendingApproval().orElseThrow();
        assertEquals(new PeerIdentity(d.b.deviceId(), d.b.deviceName(), d.b.publicKeyBase64(), OptionalInt.empty()), pending.device());
        assertEquals(paired.checkCode(), pending.checkCode());
        assertEquals(PairingHost.State.AWAITING_APPROVAL, d.host.state());

        byte[] resultRequest = guest.resultRequest();
        assertInstanceOf(PairingOutcome.Pending.class, d.host.result(resultRequest));
        assertEquals(Optional.of(pending.device()), d.host.approve());
        assertEquals("{\"approved\":true}", text(ok(d.host.result(resultRequest))));
        assertEquals(PairingHost.State.APPROVED, d.host.state());
        assertTrue(d.host.pendingApproval().isEmpty());
        assertEquals(0, d.host.failedAttempts());
        assertEquals(Optional.empty(), pending.syncAddress(), "a device that did not say has no sync address");
    }

    @Test
    void eachSideLearnsWhereTheOthersSyncServerListens() throws Exception {
        PairingHost host = new PairingHost(d.pin, d.a, OptionalInt.of(44701),
                IdentityChecks.host(d.a.deviceId(), id -> Optional.empty()), Devices.CRYPTO, d.clock, Devices.RANDOM);
        PairingGuest guest = new PairingGuest(Pin.of("042917"), d.b, OptionalInt.of(50123),
                new IdentityChecks(d.b.deviceId(), Optional.empty(), Optional.empty(), id -> Optional.empty()),
                Devices.CRYPTO, Devices.RANDOM);
        byte[] r1 = ok(host.round1(guest.round1Request(), "192.168.1.50"));
        byte[] r2 = ok(host.round2(guest.onRound1Answer(r1)));
        PairedWithHost paired = guest.onConfirmAnswer(ok(host.confirm(guest.onRound2Answer(r2),
                Optional.of("192.168.1.50"))));

        // On B: A's port, at the host B reached A's pairing server on.
        assertEquals(OptionalInt.of(44701), paired.host().syncPort());
        assertEquals(Optional.of(new SyncAddress("192.168.1.20", 44701)),
                paired.host().syncAddress(Optional.of("192.168.1.20")));
        assertEquals("[fe80::1]:44701", paired.host().syncAddress(Optional.of("[fe80::1]")).orElseThrow().toString());
        // On A: B's port, at the address B's confirm came from; recorded once A's user approves.
        PendingApproval pending = host.pendingApproval().orElseThrow();
        assertEquals(OptionalInt.of(50123), pending.device().syncPort());
        assertEquals(Optional.of(new SyncAddress("192.168.1.50", 50123)), pending.syncAddress());
        TrustedDevice entry = pending.device().toTrustedDevice(d.clock.now(), pending.syncAddress());
        assertEquals("192.168.1.50:50123", entry.lastAddress());
    }

    @Test
    void declinedIsReportedToB() throws Exception {
        PairingGuest guest = d.guest("042917");
        guest.onConfirmAnswer(ok(d.host.confirm(d.throughRound2(guest))));
        assertTrue(d.host.decline());
        assertTrue(d.host.approve().isEmpty(), "a declined device cannot be approved afterwards");
        PairingOutcome<byte[]> result = d.host.result(guest.resultRequest());
        assertInstanceOf(PairingOutcome.Declined.class, result);
        assertEquals(403, result.httpStatus());
        assertEquals("{\"error\":\"declined\"}", text(result.errorBody()));
    }

    @Test
    void wrongPinUsesAnAttemptEachTimeThenVoidsThePin() throws Exception {
        for (int remaining = 2; remaining >= 0; remaining--) {
            PairingGuest guest = d.guest("042918");
            PairingOutcome<byte[]> outcome = d.host.confirm(d.throughRound2(guest));
            PairingOutcome.PinMismatch<byte[]> mismatch = assertInstanceOf(PairingOutcome.PinMismatch.class, outcome);
            assertEquals(remaining, mismatch.remainingAttempts());
            assertEquals(403, outcome.httpStatus());
            assertEquals("{\"error\":\"pin_mismatch\",\"remainingAttempts\":" + remaining + "}",
                    text(outcome.errorBody()));
            // B got no round 3 and no sealed identity from A: nothing to test a guess against.
            assertFalse(text(outcome.errorBody()).contains("identity"));
            assertThrows(PairingFailedException.class, guest::resultRequest);
        }
        assertEquals(3, d.host.failedAttempts());
        assertEquals(PairingHost.State.VOID, d.host.state());
        PairingOutcome<byte[]> after = d.host.round1(d.guest("042917").round1Request());
        assertEquals(new PairingOutcome.PinVoid<byte[]>(false), after);
        assertTrue(d.host.pendingApproval().isEmpty());
    }

    @Test
    void pinExpiresAfterFiveMinutes() throws Exception {
        d.clock.advance(Duration.ofMinutes(5).minusMillis(1));
        PairingGuest guest = d.guest("042917");
        byte[] r1 = ok(d.host.round1(guest.round1Request()));
        d.clock.advance(Duration.ofMillis(1));
        assertInstanceOf(PairingOutcome.Expired.class, d.host.round2(guest.onRound1Answer(r1)));
        assertInstanceOf(PairingOutcome.Expired.class, d.host.round1(d.guest("042917").round1Request()));
        assertEquals(PairingHost.State.EXPIRED, d.host.state());
    }

    @Test
    void onlyOneSuccessPerPin() throws Exception {
        PairingGuest guest = d.guest("042917");
        guest.onConfirmAnswer(ok(d.host.confirm(d.throughRound2(guest))));
        d.host.approve();
        assertEquals(new PairingOutcome.PinVoid<byte[]>(true), d.host.round1(d.guest("042917").round1Request()));
    }

    @Test
    void aDeviceAwaitingApprovalLapsesWithThePinAndCanNoLongerBeApproved() throws Exception {
        PairingGuest guest = d.guest("042917");
        guest.onConfirmAnswer(ok(d.host.confirm(d.throughRound2(guest))));
        byte[] resultRequest = guest.resultRequest();
        assertInstanceOf(PairingOutcome.Pending.class, d.host.result(resultRequest));

        d.clock.advance(PairingHost.PIN_LIFETIME);

        assertEquals(PairingHost.State.EXPIRED, d.host.state());
        assertTrue(d.host.pendingApproval().isEmpty(), "nothing is awaiting approval any more");
        assertTrue(d.host.approve().isEmpty(), "an approval after the PIN expired approves nothing");
        assertFalse(d.host.decline(), "nor is there anything to decline");
        PairingOutcome<byte[]> result = d.host.result(resultRequest);
        assertInstanceOf(PairingOutcome.Expired.class, result, "B is told the approval never came");
        assertEquals(410, result.httpStatus());
        assertEquals("{\"error\":\"expired\"}", text(result.errorBody()));
        assertInstanceOf(PairingOutcome.Expired.class, d.host.round1(d.guest("042917").round1Request()));
    }

    @Test
    void anApprovalJustBeforeThePinExpiresStandsAfterIt() throws Exception {
        PairingGuest guest = d.guest("042917");
        guest.onConfirmAnswer(ok(d.host.confirm(d.throughRound2(guest))));
        d.clock.advance(PairingHost.PIN_LIFETIME.minusMillis(1));
        List<PendingApproval> trusted = new ArrayList<>();

        assertEquals(d.b.deviceId(), d.host.approve(trusted::add).orElseThrow().device().deviceId());

        d.clock.advance(Duration.ofMinutes(1));
        assertEquals("{\"approved\":true}", text(ok(d.host.result(guest.resultRequest()))),
                "B fetches the approval after the PIN's expiry: both trust each other");
        assertEquals(1, trusted.size());
        assertTrue(d.host.lapsedApproval().isEmpty());
    }

    @Test
    void anApprovalWhoseTrustWriteFailsLeavesTheDeviceAwaitingApproval() throws Exception {
        PairingGuest guest = d.guest("042917");
        guest.onConfirmAnswer(ok(d.host.confirm(d.throughRound2(guest))));

        assertThrows(java.io.IOException.class, () -> d.host.approve(pending -> {
            throw new java.io.IOException("disk full");
        }));

        assertInstanceOf(PairingOutcome.Pending.class, d.host.result(guest.resultRequest()), "B was told nothing");
        assertTrue(d.host.pendingApproval().isPresent(), "the person can try approving again");
    }

    @Test
    void whoHoldsTheAttemptAndTheAddressesThatTriedAreKeptLatestFirstAndBounded() throws Exception {
        ok(d.host.round1(d.guest("042917").round1Request(), "192.168.1.50"));
        assertEquals(Optional.of("192.168.1.50"), d.host.attemptFrom());
        for (int i = 1; i <= 10; i++) {
            d.clock.advance(Duration.ofSeconds(1));
            assertInstanceOf(PairingOutcome.Busy.class, d.host.round1(d.guest("042917").round1Request(),
                    "10.0.0." + i));
        }
        d.clock.advance(Duration.ofSeconds(1));
        assertInstanceOf(PairingOutcome.Busy.class, d.host.round1(d.guest("042917").round1Request(), "10.0.0.9"));

        List<PairingCaller> callers = d.host.callers();
        assertEquals(PairingStatus.MAX_CALLERS, callers.size(), "bounded: " + callers);
        assertEquals(new PairingCaller("10.0.0.9", 2, d.clock.now()), callers.get(0));
        assertEquals(List.of("10.0.0.9", "10.0.0.10", "10.0.0.8", "10.0.0.7", "10.0.0.6", "10.0.0.5", "10.0.0.4",
                "10.0.0.3"), callers.stream().map(PairingCaller::address).toList());
        assertEquals(Optional.of("192.168.1.50"), d.host.attemptFrom(), "still holding the one attempt slot");

        d.clock.advance(PairingHost.ATTEMPT_IDLE);
        assertTrue(d.host.attemptFrom().isEmpty(), "an idle attempt is dropped, and its holder with it");
    }

    @Test
    void secondRound1DuringAnAttemptIsBusy() throws Exception {
        ok(d.host.round1(d.guest("042917").round1Request()));
        PairingOutcome<byte[]> second = d.host.round1(d.guest("042917").round1Request());
        assertInstanceOf(PairingOutcome.Busy.class, second);
        assertEquals(409, second.httpStatus());
        assertEquals(PairingHost.State.ATTEMPT_IN_PROGRESS, d.host.state());
    }

    @Test
    void idleAttemptIsDroppedAfterThirtySeconds() throws Exception {
        PairingGuest slow = d.guest("042917");
        byte[] slowRound2 = slow.onRound1Answer(ok(d.host.round1(slow.round1Request())));
        d.clock.advance(Duration.ofSeconds(29));
        assertInstanceOf(PairingOutcome.Busy.class, d.host.round1(d.guest("042917").round1Request()));
        d.clock.advance(Duration.ofSeconds(1));
        assertEquals(PairingHost.State.OPEN, d.host.state());
        PairingGuest next = d.guest("042917");
        byte[] nextRound2 = next.onRound1Answer(ok(d.host.round1(next.round1Request())));
        assertInstanceOf(PairingOutcome.Conflict.class, d.host.round2(slowRound2));
        ok(d.host.round2(nextRound2));
        assertEquals(0, d.host.failedAttempts());
    }

    @Test
    void stepsOfAnotherAttemptReplayedOrOutOfOrderAreConflicts() throws Exception {
        PairingGuest guest = d.guest("042917");
        byte[] r1 = ok(d.host.round1(guest.round1Request()));
        byte[] round2 = guest.onRound1Answer(r1);
        String token = (String) json(r1).get("attempt");
        assertEquals(16, DeviceIds.fromBase64Url(token).length);

        byte[] otherToken = text(round2).replace(token, DeviceIds.base64Url(new byte[16])).getBytes(StandardCharsets.UTF_8);
        PairingOutcome<byte[]> foreign = d.host.round2(otherToken);
        assertInstanceOf(PairingOutcome.Conflict.class, foreign);
        assertEquals(409, foreign.httpStatus());
        assertInstanceOf(PairingOutcome.Conflict.class, d.host.confirm(
                PairingMessages.confirmRequest(token, "{}", "{}")), "confirm before round 2");

        byte[] confirm = guest.onRound2Answer(ok(d.host.round2(round2)));
        assertInstanceOf(PairingOutcome.Conflict.class, d.host.round2(round2), "round 2 replayed");
        assertInstanceOf(PairingOutcome.Conflict.class, d.host.result(PairingMessages.resultRequest(token)),
                "result before the exchange completed");
        ok(d.host.confirm(confirm));
        assertInstanceOf(PairingOutcome.Conflict.class, d.host.confirm(confirm), "confirm replayed");
        assertInstanceOf(PairingOutcome.Conflict.class, d.host.result(otherToken(token)), "another token");
        assertEquals(0, d.host.failedAttempts());
    }

    @Test
    void recordedStepsReplayedInANewAttemptAreRefused() throws Exception {
        PairingGuest guest = d.guest("042918"); // wrong PIN, so the PIN stays open
        byte[] round1 = guest.round1Request();
        byte[] round2 = guest.onRound1Answer(ok(d.host.round1(round1)));
        byte[] confirm = guest.onRound2Answer(ok(d.host.round2(round2)));
        assertInstanceOf(PairingOutcome.PinMismatch.class, d.host.confirm(confirm));

        // A recorder replays everything it saw: round 1 starts a fresh attempt with a new token,
        // and the recorded round 2 and confirm carry the old one.
        ok(d.host.round1(round1));
        assertInstanceOf(PairingOutcome.Conflict.class, d.host.round2(round2));
        assertInstanceOf(PairingOutcome.Conflict.class, d.host.confirm(confirm));
        assertEquals(1, d.host.failedAttempts());
    }

    @Test
    void manInTheMiddleSubstitutingJpakeMessagesFailsConfirmationAndUsesOneAttempt() throws Exception {
        // B types the right PIN but talks to M, which runs J-PAKE with each side under the other's
        // participantId and a guessed PIN, then relays B's confirmation to A.
        SeedIdentity mallory = SeedIdentity.numbered(9, "Mallory", Devices.CRYPTO);
        PairingHost towardB = new PairingHost(Pin.of("123456"), new Impersonating(mallory, d.a.deviceId()),
                IdentityChecks.host(d.a.deviceId(), id -> Optional.empty()), Devices.CRYPTO, d.clock, Devices.RANDOM);
        PairingGuest towardA = new PairingGuest(Pin.of("123456"), new Impersonating(mallory, d.b.deviceId()),
                new IdentityChecks(d.b.deviceId(), Optional.empty(), Optional.empty(), id -> Optional.empty()),
                Devices.CRYPTO, Devices.RANDOM);
        PairingGuest b = d.guest("042917");

        byte[] bRound2 = b.onRound1Answer(ok(towardB.round1(b.round1Request())));
        byte[] answer1 = ok(d.host.round1(towardA.round1Request()));
        String aToken = (String) json(answer1).get("attempt");
        towardA.onRound2Answer(ok(d.host.round2(towardA.onRound1Answer(answer1))));
        byte[] bConfirm = b.onRound2Answer(ok(towardB.round2(bRound2)));

        // B's confirmation does not verify at M either: M cannot learn B's identity.
        assertInstanceOf(PairingOutcome.PinMismatch.class, towardB.confirm(bConfirm));
        String bToken = (String) json(bConfirm).get("attempt");
        byte[] relayed = text(bConfirm).replace(bToken, aToken).getBytes(StandardCharsets.UTF_8);
        PairingOutcome<byte[]> outcome = d.host.confirm(relayed);
        assertEquals(2, assertInstanceOf(PairingOutcome.PinMismatch.class, outcome).remainingAttempts());
        assertEquals(1, d.host.failedAttempts());
        assertTrue(d.host.pendingApproval().isEmpty());
    }

    @Test
    void jpakeMessagesSwappedOnOneSideAreCaughtByB() throws Exception {
        // M swaps only B's round 1 for its own: A's round-2 proof then covers M's values, not B's.
        PairingGuest b = d.guest("042917");
        PairingGuest m = new PairingGuest(Pin.of("123456"), new Impersonating(SeedIdentity.numbered(9, "M",
                Devices.CRYPTO), d.b.deviceId()), new IdentityChecks(d.b.deviceId(), Optional.empty(),
                Optional.empty(), id -> Optional.empty()), Devices.CRYPTO, Devices.RANDOM);
        b.round1Request();
        byte[] answer1 = ok(d.host.round1(m.round1Request()));
        b.onRound1Answer(answer1);
        byte[] answer2 = ok(d.host.round2(m.onRound1Answer(answer1)));
        PairingFailedException e = assertThrows(PairingFailedException.class, () -> b.onRound2Answer(answer2));
        assertEquals(PairingFailedException.Reason.MALFORMED, e.reason());
    }

    @Test
    void bRefusesAnAnswerThatIsNotFromAHolderOfThePin() throws Exception {
        // A real A with the right PIN answers; M swaps in the round 3 of another exchange.
        PairingGuest guest = d.guest("042917");
        byte[] answer = ok(d.host.confirm(d.throughRound2(guest)));
        Devices other = new Devices();
        PairingGuest otherGuest = other.guest("042917");
        byte[] otherAnswer = ok(other.host.confirm(other.throughRound2(otherGuest)));
        Map<String, Object> forged = json(answer);
        String otherRound3 = text(otherAnswer).substring(text(otherAnswer).indexOf("{\"participantId\""),
                text(otherAnswer).indexOf("},\"identity\"") + 1);
        byte[] tampered = PairingMessages.confirmAnswer(otherRound3,
                text(answer).substring(text(answer).indexOf("\"identity\":") + 11, text(answer).length() - 1));
        assertEquals(forged.keySet(), json(tampered).keySet());
        PairingFailedException e = assertThrows(PairingFailedException.class, () -> guest.onConfirmAnswer(tampered));
        assertEquals(PairingFailedException.Reason.KEY_CONFIRMATION_FAILED, e.reason());
        assertThrows(PairingFailedException.class, guest::resultRequest);
    }

    @Test
    void aRefusesBWhenItsDeviceIdIsTrustedUnderAnotherKey() throws Exception {
        d.trustedOnA.put(d.b.deviceId(), new org.moodhaven.api.identity.TrustedDevice(d.b.deviceId(), "old phone",
                SeedIdentity.numbered(7, "x", Devices.CRYPTO).publicKeyBase64(), d.clock.now(), null, null));
        PairingOutcome<byte[]> outcome = d.host.confirm(d.throughRound2(d.guest("042917")));
        PairingOutcome.IdentityRefused<byte[]> refused = assertInstanceOf(PairingOutcome.IdentityRefused.class, outcome);
        assertEquals(IdentityProblem.TRUSTED_UNDER_OTHER_KEY, refused.problem());
        assertEquals(2, refused.remainingAttempts());
        assertTrue(d.host.pendingApproval().isEmpty());
        assertFalse(text(outcome.errorBody()).contains("sealed"));
    }

    @Test
    void bRefusesAWhenItsDeviceIdIsTrustedUnderAnotherKey() throws Exception {
        d.trustedOnB.put(d.a.deviceId(), new org.moodhaven.api.identity.TrustedDevice(d.a.deviceId(), "old laptop",
                SeedIdentity.numbered(7, "x", Devices.CRYPTO).publicKeyBase64(), d.clock.now(), null, null));
        PairingGuest guest = d.guest("042917");
        byte[] answer = ok(d.host.confirm(d.throughRound2(guest)));
        PairingFailedException e = assertThrows(PairingFailedException.class, () -> guest.onConfirmAnswer(answer));
        assertEquals(Optional.of(IdentityProblem.TRUSTED_UNDER_OTHER_KEY), e.problem());
    }

    @Test
    void bRefusesADeviceItDidNotExpect() throws Exception {
        String expected = SeedIdentity.numbered(5, "the laptop B meant", Devices.CRYPTO).deviceId();
        PairingGuest guest = d.guest("042917", Optional.of(expected), Optional.empty());
        byte[] answer = ok(d.host.round1(guest.round1Request()));
        PairingFailedException e = assertThrows(PairingFailedException.class, () -> guest.onRound1Answer(answer));
        assertEquals(Optional.of(IdentityProblem.UNEXPECTED_DEVICE), e.problem());
    }

    @Test
    void bWithTheQrPayloadChecksTheFingerprint() throws Exception {
        String rightFp = DeviceIds.base64Url(Devices.CRYPTO.sha256(d.a.publicKey()));
        PairingGuest good = d.guest("042917", Optional.of(d.a.deviceId()), Optional.of(rightFp));
        assertEquals(d.a.deviceId(), good.onConfirmAnswer(ok(d.host.confirm(d.throughRound2(good)))).host().deviceId());

        Devices fresh = new Devices();
        String wrongFp = DeviceIds.base64Url(Devices.CRYPTO.sha256(SeedIdentity.numbered(5, "x", Devices.CRYPTO)
                .publicKey()));
        PairingGuest fooled = fresh.guest("042917", Optional.of(fresh.a.deviceId()), Optional.of(wrongFp));
        byte[] answer = ok(fresh.host.confirm(fresh.throughRound2(fooled)));
        PairingFailedException e = assertThrows(PairingFailedException.class, () -> fooled.onConfirmAnswer(answer));
        assertEquals(Optional.of(IdentityProblem.FINGERPRINT_MISMATCH), e.problem());
    }

    @Test
    void malformedBodiesAreRefusedWithoutUsingAnAttempt() throws Exception {
        for (String body : new String[] {"", "{", "[]", "{\"round1\":{}}", "{\"round1\":\"x\"}",
            "{\"round1\":{\"participantId\":\"" + d.a.deviceId() + "\",\"gx1\":\"AQ\",\"gx2\":\"AQ\",\"zkpX1\":[\"AQ\",\"AQ\"],"
                + "\"zkpX2\":[\"AQ\",\"AQ\"]}}"}) {
            PairingOutcome<byte[]> outcome = d.host.round1(body.getBytes(StandardCharsets.UTF_8));
            assertInstanceOf(PairingOutcome.Malformed.class, outcome, body);
            assertEquals(400, outcome.httpStatus());
        }
        assertEquals(PairingHost.State.OPEN, d.host.state(), "no attempt was started");

        PairingGuest guest = d.guest("042917");
        byte[] confirm = d.throughRound2(guest);
        byte[] broken = text(confirm).replace("\"nonce\":\"", "\"nonce\":\"AA").getBytes(StandardCharsets.UTF_8);
        assertInstanceOf(PairingOutcome.Malformed.class, d.host.confirm(broken));
        assertEquals(0, d.host.failedAttempts());
        assertEquals(PairingHost.State.OPEN, d.host.state(), "the attempt is over");
    }

    private static byte[] otherToken(String token) {
        byte[] bytes = DeviceIds.fromBase64Url(token);
        bytes[0] ^= 1;
        return PairingMessages.resultRequest(DeviceIds.base64Url(bytes));
    }

    /** Mallory's key under B's deviceId: all M can do, since it cannot sign as B. */
    private static final class Impersonating implements org.moodhaven.api.identity.DeviceIdentity {
        private final SeedIdentity key;
        private final String deviceId;

        Impersonating(SeedIdentity key, String deviceId) {
            this.key = key;
            this.deviceId = deviceId;
        }

        @Override
        public String deviceId() {
            return deviceId;
        }

        @Override
        public String deviceName() {
            return key.deviceName();
        }

        @Override
        public byte[] publicKey() {
            return key.publicKey();
        }

        @Override
        public String publicKeyBase64() {
            return key.publicKeyBase64();
        }

        @Override
        public java.time.Instant created() {
            return key.created();
        }

        @Override
        public byte[] sign(byte[] message) {
            return key.sign(message);
        }
    }
}
