package org.moodhaven.testing;

import java.time.Instant;
import java.util.HexFormat;

import org.moodhaven.api.crypto.CryptoProvider;
import org.moodhaven.api.identity.DeviceIdentity;
import org.moodhaven.api.identity.DeviceIds;

/**
 * A device identity made from a fixed Ed25519 seed with a real crypto provider,
 * for tests that need several devices without their files.
 */
public final class SeedIdentity implements DeviceIdentity {

    private final byte[] seed;
    private final byte[] publicKey;
    private final String deviceName;
    private final CryptoProvider crypto;

    /**
     * @param seed       the 32-byte private key seed
     * @param deviceName the name
     * @param crypto     the provider that signs
     */
    public SeedIdentity(byte[] seed, String deviceName, CryptoProvider crypto) {
        this.seed = seed.clone();
        this.publicKey = crypto.ed25519PublicKey(seed);
        this.deviceName = deviceName;
        this.crypto = crypto;
    }

    /**
     * @param n          any number; each gives another device
     * @param deviceName the name
     * @param crypto     the provider that signs
     * @return the identity of test device {@code n}
     */
    public static SeedIdentity numbered(int n, String deviceName, CryptoProvider crypto) {
        byte[] seed = new byte[32];
        seed[0] = (byte) n;
        seed[1] = (byte) (n >> 8);
        seed[31] = 0x5A;
        return new SeedIdentity(seed, deviceName, crypto);
    }

    /**
     * @param index     which identity of test-vectors.json (0 or 1)
     * @param crypto    the provider that signs
     * @return that identity
     */
    public static SeedIdentity ofVector(int index, CryptoProvider crypto) {
        byte[] seed = HexFormat.of().parseHex(TestVectors.text("/identity/" + index + "/privateKeySeedHex"));
        return new SeedIdentity(seed, "vector " + index, crypto);
    }

    @Override
    public String deviceId() {
        return DeviceIds.fromPublicKey(publicKey);
    }

    @Override
    public String deviceName() {
        return deviceName;
    }

    @Override
    public byte[] publicKey() {
        return publicKey.clone();
    }

    @Override
    public String publicKeyBase64() {
        return DeviceIds.base64Url(publicKey);
    }

    @Override
    public Instant created() {
        return Instant.parse("2026-01-01T00:00:00Z");
    }

    @Override
    public byte[] sign(byte[] message) {
        return crypto.ed25519Sign(seed, message);
    }
}
