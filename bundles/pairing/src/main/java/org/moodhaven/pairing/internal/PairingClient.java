package org.moodhaven.pairing.internal;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.Map;

import org.moodhaven.api.pairing.PairingException;

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
            throw new PairingException(PairingException.INVALID, "the pairing port must be 1 to 65535, not " + port);
        }
        String bare = host == null ? "" : host.strip();
        if (bare.isEmpty() || bare.length() > 253 || !bare.matches("[A-Za-z0-9.:\\-\\[\\]%]+")) {
            throw new PairingException(PairingException.INVALID, "not a host name or address: " + host);
        }
        String authority = bare.contains(":") && !bare.startsWith("[") ? "[" + bare + "]" : bare;
        try {
            this.base = new URI("http://" + authority + ":" + port + "/pair/v2/");
        } catch (URISyntaxException e) {
            throw new PairingException(PairingException.INVALID, "not a host name or address: " + host);
        }
        this.http = HttpClient.newBuilder().connectTimeout(CONNECT_TIMEOUT)
                .followRedirects(HttpClient.Redirect.NEVER).build();
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
        } catch (HttpTimeoutException e) {
            throw new PairingException(PairingException.UNREACHABLE, "the other device did not answer in time ("
                    + base.getHost() + ":" + base.getPort() + "); check that it still shows the PIN", null, e);
        } catch (IOException e) {
            throw new PairingException(PairingException.UNREACHABLE, "cannot reach the other device at "
                    + base.getHost() + ":" + base.getPort() + " (" + e.getClass().getSimpleName()
                    + "); check the address and that it still shows the PIN", null, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new PairingException(PairingException.UNREACHABLE, "interrupted while pairing", null, e);
        }
        if (answer.length > PairingJson.MAX_BODY) {
            throw new PairingException(PairingException.PROTOCOL_ERROR, "the other device answered more than 64 KiB");
        }
        int status = response.statusCode();
        if (status == 200) {
            return answer;
        }
        throw refusal(status, answer);
    }

    /** Turns A's error answer into what B's user reads. */
    private static PairingException refusal(int status, byte[] answer) {
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
            // an answer without a readable error: reported by status below
        }
        return switch (error) {
            case "pending" -> new Pending();
            case "busy" -> new PairingException(PairingException.BUSY,
                    "the other device is pairing with another device right now; try again in a minute");
            case "pin_mismatch" -> new PairingException(PairingException.PIN_MISMATCH,
                    "wrong PIN" + (remaining == null ? "" : remaining == 0
                            ? "; the PIN is now void: start pairing again on the other device for a new one"
                            : "; " + remaining + " more " + (remaining == 1 ? "try" : "tries") + " with this PIN"),
                    remaining, null);
            case "pin_void" -> new PairingException(PairingException.PIN_VOID,
                    "this PIN can no longer be used; start pairing again on the other device for a new PIN");
            case "expired" -> new PairingException(PairingException.EXPIRED,
                    "the PIN expired; start pairing again on the other device for a new PIN");
            case "declined" -> new PairingException(PairingException.DECLINED,
                    "the other device's user declined this device; nothing was trusted");
            case "identity_refused" -> new PairingException(PairingException.IDENTITY_REFUSED,
                    "the other device refused this device's identity (it may already trust another device "
                            + "with this deviceId); nothing was trusted", remaining, null);
            default -> new PairingException(PairingException.PROTOCOL_ERROR,
                    "the other device refused the step (HTTP " + status + (error.isEmpty() ? "" : ", " + error)
                            + "); start pairing again");
        };
    }
}
