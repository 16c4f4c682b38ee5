package org.moodhaven.sync.internal;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.moodhaven.api.entry.CanonicalJson;
import org.moodhaven.api.entry.Entry;
import org.moodhaven.api.entry.EntryHash;

/**
 * Session messages as a test peer writes them, including ones that break
 * PROTOCOL.md 6.4: everything is a plain map until {@link #json} turns it into
 * the bytes of a frame, so a test can drop, add or retype any field.
 */
final class Wire {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private Wire() {
    }

    /** A JSON object from alternating names and values (maps, lists, strings, numbers, booleans, null). */
    static Map<String, Object> object(Object... namesAndValues) {
        Map<String, Object> object = new LinkedHashMap<>();
        for (int i = 0; i < namesAndValues.length; i += 2) {
            object.put((String) namesAndValues[i], namesAndValues[i + 1]);
        }
        return object;
    }

    static byte[] json(Map<String, Object> object) {
        try {
            return MAPPER.writeValueAsBytes(object);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(e);
        }
    }

    /** The wire form of an entry, as a mutable map a test may break. */
    static Map<String, Object> entry(Entry entry) {
        try {
            return MAPPER.readValue(CanonicalJson.of(entry), new TypeReference<LinkedHashMap<String, Object>>() {
            });
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** An entry's wire form with one field replaced. */
    static Map<String, Object> entryWith(Entry entry, String field, Object value) {
        Map<String, Object> object = entry(entry);
        object.put(field, value);
        return object;
    }

    /** An entry's wire form without one field. */
    static Map<String, Object> entryWithout(Entry entry, String field) {
        Map<String, Object> object = entry(entry);
        object.remove(field);
        return object;
    }

    /** Manifest items {id, updated_at, h} of the entries. */
    static List<Object> items(List<Entry> entries) {
        List<Object> items = new ArrayList<>();
        for (Entry entry : entries) {
            items.add(object("id", entry.id(), "updated_at", entry.updatedAt(), "h", EntryHash.of(entry)));
        }
        return items;
    }

    static byte[] manifest(long seq, boolean last, List<Object> items) {
        return json(object("type", Messages.MANIFEST, "seq", seq, "entries", items, "last", last));
    }

    static byte[] want(boolean last, String... ids) {
        return json(object("type", Messages.WANT, "ids", Arrays.asList(ids), "last", last));
    }

    /** ENTRIES with entries given as {@link Entry} or as wire maps. */
    static byte[] entries(boolean last, Object... entries) {
        List<Object> wire = new ArrayList<>();
        for (Object entry : entries) {
            wire.add(entry instanceof Entry real ? entry(real) : entry);
        }
        return json(object("type", Messages.ENTRIES, "entries", wire, "last", last));
    }

    static byte[] done(long received, long rejected, long seq) {
        return Messages.done(Messages.DONE, received, rejected, seq);
    }
}
