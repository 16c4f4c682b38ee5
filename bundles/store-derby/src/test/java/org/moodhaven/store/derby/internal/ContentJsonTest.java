package org.moodhaven.store.derby.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.moodhaven.api.entry.CanonicalJson;

class ContentJsonTest {

    @Test
    void readsBackWhatCanonicalJsonWrites() {
        Map<String, String> content = new LinkedHashMap<>();
        content.put("data", "c2VjcmV0IGJsb2I=");
        content.put("iv", "AAECAwQFBgcICQoL");
        content.put("k\"\\/\b\f\n\r\t\u0000\u001f", "\u2028\u00e9\ud83d\ude00 </script>");
        content.put("", "");
        String json = CanonicalJson.ofObject(content);
        assertEquals(content, ContentJson.parse(json));
        assertEquals(json, CanonicalJson.ofObject(ContentJson.parse(json)));
        assertEquals(Map.of(), ContentJson.parse("{}"));
        assertEquals(Map.of("a", "\u00e9/"), ContentJson.parse("{\"a\":\"\\u00E9\\/\"}"));
    }

    @Test
    void refusesAnythingElse() {
        for (String bad : List.of("", "{", "}", "[]", "{\"a\":1}", "{\"a\":null}", "{\"a\":\"b\",}",
                "{\"a\":\"b\"}x", "{ \"a\":\"b\"}", "{\"a\":\"b\",\"a\":\"c\"}", "{\"a\":\"\\x\"}",
                "{\"a\":\"\\u12\"}", "{\"a\":\"\\u12zz\"}", "{\"a\":\"raw\ncontrol\"}", "{\"a\":\"open}",
                "{\"a\"\"b\"}", "{\"a\":{}}")) {
            assertThrows(IllegalArgumentException.class, () -> ContentJson.parse(bad), bad);
        }
    }
}
