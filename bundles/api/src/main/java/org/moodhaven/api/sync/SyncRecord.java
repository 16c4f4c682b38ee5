package org.moodhaven.api.sync;

import java.time.Instant;

/**
 * One sync in the history.
 *
 * @param deviceId   the peer
 * @param deviceName the peer's name when the sync ran
 * @param direction  {@code "outgoing"} (this node started it) or {@code "incoming"}
 * @param startedAt  when it started
 * @param finishedAt when it ended
 * @param address    the peer's address
 * @param protocol   the protocol version used, 0 if the handshake did not finish
 * @param result     what it did
 */
public record SyncRecord(String deviceId, String deviceName, String direction, Instant startedAt, Instant finishedAt,
                         String address, int protocol, SyncResult result) {

    /** {@link #direction()} of a sync this node started. */
    public static final String OUTGOING = "outgoing";

    /** {@link #direction()} of a sync a peer started. */
    public static final String INCOMING = "incoming";
}
