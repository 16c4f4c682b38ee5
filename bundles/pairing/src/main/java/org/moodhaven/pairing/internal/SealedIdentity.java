package org.moodhaven.pairing.internal;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

import org.moodhaven.api.crypto.AesGcm;
import org.moodhaven.api.crypto.AuthenticationFailedException;
import org.moodhaven.api.crypto.CryptoProvider;
import org.moodhaven.api.identity.DeviceIdentity;
import org.moodhaven.api.identity.DeviceIds;
import org.moodhaven.api.identity.DeviceNames;
import org.moodhaven.api.identity.TrustedDevice;
import org.moodhaven.common.json.StrictJson;

/**
 * An identity sealed for the partner, {@code SEALED = {"nonce", "sealed"}} of
 * PROTOCOL.md section 5: AES-256-GCM under the sender's seal key, a fresh
 * random 12-byte nonce, associated data {@code sender participantId "|"
 * receiver participantId}, around the identity JSON
 * {@code {"deviceId", "deviceName", "publicKey", "sig", "syncPort"}} whose {@code sig} is
 * Ed25519 over {@code "moodhaven-pair-v2 identity" || bind} and whose {@code syncPort} is
 * the sender's bound sync port. {@code syncPort} is optional on reading (a device from
 * before it was added does not send it), but when present it must be an integer literal
 * from 1 to 65535, or the identity is refused.
 *
 * @param nonce      the 12-byte nonce
 * @param ciphertext the AES-GCM output (ciphertext and 16-byte tag)
 */
record SealedIdentity(byte[] nonce, byte[] ciphertext) {

    /** Far more than any identity JSON needs (a 64-code-point name is at most 256 UTF-8 bytes). */
    static final int MAX_SEALED_BYTES = 2048;

    private static final byte[] SIG_CONTEXT = "moodhaven-pair-v2 identity".getBytes(StandardCharsets.US_ASCII);
    private static final int SIGNATURE_LENGTH = 64;
    private static final String SYNC_PORT = "syncPort";

    /**
     * Seals this device's identity for its partner.
     *
     * @param self     this device
     * @param syncPort the port this device's sync server is bound to; empty leaves {@code syncPort} out
     * @param sealKey  the sender's seal key (A's on A, B's on B)
     * @param bind     the bind value of this pairing
     * @param sender   own participantId
     * @param receiver the partner's participantId
     * @param crypto   the provider
     * @return the sealed identity
     * @throws IllegalArgumentException if {@code syncPort} is not 1 to 65535
     */
    static SealedIdentity seal(DeviceIdentity self, OptionalInt syncPort, byte[] sealKey, byte[] bind, String sender,
            String receiver, CryptoProvider crypto) {
        if (syncPort.isPresent() && !isPort(syncPort.getAsInt())) {
            throw new IllegalArgumentException("a sync port is 1 to 65535, not " + syncPort.getAsInt());
        }
        byte[] signature = self.sign(concat(SIG_CONTEXT, bind));
        JsonObjectWriter identity = new JsonObjectWriter()
                .string("deviceId", self.deviceId())
                .string("deviceName", self.deviceName())
                .string("publicKey", self.publicKeyBase64())
                .string("sig", DeviceIds.base64Url(signature));
        syncPort.ifPresent(port -> identity.number(SYNC_PORT, port));
        return sealJson(identity.bytes(), sealKey, sender, receiver, crypto);
    }

    /** Seals identity JSON as it is (tests seal identities this class would never write). */
    static SealedIdentity sealJson(byte[] json, byte[] sealKey, String sender, String receiver,
            CryptoProvider crypto) {
        byte[] nonce = crypto.randomBytes(AesGcm.NONCE_LENGTH);
        return new SealedIdentity(nonce, crypto.aesGcm(sealKey).seal(nonce, json, associatedData(sender, receiver)));
    }

    /**
     * Opens the partner's identity and runs every check, each failure its own problem.
     * Call it only after the partner's round-3 MAC has verified.
     *
     * @param sealKey the partner's seal key
     * @param bind    the bind value of this pairing
     * @param partner the partner's participantId (the sender)
     * @param checks  what this device knows to check against; {@code ownDeviceId} is the receiver
     * @param crypto  the provider
     * @return the verified identity
     * @throws IdentityRefusedException naming the first check that failed
     */
    PeerIdentity open(byte[] sealKey, byte[] bind, String partner, IdentityChecks checks, CryptoProvider crypto)
            throws IdentityRefusedException {
        byte[] json;
        try {
            json = crypto.aesGcm(sealKey).open(nonce, ciphertext, associatedData(partner, checks.ownDeviceId()));
        } catch (AuthenticationFailedException e) {
            throw new IdentityRefusedException(IdentityProblem.SEAL_BROKEN);
        }
        String deviceId;
        String deviceName;
        byte[] publicKey;
        byte[] signature;
        Map<String, Object> identity;
        try {
            identity = PairingJson.parseObject(json);
            deviceId = Fields.deviceId(identity, "deviceId");
            deviceName = Fields.string(identity, "deviceName", 4 * DeviceNames.MAX_CODE_POINTS);
            publicKey = Fields.bytes(identity, "publicKey", DeviceIds.PUBLIC_KEY_LENGTH);
            signature = Fields.bytes(identity, "sig", SIGNATURE_LENGTH);
        } catch (MalformedMessage e) {
            throw new IdentityRefusedException(IdentityProblem.MALFORMED);
        }
        if (!DeviceIds.fromPublicKey(publicKey).equals(deviceId)) {
            throw new IdentityRefusedException(IdentityProblem.KEY_NOT_DEVICE_ID);
        }
        if (deviceId.equals(checks.ownDeviceId())) {
            throw new IdentityRefusedException(IdentityProblem.IS_SELF);
        }
        if (!deviceId.equals(partner)) {
            throw new IdentityRefusedException(IdentityProblem.NOT_PARTNER);
        }
        if (checks.fingerprint().isPresent()
                && !fingerprintMatches(checks.fingerprint().get(), crypto.sha256(publicKey))) {
            throw new IdentityRefusedException(IdentityProblem.FINGERPRINT_MISMATCH);
        }
        if (!crypto.ed25519Verify(publicKey, concat(SIG_CONTEXT, bind), signature)) {
            throw new IdentityRefusedException(IdentityProblem.BAD_SIGNATURE);
        }
        if (!DeviceNames.isValid(deviceName)) {
            throw new IdentityRefusedException(IdentityProblem.BAD_NAME);
        }
        OptionalInt syncPort = syncPort(identity);
        String publicKeyText = DeviceIds.base64Url(publicKey);
        Optional<TrustedDevice> known = checks.trusted().apply(deviceId);
        if (known.isPresent() && !known.get().publicKey().equals(publicKeyText)) {
            throw new IdentityRefusedException(IdentityProblem.TRUSTED_UNDER_OTHER_KEY);
        }
        if (checks.expectedDeviceId().isPresent() && !checks.expectedDeviceId().get().equals(deviceId)) {
            throw new IdentityRefusedException(IdentityProblem.UNEXPECTED_DEVICE);
        }
        return new PeerIdentity(deviceId, deviceName, publicKeyText, syncPort);
    }

    /**
     * {@code syncPort}: absent from an older device; else a plain integer literal from 1 to
     * 65535. A string, a fraction or exponent ({@code 44701.0}, {@code 4.4701e4}), a sign, a
     * {@code null} or a boolean are refused, not guessed at: the value becomes an address this
     * node dials.
     */
    private static OptionalInt syncPort(Map<String, Object> identity) throws IdentityRefusedException {
        if (!identity.containsKey(SYNC_PORT)) {
            return OptionalInt.empty();
        }
        if (identity.get(SYNC_PORT) instanceof StrictJson.Number number) {
            long port = number.nonNegativeInteger();
            if (isPort(port)) {
                return OptionalInt.of((int) port);
            }
        }
        throw new IdentityRefusedException(IdentityProblem.BAD_SYNC_PORT);
    }

    private static boolean isPort(long port) {
        return port >= 1 && port <= 65_535;
    }

    /**
     * @return {@code {"nonce", "sealed"}} as JSON text
     */
    String toJson() {
        return new JsonObjectWriter()
                .string("nonce", DeviceIds.base64Url(nonce))
                .string("sealed", DeviceIds.base64Url(ciphertext))
                .text();
    }

    /**
     * @param sealed the parsed SEALED object
     * @return the sealed identity
     * @throws MalformedMessage if a member is missing, of the wrong type or length
     */
    static SealedIdentity decode(Map<String, Object> sealed) throws MalformedMessage {
        byte[] nonce = Fields.bytes(sealed, "nonce", AesGcm.NONCE_LENGTH);
        String text = Fields.string(sealed, "sealed", (MAX_SEALED_BYTES * 4 + 2) / 3);
        byte[] ciphertext;
        try {
            ciphertext = DeviceIds.fromBase64Url(text);
        } catch (IllegalArgumentException e) {
            throw new MalformedMessage("\"sealed\" must be canonical b64url");
        }
        if (ciphertext.length <= AesGcm.TAG_LENGTH) {
            throw new MalformedMessage("\"sealed\" is shorter than a GCM tag");
        }
        return new SealedIdentity(nonce, ciphertext);
    }

    /**
     * @param sender   the sender's participantId
     * @param receiver the receiver's participantId
     * @return the associated data {@code sender|receiver} in ASCII
     */
    static byte[] associatedData(String sender, String receiver) {
        return (sender + "|" + receiver).getBytes(StandardCharsets.US_ASCII);
    }

    private static boolean fingerprintMatches(String fp, byte[] hash) {
        byte[] expected;
        try {
            expected = DeviceIds.fromBase64Url(fp);
        } catch (IllegalArgumentException e) {
            return false;
        }
        return MessageDigest.isEqual(expected, hash);
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
