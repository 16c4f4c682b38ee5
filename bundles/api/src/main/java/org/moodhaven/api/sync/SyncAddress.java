package org.moodhaven.api.sync;

import java.util.Objects;

/**
 * Where a device's sync server listens.
 *
 * @param host a host name or IP address
 * @param port a TCP port, 1 to 65535
 */
public record SyncAddress(String host, int port) {

    /**
     * @throws IllegalArgumentException if the host is empty or the port out of range
     */
    public SyncAddress {
        Objects.requireNonNull(host, "host");
        if (host.isBlank() || host.length() > 253) {
            throw new IllegalArgumentException("a host name or address is needed");
        }
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("a port is 1 to 65535, not " + port);
        }
    }

    /**
     * @param text {@code host:port}, or {@code [v6-address]:port}
     * @return the address
     * @throws IllegalArgumentException if it is not {@code host:port}
     */
    public static SyncAddress parse(String text) {
        int colon = text == null ? -1 : text.lastIndexOf(':');
        if (colon <= 0 || colon == text.length() - 1) {
            throw new IllegalArgumentException("expected host:port, got " + text);
        }
        String host = text.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        try {
            return new SyncAddress(host, Integer.parseInt(text.substring(colon + 1)));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("expected host:port, got " + text, e);
        }
    }

    @Override
    public String toString() {
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
    }
}
