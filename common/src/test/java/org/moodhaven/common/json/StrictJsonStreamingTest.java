package org.moodhaven.common.json;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

/**
 * The streamed parse: one array member's elements reach a sink one by one, each with
 * a count of values of its own, while the rest of the text is parsed and checked as
 * strictly as ever.
 */
class StrictJsonStreamingTest {

    private static final StrictJson JSON = new StrictJson(16, 1024, 8);

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static Map<String, Object> stream(String text, List<Object> sink) throws Exception {
        byte[] bytes = utf8(text);
        return JSON.parseObject(bytes, 0, bytes.length, "items", sink::add);
    }

    @Test
    void handsTheElementsToTheSinkInOrderAndLeavesTheirCount() throws Exception {
        List<Object> seen = new ArrayList<>();
        Map<String, Object> message = stream("{\"type\":\"X\",\"items\":[\"a\",{\"id\":\"b\"},[1]],"
                + "\"last\":true}", seen);
        assertEquals(List.of("a", Map.of("id", "b"), List.of(new StrictJson.Number("1"))), seen);
        assertEquals(new StrictJson.StreamedArray(3), message.get("items"));
        assertEquals(Boolean.TRUE, message.get("last"));
        assertEquals("X", message.get("type"));
    }

    @Test
    void countsValuesPerElementSoManySmallElementsPassButOneLargeOneDoesNot() throws Exception {
        StringBuilder many = new StringBuilder("{\"items\":[");
        for (int i = 0; i < 100; i++) {
            many.append(i == 0 ? "" : ",").append("{\"id\":\"").append(i).append("\",\"h\":\"x\"}");
        }
        List<Object> seen = new ArrayList<>();
        stream(many.append("]}").toString(), seen);
        assertEquals(100, seen.size(), "100 elements of 3 values each, with 8 allowed per element");

        String large = "{\"items\":[{\"a\":1,\"b\":2,\"c\":3,\"d\":4,\"e\":5,\"f\":6,\"g\":7,\"h\":8}]}";
        StrictJson.MalformedJson refused = assertThrows(StrictJson.MalformedJson.class,
                () -> stream(large, new ArrayList<>()));
        assertEquals("more than 8 values", refused.getMessage());
        assertThrows(StrictJson.MalformedJson.class, () -> JSON.parseObject(utf8(large)),
                "without streaming, the whole text has the count");
    }

    @Test
    void aSinkStopsTheParseWithItsOwnException() {
        Exception refused = new Exception("the second element is refused");
        byte[] bytes = utf8("{\"items\":[1,2,3]}");
        List<Object> seen = new ArrayList<>();
        Exception thrown = assertThrows(Exception.class, () -> JSON.parseObject(bytes, 0, bytes.length, "items",
                element -> {
                    seen.add(element);
                    if (seen.size() == 2) {
                        throw refused;
                    }
                }));
        assertSame(refused, thrown);
        assertEquals(2, seen.size());
    }

    @Test
    void isAsStrictAsTheWholeParse() {
        for (String bad : new String[] {
            "{\"items\":[1,2],\"items\":[3]}", "{\"items\":[1,]}", "{\"items\":[1]} trailing",
            "\ufeff{\"items\":[]}", "{\"items\":[\"" + "x".repeat(1025) + "\"]}"}) {
            assertThrows(StrictJson.MalformedJson.class, () -> stream(bad, new ArrayList<>()), bad);
        }
    }

    @Test
    void streamsOnlyTheTopLevelMember() throws Exception {
        List<Object> seen = new ArrayList<>();
        Map<String, Object> message = stream("{\"inner\":{\"items\":[1]},\"items\":\"not an array\"}", seen);
        assertEquals(List.of(), seen);
        assertEquals(Map.of("items", List.of(new StrictJson.Number("1"))), message.get("inner"));
        assertEquals("not an array", message.get("items"));
    }
}
