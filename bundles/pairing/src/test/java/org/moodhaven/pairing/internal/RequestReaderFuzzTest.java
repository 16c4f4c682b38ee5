package org.moodhaven.pairing.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.time.Duration;

import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * Fuzzes the pairing server's reading of a request (the HTTP layer around the step
 * handlers): any bytes end in a request the server can route, a refusal as malformed, or
 * a connection failure; never another exception, and never more than the head limit read
 * before the body.
 */
class RequestReaderFuzzTest {

    @FuzzTest
    void serverReadsARequest(byte[] bytes) {
        ByteArrayInputStream in = new ByteArrayInputStream(bytes);
        RequestReader reader = new RequestReader(in, millis -> assertTrue(millis >= 1), Duration.ofSeconds(30));
        RequestReader.Head head;
        try {
            head = reader.head();
        } catch (RequestReader.Malformed | IOException refused) {
            assertTrue(bytes.length - in.available() <= RequestReader.MAX_HEAD + 2048, "read past the head limit");
            return;
        }
        assertTrue(head.method().matches("[A-Z]{1,16}"), head.method());
        assertTrue(head.path().startsWith("/") && !head.path().contains("?") && !head.path().contains(" "),
                head.path());
        assertTrue(head.contentLength() >= 0, head.toString());
        if (head.contentLength() <= PairingJson.MAX_BODY) {
            try {
                assertEquals(head.contentLength(), reader.body(head.contentLength()).length);
            } catch (IOException cutShort) {
                // the body ended early: the connection is closed
            }
        }
    }
}
