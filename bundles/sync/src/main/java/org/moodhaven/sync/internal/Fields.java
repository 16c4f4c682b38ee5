package org.moodhaven.sync.internal;

import java.util.List;
import java.util.Map;

import org.moodhaven.api.entry.EntryRules;
import org.moodhaven.common.json.StrictJson;

/**
 * Reads typed members of a parsed message, refusing wrong types. Every failure
 * is a {@link ProtocolViolation}: the peer sent a message that breaks the page.
 */
final class Fields {

    private Fields() {
    }

    static String string(Map<String, Object> object, String name) throws ProtocolViolation {
        Object value = object.get(name);
        if (!(value instanceof String text)) {
            throw new ProtocolViolation("\"" + name + "\" must be a string");
        }
        return text;
    }

    static boolean bool(Map<String, Object> object, String name) throws ProtocolViolation {
        Object value = object.get(name);
        if (!(value instanceof Boolean flag)) {
            throw new ProtocolViolation("\"" + name + "\" must be true or false");
        }
        return flag;
    }

    /** A non-negative integer literal of at most 2^53 - 1. */
    static long count(Map<String, Object> object, String name) throws ProtocolViolation {
        Object value = object.get(name);
        long parsed = value instanceof StrictJson.Number number ? number.nonNegativeInteger() : -1;
        if (parsed < 0) {
            throw new ProtocolViolation("\"" + name + "\" must be a non-negative integer literal up to 2^53-1");
        }
        return parsed;
    }

    @SuppressWarnings("unchecked")
    static List<Object> array(Map<String, Object> object, String name, int maxItems) throws ProtocolViolation {
        Object value = object.get(name);
        if (!(value instanceof List<?> list)) {
            throw new ProtocolViolation("\"" + name + "\" must be an array");
        }
        if (list.size() > maxItems) {
            throw new ProtocolViolation("\"" + name + "\" has " + list.size() + " items; at most " + maxItems
                    + " are allowed in a frame");
        }
        return (List<Object>) list;
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> object(Object value, String what) throws ProtocolViolation {
        if (!(value instanceof Map<?, ?> map)) {
            throw new ProtocolViolation(what + " must be an object");
        }
        return (Map<String, Object>) map;
    }

    /** An id of PROTOCOL.md (entry ids and storeIds): 1 to 64 of {@code [A-Za-z0-9_-]}. */
    static String id(Map<String, Object> object, String name) throws ProtocolViolation {
        Object value = object.get(name);
        if (!(value instanceof String text) || !EntryRules.isValidId(text)) {
            throw new ProtocolViolation("\"" + name + "\" must be 1-64 characters of [A-Za-z0-9_-]");
        }
        return text;
    }
}
