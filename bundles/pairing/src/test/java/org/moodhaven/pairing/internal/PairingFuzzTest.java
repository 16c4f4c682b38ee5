package org.moodhaven.pairing.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * Fuzzes the pairing bodies (PROTOCOL.md section 5) at each step of both sides, with an
 * exchange replayed from fixed seeds so that real recorded bodies are valid steps.
 * <p>
 * On A, the device showing the PIN, a body never throws, and only a key confirmation
 * that was actually checked (a PIN guess) uses one of the three attempts: malformed
 * bodies, failed proofs, replays and out-of-order steps leave the count and the PIN as
 * they were (docs/pairing.md). A device is only ever awaiting approval as the real B.
 * On B, an answer either is the next step or ends the exchange with a
 * {@link PairingFailedException}; B accepts only A's own identity.
 */
class PairingFuzzTest {

    @FuzzTest
    void hostReadsRound1(byte[] body) {
        SeededPairing pairing = new SeededPairing();
        PairingOutcome<byte[]> outcome = pairing.host.round1(body);
        assertNoGuessCounted(pairing.host, outcome);
        PairingHost.State expected = outcome instanceof PairingOutcome.Ok<byte[]>
                ? PairingHost.State.ATTEMPT_IN_PROGRESS : PairingHost.State.OPEN;
        assertEquals(expected, pairing.host.state(), "after round 1 answered " + outcome);
    }

    @FuzzTest
    void hostReadsRound2(byte[] body) throws PairingFailedException {
        SeededPairing pairing = new SeededPairing();
        pairing.throughRound1();
        PairingOutcome<byte[]> outcome = pairing.host.round2(body);
        assertNoGuessCounted(pairing.host, outcome);
        // A bad round-2 payload ends the attempt (no guess made); any other refusal leaves it running.
        PairingHost.State state = pairing.host.state();
        if (state == PairingHost.State.OPEN) {
            assertTrue(outcome instanceof PairingOutcome.Malformed<byte[]>, "the attempt ended after " + outcome);
        } else {
            assertEquals(PairingHost.State.ATTEMPT_IN_PROGRESS, state, "after round 2 answered " + outcome);
        }
    }

    @FuzzTest
    void hostReadsConfirm(byte[] body) throws PairingFailedException {
        SeededPairing pairing = new SeededPairing();
        pairing.throughRound2();
        PairingOutcome<byte[]> outcome = pairing.host.confirm(body);
        int failed = pairing.host.failedAttempts();
        if (outcome instanceof PairingOutcome.PinMismatch<byte[]> mismatch) {
            assertEquals(1, failed);
            assertEquals(2, mismatch.remainingAttempts());
        } else if (outcome instanceof PairingOutcome.IdentityRefused<byte[]> refused) {
            assertEquals(1, failed);
            assertEquals(2, refused.remainingAttempts());
        } else {
            assertEquals(0, failed, "a " + outcome + " used up a PIN attempt");
        }
        if (outcome instanceof PairingOutcome.Ok<byte[]>) {
            PeerIdentity device = pairing.host.pendingApproval().orElseThrow().device();
            assertEquals(SeededPairing.B.deviceId(), device.deviceId());
            assertEquals(SeededPairing.B.publicKeyBase64(), device.publicKey());
        } else {
            assertTrue(pairing.host.pendingApproval().isEmpty(), "a device awaits approval after " + outcome);
        }
    }

    @FuzzTest
    void hostReadsResult(byte[] body) throws PairingFailedException {
        SeededPairing pairing = new SeededPairing();
        pairing.guest.onConfirmAnswer(SeededPairing.ok(pairing.host.confirm(pairing.throughRound2())));
        PairingOutcome<byte[]> outcome = pairing.host.result(body);
        assertNoGuessCounted(pairing.host, outcome);
        assertFalse(outcome instanceof PairingOutcome.Ok<byte[]>, "approved before A's user decided");
        assertEquals(PairingHost.State.AWAITING_APPROVAL, pairing.host.state());
    }

    @FuzzTest
    void guestReadsRound1Answer(byte[] answer) throws PairingFailedException {
        SeededPairing pairing = new SeededPairing();
        pairing.guest.round1Request();
        try {
            assertNotNull(pairing.guest.onRound1Answer(answer));
        } catch (PairingFailedException failed) {
            assertNotNull(failed.reason());
        }
    }

    @FuzzTest
    void guestReadsRound2Answer(byte[] answer) throws PairingFailedException {
        SeededPairing pairing = new SeededPairing();
        pairing.throughRound1();
        try {
            assertNotNull(pairing.guest.onRound2Answer(answer));
        } catch (PairingFailedException failed) {
            assertNotNull(failed.reason());
        }
    }

    @FuzzTest
    void guestReadsConfirmAnswer(byte[] answer) throws PairingFailedException {
        SeededPairing pairing = new SeededPairing();
        pairing.throughRound2();
        try {
            PairedWithHost paired = pairing.guest.onConfirmAnswer(answer);
            assertEquals(SeededPairing.A.deviceId(), paired.host().deviceId(), "B accepted another device");
            assertEquals(SeededPairing.A.publicKeyBase64(), paired.host().publicKey(), "B accepted another key");
        } catch (PairingFailedException failed) {
            assertNotNull(failed.reason());
        }
    }

    private static void assertNoGuessCounted(PairingHost host, PairingOutcome<byte[]> outcome) {
        assertFalse(outcome instanceof PairingOutcome.PinMismatch<byte[]>
                || outcome instanceof PairingOutcome.IdentityRefused<byte[]>, "no PIN was tested, yet " + outcome);
        assertEquals(0, host.failedAttempts(), outcome + " used up a PIN attempt");
    }
}
