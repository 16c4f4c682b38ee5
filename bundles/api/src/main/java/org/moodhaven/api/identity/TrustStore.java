package org.moodhaven.api.identity;

import java.util.List;
import java.util.Optional;

import org.osgi.annotation.versioning.ProviderType;

/**
 * The devices this node trusts, kept in {@code trusted_devices.json}
 * (PROTOCOL.md section 2). The file is re-read when it changes on disk, so
 * {@link #list()} and {@link #find} always answer from what the file says now.
 * <p>
 * Changes are posted on {@code moodhaven/trust/*} topics (see
 * {@code org.moodhaven.api.event.EventTopics}).
 */
@ProviderType
public interface TrustStore {

    /**
     * @return the trusted devices, in file order
     */
    List<TrustedDevice> list();

    /**
     * @param deviceId a deviceId
     * @return the trusted device with that id, if any
     */
    Optional<TrustedDevice> find(String deviceId);

    /**
     * Trusts a device, or replaces the entry with the same deviceId: afterwards the file
     * holds exactly one entry for it (an ignored duplicate of that deviceId is removed).
     *
     * @param device the device; its deviceId must derive from its publicKey and it must
     *               not be this node itself
     * @throws IllegalArgumentException if the device is invalid
     * @throws TrustStoreException      if the file cannot be written (nothing changed)
     */
    void trust(TrustedDevice device) throws TrustStoreException;

    /**
     * Stops trusting a device: every entry with its deviceId is removed (an ignored
     * duplicate too, so none can become trusted afterwards) and
     * {@code moodhaven/trust/REVOKED} is posted once. Revocation is local to this node.
     *
     * @param deviceId the device
     * @return whether it was trusted (when true, it no longer is)
     * @throws TrustStoreException if the file cannot be written (nothing changed)
     */
    boolean revoke(String deviceId) throws TrustStoreException;

    /**
     * Records the last address a sync with a trusted device used. Unknown devices are ignored.
     *
     * @param deviceId the device
     * @param address  {@code host:port}
     * @throws TrustStoreException if the file cannot be written
     */
    void recordAddress(String deviceId, String address) throws TrustStoreException;

    /**
     * @return what was wrong with the file the last time it was read (entries ignored
     *         and why); empty when it was clean
     */
    List<String> problems();
}
