package org.moodhaven.pairing.internal;

import java.util.Map;

import org.moodhaven.common.json.StrictJson;

/**
 * Reads a pairing body (PROTOCOL.md section 5) with the strict reader peers' messages
 * get everywhere ({@link StrictJson}): one UTF-8 JSON object, no byte order mark, no
 * duplicate member, nothing after it; here also at most {@link #MAX_BODY} bytes and
 * nesting no deeper than a confirm body needs.
 */
final class PairingJson {

    /** Largest body PROTOCOL.md section 5 accepts (a larger one gets 413 from the HTTP layer). */
    static final int MAX_BODY = 64 * 1024;

    /** A confirm body is the deepest message: body, SEALED or R1, proof array. */
    private static final int MAX_DEPTH = 6;

    private static final StrictJson PARSER = new StrictJson(MAX_DEPTH, MAX_BODY);

    private PairingJson() {
    }

    /**
     * @param bytes UTF-8 JSON, at most {@link #MAX_BODY} bytes
     * @return the top-level object
     * @throws MalformedMessage if the bytes are not one strict JSON object within the limits
     */
    static Map<String, Object> parseObject(byte[] bytes) throws MalformedMessage {
        if (bytes == null || bytes.length == 0) {
            throw new MalformedMessage("empty body");
        }
        if (bytes.length > MAX_BODY) {
            throw new MalformedMessage("body larger than 64 KiB");
        }
        try {
            return PARSER.parseObject(bytes);
        } catch (StrictJson.MalformedJson e) {
            throw new MalformedMessage(e.getMessage());
        }
    }
}
