package org.moodhaven.discovery.mdns.internal;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import org.moodhaven.api.identity.DeviceIds;
import org.moodhaven.api.identity.DeviceNames;

/**
 * What a node says about itself in its TXT record (PROTOCOL.md section 4), read
 * from the raw record bytes as hostile input: every length is bounded, text must be
 * strict UTF-8, and a record that breaks a rule is refused whole, so that nothing
 * half-valid ever reaches a peer list or an event.
 *
 * @param deviceId    16 lowercase hex characters
 * @param deviceName  the announced name, or {@code null} when the node keeps it to itself
 * @param protocols   the sync protocol versions it accepts, ascending, at least one
 * @param pairingPort the port of its pairing server while it is pairing, or {@code null}
 */
record Announcement(String deviceId, String deviceName, List<Integer> protocols, Integer pairingPort) {

    static final String DEVICE_ID = "device_id";
    static final String DEVICE_NAME = "device_name";
    static final String PROTO = "proto";
    static final String PAIR = "pair";

    /** Larger TXT records are refused unread (ours is about 130 bytes). */
    static final int MAX_TXT_BYTES = 1300;

    /** A name of 64 code points takes at most 256 bytes of UTF-8. */
    private static final int MAX_NAME_BYTES = 256;

    private static final int MAX_VERSIONS = 8;

    Announcement {
        protocols = List.copyOf(protocols);
    }

    /**
     * @return the TXT record's key-value pairs, in the order this node publishes them
     */
    Map<String, String> toText() {
        Map<String, String> text = new LinkedHashMap<>();
        text.put(DEVICE_ID, deviceId);
        if (deviceName != null) {
            text.put(DEVICE_NAME, deviceName);
        }
        StringBuilder versions = new StringBuilder();
        for (int version : protocols) {
            versions.append(versions.length() == 0 ? "" : ",").append(version);
        }
        text.put(PROTO, versions.toString());
        if (pairingPort != null) {
            text.put(PAIR, Integer.toString(pairingPort));
        }
        return text;
    }

    /** A TXT record that is not a valid MoodHaven announcement; the message says why. */
    static final class Malformed extends Exception {
        private static final long serialVersionUID = 1L;

        Malformed(String message) {
            super(message, null, false, false);
        }
    }

    /**
     * Reads a TXT record in its wire form: a sequence of length-prefixed strings
     * {@code key=value} (RFC 6763 section 6). Keys are case-insensitive, and only the
     * first occurrence of a key counts (section 6.4); unknown keys are ignored.
     *
     * @param txt the raw record
     * @return the announcement
     * @throws Malformed if it is not a valid announcement
     */
    static Announcement parse(byte[] txt) throws Malformed {
        if (txt == null || txt.length == 0) {
            throw new Malformed("no TXT record");
        }
        if (txt.length > MAX_TXT_BYTES) {
            throw new Malformed("TXT record of " + txt.length + " bytes");
        }
        Map<String, byte[]> values = new HashMap<>();
        int at = 0;
        while (at < txt.length) {
            int length = txt[at] & 0xFF;
            at++;
            if (at + length > txt.length) {
                throw new Malformed("TXT string runs past the record");
            }
            int equals = -1;
            for (int i = at; i < at + length; i++) {
                if (txt[i] == '=') {
                    equals = i;
                    break;
                }
            }
            if (equals > at) {
                String key = asciiKey(txt, at, equals);
                if (key != null) {
                    byte[] value = new byte[at + length - equals - 1];
                    System.arraycopy(txt, equals + 1, value, 0, value.length);
                    values.putIfAbsent(key, value);
                }
            }
            at += length;
        }
        return fromValues(values);
    }

    /** Printable ASCII keys only (RFC 6763 section 6.4); others are ignored, as unknown keys are. */
    private static String asciiKey(byte[] txt, int from, int to) {
        StringBuilder key = new StringBuilder(to - from);
        for (int i = from; i < to; i++) {
            int c = txt[i] & 0xFF;
            if (c < 0x20 || c > 0x7E) {
                return null;
            }
            key.append((char) c);
        }
        return key.toString().toLowerCase(Locale.ROOT);
    }

    private static Announcement fromValues(Map<String, byte[]> values) throws Malformed {
        byte[] id = values.get(DEVICE_ID);
        if (id == null) {
            throw new Malformed("no device_id");
        }
        String deviceId = id.length == DeviceIds.LENGTH ? new String(id, StandardCharsets.US_ASCII) : null;
        if (!DeviceIds.isValid(deviceId)) {
            throw new Malformed("device_id is not 16 lowercase hex characters");
        }
        String deviceName = null;
        byte[] name = values.get(DEVICE_NAME);
        if (name != null) {
            if (name.length > MAX_NAME_BYTES) {
                throw new Malformed("device_name too long");
            }
            deviceName = strictUtf8(name, "device_name");
            Optional<String> problem = DeviceNames.problem(deviceName);
            if (problem.isPresent()) {
                throw new Malformed("device_name: " + problem.get());
            }
        }
        byte[] proto = values.get(PROTO);
        if (proto == null) {
            throw new Malformed("no proto");
        }
        List<Integer> protocols = versions(proto);
        Integer pairingPort = null;
        byte[] pair = values.get(PAIR);
        if (pair != null) {
            pairingPort = number(pair, 65535, "pair");
            if (pairingPort < 1) {
                throw new Malformed("pair is not a port");
            }
        }
        return new Announcement(deviceId, deviceName, protocols, pairingPort);
    }

    /** {@code 2} or {@code 1,2}: positive integers, strictly ascending, at most eight. */
    private static List<Integer> versions(byte[] proto) throws Malformed {
        if (proto.length == 0 || proto.length > MAX_VERSIONS * 4) {
            throw new Malformed("proto is empty or too long");
        }
        List<Integer> versions = new ArrayList<>();
        int start = 0;
        for (int i = 0; i <= proto.length; i++) {
            if (i == proto.length || proto[i] == ',') {
                byte[] part = new byte[i - start];
                System.arraycopy(proto, start, part, 0, part.length);
                int version = number(part, 999, "proto");
                if (version < 1 || (!versions.isEmpty() && version <= versions.get(versions.size() - 1))) {
                    throw new Malformed("proto versions must be positive and ascending");
                }
                versions.add(version);
                start = i + 1;
            }
        }
        if (versions.size() > MAX_VERSIONS) {
            throw new Malformed("proto lists too many versions");
        }
        return versions;
    }

    /** Digits only, no sign and no leading zero, at most {@code max}. */
    private static int number(byte[] digits, int max, String key) throws Malformed {
        if (digits.length == 0 || digits.length > 5 || (digits[0] == '0' && digits.length > 1)) {
            throw new Malformed(key + " is not a number");
        }
        int value = 0;
        for (byte digit : digits) {
            if (digit < '0' || digit > '9') {
                throw new Malformed(key + " is not a number");
            }
            value = value * 10 + (digit - '0');
        }
        if (value > max) {
            throw new Malformed(key + " is out of range");
        }
        return value;
    }

    private static String strictUtf8(byte[] bytes, String key) throws Malformed {
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw new Malformed(key + " is not UTF-8");
        }
    }
}
