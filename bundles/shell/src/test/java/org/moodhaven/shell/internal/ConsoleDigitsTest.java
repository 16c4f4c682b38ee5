package org.moodhaven.shell.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** What the console hands a command: digits it may have turned into a number. */
class ConsoleDigitsTest {

    @Test
    void aPinWhoseLeadingZerosTheConsoleDroppedGetsThemBack() {
        assertEquals("012345", Texts.digits(12345L, 6));
        assertEquals("000001", Texts.digits(1L, 6));
        assertEquals("482913", Texts.digits(482913L, 6));
        assertEquals("012345", Texts.digits("012345", 6), "text stays as typed");
        assertEquals("0000000000000123", Texts.digits(123L, 16), "an all-digit deviceId too");
        assertEquals("9a4f0b2c1d3e5f60", Texts.digits(" 9a4f0b2c1d3e5f60 ", 16));
        assertEquals("1234567", Texts.digits(1234567L, 6), "too long stays too long: refused later");
        assertEquals("0123456789012345", Texts.deviceId(123456789012345L));
    }
}
