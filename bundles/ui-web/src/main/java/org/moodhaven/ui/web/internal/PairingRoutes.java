package org.moodhaven.ui.web.internal;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;

import jakarta.servlet.http.HttpServletRequest;

import org.moodhaven.api.entry.Timestamps;
import org.moodhaven.api.pairing.Pairing;
import org.moodhaven.api.pairing.PairingCaller;
import org.moodhaven.api.pairing.PairingException;
import org.moodhaven.api.pairing.PairingOffer;
import org.moodhaven.api.pairing.PairingRequest;
import org.moodhaven.api.pairing.PairingStatus;

/**
 * The pairing endpoints of the JSON API (ARCHITECTURE.md): start, status, approve,
 * decline, accept and cancel, each answering a JSON object; refusals of the pairing
 * service become {@code {"error", "message", "remainingAttempts"?}} with a 4xx status.
 */
final class PairingRoutes {

    /** What a route answers: a status and a JSON object. */
    record Answer(int status, Map<String, Object> body) {
    }

    private static final int SMALL_BODY = 4 * 1024;

    private PairingRoutes() {
    }

    /**
     * @param pairing the service
     * @param method  the HTTP method
     * @param action  the path after {@code /api/pairing}: "" or "approve", "decline", "accept"
     * @param request the request (its body for accept)
     * @return the answer
     * @throws WireJson.BadRequest if the body is not what the route takes
     * @throws IOException         if the body cannot be read
     */
    static Answer route(Pairing pairing, String method, String action, HttpServletRequest request)
            throws WireJson.BadRequest, IOException {
        try {
            return switch (method + " " + action) {
                case "POST " -> new Answer(200, offer(pairing.start()));
                case "GET " -> new Answer(200, pairing.status().map(PairingRoutes::status)
                        .orElseGet(() -> Map.of("state", "none")));
                case "DELETE " -> {
                    pairing.cancel();
                    yield new Answer(200, Map.of("cancelled", true));
                }
                case "POST approve" -> pairing.approve()
                        .map(device -> new Answer(200, request(device)))
                        .orElseGet(() -> new Answer(409, error("nothing_pending", "no device is waiting for approval")));
                case "POST decline" -> pairing.decline() ? new Answer(200, Map.of("declined", true))
                        : new Answer(409, error("nothing_pending", "no device is waiting for approval"));
                case "POST accept" -> accept(pairing, WireJson.readObject(request.getInputStream(), SMALL_BODY));
                default -> new Answer(action.matches("|approve|decline|accept") ? 405 : 404,
                        error(action.matches("|approve|decline|accept") ? "method_not_allowed" : "not_found",
                                method + " /api/pairing/" + action + " is not supported"));
            };
        } catch (PairingException e) {
            Map<String, Object> body = error(e.reason(), e.getMessage());
            e.remainingAttempts().ifPresent(left -> body.put("remainingAttempts", left));
            return new Answer(statusOf(e.reason()), body);
        }
    }

    private static Answer accept(Pairing pairing, JsonNode body) throws WireJson.BadRequest, PairingException {
        JsonNode host = body.get("host");
        JsonNode port = body.get("port");
        JsonNode pin = body.get("pin");
        if (host == null || !host.isTextual() || port == null || !port.canConvertToInt() || pin == null
                || !pin.isTextual()) {
            throw new WireJson.BadRequest(400, "bad_request", "host (a string), port (an integer) and pin "
                    + "(6 digits, a string) are required");
        }
        Optional<String> deviceId = text(body, "deviceId");
        Optional<String> fingerprint = text(body, "fp");
        PairingRequest request = pairing.accept(host.asText(), port.intValue(), pin.asText(), deviceId, fingerprint);
        return new Answer(200, request(request));
    }

    private static Optional<String> text(JsonNode body, String field) throws WireJson.BadRequest {
        JsonNode value = body.get(field);
        if (value == null || value.isNull()) {
            return Optional.empty();
        }
        if (!value.isTextual()) {
            throw new WireJson.BadRequest(400, "bad_request", field + " must be a string");
        }
        return Optional.of(value.asText());
    }

    private static int statusOf(String reason) {
        return switch (reason) {
            case PairingException.INVALID -> 400;
            case PairingException.PIN_MISMATCH, PairingException.IDENTITY_REFUSED, PairingException.DECLINED -> 403;
            case PairingException.PIN_VOID, PairingException.EXPIRED -> 410;
            case PairingException.ALREADY_OPEN, PairingException.BUSY -> 409;
            case PairingException.UNREACHABLE, PairingException.PROTOCOL_ERROR -> 502;
            default -> 500;
        };
    }

    private static Map<String, Object> offer(PairingOffer offer) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("pin", offer.pin());
        body.put("host", offer.host());
        body.put("port", offer.port());
        body.put("deviceId", offer.deviceId());
        body.put("qr", offer.qrPayload());
        body.put("qrSvg", offer.qrSvg());
        body.put("expiresAt", offer.expiresAt().toString());
        return body;
    }

    private static Map<String, Object> status(PairingStatus status) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("role", status.role() == PairingStatus.Role.SHOWING_PIN ? "showing_pin" : "entering_pin");
        body.put("state", status.state().name().toLowerCase(java.util.Locale.ROOT));
        status.offer().ifPresent(offer -> body.put("offer", offer(offer)));
        if (status.role() == PairingStatus.Role.SHOWING_PIN) {
            body.put("attemptsLeft", status.attemptsLeft());
            // Who holds the one attempt slot and who tried: a stranger is seen, not just felt as "busy".
            status.attemptFrom().ifPresent(from -> body.put("attemptFrom", from));
            body.put("callers", status.callers().stream().map(PairingRoutes::caller).toList());
        }
        status.request().ifPresent(request -> body.put("request", request(request)));
        status.message().ifPresent(message -> body.put("message", message));
        return body;
    }

    private static Map<String, Object> caller(PairingCaller caller) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("address", caller.address());
        body.put("tries", caller.tries());
        body.put("lastTry", Timestamps.format(caller.lastTry()));
        return body;
    }

    private static Map<String, Object> request(PairingRequest request) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("deviceId", request.deviceId());
        body.put("deviceName", request.deviceName());
        body.put("code", request.code());
        return body;
    }

    private static Map<String, Object> error(String code, String message) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("error", code);
        body.put("message", message);
        return body;
    }
}
