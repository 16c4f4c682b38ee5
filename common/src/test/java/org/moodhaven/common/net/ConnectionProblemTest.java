package org.moodhaven.common.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.EOFException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NoRouteToHostException;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.channels.UnresolvedAddressException;

import org.junit.jupiter.api.Test;

/** A failed connection is said as its cause, whichever API failed and however the JDK wrapped it. */
class ConnectionProblemTest {

    /** A port nothing listens on: bound once, then closed. */
    private static int closedPort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    @Test
    void aPortNothingListensOnIsRefusedForASocketAndForTheHttpClient() throws Exception {
        int port = closedPort();
        IOException bySocket = assertThrows(IOException.class, () -> {
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 5_000);
            }
        });
        assertEquals(ConnectionProblem.REFUSED, ConnectionProblem.of(bySocket));

        HttpClient http = HttpClient.newHttpClient();
        IOException byHttp = assertThrows(IOException.class, () -> http.send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + port + "/pair/v2/round1")).GET().build(),
                HttpResponse.BodyHandlers.discarding()));
        assertEquals(ConnectionProblem.REFUSED, ConnectionProblem.of(byHttp), byHttp.toString());
    }

    @Test
    void eachCauseIsRecognisedAlsoWhenWrapped() {
        assertEquals(ConnectionProblem.UNKNOWN_HOST, ConnectionProblem.of(new UnknownHostException("laptop.lan")));
        ConnectException unresolved = new ConnectException();
        unresolved.initCause(new UnresolvedAddressException());
        assertEquals(ConnectionProblem.UNKNOWN_HOST, ConnectionProblem.of(unresolved), "as the HTTP client says it");
        assertEquals(ConnectionProblem.NO_ROUTE, ConnectionProblem.of(new NoRouteToHostException("No route to host")));
        assertEquals(ConnectionProblem.NO_ROUTE, ConnectionProblem.of(new ConnectException("Network is unreachable")));
        assertEquals(ConnectionProblem.NO_ROUTE, ConnectionProblem.of(new ConnectException("Host is down")));
        assertEquals(ConnectionProblem.TIMED_OUT, ConnectionProblem.of(new SocketTimeoutException("connect timed out")));
        assertEquals(ConnectionProblem.TIMED_OUT, ConnectionProblem.of(new HttpConnectTimeoutException("HTTP connect timed out")));
        assertEquals(ConnectionProblem.TIMED_OUT, ConnectionProblem.of(new ConnectException("Connection timed out")));
        assertEquals(ConnectionProblem.BROKEN_OFF, ConnectionProblem.of(new SocketException("Connection reset")));
        assertEquals(ConnectionProblem.BROKEN_OFF, ConnectionProblem.of(new EOFException()));
        assertEquals(ConnectionProblem.REFUSED, ConnectionProblem.of(new IOException("wrapped",
                new ConnectException("Connection refused"))));
        assertEquals(ConnectionProblem.REFUSED, ConnectionProblem.of(new ConnectException()),
                "a connect failure that says nothing more");
        assertEquals(ConnectionProblem.OTHER, ConnectionProblem.of(new IOException("disk full")));
        assertEquals(ConnectionProblem.OTHER, ConnectionProblem.of(null));
    }

    @Test
    void theSentenceNamesTheDeviceAndTheAddressInWordsWithoutTheException() {
        String said = ConnectionProblem.of(new ConnectException("Connection refused"))
                .cannotReach("\"Laptop\"", "192.168.1.20:44123");
        assertEquals("Cannot reach \"Laptop\" at 192.168.1.20:44123: nothing answers there.", said);
        for (ConnectionProblem problem : ConnectionProblem.values()) {
            assertFalse(problem.words().contains("Exception") || problem.words().endsWith("."), problem.name());
        }
    }
}
