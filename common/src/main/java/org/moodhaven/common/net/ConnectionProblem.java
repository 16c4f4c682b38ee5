package org.moodhaven.common.net;

import java.io.EOFException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.net.http.HttpTimeoutException;
import java.nio.channels.UnresolvedAddressException;
import java.util.Locale;

/**
 * Why a connection to another device failed, in the words a person reads: a message
 * says "Cannot reach "Laptop" at 192.168.1.20:44123: nothing answers there." and what to
 * do next, never the exception's class name or the operating system's wording. Pairing
 * and sync add their own advice; the mapping from exception to cause is here once.
 */
public enum ConnectionProblem {

    /** Nothing listens at that port (the node is not running, or it is another port). */
    REFUSED("nothing answers there"),
    /** Nothing answered within the time allowed (off, asleep, or a firewall drops the packets). */
    TIMED_OUT("it did not answer in time"),
    /** The host name does not resolve. */
    UNKNOWN_HOST("no device on this network has that name"),
    /** The network has no route to that address (another network, or this one is down). */
    NO_ROUTE("this device has no way there from its network"),
    /** The connection was made and then closed or reset by the other side. */
    BROKEN_OFF("the connection broke off"),
    /** Anything else. */
    OTHER("the connection failed");

    /** How deep a cause chain is followed (a chain may loop). */
    private static final int MAX_CAUSES = 8;

    private final String words;

    ConnectionProblem(String words) {
        this.words = words;
    }

    /**
     * @return what happened, lower case and without a full stop, to follow a colon
     */
    public String words() {
        return words;
    }

    /**
     * @param who     the device, as people know it (its name in quotes, or "the other device")
     * @param address where it was tried ({@code host:port})
     * @return {@code Cannot reach WHO at ADDRESS: WORDS.}
     */
    public String cannotReach(String who, String address) {
        return "Cannot reach " + who + " at " + address + ": " + words + ".";
    }

    /**
     * @param error what a connect, read or HTTP call threw (its causes are looked at too)
     * @return its cause in people's terms; {@link #OTHER} when none is recognised
     */
    public static ConnectionProblem of(Throwable error) {
        boolean connectFailed = false;
        Throwable current = error;
        for (int depth = 0; current != null && depth < MAX_CAUSES; depth++) {
            ConnectionProblem problem = specific(current);
            if (problem != null) {
                return problem;
            }
            connectFailed |= current instanceof ConnectException;
            current = current.getCause() == current ? null : current.getCause();
        }
        // A ConnectException that says nothing more: the JDK's documented typical cause.
        return connectFailed ? REFUSED : OTHER;
    }

    private static ConnectionProblem specific(Throwable error) {
        if (error instanceof UnknownHostException || error instanceof UnresolvedAddressException) {
            return UNKNOWN_HOST;
        }
        if (error instanceof NoRouteToHostException) {
            return NO_ROUTE;
        }
        if (error instanceof SocketTimeoutException || error instanceof HttpTimeoutException) {
            return TIMED_OUT;
        }
        if (error instanceof EOFException) {
            return BROKEN_OFF;
        }
        if (!(error instanceof SocketException)) {
            return null;
        }
        String text = error.getMessage() == null ? "" : error.getMessage().toLowerCase(Locale.ROOT);
        if (text.contains("refused")) {
            return REFUSED;
        }
        if (text.contains("timed out")) {
            return TIMED_OUT;
        }
        if (text.contains("unreachable") || text.contains("no route") || text.contains("host is down")) {
            return NO_ROUTE;
        }
        if (text.contains("reset") || text.contains("broken pipe") || text.contains("closed")
                || text.contains("abort")) {
            return BROKEN_OFF;
        }
        return null;
    }
}
