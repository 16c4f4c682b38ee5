package org.moodhaven.api.sync;

import java.util.List;
import java.util.Optional;

import org.osgi.annotation.versioning.ProviderType;

/**
 * Syncs this node's journal with trusted devices: a TCP server on the sync port
 * answers their syncs, and {@link #sync} starts one. Only one session with a device
 * runs at a time, in either direction.
 */
@ProviderType
public interface SyncService {

    /**
     * @return the port the sync server is bound to
     */
    int port();

    /**
     * Runs a complete sync with a trusted device, as the client, and waits for it.
     *
     * @param deviceId the device
     * @param address  where to reach it; empty to use the last address a sync with it used
     * @return what the sync did; failures are reported in the result, not thrown
     */
    SyncResult sync(String deviceId, Optional<SyncAddress> address);

    /**
     * @param deviceId a device
     * @return whether a session with it is running now, in either direction
     */
    boolean isSyncing(String deviceId);

    /**
     * @param deviceId a device, or empty for every device
     * @param limit    most records to return
     * @return the most recent syncs, newest first
     */
    List<SyncRecord> history(Optional<String> deviceId, int limit);
}
