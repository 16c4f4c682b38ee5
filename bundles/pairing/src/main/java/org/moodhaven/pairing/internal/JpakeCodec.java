package org.moodhaven.pairing.internal;

import java.math.BigInteger;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import org.bouncycastle.crypto.agreement.jpake.JPAKERound1Payload;
import org.bouncycastle.crypto.agreement.jpake.JPAKERound2Payload;
import org.bouncycastle.crypto.agreement.jpake.JPAKERound3Payload;
import org.moodhaven.api.identity.DeviceIds;

/**
 * The JSON encoding PROTOCOL.md section 5 pins for BouncyCastle's J-PAKE payloads:
 * <pre>
 * R1 = {"participantId", "gx1", "gx2", "zkpX1": [gv, r], "zkpX2": [gv, r]}
 * R2 = {"participantId", "a", "zkpX2s": [gv, r]}
 * R3 = {"participantId", "macTag"}
 * </pre>
 * Every big integer is b64url (no padding) of its unsigned big-endian bytes,
 * minimal length: no leading zero byte, so zero (which no valid payload has)
 * cannot be written at all, and a 3072-bit number takes at most 384 bytes.
 * <p>
 * The round-3 {@code macTag} is different: BouncyCastle keeps the 32 HMAC bytes
 * as a <em>signed</em> BigInteger ({@code new BigInteger(hmac)}), and the page
 * puts the 32 HMAC bytes on the wire. Writing sign-extends to 32 bytes (which
 * gives back the HMAC output exactly); reading takes exactly 32 bytes as two's
 * complement, which is the BigInteger BouncyCastle compares against.
 * <p>
 * Decoding is meant for hostile input: the participantId must be a deviceId,
 * every number must be a canonical string of bounded length, proofs have exactly
 * two items; unknown members are ignored (PROTOCOL.md's rule for readers).
 * Group membership and the proofs themselves are checked by BouncyCastle when
 * a participant validates the payload.
 */
final class JpakeCodec {

    /** Bytes of the largest number of the 3072-bit group. */
    static final int MAX_NUMBER_BYTES = 384;
    /** Bytes of an HMAC-SHA256 tag. */
    static final int MAC_TAG_BYTES = 32;

    private JpakeCodec() {
    }

    static String encodeRound1(JPAKERound1Payload payload) {
        return new JsonObjectWriter()
                .string("participantId", payload.getParticipantId())
                .string("gx1", encodeNumber(payload.getGx1()))
                .string("gx2", encodeNumber(payload.getGx2()))
                .strings("zkpX1", encodeProof(payload.getKnowledgeProofForX1()))
                .strings("zkpX2", encodeProof(payload.getKnowledgeProofForX2()))
                .text();
    }

    static String encodeRound2(JPAKERound2Payload payload) {
        return new JsonObjectWriter()
                .string("participantId", payload.getParticipantId())
                .string("a", encodeNumber(payload.getA()))
                .strings("zkpX2s", encodeProof(payload.getKnowledgeProofForX2s()))
                .text();
    }

    static String encodeRound3(JPAKERound3Payload payload) {
        return new JsonObjectWriter()
                .string("participantId", payload.getParticipantId())
                .string("macTag", DeviceIds.base64Url(macTagBytes(payload.getMacTag())))
                .text();
    }

    static JPAKERound1Payload decodeRound1(Map<String, Object> r1) throws MalformedMessage {
        return new JPAKERound1Payload(Fields.deviceId(r1, "participantId"),
                number(r1, "gx1"), number(r1, "gx2"), proof(r1, "zkpX1"), proof(r1, "zkpX2"));
    }

    static JPAKERound2Payload decodeRound2(Map<String, Object> r2) throws MalformedMessage {
        return new JPAKERound2Payload(Fields.deviceId(r2, "participantId"), number(r2, "a"), proof(r2, "zkpX2s"));
    }

    static JPAKERound3Payload decodeRound3(Map<String, Object> r3) throws MalformedMessage {
        byte[] tag = Fields.bytes(r3, "macTag", MAC_TAG_BYTES);
        return new JPAKERound3Payload(Fields.deviceId(r3, "participantId"), new BigInteger(tag));
    }

    /**
     * @param value a positive number of at most 384 bytes
     * @return b64url of its minimal unsigned big-endian bytes
     * @throws IllegalArgumentException if it is zero, negative or too large
     */
    static String encodeNumber(BigInteger value) {
        if (value.signum() <= 0) {
            throw new IllegalArgumentException("only positive numbers have a pinned encoding");
        }
        byte[] bytes = value.toByteArray();
        if (bytes[0] == 0) {
            bytes = Arrays.copyOfRange(bytes, 1, bytes.length);
        }
        if (bytes.length > MAX_NUMBER_BYTES) {
            throw new IllegalArgumentException("number larger than 3072 bits");
        }
        return DeviceIds.base64Url(bytes);
    }

    /**
     * @param text the encoded number
     * @return the positive number
     * @throws MalformedMessage if it is not canonical b64url, is empty, has a leading zero
     *                          byte, or has more than 384 bytes
     */
    static BigInteger decodeNumber(String text) throws MalformedMessage {
        // 384 bytes are 512 characters: refuse longer text before decoding it.
        if (text.isEmpty() || text.length() > (MAX_NUMBER_BYTES * 4 + 2) / 3) {
            throw new MalformedMessage("a number must be 1 to 384 bytes");
        }
        byte[] bytes;
        try {
            bytes = DeviceIds.fromBase64Url(text);
        } catch (IllegalArgumentException e) {
            throw new MalformedMessage("a number must be canonical b64url without padding");
        }
        if (bytes.length == 0 || bytes[0] == 0) {
            throw new MalformedMessage("a number must be positive and minimal (no leading zero byte)");
        }
        return new BigInteger(1, bytes);
    }

    /** The 32 HMAC bytes of a BouncyCastle round-3 tag (a signed BigInteger). */
    static byte[] macTagBytes(BigInteger tag) {
        if (tag.bitLength() >= MAC_TAG_BYTES * 8) {
            throw new IllegalArgumentException("a MAC tag has 32 bytes");
        }
        byte[] minimal = tag.toByteArray();
        byte[] out = new byte[MAC_TAG_BYTES];
        Arrays.fill(out, 0, MAC_TAG_BYTES - minimal.length, tag.signum() < 0 ? (byte) 0xFF : 0);
        System.arraycopy(minimal, 0, out, MAC_TAG_BYTES - minimal.length, minimal.length);
        return out;
    }

    private static BigInteger number(Map<String, Object> object, String name) throws MalformedMessage {
        Object value = object.get(name);
        if (!(value instanceof String text)) {
            throw new MalformedMessage("\"" + name + "\" must be a b64url string");
        }
        try {
            return decodeNumber(text);
        } catch (MalformedMessage e) {
            throw new MalformedMessage("\"" + name + "\": " + e.getMessage());
        }
    }

    private static BigInteger[] proof(Map<String, Object> object, String name) throws MalformedMessage {
        List<Object> items = Fields.array(object, name, 2);
        BigInteger[] proof = new BigInteger[2];
        for (int i = 0; i < 2; i++) {
            if (!(items.get(i) instanceof String text)) {
                throw new MalformedMessage("\"" + name + "\" must hold two b64url strings");
            }
            try {
                proof[i] = decodeNumber(text);
            } catch (MalformedMessage e) {
                throw new MalformedMessage("\"" + name + "\"[" + i + "]: " + e.getMessage());
            }
        }
        return proof;
    }

    private static String[] encodeProof(BigInteger[] proof) {
        if (proof.length != 2) {
            throw new IllegalArgumentException("a proof is [gv, r]");
        }
        return new String[] {encodeNumber(proof[0]), encodeNumber(proof[1])};
    }
}
