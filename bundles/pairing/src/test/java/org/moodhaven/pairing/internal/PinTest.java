package org.moodhaven.pairing.internal;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashSet;
import java.util.Set;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PinTest {

    @Test
    void isAlwaysSixDigits() {
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 5000; i++) {
            String digits = Pin.generate(Devices.CRYPTO::randomBytes).digits();
            assertTrue(digits.matches("[0-9]{6}"), digits);
            seen.add(digits);
        }
        assertTrue(seen.size() > 4900, "5000 draws from a million values should rarely repeat: " + seen.size());
    }

    @Test
    void keepsLeadingZerosAndRejectsOutOfRangeDraws() {
        // 0x0F4240 = 1,000,000 (out of range, must be redrawn, not reduced modulo),
        // then 0xFFFFFF masks to 2^20 - 1 (out of range), then 0x000007 = 7.
        Deque<byte[]> draws = new ArrayDeque<>();
        draws.add(new byte[] {0x0F, 0x42, 0x40});
        draws.add(new byte[] {(byte) 0xFF, (byte) 0xFF, (byte) 0xFF});
        draws.add(new byte[] {0x00, 0x00, 0x07});
        Pin pin = Pin.generate(n -> {
            assertEquals(3, n);
            return draws.removeFirst();
        });
        assertEquals("000007", pin.digits());
        assertTrue(draws.isEmpty());
        assertEquals("000007", new String(pin.password()));
    }

    @Test
    void highestValueIsReachable() {
        // 999,999 = 0x0F423F
        assertEquals("999999", Pin.generate(n -> new byte[] {0x0F, 0x42, 0x3F}).digits());
    }

    @Test
    void typedPinMustBeSixAsciiDigits() {
        assertEquals("012345", Pin.of("012345").digits());
        for (String bad : new String[] {"12345", "1234567", "12345a", "١٢٣٤٥٦", " 12345", ""}) {
            assertThrows(IllegalArgumentException.class, () -> Pin.of(bad), bad);
        }
        assertThrows(IllegalArgumentException.class, () -> Pin.of(null));
    }

    @Test
    void neverPrintsItsDigits() {
        Pin pin = Pin.of("424242");
        assertFalse(pin.toString().contains("424242"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Pin.of("42424x"));
        assertFalse(e.getMessage().contains("42424"));
    }
}
