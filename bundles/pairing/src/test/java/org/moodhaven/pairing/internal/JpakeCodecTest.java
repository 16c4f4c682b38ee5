package org.moodhaven.pairing.internal;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.Map;

import org.bouncycastle.crypto.agreement.jpake.JPAKEParticipant;
import org.bouncycastle.crypto.agreement.jpake.JPAKERound1Payload;
import org.bouncycastle.crypto.agreement.jpake.JPAKERound2Payload;
import org.bouncycastle.crypto.agreement.jpake.JPAKERound3Payload;
import org.junit.jupiter.api.Test;
import org.moodhaven.api.identity.DeviceIds;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class JpakeCodecTest {

    private static final String A = "0123456789abcdef";
    private static final String B = "fedcba9876543210";

    private static Map<String, Object> parse(String json) throws MalformedMessage {
        return PairingJson.parseObject(json.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void numbersAreMinimalUnsignedBigEndianB64url() throws Exception {
        assertEquals("AQ", JpakeCodec.encodeNumber(BigInteger.ONE));
        // 0x80 needs a sign byte in Java's encoding; on the wire it is one unsigned byte.
        assertEquals("gA", JpakeCodec.encodeNumber(BigInteger.valueOf(0x80)));
        assertEquals("AQAB", JpakeCodec.encodeNumber(BigInteger.valueOf(65537)));
        assertEquals(BigInteger.valueOf(0x80), JpakeCodec.decodeNumber("gA"));
        BigInteger max = BigInteger.ONE.shiftLeft(3072).subtract(BigInteger.ONE);
        assertEquals(512, JpakeCodec.encodeNumber(max).length());
        assertEquals(max, JpakeCodec.decodeNumber(JpakeCodec.encodeNumber(max)));
    }

    @Test
    void refusesZeroNegativeAndOversizeWhenWriting() {
        assertThrows(IllegalArgumentException.class, () -> JpakeCodec.encodeNumber(BigInteger.ZERO));
        assertThrows(IllegalArgumentException.class, () -> JpakeCodec.encodeNumber(BigInteger.valueOf(-5)));
        assertThrows(IllegalArgumentException.class, () -> JpakeCodec.encodeNumber(BigInteger.ONE.shiftLeft(3072)));
    }

    @Test
    void refusesNonMinimalZeroOversizeAndNonCanonicalWhenReading() {
        assertThrows(MalformedMessage.class, () -> JpakeCodec.decodeNumber(""));
        assertThrows(MalformedMessage.class, () -> JpakeCodec.decodeNumber("AA"), "zero");
        assertThrows(MalformedMessage.class, () -> JpakeCodec.decodeNumber("AAE"), "leading zero byte");
        assertThrows(MalformedMessage.class, () -> JpakeCodec.decodeNumber("AQ=="), "padding");
        assertThrows(MalformedMessage.class, () -> JpakeCodec.decodeNumber("AR"), "non-canonical trailing bits");
        assertThrows(MalformedMessage.class, () -> JpakeCodec.decodeNumber("+/8"), "standard alphabet");
        assertThrows(MalformedMessage.class, () -> JpakeCodec.decodeNumber("-5"), "not b64url of a number");
        String oversize = DeviceIds.base64Url(filled(385));
        assertThrows(MalformedMessage.class, () -> JpakeCodec.decodeNumber(oversize));
        assertDoesNotThrow(() -> JpakeCodec.decodeNumber(DeviceIds.base64Url(filled(384))));
    }

    @Test
    void round1RoundTripsAndIsAcceptedByAPartner() throws Exception {
        JPAKEParticipant a = Jpake.participant(A, Pin.of("000001"), Devices.RANDOM);
        JPAKEParticipant b = Jpake.participant(B, Pin.of("000001"), Devices.RANDOM);
        JPAKERound1Payload sent = a.createRound1PayloadToSend();
        String json = JpakeCodec.encodeRound1(sent);
        JPAKERound1Payload read = JpakeCodec.decodeRound1(parse(json));
        assertEquals(A, read.getParticipantId());
        assertEquals(sent.getGx1(), read.getGx1());
        assertEquals(sent.getGx2(), read.getGx2());
        assertArrayEquals(sent.getKnowledgeProofForX1(), read.getKnowledgeProofForX1());
        assertArrayEquals(sent.getKnowledgeProofForX2(), read.getKnowledgeProofForX2());
        assertEquals(json, JpakeCodec.encodeRound1(read));
        b.createRound1PayloadToSend();
        b.validateRound1PayloadReceived(read);
        assertEquals(java.util.List.of("participantId", "gx1", "gx2", "zkpX1", "zkpX2"),
                java.util.List.copyOf(parse(json).keySet()));
    }

    @Test
    void round2AndRound3RoundTrip() throws Exception {
        JPAKERound2Payload r2 = new JPAKERound2Payload(A, BigInteger.valueOf(77),
                new BigInteger[] {BigInteger.TWO, BigInteger.TEN});
        JPAKERound2Payload read2 = JpakeCodec.decodeRound2(parse(JpakeCodec.encodeRound2(r2)));
        assertEquals(A, read2.getParticipantId());
        assertEquals(BigInteger.valueOf(77), read2.getA());
        assertArrayEquals(r2.getKnowledgeProofForX2s(), read2.getKnowledgeProofForX2s());

        for (BigInteger tag : new BigInteger[] {BigInteger.valueOf(-1), BigInteger.valueOf(5),
                new BigInteger(new byte[] {(byte) 0x80, 1, 2}), BigInteger.ONE.shiftLeft(254)}) {
            String json = JpakeCodec.encodeRound3(new JPAKERound3Payload(B, tag));
            Map<String, Object> parsed = parse(json);
            // On the wire the tag is always the 32 HMAC bytes: 43 b64url characters.
            assertEquals(43, ((String) parsed.get("macTag")).length());
            assertEquals(tag, JpakeCodec.decodeRound3(parsed).getMacTag());
        }
    }

    @Test
    void macTagIsTheRawHmacBytes() {
        byte[] hmac = filled(32);
        hmac[0] = (byte) 0xF0; // negative as BouncyCastle's signed BigInteger
        hmac[1] = (byte) 0xFF;
        assertArrayEquals(hmac, JpakeCodec.macTagBytes(new BigInteger(hmac)));
        byte[] small = new byte[32];
        small[31] = 9;
        assertArrayEquals(small, JpakeCodec.macTagBytes(new BigInteger(small)));
    }

    @Test
    void refusesWrongTypesMissingMembersAndBadIds() {
        String gv = "\"AQ\"";
        String good = "{\"participantId\":\"" + A + "\",\"gx1\":" + gv + ",\"gx2\":" + gv + ",\"zkpX1\":[" + gv + ","
                + gv + "],\"zkpX2\":[" + gv + "," + gv + "]}";
        assertDoesNotThrow(() -> JpakeCodec.decodeRound1(parse(good)));
        String[] bad = {
            good.replace("\"gx1\":\"AQ\"", "\"gx1\":1"),                    // number instead of string
            good.replace("\"gx1\":\"AQ\"", "\"gx1\":-1"),                   // negative number
            good.replace("\"gx1\":\"AQ\"", "\"gx1\":null"),
            good.replace("\"gx1\":\"AQ\"", "\"gx1\":\"AAE\""),              // non-minimal
            good.replace("\"gx1\":\"AQ\",", ""),                            // missing
            good.replace("\"zkpX1\":[\"AQ\",\"AQ\"]", "\"zkpX1\":[\"AQ\"]"), // one item
            good.replace("\"zkpX1\":[\"AQ\",\"AQ\"]", "\"zkpX1\":[\"AQ\",\"AQ\",\"AQ\"]"),
            good.replace("\"zkpX1\":[\"AQ\",\"AQ\"]", "\"zkpX1\":[\"AQ\",2]"),
            good.replace("\"zkpX1\":[\"AQ\",\"AQ\"]", "\"zkpX1\":\"AQ\""),
            good.replace(A, A.toUpperCase()),                                // not a deviceId
            good.replace(A, "0123456789abcde"),
            good.replace("\"" + A + "\"", "12345678"),
        };
        for (String json : bad) {
            assertThrows(MalformedMessage.class, () -> JpakeCodec.decodeRound1(parse(json)), json);
        }
        assertThrows(MalformedMessage.class, () -> JpakeCodec.decodeRound3(
                parse("{\"participantId\":\"" + A + "\",\"macTag\":\"" + DeviceIds.base64Url(filled(31)) + "\"}")));
        assertThrows(MalformedMessage.class, () -> JpakeCodec.decodeRound3(
                parse("{\"participantId\":\"" + A + "\",\"macTag\":\"" + DeviceIds.base64Url(filled(33)) + "\"}")));
    }

    @Test
    void ignoresUnknownMembersAsProtocolReadersMust() throws Exception {
        JPAKERound2Payload read = JpakeCodec.decodeRound2(parse("{\"participantId\":\"" + A
                + "\",\"a\":\"Bw\",\"zkpX2s\":[\"Ag\",\"Cg\"],\"future\":{\"x\":1}}"));
        assertEquals(BigInteger.valueOf(7), read.getA());
    }

    @Test
    void refusesMalformedJson() {
        String[] bad = {"", "[]", "{", "{\"a\":1,\"a\":2}", "{} {}", "\"x\"", "{\"a\":[[[[[[[[1]]]]]]]]}",
            "\uFEFF{}", "{'a':1}"};
        for (String json : bad) {
            assertThrows(MalformedMessage.class, () -> parse(json), json);
        }
        assertThrows(MalformedMessage.class, () -> PairingJson.parseObject(new byte[PairingJson.MAX_BODY + 1]));
        assertThrows(MalformedMessage.class, () -> PairingJson.parseObject(new byte[] {'{', '"', (byte) 0xC3, '"'}));
    }

    private static byte[] filled(int length) {
        byte[] bytes = new byte[length];
        java.util.Arrays.fill(bytes, (byte) 0x5A);
        return bytes;
    }
}
