package org.moodhaven.api.identity;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.HexFormat;

/**
 * Derivations and formats of PROTOCOL.md sections 1 and 3 that every device
 * computes the same way.
 */
public final class DeviceIds {

    /** Length of a deviceId in characters. */
    public static final int LENGTH = 16;

    /** Length of an Ed25519 public key in bytes. */
    public static final int PUBLIC_KEY_LENGTH = 32;

    private DeviceIds() {
    }

    /**
     * @param publicKey the raw 32-byte Ed25519 public key
     * @return the first 16 characters of lowercase hex SHA-256 of the key
     * @throws IllegalArgumentException if the key is not 32 bytes
     */
    public static String fromPublicKey(byte[] publicKey) {
        if (publicKey == null || publicKey.length != PUBLIC_KEY_LENGTH) {
            throw new IllegalArgumentException("an Ed25519 public key has 32 bytes");
        }
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(publicKey);
            return HexFormat.of().formatHex(digest, 0, LENGTH / 2);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }

    /**
     * @param deviceId a candidate deviceId
     * @return whether it is 16 lowercase hex characters
     */
    public static boolean isValid(String deviceId) {
        if (deviceId == null || deviceId.length() != LENGTH) {
            return false;
        }
        for (int i = 0; i < LENGTH; i++) {
            char c = deviceId.charAt(i);
            if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
                return false;
            }
        }
        return true;
    }

    /**
     * The default sync port: {@code 44000 + (parseInt(deviceId[0..4], 16) % 1000)}.
     *
     * @param deviceId a valid deviceId
     * @return a port in 44000-44999
     * @throws IllegalArgumentException if the deviceId is not valid
     */
    public static int defaultSyncPort(String deviceId) {
        if (!isValid(deviceId)) {
            throw new IllegalArgumentException("not a deviceId: " + deviceId);
        }
        return 44000 + Integer.parseInt(deviceId.substring(0, 4), 16) % 1000;
    }

    /**
     * @param bytes raw bytes
     * @return b64url without padding
     */
    public static String base64Url(byte[] bytes) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    /**
     * Decodes b64url without padding, strictly: padding, the standard alphabet and
     * non-canonical trailing bits are refused.
     *
     * @param text the encoded text
     * @return the bytes
     * @throws IllegalArgumentException if {@code text} is not canonical b64url without padding
     */
    public static byte[] fromBase64Url(String text) {
        if (text == null || text.indexOf('=') >= 0 || text.length() % 4 == 1) {
            throw new IllegalArgumentException("not b64url without padding");
        }
        byte[] bytes = Base64.getUrlDecoder().decode(text);
        if (!base64Url(bytes).equals(text)) {
            throw new IllegalArgumentException("not canonical b64url");
        }
        return bytes;
    }
}
