package org.moodhaven.tools;

import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.spec.NamedParameterSpec;
import java.security.spec.X509EncodedKeySpec;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import org.moodhaven.api.entry.Timestamps;

/**
 * A device identity of PROTOCOL.md section 1 held in memory: an Ed25519 key pair, its
 * deviceId, and the trust entry (section 2) a node needs to trust it. Made by the JDK's
 * own Ed25519, sharing no code with the node's identity bundle, so a tool that acts as
 * a trusted device checks the node rather than repeating its reading of the page.
 */
public final class PeerIdentity {

    /** The DER prefix of an X.509 Ed25519 public key; the raw 32 bytes follow it. */
    private static final byte[] ED25519_X509_PREFIX = HexFormat.of().parseHex("302a300506032b6570032100");

    private final String name;
    private final KeyPair keys;
    private final byte[] publicKey;
    private final String deviceId;

    private PeerIdentity(String name, KeyPair keys) {
        this.name = name;
        this.keys = keys;
        byte[] encoded = keys.getPublic().getEncoded();
        this.publicKey = Arrays.copyOfRange(encoded, encoded.length - 32, encoded.length);
        this.deviceId = deviceIdOf(publicKey);
    }

    /**
     * @param name the device name its trust entry gives (1–64 code points)
     * @return a new identity with a fresh key pair
     */
    public static PeerIdentity generate(String name) {
        return create(name, new SecureRandom());
    }

    /**
     * @param name the device name
     * @param seed the 32-byte Ed25519 private key (RFC 8032 seed), as in {@code peer_key.bin}
     * @return the identity of that key, e.g. one of the test vectors
     */
    public static PeerIdentity fromSeed(String name, byte[] seed) {
        if (seed.length != 32) {
            throw new IllegalArgumentException("an Ed25519 seed has 32 bytes, not " + seed.length);
        }
        // The JDK's generator takes the seed from its random source: hand it exactly these bytes.
        SecureRandom fixed = new SecureRandom() {
            @Override
            public void nextBytes(byte[] bytes) {
                System.arraycopy(seed, 0, bytes, 0, Math.min(seed.length, bytes.length));
            }
        };
        return create(name, fixed);
    }

    private static PeerIdentity create(String name, SecureRandom random) {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("Ed25519");
            generator.initialize(NamedParameterSpec.ED25519, random);
            return new PeerIdentity(name, generator.generateKeyPair());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("this Java runtime has no Ed25519", e);
        }
    }

    /**
     * @param rawPublicKey a raw 32-byte Ed25519 public key
     * @return its deviceId: the first 16 characters of lowercase hex(SHA-256(key))
     */
    public static String deviceIdOf(byte[] rawPublicKey) {
        return HexFormat.of().formatHex(sha256(rawPublicKey)).substring(0, 16);
    }

    /** @return this device's deviceId */
    public String deviceId() {
        return deviceId;
    }

    /** @return this device's name */
    public String name() {
        return name;
    }

    /** @return the raw 32-byte public key */
    public byte[] publicKey() {
        return publicKey.clone();
    }

    /** @return the public key as {@code device.json} and trust entries write it (b64url) */
    public String publicKeyBase64() {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(publicKey);
    }

    /**
     * @param pairedAt when the pairing happened
     * @return this device's entry of another node's {@code trusted_devices.json}
     */
    public ObjectNode trustEntry(Instant pairedAt) {
        ObjectNode entry = new ObjectMapper().createObjectNode();
        entry.put("deviceId", deviceId);
        entry.put("deviceName", name);
        entry.put("publicKey", publicKeyBase64());
        entry.put("pairedAt", Timestamps.format(pairedAt));
        return entry;
    }

    /**
     * @param message what to sign
     * @return the Ed25519 signature (64 bytes)
     */
    public byte[] sign(byte[] message) {
        try {
            Signature signature = Signature.getInstance("Ed25519");
            signature.initSign(keys.getPrivate());
            signature.update(message);
            return signature.sign();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot sign with Ed25519", e);
        }
    }

    /**
     * @param rawPublicKey a raw 32-byte Ed25519 public key
     * @param message      what was signed
     * @param signature    the signature
     * @return whether the signature is valid
     */
    public static boolean verify(byte[] rawPublicKey, byte[] message, byte[] signature) {
        if (rawPublicKey.length != 32) {
            return false;
        }
        try {
            byte[] encoded = new byte[ED25519_X509_PREFIX.length + 32];
            System.arraycopy(ED25519_X509_PREFIX, 0, encoded, 0, ED25519_X509_PREFIX.length);
            System.arraycopy(rawPublicKey, 0, encoded, ED25519_X509_PREFIX.length, 32);
            PublicKey key = KeyFactory.getInstance("Ed25519").generatePublic(new X509EncodedKeySpec(encoded));
            Signature verifier = Signature.getInstance("Ed25519");
            verifier.initVerify(key);
            verifier.update(message);
            return verifier.verify(signature);
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            return false;
        }
    }

    static byte[] sha256(byte[]... parts) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            for (byte[] part : parts) {
                digest.update(part);
            }
            return digest.digest();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
