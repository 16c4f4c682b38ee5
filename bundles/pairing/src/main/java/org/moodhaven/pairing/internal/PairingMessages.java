package org.moodhaven.pairing.internal;

import java.util.Map;

import org.moodhaven.api.identity.DeviceIds;

/**
 * The bodies of the HTTP steps of PROTOCOL.md section 5, without the HTTP:
 * <pre>
 * round1   request {"round1": R1}                                    answer {"round1": R1, "attempt": token}
 * round2   request {"attempt": token, "round2": R2}                  answer {"round2": R2}
 * confirm  request {"attempt": token, "round3": R3, "identity": SEALED}  answer {"round3": R3, "identity": SEALED}
 * result   request {"attempt": token}                                answer {"approved": true}
 * </pre>
 * The attempt token is b64url of 16 random bytes.
 */
final class PairingMessages {

    /** Bytes of an attempt token. */
    static final int TOKEN_BYTES = 16;

    private PairingMessages() {
    }

    static String token(Map<String, Object> body) throws MalformedMessage {
        // Decoded only to check its form: the token is compared as text.
        Fields.bytes(body, "attempt", TOKEN_BYTES);
        return (String) body.get("attempt");
    }

    static byte[] round1Request(String r1) {
        return new JsonObjectWriter().raw("round1", r1).bytes();
    }

    static byte[] round1Answer(String r1, String token) {
        return new JsonObjectWriter().raw("round1", r1).string("attempt", token).bytes();
    }

    static byte[] round2Request(String token, String r2) {
        return new JsonObjectWriter().string("attempt", token).raw("round2", r2).bytes();
    }

    static byte[] round2Answer(String r2) {
        return new JsonObjectWriter().raw("round2", r2).bytes();
    }

    static byte[] confirmRequest(String token, String r3, String sealed) {
        return new JsonObjectWriter().string("attempt", token).raw("round3", r3).raw("identity", sealed).bytes();
    }

    static byte[] confirmAnswer(String r3, String sealed) {
        return new JsonObjectWriter().raw("round3", r3).raw("identity", sealed).bytes();
    }

    static byte[] resultRequest(String token) {
        return new JsonObjectWriter().string("attempt", token).bytes();
    }

    static byte[] approvedAnswer() {
        return new JsonObjectWriter().bool("approved", true).bytes();
    }

    static String newToken(byte[] random) {
        if (random.length != TOKEN_BYTES) {
            throw new IllegalArgumentException("a token has 16 bytes");
        }
        return DeviceIds.base64Url(random);
    }
}
