package org.moodhaven.sync.internal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;

import org.moodhaven.api.crypto.CryptoException;
import org.moodhaven.api.crypto.CryptoProvider;
import org.moodhaven.api.crypto.X25519KeyPair;
import org.moodhaven.api.identity.DeviceIdentity;
import org.moodhaven.api.identity.DeviceIds;
import org.moodhaven.api.identity.TrustStore;
import org.moodhaven.api.identity.TrustedDevice;
import org.moodhaven.api.sync.SyncErrors;
import org.moodhaven.common.json.StrictJson;
import org.moodhaven.common.logging.LogText;

/**
 * The handshakes of PROTOCOL.md 6.2 (version 2) and 6.3 (version 1), for both
 * roles. On success the connection is encrypted and its frame cap lifted.
 * <p>
 * Version 1 is spoken only with a device whose trust entry says {@code "protocol": 1}
 * and only when the node allows it; a client never falls back to it, and a server
 * never offers it to a device that speaks version 2.
 */
final class Handshake {

    static final String LABEL_C2S = "moodhaven-sync-v2 c2s";
    static final String LABEL_S2C = "moodhaven-sync-v2 s2c";
    static final String LABEL_CLIENT = "moodhaven-sync-v2 client";
    static final String LABEL_SERVER = "moodhaven-sync-v2 server";
    static final String V1_PREFIX = "moodhaven-sync-v1:";
    static final int KEY_LENGTH = 32;
    static final int SIGNATURE_LENGTH = 64;

    /** Who the peer is and which protocol the connection speaks. */
    record Peer(TrustedDevice device, int protocolVersion) {
    }

    /** What a handshake needs of the node. */
    record Context(DeviceIdentity identity, TrustStore trust, CryptoProvider crypto, boolean allowLegacyV1) {
    }

    /** What the server side reports while it decides on a HELLO. */
    interface ServerEvents {
        /** A device this node does not trust said HELLO. */
        void unknownDevice(String deviceId);
    }

    /** The v2 key schedule, exposed for the test vectors. */
    record Keys(byte[] transcriptHash, byte[] prk, byte[] clientToServer, byte[] serverToClient,
                byte[] publicKeysHash) {
    }

    private Handshake() {
    }

    // ------------------------------------------------------------------ client

    /**
     * Runs the client side with a trusted device.
     *
     * @param connection a fresh connection to the device's sync port
     * @param context    the node
     * @param server     the trusted device this node means to reach
     * @return the peer
     * @throws SyncFailure if the server refuses, or is not that device, or the handshake fails
     * @throws IOException if the connection breaks
     */
    static Peer client(FramedConnection connection, Context context, TrustedDevice server)
            throws SyncFailure, IOException {
        if (server.legacyV1Only()) {
            if (!context.allowLegacyV1()) {
                throw new SyncFailure(SyncErrors.UNSUPPORTED_VERSION, DeviceWords.of(server)
                        + " speaks only the old sync protocol (version 1), which this node does not allow. Update "
                        + "MoodHaven on it, or start this node with --allow-legacy-v1.");
            }
            return clientV1(connection, context, server);
        }
        CryptoProvider crypto = context.crypto();
        DeviceIdentity self = context.identity();
        X25519KeyPair ephemeral = crypto.x25519Generate();
        byte[] helloClient = Messages.hello(self.deviceId(), 2, DeviceIds.base64Url(ephemeral.publicKey()));
        connection.writeFrame(helloClient);
        connection.flush();

        byte[] helloServer = connection.readFrame();
        Map<String, Object> answer = parseHandshakeMessage(helloServer, "the server's answer");
        refuseIfRejected(answer, server);
        requireHello(answer, "the server's answer");
        String deviceId = helloString(answer, "deviceId");
        if (deviceId.equals(self.deviceId())) {
            throw handshake("the server answered with this node's own deviceId");
        }
        if (!deviceId.equals(server.deviceId())) {
            throw handshake("the server at this address is device " + LogText.escape(deviceId) + ", not "
                    + server.deviceId());
        }
        if (helloCount(answer, "protocolVersion") != 2) {
            throw handshake("the server answered with another protocol version");
        }
        byte[] serverEphemeral = ephemeralKey(answer);
        if (Arrays.equals(serverEphemeral, ephemeral.publicKey())) {
            throw handshake("the server answered with this node's own ephemeral key");
        }
        Keys keys = keys(crypto, ephemeral.privateKey(), serverEphemeral, helloClient, helloServer,
                self.publicKey(), server.publicKeyBytes());
        connection.encrypt(new FrameCipher.Counter(crypto.aesGcm(keys.clientToServer())),
                new FrameCipher.Counter(crypto.aesGcm(keys.serverToClient())));
        byte[] signature = self.sign(signedMessage(LABEL_CLIENT, keys));
        connection.writeSealed(Messages.auth(DeviceIds.base64Url(signature)));
        connection.flush();

        // Nothing more is sent until the server's AUTH has verified.
        byte[] serverAuth;
        try {
            serverAuth = connection.readSealed();
        } catch (java.io.EOFException e) {
            throw handshake("the server closed the connection instead of authenticating (it may not trust "
                    + "this device's key)");
        }
        verifyAuth(crypto, serverAuth, server.publicKeyBytes(), signedMessage(LABEL_SERVER, keys), "the server");
        connection.liftCap();
        return new Peer(server, 2);
    }

    private static Peer clientV1(FramedConnection connection, Context context, TrustedDevice server)
            throws SyncFailure, IOException {
        DeviceIdentity self = context.identity();
        connection.writeFrame(Messages.hello(self.deviceId(), 1, null));
        connection.flush();
        Map<String, Object> answer = parseHandshakeMessage(connection.readFrame(), "the server's answer");
        refuseIfRejected(answer, server);
        requireHello(answer, "the server's answer");
        if (!server.deviceId().equals(helloString(answer, "deviceId"))
                || helloCount(answer, "protocolVersion") != 1) {
            throw handshake("the server is not device " + server.deviceId() + " speaking protocol version 1");
        }
        useV1Keys(connection, context, self.publicKeyBase64(), server.publicKey());
        return new Peer(server, 1);
    }

    private static void refuseIfRejected(Map<String, Object> answer, TrustedDevice server) throws SyncFailure {
        if (!Messages.REJECT.equals(answer.get("type"))) {
            return;
        }
        Object reason = answer.get("reason");
        if (SyncErrors.NOT_TRUSTED.equals(reason)) {
            throw new SyncFailure(SyncErrors.NOT_TRUSTED, DeviceWords.of(server)
                    + " does not trust this device (it was revoked there, or pairing did not finish on its side). "
                    + "Pair the two again.");
        }
        if (SyncErrors.UNSUPPORTED_VERSION.equals(reason)) {
            throw new SyncFailure(SyncErrors.UNSUPPORTED_VERSION, DeviceWords.of(server)
                    + " runs a version of MoodHaven this one cannot sync with (it accepts sync protocol "
                    + LogText.escape(String.valueOf(answer.get("supported"))) + "): update both.");
        }
        if (SyncErrors.BUSY.equals(reason)) {
            throw new SyncFailure(SyncErrors.BUSY, DeviceWords.of(server)
                    + " is already syncing with this device: try again when it has finished.");
        }
        throw handshake("the server refused with an unknown reason");
    }

    // ------------------------------------------------------------------ server

    /**
     * Runs the server side on an accepted connection.
     *
     * @param connection the accepted connection
     * @param context    the node
     * @param busy       whether an authenticated session with a device already runs here
     * @param claim      claims the device's session slot once its AUTH has verified; false if taken
     * @param events     what the server reports
     * @return the peer, or empty when the connection was refused (REJECT sent or closed without a word)
     * @throws IOException if the connection breaks
     * @throws FrameRejected if the client sent a frame to close on
     */
    static Optional<Peer> server(FramedConnection connection, Context context, Predicate<String> busy,
                                 Predicate<String> claim, ServerEvents events) throws IOException, FrameRejected {
        CryptoProvider crypto = context.crypto();
        DeviceIdentity self = context.identity();
        X25519KeyPair ephemeral = crypto.x25519Generate();
        byte[] helloClient = connection.readFrame();

        Map<String, Object> hello;
        String deviceId;
        long version;
        try {
            hello = Messages.JSON.parseObject(helloClient, 0, helloClient.length);
            if (!Messages.HELLO.equals(hello.get("type"))) {
                return Optional.empty();
            }
            deviceId = Fields.string(hello, "deviceId");
            version = Fields.count(hello, "protocolVersion");
        } catch (StrictJson.MalformedJson | ProtocolViolation e) {
            return Optional.empty(); // not a HELLO: close without a word
        }
        byte[] clientEphemeral = null;
        if (version == 2) {
            try {
                clientEphemeral = ephemeralKey(hello);
            } catch (SyncFailure e) {
                return Optional.empty();
            }
        }
        Optional<TrustedDevice> trusted = deviceId.equals(self.deviceId())
                ? Optional.empty() : context.trust().find(deviceId);
        if (trusted.isEmpty()) {
            events.unknownDevice(deviceId);
            reject(connection, SyncErrors.NOT_TRUSTED, self, null);
            return Optional.empty();
        }
        TrustedDevice client = trusted.get();
        List<Integer> supported = supportedVersions(context, client);
        if (!supported.contains((int) Math.min(version, Integer.MAX_VALUE))) {
            reject(connection, SyncErrors.UNSUPPORTED_VERSION, self, supported);
            return Optional.empty();
        }
        if (busy.test(deviceId)) {
            reject(connection, SyncErrors.BUSY, self, null);
            return Optional.empty();
        }
        if (version == 1) {
            connection.writeFrame(Messages.hello(self.deviceId(), 1, null));
            connection.flush();
            useV1Keys(connection, context, self.publicKeyBase64(), client.publicKey());
            return claim.test(deviceId) ? Optional.of(new Peer(client, 1)) : Optional.empty();
        }
        if (Arrays.equals(clientEphemeral, ephemeral.publicKey())) {
            return Optional.empty();
        }
        byte[] helloServer = Messages.hello(self.deviceId(), 2, DeviceIds.base64Url(ephemeral.publicKey()));
        connection.writeFrame(helloServer);
        connection.flush();
        Keys keys;
        try {
            keys = keys(crypto, ephemeral.privateKey(), clientEphemeral, helloClient, helloServer,
                    client.publicKeyBytes(), self.publicKey());
        } catch (SyncFailure e) {
            return Optional.empty(); // a low-order point: close
        }
        connection.encrypt(new FrameCipher.Counter(crypto.aesGcm(keys.serverToClient())),
                new FrameCipher.Counter(crypto.aesGcm(keys.clientToServer())));
        try {
            verifyAuth(crypto, connection.readSealed(), client.publicKeyBytes(),
                    signedMessage(LABEL_CLIENT, keys), "the client");
        } catch (SyncFailure e) {
            return Optional.empty(); // a bad signature or tag: close without a word
        }
        if (!claim.test(deviceId)) {
            return Optional.empty(); // another session of this device authenticated meanwhile
        }
        byte[] signature = self.sign(signedMessage(LABEL_SERVER, keys));
        connection.writeSealed(Messages.auth(DeviceIds.base64Url(signature)));
        connection.flush();
        connection.liftCap();
        return Optional.of(new Peer(client, 2));
    }

    /** The versions this node accepts from a device: 2, and 1 only when allowed for a v1-only device. */
    static List<Integer> supportedVersions(Context context, TrustedDevice device) {
        List<Integer> versions = new ArrayList<>();
        if (context.allowLegacyV1() && device.legacyV1Only()) {
            versions.add(1);
        }
        versions.add(2);
        return versions;
    }

    private static void reject(FramedConnection connection, String reason, DeviceIdentity self,
                               List<Integer> supported) throws IOException {
        connection.writeFrame(Messages.reject(reason, self.deviceId(), supported));
        connection.flush();
    }

    // ------------------------------------------------------------------ shared

    /**
     * The v2 key schedule: th over both HELLO bodies, HKDF keys per direction, and the
     * hash of both long-term public keys.
     */
    static Keys keys(CryptoProvider crypto, byte[] ownEphemeralPrivate, byte[] peerEphemeral, byte[] helloClient,
                     byte[] helloServer, byte[] clientPublicKey, byte[] serverPublicKey) throws SyncFailure {
        byte[] shared;
        try {
            shared = crypto.x25519(ownEphemeralPrivate, peerEphemeral);
        } catch (CryptoException e) {
            throw handshake("the peer's ephemeral key is unusable (" + e.getMessage() + ")");
        }
        byte[] th = crypto.sha256(u32(helloClient.length), helloClient, u32(helloServer.length), helloServer);
        byte[] prk = crypto.hkdfExtract(th, shared);
        Arrays.fill(shared, (byte) 0);
        byte[] c2s = crypto.hkdfExpand(prk, LABEL_C2S.getBytes(StandardCharsets.US_ASCII), KEY_LENGTH);
        byte[] s2c = crypto.hkdfExpand(prk, LABEL_S2C.getBytes(StandardCharsets.US_ASCII), KEY_LENGTH);
        byte[] pk = crypto.sha256(clientPublicKey, serverPublicKey);
        return new Keys(th, prk, c2s, s2c, pk);
    }

    /** label || th || SHA-256(pkC || pkS). */
    static byte[] signedMessage(String label, Keys keys) {
        byte[] labelBytes = label.getBytes(StandardCharsets.US_ASCII);
        return ByteBuffer.allocate(labelBytes.length + 64).put(labelBytes).put(keys.transcriptHash())
                .put(keys.publicKeysHash()).array();
    }

    /** transport_key = SHA-256("moodhaven-sync-v1:" || min(pA, pB) || max(pA, pB)), over the b64url strings. */
    static byte[] v1TransportKey(CryptoProvider crypto, String publicKeyA, String publicKeyB) {
        String low = publicKeyA.compareTo(publicKeyB) <= 0 ? publicKeyA : publicKeyB;
        String high = low == publicKeyA ? publicKeyB : publicKeyA;
        return crypto.sha256((V1_PREFIX + low + high).getBytes(StandardCharsets.US_ASCII));
    }

    private static void useV1Keys(FramedConnection connection, Context context, String ownKey, String peerKey) {
        CryptoProvider crypto = context.crypto();
        byte[] key = v1TransportKey(crypto, ownKey, peerKey);
        connection.encrypt(new FrameCipher.RandomNonce(crypto.aesGcm(key), crypto::randomBytes),
                new FrameCipher.RandomNonce(crypto.aesGcm(key), crypto::randomBytes));
        connection.liftCap();
    }

    private static void verifyAuth(CryptoProvider crypto, byte[] body, byte[] publicKey, byte[] signed, String who)
            throws SyncFailure {
        Map<String, Object> auth = parseHandshakeMessage(body, who + "'s AUTH");
        if (!Messages.AUTH.equals(auth.get("type"))) {
            throw handshake(who + " sent something other than AUTH");
        }
        byte[] signature;
        try {
            signature = DeviceIds.fromBase64Url(helloString(auth, "signature"));
        } catch (IllegalArgumentException e) {
            throw handshake(who + "'s signature is not b64url");
        }
        if (signature.length != SIGNATURE_LENGTH || !crypto.ed25519Verify(publicKey, signed, signature)) {
            throw handshake(who + " could not prove it holds the key this node trusts");
        }
    }

    private static Map<String, Object> parseHandshakeMessage(byte[] body, String what) throws SyncFailure {
        try {
            return Messages.JSON.parseObject(body, 0, body.length);
        } catch (StrictJson.MalformedJson e) {
            throw handshake(what + " is not valid JSON");
        }
    }

    private static void requireHello(Map<String, Object> message, String what) throws SyncFailure {
        if (!Messages.HELLO.equals(message.get("type"))) {
            throw handshake(what + " is not a HELLO");
        }
    }

    /**
     * A string member of a handshake message. A missing or mistyped member fails the
     * handshake ({@code handshake}), as any other unusable answer does; {@code protocol_error}
     * is for sessions that began.
     */
    private static String helloString(Map<String, Object> message, String name) throws SyncFailure {
        try {
            return Fields.string(message, name);
        } catch (ProtocolViolation e) {
            throw handshake(e.getMessage());
        }
    }

    /** A count member of a handshake message; like {@link #helloString}. */
    private static long helloCount(Map<String, Object> message, String name) throws SyncFailure {
        try {
            return Fields.count(message, name);
        } catch (ProtocolViolation e) {
            throw handshake(e.getMessage());
        }
    }

    private static byte[] ephemeralKey(Map<String, Object> hello) throws SyncFailure {
        try {
            byte[] key = DeviceIds.fromBase64Url(helloString(hello, "ephemeralKey"));
            if (key.length != KEY_LENGTH) {
                throw handshake("an ephemeral key must be 32 bytes");
            }
            return key;
        } catch (IllegalArgumentException e) {
            throw handshake("an ephemeral key must be b64url");
        }
    }

    private static byte[] u32(int value) {
        return ByteBuffer.allocate(4).putInt(value).array();
    }

    private static SyncFailure handshake(String message) {
        return new SyncFailure(SyncErrors.HANDSHAKE, message);
    }
}
