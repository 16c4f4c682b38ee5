package org.moodhaven.api.entry;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

/**
 * {@link CanonicalJson#utf8Length} counts exactly the bytes {@link CanonicalJson#ofObject}
 * writes, for every kind of character the escaping and UTF-8 treat differently.
 */
class CanonicalJsonLengthTest {

    @Test
    void countsTheBytesOfTheCanonicalTextForEveryKindOfCharacter() {
        List<String> samples = List.of("", "plain base64+/=", "quote \" and backslash \\",
                "\b\f\n\r\t and \u0000\u0001\u001f", "é ü ß", "€ 中文 \uffff",
                "emoji \ud83d\ude00 and \ud834\udd1e",
                "mixed \"\u00e9\n\u20ac\ud83d\ude00\\");
        for (String key : samples) {
            for (String value : samples) {
                Map<String, String> members = new LinkedHashMap<>();
                members.put("iv", "abc");
                members.put(key, value);
                assertEquals(CanonicalJson.ofObject(members).getBytes(StandardCharsets.UTF_8).length,
                        CanonicalJson.utf8Length(members), () -> "key " + key + ", value " + value);
            }
        }
        assertEquals(2, CanonicalJson.utf8Length(Map.of()));
    }

    @Test
    void countsLargeContentWithoutMakingIt() {
        Map<String, String> content = Map.of("iv", "x", "data", "A".repeat(2_500_000), "salt", "y");
        assertEquals(CanonicalJson.ofObject(content).getBytes(StandardCharsets.UTF_8).length,
                CanonicalJson.utf8Length(content));
    }
}
