package org.moodhaven.tools;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.math.BigInteger;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.spec.NamedParameterSpec;
import java.security.spec.XECPrivateKeySpec;
import java.security.spec.XECPublicKeySpec;
import java.time.Duration;
import java.util.Arrays;
import java.util.Base64;

import javax.crypto.Cipher;
import javax.crypto.KeyAgreement;
import javax.crypto.Mac;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The client side of a sync connection as a trusted device makes it, written from
 * PROTOCOL.md 6.1 and 6.2 alone: the version-2 handshake (X25519, HKDF-SHA256,
 * Ed25519 AUTH both ways), then encrypted frames with counter nonces. It shares no
 * code with the node's sync bundle. What the session says after the handshake is the
 * caller's business: {@link #send} and {@link #receive} move one JSON message each,
 * so a tool can play any session, including one the node must refuse.
 */
public final class PeerSession implements AutoCloseable {

    /** The frame cap until the server's AUTH has verified (PROTOCOL.md 6.1). */
    public static final int HANDSHAKE_CAP = 4096;
    /** The frame cap after it. */
    public static final int FRAME_CAP = 16 * 1024 * 1024;

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final byte[] CLIENT_LABEL = ascii("moodhaven-sync-v2 client");
    private static final byte[] SERVER_LABEL = ascii("moodhaven-sync-v2 server");

    /** The node answered the HELLO with a REJECT (or the handshake failed otherwise). */
    public static final class Refused extends IOException {
        private final String reason;

        Refused(String reason, String detail) {
            super(detail);
            this.reason = reason;
        }

        /** @return the REJECT's reason, e.g. {@code not_trusted}, or {@code handshake} */
        public String reason() {
            return reason;
        }
    }

    /**
     * The keys both sides derive from the two HELLOs (PROTOCOL.md 6.2).
     *
     * @param transcriptHash {@code th}
     * @param clientToServer {@code kC2S}
     * @param serverToClient {@code kS2C}
     */
    record Keys(byte[] transcriptHash, byte[] clientToServer, byte[] serverToClient) {

        static Keys derive(byte[] shared, byte[] helloClient, byte[] helloServer) {
            byte[] th = PeerIdentity.sha256(u32(helloClient.length), helloClient, u32(helloServer.length), helloServer);
            byte[] prk = hmac(th, shared);
            return new Keys(th, expand(prk, "moodhaven-sync-v2 c2s"), expand(prk, "moodhaven-sync-v2 s2c"));
        }

        /** HKDF-Expand (RFC 5869) for one 32-byte block. */
        private static byte[] expand(byte[] prk, String info) {
            byte[] label = ascii(info);
            byte[] input = Arrays.copyOf(label, label.length + 1);
            input[label.length] = 1;
            return hmac(prk, input);
        }
    }

    private final Socket socket;
    private final DataInputStream in;
    private final OutputStream out;
    private final SecretKeySpec sendKey;
    private final SecretKeySpec receiveKey;
    private long sent;
    private long received;

    private PeerSession(Socket socket, DataInputStream in, Keys keys, long sent, long received) throws IOException {
        this.socket = socket;
        this.in = in;
        this.out = socket.getOutputStream();
        this.sendKey = new SecretKeySpec(keys.clientToServer(), "AES");
        this.receiveKey = new SecretKeySpec(keys.serverToClient(), "AES");
        this.sent = sent;
        this.received = received;
    }

    /**
     * Connects and completes the version-2 handshake as {@code self}.
     *
     * @param self            this device, trusted by the node
     * @param host            the node's address
     * @param port            its sync port
     * @param serverId        the node's deviceId: the client checks it reached that device
     * @param serverPublicKey the node's raw 32-byte Ed25519 public key, as in its {@code device.json}
     * @param patience        how long the connect and each read of the handshake may take
     * @return the session, ready for SYNC_STATE
     * @throws Refused     if the node sent a REJECT, or its HELLO or AUTH is not what the page says
     * @throws IOException if the connection fails
     */
    public static PeerSession open(PeerIdentity self, String host, int port, String serverId, byte[] serverPublicKey,
                                   Duration patience) throws IOException {
        Socket socket = new Socket();
        try {
            socket.setTcpNoDelay(true);
            socket.connect(new InetSocketAddress(host, port), (int) patience.toMillis());
            socket.setSoTimeout((int) patience.toMillis());
            DataInputStream in = new DataInputStream(socket.getInputStream());
            OutputStream out = socket.getOutputStream();

            KeyPair ephemeral = KeyPairGenerator.getInstance("X25519").generateKeyPair();
            byte[] helloClient = ascii("{\"type\":\"HELLO\",\"deviceId\":\"" + self.deviceId()
                    + "\",\"protocolVersion\":2,\"ephemeralKey\":\"" + b64url(rawX25519(ephemeral.getPublic())) + "\"}");
            out.write(frame(helloClient));
            out.flush();

            byte[] helloServer = readFrame(in, HANDSHAKE_CAP);
            JsonNode hello = JSON.readTree(helloServer);
            String type = hello.path("type").asText();
            if (type.equals("REJECT")) {
                throw new Refused(hello.path("reason").asText(), "the node refused the HELLO: " + hello);
            }
            if (!type.equals("HELLO") || !hello.path("protocolVersion").isInt()
                    || hello.get("protocolVersion").asInt() != 2) {
                throw new Refused("handshake", "the node's answer to HELLO is not a version-2 HELLO: " + hello);
            }
            if (!hello.path("deviceId").asText().equals(serverId)) {
                throw new Refused("handshake", "the node is " + hello.path("deviceId").asText() + ", not " + serverId);
            }
            byte[] serverEphemeral = Base64.getUrlDecoder().decode(hello.path("ephemeralKey").asText());
            byte[] shared = x25519(ephemeral.getPrivate(), serverEphemeral);
            if (Arrays.equals(shared, new byte[32])) {
                throw new Refused("handshake", "the node's ephemeral key is a low-order point");
            }
            Keys keys = Keys.derive(shared, helloClient, helloServer);
            byte[] publicKeys = PeerIdentity.sha256(self.publicKey(), serverPublicKey);

            byte[] signature = self.sign(concat(CLIENT_LABEL, keys.transcriptHash(), publicKeys));
            out.write(frame(seal(keys.clientToServer(), 0, ascii("{\"type\":\"AUTH\",\"signature\":\""
                    + b64url(signature) + "\"}"))));
            out.flush();

            JsonNode auth = JSON.readTree(open(keys.serverToClient(), 0, readFrame(in, HANDSHAKE_CAP)));
            byte[] serverSignature = Base64.getUrlDecoder().decode(auth.path("signature").asText());
            if (!auth.path("type").asText().equals("AUTH") || !PeerIdentity.verify(serverPublicKey,
                    concat(SERVER_LABEL, keys.transcriptHash(), publicKeys), serverSignature)) {
                throw new Refused("handshake", "the node's AUTH does not verify against its public key");
            }
            return new PeerSession(socket, in, keys, 1, 1);
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            socket.close();
            throw new Refused("handshake", "the handshake failed: " + e);
        } catch (IOException e) {
            socket.close();
            throw e;
        }
    }

    /**
     * Sends one encrypted message.
     *
     * @param json the UTF-8 JSON plaintext
     * @throws IOException if the connection fails
     */
    public void send(String json) throws IOException {
        send(json.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Sends one encrypted message.
     *
     * @param plaintext the UTF-8 JSON plaintext
     * @throws IOException if the connection fails
     */
    public void send(byte[] plaintext) throws IOException {
        try {
            out.write(frame(seal(sendKey.getEncoded(), sent++, plaintext)));
            out.flush();
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot seal a frame", e);
        }
    }

    /**
     * Reads one encrypted message, e.g. the node's SYNC_STATE or an ERROR.
     *
     * @param patience how long the node may take to send it
     * @return the message
     * @throws IOException if the connection ends, the frame breaks the page or does not open
     */
    public JsonNode receive(Duration patience) throws IOException {
        socket.setSoTimeout((int) patience.toMillis());
        byte[] body = readFrame(in, FRAME_CAP);
        try {
            return JSON.readTree(open(receiveKey.getEncoded(), received++, body));
        } catch (GeneralSecurityException e) {
            throw new IOException("a frame from the node does not open with the next nonce", e);
        }
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException e) {
            // closing anyway
        }
    }

    // ------------------------------------------------------------------ frames and keys

    static byte[] frame(byte[] body) {
        return ByteBuffer.allocate(4 + body.length).putInt(body.length).put(body).array();
    }

    private static byte[] readFrame(DataInputStream in, int cap) throws IOException {
        long length;
        try {
            length = in.readInt() & 0xFFFFFFFFL;
        } catch (EOFException closed) {
            throw new EOFException("the node closed the connection");
        }
        if (length == 0 || length > cap) {
            throw new IOException("the node sent a frame of " + length + " bytes (the cap is " + cap + ")");
        }
        byte[] body = new byte[(int) length];
        in.readFully(body);
        return body;
    }

    /** @return nonce (4 zero bytes, then the counter) || AES-256-GCM(plaintext) || tag */
    static byte[] seal(byte[] key, long counter, byte[] plaintext) throws GeneralSecurityException {
        byte[] nonce = nonce(counter);
        Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
        cipher.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(key, "AES"), new GCMParameterSpec(128, nonce));
        byte[] sealed = cipher.doFinal(plaintext);
        return concat(nonce, sealed);
    }

    static byte[] open(byte[] key, long counter, byte[] body) throws GeneralSecurityException {
        if (body.length < 28) {
            throw new GeneralSecurityException("an encrypted body of " + body.length + " bytes");
        }
        byte[] nonce = nonce(counter);
        if (!Arrays.equals(nonce, Arrays.copyOf(body, 12))) {
            throw new GeneralSecurityException("not the next nonce");
        }
        Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
        cipher.init(Cipher.DECRYPT_MODE, new SecretKeySpec(key, "AES"), new GCMParameterSpec(128, nonce));
        return cipher.doFinal(body, 12, body.length - 12);
    }

    private static byte[] nonce(long counter) {
        return ByteBuffer.allocate(12).putInt(0).putLong(counter).array();
    }

    /** X25519 of a private key and a raw 32-byte public key (RFC 7748 little-endian u). */
    static byte[] x25519(PrivateKey own, byte[] peerPublic) throws GeneralSecurityException {
        if (peerPublic.length != 32) {
            throw new GeneralSecurityException("an X25519 key of " + peerPublic.length + " bytes");
        }
        byte[] bigEndian = new byte[32];
        for (int i = 0; i < 32; i++) {
            bigEndian[i] = peerPublic[31 - i];
        }
        bigEndian[0] &= 0x7f; // RFC 7748 5: the top bit of u is ignored
        PublicKey peer = KeyFactory.getInstance("X25519").generatePublic(
                new XECPublicKeySpec(NamedParameterSpec.X25519, new BigInteger(1, bigEndian)));
        KeyAgreement agreement = KeyAgreement.getInstance("X25519");
        agreement.init(own);
        agreement.doPhase(peer, true);
        return agreement.generateSecret();
    }

    /** @return an X25519 private key from its raw 32 bytes, as the test vectors give them */
    static PrivateKey x25519Private(byte[] raw) throws GeneralSecurityException {
        return KeyFactory.getInstance("X25519").generatePrivate(new XECPrivateKeySpec(NamedParameterSpec.X25519, raw));
    }

    /** @return the raw 32 bytes of a JDK X25519 public key (the end of its X.509 encoding) */
    static byte[] rawX25519(PublicKey key) {
        byte[] encoded = key.getEncoded();
        return Arrays.copyOfRange(encoded, encoded.length - 32, encoded.length);
    }

    static byte[] signedByClient(byte[] transcriptHash, byte[] publicKeysHash) {
        return concat(CLIENT_LABEL, transcriptHash, publicKeysHash);
    }

    private static byte[] hmac(byte[] key, byte[] data) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(data);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] u32(int value) {
        return ByteBuffer.allocate(4).putInt(value).array();
    }

    private static byte[] concat(byte[]... parts) {
        int length = 0;
        for (byte[] part : parts) {
            length += part.length;
        }
        ByteBuffer all = ByteBuffer.allocate(length);
        for (byte[] part : parts) {
            all.put(part);
        }
        return all.array();
    }

    private static byte[] ascii(String text) {
        return text.getBytes(StandardCharsets.US_ASCII);
    }

    private static String b64url(byte[] bytes) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
