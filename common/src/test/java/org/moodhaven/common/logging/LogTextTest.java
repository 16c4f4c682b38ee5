package org.moodhaven.common.logging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import org.junit.jupiter.api.Test;

/** Network text in a log line can neither forge a line nor grow it without bound. */
class LogTextTest {

    @Test
    void escapesWhatCouldForgeOrHideALine() {
        assertEquals("abc\\n2026-12-07 [INFO] forged\\r\\t", LogText.escape("abc\n2026-12-07 [INFO] forged\r\t"));
        assertEquals("a\\\\n", LogText.escape("a\\n"), "a backslash is doubled, so an escape is never ambiguous");
        assertEquals("\\u0000\\u001b[31m\\u2028\\u202e\\ufeff", LogText.escape("\u0000\u001b[31m\u2028\u202e\ufeff"));
        assertEquals("\\ud800x", LogText.escape("\ud800x"));
        assertEquals("é 中 \ud83d\ude00", LogText.escape("é 中 \ud83d\ude00"));
        assertEquals("null", LogText.escape(null));
    }

    @Test
    void cutsLongTextAndSaysHowMuchWasLeftOut() {
        String escaped = LogText.escape("x".repeat(1_000_000));
        assertEquals("x".repeat(200) + "…(999800 more)", escaped);
        assertFalse(LogText.escape("\n".repeat(500)).contains("\n"));
    }
}
