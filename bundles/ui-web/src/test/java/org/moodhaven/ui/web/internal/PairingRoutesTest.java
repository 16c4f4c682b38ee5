package org.moodhaven.ui.web.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;

import org.junit.jupiter.api.Test;
import org.moodhaven.api.pairing.Pairing;
import org.moodhaven.api.pairing.PairingCaller;
import org.moodhaven.api.pairing.PairingException;
import org.moodhaven.api.pairing.PairingOffer;
import org.moodhaven.api.pairing.PairingRequest;
import org.moodhaven.api.pairing.PairingStatus;

class PairingRoutesTest {

    private static final Instant NOW = Instant.parse("2026-03-18T10:00:00Z");

    /** A pairing service that only answers a fixed status. */
    private static Pairing showing(PairingStatus status) {
        return new Pairing() {
            @Override
            public PairingOffer start() {
                throw new UnsupportedOperationException();
            }

            @Override
            public Optional<PairingStatus> status() {
                return Optional.of(status);
            }

            @Override
            public Optional<PairingRequest> approve() {
                return Optional.empty();
            }

            @Override
            public boolean decline() {
                return false;
            }

            @Override
            public void cancel() {
            }

            @Override
            public PairingRequest accept(String host, int port, String pin, Optional<String> deviceId,
                    Optional<String> fingerprint) throws PairingException {
                throw new PairingException(PairingException.INVALID, "not here");
            }
        };
    }

    private static JsonNode get(Pairing pairing) throws Exception {
        PairingRoutes.Answer answer = PairingRoutes.route(pairing, "GET", "", null);
        assertEquals(200, answer.status());
        return WireJson.MAPPER.readTree(WireJson.MAPPER.writeValueAsBytes(answer.body()));
    }

    @Test
    void theStatusNamesTheAddressHoldingTheAttemptAndTheAddressesThatTriedThePin() throws Exception {
        JsonNode status = get(showing(new PairingStatus(PairingStatus.Role.SHOWING_PIN, PairingStatus.State.OPEN,
                Optional.empty(), 3, Optional.empty(), Optional.empty(), Optional.of("192.168.1.50"),
                List.of(new PairingCaller("192.168.1.20", 1, NOW),
                        new PairingCaller("192.168.1.50", 7, NOW.minusSeconds(29))))));

        assertEquals("192.168.1.50", status.get("attemptFrom").asText());
        assertEquals("[{\"address\":\"192.168.1.20\",\"tries\":1,\"lastTry\":\"2026-03-18T10:00:00.000Z\"},"
                + "{\"address\":\"192.168.1.50\",\"tries\":7,\"lastTry\":\"2026-03-18T09:59:31.000Z\"}]",
                status.get("callers").toString());
    }

    @Test
    void noAttemptInProgressMeansNoAttemptFromAndTheDeviceTypingThePinHasNoCallers() throws Exception {
        JsonNode open = get(showing(new PairingStatus(PairingStatus.Role.SHOWING_PIN, PairingStatus.State.OPEN,
                Optional.empty(), 3, Optional.empty(), Optional.empty())));
        assertFalse(open.has("attemptFrom"));
        assertEquals("[]", open.get("callers").toString());

        JsonNode entering = get(showing(new PairingStatus(PairingStatus.Role.ENTERING_PIN,
                PairingStatus.State.AWAITING_APPROVAL, Optional.empty(), 0,
                Optional.of(new PairingRequest("9a4f0b2c1d3e5f60", "Ken's laptop", "7305")), Optional.empty())));
        assertFalse(entering.has("attemptFrom"));
        assertFalse(entering.has("callers"));
    }
}
