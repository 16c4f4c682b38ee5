package org.moodhaven.api.identity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;

import org.junit.jupiter.api.Test;
import org.moodhaven.testing.TestVectors;

class DeviceIdsTest {

    @Test
    void derivesDeviceIdsAndSyncPortsOfTheVectors() {
        for (JsonNode identity : TestVectors.root().get("identity")) {
            byte[] publicKey = DeviceIds.fromBase64Url(identity.get("publicKey").asText());
            String deviceId = DeviceIds.fromPublicKey(publicKey);
            assertEquals(identity.get("deviceId").asText(), deviceId);
            assertEquals(identity.get("syncPort").asInt(), DeviceIds.defaultSyncPort(deviceId));
        }
        for (JsonNode example : TestVectors.root().get("syncPortExamples")) {
            assertEquals(example.get("syncPort").asInt(), DeviceIds.defaultSyncPort(example.get("deviceId").asText()));
        }
    }

    @Test
    void deviceIdsAreSixteenLowercaseHexCharacters() {
        assertTrue(DeviceIds.isValid("21fe31dfa154a261"));
        assertFalse(DeviceIds.isValid("21FE31DFA154A261"));
        assertFalse(DeviceIds.isValid("21fe31dfa154a26"));
        assertFalse(DeviceIds.isValid("21fe31dfa154a26g"));
        assertThrows(IllegalArgumentException.class, () -> DeviceIds.defaultSyncPort("nope"));
    }

    @Test
    void base64UrlIsStrict() {
        assertEquals(32, DeviceIds.fromBase64Url("11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo").length);
        assertThrows(IllegalArgumentException.class,
                () -> DeviceIds.fromBase64Url("11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo="));
        assertThrows(IllegalArgumentException.class,
                () -> DeviceIds.fromBase64Url("11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo"));
        assertThrows(IllegalArgumentException.class,
                () -> DeviceIds.fromBase64Url("11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURp"), "non-canonical tail");
    }

    @Test
    void deviceNamesAreCheckedAndSanitized() {
        assertTrue(DeviceNames.isValid("Ken's MacBook"));
        assertTrue(DeviceNames.isValid("日記 📔"));
        assertTrue(DeviceNames.isValid("<img src=x onerror=alert(1)>"), "HTML is text; it is shown, never run");
        assertFalse(DeviceNames.isValid(""));
        assertFalse(DeviceNames.isValid("a".repeat(65)));
        assertTrue(DeviceNames.isValid("📔".repeat(64)), "64 code points, 128 UTF-16 units");
        assertFalse(DeviceNames.isValid("line\nbreak"));
        assertFalse(DeviceNames.isValid("evil\u202Egnp.exe"));
        assertFalse(DeviceNames.isValid("isolate\u2066x"));
        assertFalse(DeviceNames.isValid("lone\uD800"));
        assertEquals("evilgnp.exe", DeviceNames.sanitize("evil\u202Egnp.exe", "x"));
        assertEquals("fallback", DeviceNames.sanitize("\n\t", "fallback"));
    }
}
