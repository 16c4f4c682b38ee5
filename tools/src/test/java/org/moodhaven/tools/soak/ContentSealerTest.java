package org.moodhaven.tools.soak;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Base64;
import java.util.HexFormat;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.moodhaven.testing.TestVectors;

/** The soak's writers encrypt entry text exactly as the content vector of test-vectors.json (PROTOCOL.md 7). */
class ContentSealerTest {

    @Test
    void reproducesTheContentVector() {
        byte[] salt = Base64.getDecoder().decode(TestVectors.text("/content/content/salt"));
        char[] password = TestVectors.text("/content/password").toCharArray();
        assertEquals(TestVectors.text("/content/keyHex"), HexFormat.of().formatHex(ContentSealer.derive(password, salt)));

        Map<String, String> content = new ContentSealer(password, salt).seal(TestVectors.text("/content/entryId"),
                TestVectors.text("/content/plaintext"), Base64.getDecoder().decode(TestVectors.text("/content/content/iv")));
        assertEquals(TestVectors.text("/content/content/iv"), content.get("iv"));
        assertEquals(TestVectors.text("/content/content/data"), content.get("data"));
        assertEquals(TestVectors.text("/content/content/salt"), content.get("salt"));
    }
}
