package org.moodhaven.pairing.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

/** The pairing server's reading of one request, byte by byte as a hostile client may send it. */
class RequestReaderTest {

    private static RequestReader reader(String request) {
        return new RequestReader(new ByteArrayInputStream(request.getBytes(StandardCharsets.ISO_8859_1)),
                millis -> { }, Duration.ofSeconds(5));
    }

    /** Endless bytes, counting how many were read. */
    private static final class Endless extends InputStream {
        private final byte[] prefix;
        long read;

        Endless(String prefix) {
            this.prefix = prefix.getBytes(StandardCharsets.ISO_8859_1);
        }

        @Override
        public int read() {
            return read < prefix.length ? prefix[(int) read++] : (int) (read++ % 26) + 'a';
        }
    }

    @Test
    void readsTheRequestLineContentLengthAndBodyWithCrlfOrBareLf() throws Exception {
        RequestReader crlf = reader("POST /pair/v2/round1?x=1 HTTP/1.1\r\nHost: a\r\ncontent-LENGTH:  5 \r\n\r\nhello");
        assertEquals(new RequestReader.Head("POST", "/pair/v2/round1", 5), crlf.head());
        assertArrayEquals("hello".getBytes(StandardCharsets.US_ASCII), crlf.body(5));

        RequestReader lf = reader("GET /pair/v2/result HTTP/1.0\nContent-Length: 0\nContent-Length: 0\n\n");
        assertEquals(new RequestReader.Head("GET", "/pair/v2/result", 0), lf.head());
        assertEquals(new RequestReader.Head("POST", "/", 0), reader("POST / HTTP/1.1\r\n\r\n").head(),
                "no Content-Length is an empty body");
    }

    @Test
    void refusesWhatThePairingStepsNeverSend() {
        for (String request : List.of(
                "POST /pair/v2/round1 HTTP/2.0\r\n\r\n",
                "post /pair/v2/round1 HTTP/1.1\r\n\r\n",
                "POST pair/v2/round1 HTTP/1.1\r\n\r\n",
                "POST  /pair/v2/round1 HTTP/1.1\r\n\r\n",
                "\r\nPOST /pair/v2/round1 HTTP/1.1\r\n\r\n",
                "POST /pair/v2/round1 HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n",
                "POST /pair/v2/round1 HTTP/1.1\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\n",
                "POST /pair/v2/round1 HTTP/1.1\r\nContent-Length: -1\r\n\r\n",
                "POST /pair/v2/round1 HTTP/1.1\r\nContent-Length: 1e3\r\n\r\n",
                "POST /pair/v2/round1 HTTP/1.1\r\nContent-Length: 1234567890123\r\n\r\n",
                "POST /pair/v2/round1 HTTP/1.1\r\nHost: a\r\n folded: on\r\n\r\n",
                "POST /pair/v2/round1 HTTP/1.1\r\nno colon\r\n\r\n",
                "POST /pair/v2/round1 HTTP/1.1\r\n: no name\r\n\r\n",
                "POST /pair/v2/round1 HTTP/1.1\r\n" + "X: y\r\n".repeat(65) + "\r\n")) {
            assertThrows(RequestReader.Malformed.class, () -> reader(request).head(), request);
        }
    }

    @Test
    void aHeadThatNeverEndsIsRefusedAfterEightKibibytes() {
        Endless endless = new Endless("POST /pair/v2/round1 HTTP/1.1\r\nX-Slow: ");
        RequestReader reader = new RequestReader(endless, millis -> { }, Duration.ofSeconds(5));

        assertThrows(RequestReader.Malformed.class, reader::head);
        assertTrue(endless.read <= RequestReader.MAX_HEAD + 2048, "read " + endless.read + " bytes");
    }

    @Test
    void everyReadIsBoundedByWhatIsLeftOfTheTimeLimitAndNoneStartsAfterIt() throws Exception {
        List<Integer> timeouts = new ArrayList<>();
        RequestReader reader = new RequestReader(new Endless(""), timeouts::add, Duration.ofSeconds(2));
        assertThrows(RequestReader.Malformed.class, reader::head);
        assertTrue(!timeouts.isEmpty() && timeouts.stream().allMatch(t -> t >= 1 && t <= 2000), timeouts.toString());

        RequestReader late = new RequestReader(new Endless("POST"), millis -> { }, Duration.ZERO);
        assertThrows(SocketTimeoutException.class, late::head);
    }

    @Test
    void aConnectionClosedMidwayIsAnIoFailure() throws Exception {
        assertThrows(IOException.class, () -> reader("POST /pair/v2/round1 HTT").head());
        RequestReader body = reader("POST /pair/v2/round1 HTTP/1.1\r\nContent-Length: 10\r\n\r\nabc");
        assertEquals(10, body.head().contentLength());
        assertThrows(IOException.class, () -> body.body(10));
    }
}
