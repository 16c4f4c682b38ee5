package org.moodhaven.api.identity;

import java.time.Instant;

import org.osgi.annotation.versioning.ProviderType;

/**
 * This device's identity (PROTOCOL.md section 1): an Ed25519 key pair made on
 * first start, and the deviceId derived from its public key. The private key
 * never leaves the implementation; callers ask it to sign.
 */
@ProviderType
public interface DeviceIdentity {

    /**
     * @return the deviceId: 16 lowercase hex characters
     */
    String deviceId();

    /**
     * @return the name shown to peers
     */
    String deviceName();

    /**
     * @return the raw 32-byte Ed25519 public key (a copy)
     */
    byte[] publicKey();

    /**
     * @return the public key as b64url without padding, as in device.json
     */
    String publicKeyBase64();

    /**
     * @return when the identity was first created, from device.json
     */
    Instant created();

    /**
     * Signs a message with this device's private key (Ed25519).
     *
     * @param message the bytes to sign
     * @return the 64-byte signature
     */
    byte[] sign(byte[] message);
}
