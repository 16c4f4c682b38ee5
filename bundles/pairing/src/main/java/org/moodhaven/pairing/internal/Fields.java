package org.moodhaven.pairing.internal;

import java.util.List;
import java.util.Map;

import org.moodhaven.api.identity.DeviceIds;

/**
 * Reads typed members of a parsed pairing message. A missing member or one of
 * the wrong type is a {@link MalformedMessage}; members this page does not
 * name are ignored, as PROTOCOL.md's encoding rules require of every reader
 * (forward compatibility).
 */
final class Fields {

    private Fields() {
    }

    static String string(Map<String, Object> object, String name, int maxLength) throws MalformedMessage {
        Object value = object.get(name);
        if (!(value instanceof String text)) {
            throw new MalformedMessage("\"" + name + "\" must be a string");
        }
        if (text.length() > maxLength) {
            throw new MalformedMessage("\"" + name + "\" is longer than " + maxLength + " characters");
        }
        return text;
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> object(Map<String, Object> parent, String name) throws MalformedMessage {
        Object value = parent.get(name);
        if (!(value instanceof Map<?, ?> map)) {
            throw new MalformedMessage("\"" + name + "\" must be an object");
        }
        return (Map<String, Object>) map;
    }

    @SuppressWarnings("unchecked")
    static List<Object> array(Map<String, Object> object, String name, int size) throws MalformedMessage {
        Object value = object.get(name);
        if (!(value instanceof List<?> list) || list.size() != size) {
            throw new MalformedMessage("\"" + name + "\" must be an array of " + size + " items");
        }
        return (List<Object>) list;
    }

    /** A deviceId: 16 lowercase hex characters. */
    static String deviceId(Map<String, Object> object, String name) throws MalformedMessage {
        String text = string(object, name, DeviceIds.LENGTH);
        if (!DeviceIds.isValid(text)) {
            throw new MalformedMessage("\"" + name + "\" must be a deviceId (16 lowercase hex characters)");
        }
        return text;
    }

    /** Canonical b64url without padding of exactly {@code length} bytes. */
    static byte[] bytes(Map<String, Object> object, String name, int length) throws MalformedMessage {
        String text = string(object, name, (length * 4 + 2) / 3);
        try {
            byte[] bytes = DeviceIds.fromBase64Url(text);
            if (bytes.length == length) {
                return bytes;
            }
        } catch (IllegalArgumentException e) {
            // reported below, the same way as a wrong length
        }
        throw new MalformedMessage("\"" + name + "\" must be b64url of " + length + " bytes");
    }
}
