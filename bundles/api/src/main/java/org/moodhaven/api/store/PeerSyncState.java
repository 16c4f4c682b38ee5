package org.moodhaven.api.store;

import java.time.Instant;
import java.util.Objects;

/**
 * What a store remembers about syncing with one peer (PROTOCOL.md 6.4).
 *
 * @param deviceId       the peer
 * @param haveStoreId    the peer's storeId that {@code haveSeq} refers to, or {@code null}
 * @param haveSeq        "merged the peer's store up to this seq"
 * @param lastSyncAt     end of the last complete sync, or {@code null}
 * @param lastFullSyncAt end of the last complete sync in which this node declared
 *                       {@code have: null}, or {@code null}
 */
public record PeerSyncState(String deviceId, String haveStoreId, long haveSeq, Instant lastSyncAt,
                            Instant lastFullSyncAt) {

    /**
     * @throws NullPointerException if the deviceId is missing
     */
    public PeerSyncState {
        Objects.requireNonNull(deviceId, "deviceId");
    }
}
