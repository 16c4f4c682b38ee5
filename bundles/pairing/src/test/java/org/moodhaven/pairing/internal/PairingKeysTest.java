package org.moodhaven.pairing.internal;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PairingKeysTest {

    @Test
    void kIsLeftPaddedTo384Bytes() {
        byte[] small = PairingKeys.fixedLength(BigInteger.valueOf(0x0102));
        assertEquals(384, small.length);
        assertEquals(1, small[382]);
        assertEquals(2, small[383]);
        assertTrue(Arrays.equals(new byte[382], Arrays.copyOf(small, 382)));

        BigInteger top = BigInteger.ONE.shiftLeft(3071).add(BigInteger.ONE); // Java adds a sign byte: 385 bytes
        byte[] full = PairingKeys.fixedLength(top);
        assertEquals(384, full.length);
        assertEquals((byte) 0x80, full[0]);
        assertEquals(1, full[383]);
    }

    @Test
    void derivesWhatThePageSaysWithAnIndependentHkdf() throws Exception {
        BigInteger keyingMaterial = new BigInteger(3000, Devices.RANDOM);
        PairingKeys keys = PairingKeys.derive(keyingMaterial, Devices.CRYPTO);
        byte[] k = PairingKeys.fixedLength(keyingMaterial);
        assertArrayEquals(hkdf(k, "moodhaven-pair-v2 seal A", 32), keys.sealA());
        assertArrayEquals(hkdf(k, "moodhaven-pair-v2 seal B", 32), keys.sealB());
        assertArrayEquals(hkdf(k, "moodhaven-pair-v2 bind", 32), keys.bind());
        byte[] code = hkdf(k, "moodhaven-pair-v2 code", 4);
        long value = Integer.toUnsignedLong(java.nio.ByteBuffer.wrap(code).getInt());
        assertEquals(String.format("%04d", value % 10000), keys.checkCode());
        assertFalse(Arrays.equals(keys.sealA(), keys.sealB()));
    }

    @Test
    void checkCodeIsAlwaysFourDigits() {
        for (int i = 0; i < 300; i++) {
            String code = PairingKeys.derive(new BigInteger(3072, Devices.RANDOM), Devices.CRYPTO).checkCode();
            assertTrue(code.matches("[0-9]{4}"), code);
        }
    }

    @Test
    void destroyWipesTheKeys() {
        PairingKeys keys = PairingKeys.derive(BigInteger.TEN, Devices.CRYPTO);
        keys.destroy();
        assertArrayEquals(new byte[32], keys.sealA());
        assertArrayEquals(new byte[32], keys.bind());
    }

    /** RFC 5869 with an empty salt (32 zero bytes), written out here to check the provider's use. */
    private static byte[] hkdf(byte[] ikm, String info, int length) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(new byte[32], "HmacSHA256"));
        byte[] prk = mac.doFinal(ikm);
        mac.init(new SecretKeySpec(prk, "HmacSHA256"));
        mac.update(info.getBytes(StandardCharsets.US_ASCII));
        mac.update((byte) 1);
        return Arrays.copyOf(mac.doFinal(), length);
    }
}
