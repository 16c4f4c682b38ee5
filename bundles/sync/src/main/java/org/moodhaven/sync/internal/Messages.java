package org.moodhaven.sync.internal;

import java.nio.charset.StandardCharsets;
import java.util.List;

import org.moodhaven.api.entry.CanonicalJson;
import org.moodhaven.common.json.StrictJson;

/**
 * Writes the messages of PROTOCOL.md 6.2 to 6.4 as compact JSON, members in the
 * order the page shows them (the HELLO bytes enter the transcript hash, and the
 * test vectors pin them).
 */
final class Messages {

    /**
     * The reader of the handshake's messages: nesting up to 16 levels, strings up to
     * 32 MiB (the 4 KiB cap of a handshake frame bounds them first).
     */
    static final StrictJson JSON = new StrictJson(16, 32 * 1024 * 1024);

    /**
     * The readers of a session's messages, each bounding what a frame can make the
     * node hold once parsed: strings, and values, whose overhead in the heap is far more
     * than their text when they are tiny. SYNC_STATE, DONE, DONE_ACK and ERROR: a few
     * values. MANIFEST, WANT and ENTRIES are read an item at a time, with a count of
     * values per item: 64 for a manifest item or an id, 16,384 for an entry (whose
     * content may have many members), and strings of up to 4 MiB in ENTRIES (an entry
     * over the content limit is rejected and counted, not refused as malformed).
     */
    static final StrictJson SMALL_MESSAGE = new StrictJson(16, 64 * 1024, 1024);
    static final StrictJson LIST_MESSAGE = new StrictJson(16, 64 * 1024, 64);
    static final StrictJson ENTRIES_MESSAGE = new StrictJson(16, 4 * 1024 * 1024, 16_384);

    static final String HELLO = "HELLO";
    static final String REJECT = "REJECT";
    static final String AUTH = "AUTH";
    static final String SYNC_STATE = "SYNC_STATE";
    static final String MANIFEST = "MANIFEST";
    static final String WANT = "WANT";
    static final String ENTRIES = "ENTRIES";
    static final String DONE = "DONE";
    static final String DONE_ACK = "DONE_ACK";
    static final String ERROR = "ERROR";

    private Messages() {
    }

    static byte[] hello(String deviceId, int protocolVersion, String ephemeralKey) {
        StringBuilder out = start(HELLO);
        member(out, "deviceId", deviceId);
        out.append(",\"protocolVersion\":").append(protocolVersion);
        if (ephemeralKey != null) {
            member(out, "ephemeralKey", ephemeralKey);
        }
        return end(out);
    }

    static byte[] reject(String reason, String ownDeviceId, List<Integer> supported) {
        StringBuilder out = start(REJECT);
        member(out, "reason", reason);
        member(out, "deviceId", ownDeviceId);
        if (supported != null) {
            out.append(",\"supported\":[");
            for (int i = 0; i < supported.size(); i++) {
                out.append(i == 0 ? "" : ",").append(supported.get(i));
            }
            out.append(']');
        }
        return end(out);
    }

    static byte[] auth(String signature) {
        StringBuilder out = start(AUTH);
        member(out, "signature", signature);
        return end(out);
    }

    static byte[] syncState(String storeId, String haveStoreId, long haveSeq) {
        StringBuilder out = start(SYNC_STATE);
        member(out, "storeId", storeId);
        out.append(",\"have\":");
        if (haveStoreId == null) {
            out.append("null");
        } else {
            out.append("{\"storeId\":");
            CanonicalJson.string(out, haveStoreId);
            out.append(",\"seq\":").append(haveSeq).append('}');
        }
        return end(out);
    }

    static byte[] want(List<String> ids, boolean last) {
        StringBuilder out = start(WANT);
        out.append(",\"ids\":[");
        for (int i = 0; i < ids.size(); i++) {
            if (i > 0) {
                out.append(',');
            }
            CanonicalJson.string(out, ids.get(i));
        }
        out.append("],\"last\":").append(last);
        return end(out);
    }

    static byte[] done(String type, long received, long rejected, long seq) {
        StringBuilder out = start(type);
        out.append(",\"received\":").append(received);
        out.append(",\"rejected\":").append(rejected);
        out.append(",\"seq\":").append(seq);
        return end(out);
    }

    static byte[] error(String code, String message) {
        StringBuilder out = start(ERROR);
        member(out, "code", code);
        member(out, "message", message);
        return end(out);
    }

    static StringBuilder start(String type) {
        StringBuilder out = new StringBuilder(128);
        out.append("{\"type\":");
        CanonicalJson.string(out, type);
        return out;
    }

    static void member(StringBuilder out, String name, String value) {
        out.append(',');
        CanonicalJson.string(out, name);
        out.append(':');
        CanonicalJson.string(out, value);
    }

    static byte[] end(StringBuilder out) {
        return out.append('}').toString().getBytes(StandardCharsets.UTF_8);
    }
}
