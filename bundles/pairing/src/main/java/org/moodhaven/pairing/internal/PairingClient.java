package org.moodhaven.pairing.internal;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;

import org.moodhaven.api.pairing.PairingException;
import org.moodhaven.common.logging.LogText;
import org.moodhaven.common.net.ConnectionProblem;

/**
 * Device B's side of the pairing HTTP steps: posts a body to A's pairing server and
 * returns A's 200 answer, or turns A's refusal into a {@link PairingException} that
 * says what happened and what to do next. A's answers are read up to 64 KiB.
 */
final class PairingClient {

    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);
    /** A J-PAKE step costs A a few 3072-bit exponentiations: well under a second. */
    private static final Duration STEP_TIMEOUT = Duration.ofSeconds(15);

    private final HttpClient http;
    private final URI base;

    /**
     * @param host A's address (name, IPv4, or IPv6 with or without brackets)
     * @param port A's pairing port
     * @throws PairingException if the address is not valid
     */
    PairingClient(String host, int port) throws PairingException {
        if (port < 1 || port > 65_535) {
            throw new PairingException(PairingException.INVALID, "The pairing port must be 1 to 65535, not " + port
                    + ": type the number after the colon in the address the other device shows.");
        }
        String bare = host == null ? "" : host.strip();
        if (bare.isEmpty() || bare.length() > 253 || !bare.matches("[A-Za-z0-9.:\\-\\[\\]%]+")) {
            throw notAnAddress(host);
        }
        String authority = bare.contains(":") && !bare.startsWith("[") ? "[" + bare + "]" : bare;
        try {
            this.base = new URI("http://" + authority + ":" + port + "/pair/v2/");
        } catch (URISyntaxException e) {
            throw notAnAddress(host);
        }
        this.http = HttpClient.newBuilder().connectTimeout(CONNECT_TIMEOUT)
                .followRedirects(HttpClient.Redirect.NEVER).build();
    }

    private static PairingException notAnAddress(String host) {
        return new PairingException(PairingException.INVALID, (host == null || host.isBlank() ? "No address was given"
                : "\"" + LogText.escape(host.strip()) + "\" is not a host name or address")
                + ": type the address the other device shows, for example 192.168.1.20.");
    }

    /** A's host and port as people type them. */
    private String address() {
        return base.getHost() + ":" + base.getPort();
    }

    /**
     * @param step {@code round1}, {@code round2} or {@code confirm}
     * @param body the request body
     * @return A's answer
     * @throws PairingException if A refuses, cannot be reached, or answers nonsense
     */
    byte[] step(String step, byte[] body) throws PairingException {
        return post(step, body, STEP_TIMEOUT);
    }

    /**
     * {@code result}: waits for A's user.
     *
     * @param body    the request body
     * @param timeout how long A may take (A itself answers "pending" after a minute)
     * @return true when approved, false while still pending
     * @throws PairingException if declined, or A cannot be reached
     */
    boolean result(byte[] body, Duration timeout) throws PairingException {
        try {
            post("result", body, timeout);
            return true;
        } catch (Pending pending) {
            return false;
        }
    }

    /** A answered 202: its user has not decided yet. */
    private static final class Pending extends PairingException {
        private static final long serialVersionUID = 1L;

        Pending() {
            super("pending", "the other device's user has not decided yet");
        }
    }

    private byte[] post(String step, byte[] body, Duration timeout) throws PairingException {
        HttpRequest request = HttpRequest.newBuilder(base.resolve(step)).timeout(timeout)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build();
        HttpResponse<InputStream> response;
        byte[] answer;
        try {
            response = http.send(request, HttpResponse.BodyHandlers.ofInputStream());
            try (InputStream in = response.body()) {
                answer = in.readNBytes(PairingJson.MAX_BODY + 1);
            }
        } catch (IOException e) { // a timeout too (HttpTimeoutException)
            throw unreachable(ConnectionProblem.of(e), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new PairingException(PairingException.UNREACHABLE, "Pairing was stopped on this device before "
                    + "the other device answered. Nothing was trusted.", null, e);
        }
        if (answer.length > PairingJson.MAX_BODY) {
            throw new PairingException(PairingException.PROTOCOL_ERROR, "The device at " + address()
                    + " sent more than a pairing answer can hold, so it is not a MoodHaven device showing a PIN. "
                    + "Check the address and port the other device shows, and start pairing again.");
        }
        int status = response.statusCode();
        if (status == 200) {
            return answer;
        }
        throw refusal(answer);
    }

    /** A cannot be reached: what happened, in words, and what to check. */
    private PairingException unreachable(ConnectionProblem problem, IOException cause) {
        String advice = switch (problem) {
            case REFUSED -> "Check the address and port it shows, and that it still shows its PIN.";
            case TIMED_OUT -> "Check that it still shows its PIN and that both devices are on the same network.";
            case UNKNOWN_HOST -> "Type the address it shows, for example 192.168.1.20, rather than its name.";
            default -> "Check the address and port it shows, and that both devices are on the same network.";
        };
        return new PairingException(PairingException.UNREACHABLE,
                problem.cannotReach("the other device", address()) + " " + advice, null, cause);
    }

    /** Turns A's error answer into what B's user reads. */
    private PairingException refusal(byte[] answer) {
        String error = "";
        Integer remaining = null;
        try {
            Map<String, Object> body = PairingJson.parseObject(answer);
            error = body.get("error") instanceof String text ? text : "";
            if (body.get("remainingAttempts") instanceof org.moodhaven.common.json.StrictJson.Number number) {
                long value = number.nonNegativeInteger();
                remaining = value >= 0 && value <= PairingHost.MAX_FAILED_ATTEMPTS ? (int) value : null;
            }
        } catch (MalformedMessage e) {
            // an answer without a readable error: said below as a step it did not take
        }
        return switch (error) {
            case "pending" -> new Pending();
            case "busy" -> new PairingException(PairingException.BUSY,
                    "The other device is pairing with another device right now. Try again in a minute.");
            case "pin_mismatch" -> new PairingException(PairingException.PIN_MISMATCH,
                    "Wrong PIN. " + (remaining == null ? "Check the 6 digits the other device shows and type them "
                            + "again." : remaining == 0
                            ? "The PIN is now void: start pairing again on the other device for a new one."
                            : "Check the 6 digits the other device shows and type them again; " + remaining
                                    + " more wrong " + (remaining == 1 ? "try voids" : "tries void") + " this PIN."),
                    remaining, null);
            case "pin_void" -> new PairingException(PairingException.PIN_VOID,
                    "This PIN can no longer be used. Start pairing again on the other device for a new PIN.");
            case "expired" -> new PairingException(PairingException.EXPIRED,
                    "The PIN expired. Start pairing again on the other device for a new PIN.");
            case "declined" -> new PairingException(PairingException.DECLINED,
                    "The other device's user declined this device. Nothing was trusted.");
            case "identity_refused" -> new PairingException(PairingException.IDENTITY_REFUSED,
                    "The other device refused this device (it may already trust another device with the same id "
                            + "under another key). Nothing was trusted.", remaining, null);
            default -> new PairingException(PairingException.PROTOCOL_ERROR, "The device at " + address()
                    + " did not take this pairing step, so it may not be a MoodHaven device showing a PIN. Check "
                    + "the address and port the other device shows, and start pairing again.");
        };
    }
}
