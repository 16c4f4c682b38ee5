package org.moodhaven.sync.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.moodhaven.api.crypto.AesGcm;
import org.moodhaven.api.crypto.CryptoProvider;
import org.moodhaven.api.crypto.X25519KeyPair;
import org.moodhaven.api.entry.Entry;
import org.moodhaven.api.identity.DeviceIdentity;
import org.moodhaven.api.identity.DeviceIds;
import org.moodhaven.api.identity.TrustedDevice;
import org.moodhaven.api.sync.SyncAddress;
import org.moodhaven.common.json.StrictJson;
import org.moodhaven.testing.SeedIdentity;

/**
 * One end of a sync connection played by hand, for tests that act as an attacker
 * or a broken peer: raw bytes and frames, the v2 handshake step by step, frames
 * sealed with any nonce (so they can be replayed, reordered, dropped or tampered
 * with), and assertions on how the other side answered.
 */
final class ManualPeer implements AutoCloseable {

    /** How long a read waits before the test calls the other side hung. */
    static final int READ_TIMEOUT_MILLIS = 5_000;

    /** The storeId this peer declares in SYNC_STATE. */
    static final String STORE_ID = "manual-peer-store";

    final Socket socket;
    final CryptoProvider crypto;
    /** This connection's X25519 key pair, the one its HELLO carries. */
    final X25519KeyPair ephemeral;
    private final DataInputStream in;
    private final OutputStream out;
    private boolean serverRole;
    private byte[] helloClient;
    private byte[] helloServer;
    private Handshake.Keys keys;
    private AesGcm sendKey;
    private long sendCounter;
    private FrameCipher receiving;
    private byte[] lastSent;

    ManualPeer(Socket socket, CryptoProvider crypto) throws IOException {
        this.socket = socket;
        this.crypto = crypto;
        this.ephemeral = crypto.x25519Generate();
        socket.setSoTimeout(READ_TIMEOUT_MILLIS);
        socket.setTcpNoDelay(true);
        this.in = new DataInputStream(socket.getInputStream());
        this.out = socket.getOutputStream();
    }

    /** Connects to a node's sync port. */
    static ManualPeer connect(TestNode server) throws IOException {
        return connect(server.address(), server.crypto);
    }

    static ManualPeer connect(SyncAddress address, CryptoProvider crypto) throws IOException {
        return new ManualPeer(new Socket(address.host(), address.port()), crypto);
    }

    /**
     * Connects to a node's sync port from another local address, so the node sees another
     * source address (Linux routes all of 127.0.0.0/8 to the loopback interface).
     */
    static ManualPeer connectFrom(String localAddress, TestNode server) throws IOException {
        Socket socket = new Socket();
        try {
            socket.bind(new InetSocketAddress(localAddress, 0));
        } catch (IOException e) {
            socket.close();
            throw new IOException("cannot bind a client socket to " + localAddress + "; the test needs it to be a "
                    + "local address, as every 127.x.y.z is on Linux", e);
        }
        try {
            socket.connect(new InetSocketAddress(server.address().host(), server.address().port()));
            return new ManualPeer(socket, server.crypto);
        } catch (IOException e) {
            socket.close();
            throw e;
        }
    }

    /** Test device {@code n}, trusted by {@code node} as a v2 device. */
    static SeedIdentity trustedDevice(int n, TestNode node) throws Exception {
        SeedIdentity identity = stranger(n, node);
        trust(node, identity, null);
        return identity;
    }

    /** Test device {@code n}, which no node trusts yet (it signs with {@code node}'s provider). */
    static SeedIdentity stranger(int n, TestNode node) {
        return SeedIdentity.numbered(n, "Manual " + n, node.crypto);
    }

    /** Makes a node trust a device; {@code protocol} 1 marks it v1-only. */
    static void trust(TestNode node, DeviceIdentity device, Integer protocol) throws Exception {
        node.trust.trust(new TrustedDevice(device.deviceId(), device.deviceName(), device.publicKeyBase64(),
                TestNode.NOW, protocol, null));
    }

    // ------------------------------------------------------------------ raw bytes and frames

    void writeRaw(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
    }

    /** Writes a frame header announcing {@code length} bytes (an unsigned 32-bit value), and nothing else. */
    void writeHeader(long length) throws IOException {
        writeRaw(ByteBuffer.allocate(4).putInt((int) length).array());
    }

    /** Writes the bodies as frames, all in one write, so a close after the first cannot cut the rest short. */
    void writeFrames(byte[]... bodies) throws IOException {
        int total = 0;
        for (byte[] body : bodies) {
            total += 4 + body.length;
        }
        ByteBuffer all = ByteBuffer.allocate(total);
        for (byte[] body : bodies) {
            all.putInt(body.length).put(body);
        }
        writeRaw(all.array());
    }

    /** Reads one frame; EOF if the other side closed instead. */
    byte[] readFrame() throws IOException {
        int length = in.readInt();
        if (length <= 0 || length > FramedConnection.SESSION_CAP) {
            throw new IOException("the other side announced a frame of " + Integer.toUnsignedLong(length)
                    + " bytes");
        }
        byte[] body = new byte[length];
        in.readFully(body);
        return body;
    }

    /** Reads a plaintext frame as JSON. */
    Map<String, Object> readPlain() throws Exception {
        return parse(readFrame());
    }

    static Map<String, Object> parse(byte[] json) throws StrictJson.MalformedJson {
        return Messages.JSON.parseObject(json, 0, json.length);
    }

    // ------------------------------------------------------------------ handshake (v2)

    /** This peer's v2 HELLO as {@code self}, with its ephemeral key. */
    byte[] hello(DeviceIdentity self) {
        return Messages.hello(self.deviceId(), 2, DeviceIds.base64Url(ephemeral.publicKey()));
    }

    /** Client role: sends a HELLO body (any bytes) and remembers it for the transcript. */
    void sendHello(byte[] body) throws IOException {
        helloClient = body;
        writeFrames(body);
    }

    /** Client role: reads the server's answer, which must be a HELLO, and remembers it for the transcript. */
    Map<String, Object> readServerHello() throws Exception {
        helloServer = readFrame();
        Map<String, Object> hello = parse(helloServer);
        assertEquals(Messages.HELLO, hello.get("type"), () -> "the server answered "
                + new String(helloServer, StandardCharsets.UTF_8));
        return hello;
    }

    /** Server role: reads the client's HELLO and remembers it for the transcript. */
    Map<String, Object> readClientHello() throws Exception {
        serverRole = true;
        helloClient = readFrame();
        return parse(helloClient);
    }

    /** Server role: answers with a HELLO body (any bytes) and remembers it for the transcript. */
    void sendServerHello(byte[] body) throws IOException {
        helloServer = body;
        writeFrames(body);
    }

    /**
     * After both HELLOs: derives the v2 keys from this peer's ephemeral key and the
     * one in the other side's HELLO, and encrypts from now on.
     */
    Handshake.Keys deriveKeys(DeviceIdentity client, DeviceIdentity server) throws Exception {
        byte[] otherHello = serverRole ? helloClient : helloServer;
        byte[] otherEphemeral = DeviceIds.fromBase64Url((String) parse(otherHello).get("ephemeralKey"));
        keys = Handshake.keys(crypto, ephemeral.privateKey(), otherEphemeral, helloClient, helloServer,
                client.publicKey(), server.publicKey());
        if (serverRole) {
            useKeys(keys.serverToClient(), keys.clientToServer());
        } else {
            useKeys(keys.clientToServer(), keys.serverToClient());
        }
        return keys;
    }

    /** Client role, after both HELLOs: derives the keys and sends AUTH signed by {@code self}. */
    void sendAuth(DeviceIdentity self, DeviceIdentity server) throws Exception {
        deriveKeys(self, server);
        send(auth(self, Handshake.LABEL_CLIENT));
    }

    /** After {@link #deriveKeys}: the AUTH plaintext, signed by {@code self} with the role's label. */
    byte[] auth(DeviceIdentity self, String label) {
        return Messages.auth(DeviceIds.base64Url(self.sign(Handshake.signedMessage(label, keys))));
    }

    /** Client role: {@link #sendAuth}, then reads the server's AUTH and checks its signature. */
    void authenticate(DeviceIdentity self, DeviceIdentity server) throws Exception {
        sendAuth(self, server);
        Map<String, Object> auth = receive();
        assertEquals(Messages.AUTH, auth.get("type"));
        byte[] signature = DeviceIds.fromBase64Url((String) auth.get("signature"));
        assertTrue(crypto.ed25519Verify(server.publicKey(),
                Handshake.signedMessage(Handshake.LABEL_SERVER, keys), signature), "the server's AUTH verifies");
    }

    /** The whole v2 client handshake as {@code self} with a node. */
    ManualPeer handshake(DeviceIdentity self, TestNode server) throws Exception {
        sendHello(hello(self));
        readServerHello();
        authenticate(self, server.identity);
        return this;
    }

    /** Encrypts from now on: frames sent with {@code sendKey}, counters from 0; received with {@code receiveKey}. */
    void useKeys(byte[] sendKeyBytes, byte[] receiveKeyBytes) {
        this.sendKey = crypto.aesGcm(sendKeyBytes);
        this.sendCounter = 0;
        this.receiving = new FrameCipher.Counter(crypto.aesGcm(receiveKeyBytes));
    }

    // ------------------------------------------------------------------ encrypted frames

    /** Seals a plaintext with the next nonce of this direction, without sending it. */
    byte[] seal(byte[] plaintext) {
        return sealWithNonce(FrameCipher.Counter.nonce(sendCounter++), plaintext);
    }

    /** Seals a plaintext with any nonce; the counter does not move. */
    byte[] sealWithNonce(byte[] nonce, byte[] plaintext) {
        byte[] sealed = sendKey.seal(nonce, plaintext, new byte[0]);
        return ByteBuffer.allocate(nonce.length + sealed.length).put(nonce).put(sealed).array();
    }

    /** Seals each message with the next nonces and sends them in one write. */
    void send(byte[]... plaintexts) throws IOException {
        byte[][] bodies = new byte[plaintexts.length][];
        for (int i = 0; i < plaintexts.length; i++) {
            bodies[i] = seal(plaintexts[i]);
        }
        writeFrames(bodies);
        lastSent = bodies[bodies.length - 1];
    }

    /** @return the body of the last encrypted frame {@link #send} sent, to replay it */
    byte[] lastSent() {
        return lastSent.clone();
    }

    /** Reads and opens the next encrypted frame. */
    byte[] receivePlaintext() throws IOException, FrameRejected {
        return receiving.open(readFrame());
    }

    /** Reads, opens and parses the next encrypted frame. */
    Map<String, Object> receive() throws Exception {
        return parse(receivePlaintext());
    }

    /** Receives the frames of one step, up to the one with {@code last: true}; each must be of {@code type}. */
    List<Map<String, Object>> receiveStep(String type) throws Exception {
        List<Map<String, Object>> frames = new ArrayList<>();
        Map<String, Object> frame;
        do {
            frame = receive();
            assertEquals(type, frame.get("type"), "the other side sent " + frame);
            frames.add(frame);
        } while (!Boolean.TRUE.equals(frame.get("last")));
        return frames;
    }

    // ------------------------------------------------------------------ session steps (client role)

    /** Sends SYNC_STATE with {@code have: null}; returns the server's SYNC_STATE. */
    Map<String, Object> exchangeSyncState() throws Exception {
        send(Messages.syncState(STORE_ID, null, 0));
        Map<String, Object> state = receive();
        assertEquals(Messages.SYNC_STATE, state.get("type"));
        return state;
    }

    /**
     * Runs SYNC_STATE, MANIFEST (listing {@code listed}, one frame) and WANT
     * ({@code wanted}, one frame), reading the server's answer to each.
     *
     * @return the ids the server wants (in no particular order)
     */
    Set<String> toEntriesStep(List<Entry> listed, List<String> wanted) throws Exception {
        exchangeSyncState();
        send(Wire.manifest(1, true, Wire.items(listed)));
        receiveStep(Messages.MANIFEST);
        send(Wire.want(true, wanted.toArray(String[]::new)));
        Set<String> serverWants = new HashSet<>();
        for (Map<String, Object> frame : receiveStep(Messages.WANT)) {
            for (Object id : (List<?>) frame.get("ids")) {
                serverWants.add((String) id);
            }
        }
        return serverWants;
    }

    // ------------------------------------------------------------------ what the other side did

    /**
     * Blocks until the other side closes, and fails if it sends anything first or
     * stays open for {@link #READ_TIMEOUT_MILLIS}.
     *
     * @return how long it took to close
     */
    Duration awaitClosedWithoutAWord() throws IOException {
        long start = System.nanoTime();
        int first;
        try {
            first = in.read();
        } catch (SocketTimeoutException e) {
            throw new AssertionError("the connection is still open after " + socket.getSoTimeout() + " ms");
        } catch (SocketException e) {
            return Duration.ofNanos(System.nanoTime() - start); // reset: closed, and nothing was said
        }
        if (first >= 0) {
            fail("expected the connection closed without a word, but the other side sent "
                    + describeFrameStartingWith(first));
        }
        return Duration.ofNanos(System.nanoTime() - start);
    }

    void assertClosedWithoutAWord() throws IOException {
        awaitClosedWithoutAWord();
    }

    private String describeFrameStartingWith(int first) {
        try {
            byte[] rest = new byte[3];
            in.readFully(rest);
            int length = ByteBuffer.wrap(new byte[] {(byte) first, rest[0], rest[1], rest[2]}).getInt();
            if (length <= 0 || length > FramedConnection.SESSION_CAP) {
                return "a frame header of " + Integer.toUnsignedLong(length) + " bytes";
            }
            byte[] body = new byte[length];
            in.readFully(body);
            if (receiving != null) {
                try {
                    return "an encrypted frame: " + new String(receiving.open(body), StandardCharsets.UTF_8);
                } catch (FrameRejected e) {
                    // not encrypted with this key: show it as it came
                }
            }
            return "a frame: " + new String(body, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "a byte, then " + e;
        }
    }

    /** The next plaintext frame is REJECT {reason, the server's deviceId}, then the connection closes. */
    Map<String, Object> assertRejected(String reason, TestNode server) throws Exception {
        Map<String, Object> reject = readPlain();
        assertEquals(Messages.REJECT, reject.get("type"), reject::toString);
        assertEquals(reason, reject.get("reason"), reject::toString);
        assertEquals(server.deviceId(), reject.get("deviceId"), reject::toString);
        assertClosedWithoutAWord();
        return reject;
    }

    /** The next frame is an encrypted ERROR {@code protocol_error}, then the connection closes. */
    void assertProtocolError() throws Exception {
        Map<String, Object> error;
        try {
            error = receive();
        } catch (EOFException | SocketException e) {
            throw new AssertionError("the connection closed without an ERROR", e);
        }
        assertEquals(Messages.ERROR, error.get("type"), error::toString);
        assertEquals("protocol_error", error.get("code"), error::toString);
        assertTrue(error.get("message") instanceof String, error::toString);
        assertClosedWithoutAWord();
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
