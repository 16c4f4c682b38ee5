package org.moodhaven.sync.internal;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.moodhaven.api.crypto.CryptoProvider;
import org.moodhaven.api.crypto.X25519KeyPair;
import org.moodhaven.api.identity.DeviceIdentity;
import org.moodhaven.api.identity.DeviceIds;
import org.moodhaven.api.identity.TrustStore;
import org.moodhaven.api.identity.TrustedDevice;
import org.moodhaven.benchmarks.jmh.CryptoProviders;
import org.moodhaven.testing.SeedIdentity;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * The cryptography of one side of a v2 handshake (PROTOCOL.md 6.2), per crypto
 * provider: each step alone, the whole of one side ({@link #oneSide}), and a whole
 * handshake of both sides over a loopback TCP connection ({@link #loopback}).
 * <p>
 * The steps are the ones {@link Handshake} takes, called the same way: a fresh
 * X25519 pair, the agreement with the peer's ephemeral key, the transcript hash
 * over both HELLO bodies, HKDF-Extract and the two HKDF-Expands of the direction
 * keys, one Ed25519 signature (the own AUTH) and one verification (the peer's).
 * The verification checks a real signature of the peer over a fixed transcript:
 * in {@link #oneSide} the transcript changes with every fresh ephemeral key, and
 * checking a signature costs the same whatever it signs.
 * <p>
 * The warm-up is longer than elsewhere: the JDK's X25519 and Ed25519 reach a
 * steady speed only after about 8 s.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 5, time = 2)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xms2g", "-Xmx2g"})
@State(Scope.Thread)
public class HandshakeBenchmark {

    /** The crypto provider of both sides: {@code jdk} or {@code bc}. */
    @Param({"jdk", "bc"})
    public String provider;

    private CryptoProvider crypto;
    private SeedIdentity client;
    private SeedIdentity server;
    private String clientDeviceId;
    private byte[] clientPublicKey;
    private byte[] serverPublicKey;
    private X25519KeyPair clientEphemeral;
    private X25519KeyPair serverEphemeral;
    private byte[] helloClient;
    private byte[] helloServer;
    private byte[] shared;
    private byte[] transcriptHash;
    private Handshake.Keys keys;
    private byte[] serverSigned;
    private byte[] serverSignature;

    private ServerSocket listener;
    private ExecutorService serverThread;
    private Handshake.Context clientContext;
    private Handshake.Context serverContext;
    private TrustedDevice serverAsTrusted;

    /**
     * Two devices that trust each other, a fixed pair of ephemeral keys and HELLOs,
     * and a listening socket with a thread that plays the server.
     *
     * @throws Exception if the keys cannot be made or the socket cannot listen
     */
    @Setup(Level.Trial)
    public void setUp() throws Exception {
        crypto = CryptoProviders.byName(provider);
        client = SeedIdentity.numbered(1, "Client", crypto);
        server = SeedIdentity.numbered(2, "Server", crypto);
        clientDeviceId = client.deviceId();
        clientPublicKey = client.publicKey();
        serverPublicKey = server.publicKey();
        clientEphemeral = crypto.x25519Generate();
        serverEphemeral = crypto.x25519Generate();
        helloClient = Messages.hello(clientDeviceId, 2, DeviceIds.base64Url(clientEphemeral.publicKey()));
        helloServer = Messages.hello(server.deviceId(), 2, DeviceIds.base64Url(serverEphemeral.publicKey()));
        shared = crypto.x25519(clientEphemeral.privateKey(), serverEphemeral.publicKey());
        transcriptHash = transcript(crypto, helloClient, helloServer);
        keys = Handshake.keys(crypto, clientEphemeral.privateKey(), serverEphemeral.publicKey(), helloClient,
                helloServer, clientPublicKey, serverPublicKey);
        serverSigned = Handshake.signedMessage(Handshake.LABEL_SERVER, keys);
        serverSignature = server.sign(serverSigned);
        if (!crypto.ed25519Verify(serverPublicKey, serverSigned, serverSignature)) {
            throw new IllegalStateException(provider + " does not verify its own signature");
        }

        Instant paired = Instant.parse("2026-01-01T00:00:00Z");
        serverAsTrusted = trusted(server, paired);
        clientContext = new Handshake.Context(client, new OneDevice(serverAsTrusted), crypto, false);
        serverContext = new Handshake.Context(server, new OneDevice(trusted(client, paired)), crypto, false);
        listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        serverThread = Executors.newSingleThreadExecutor(r -> {
            Thread thread = new Thread(r, "handshake-server");
            thread.setDaemon(true);
            return thread;
        });
    }

    /**
     * Stops the server thread and the listening socket.
     *
     * @throws IOException if the socket does not close
     */
    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        serverThread.shutdownNow();
        listener.close();
    }

    /** @return a fresh ephemeral key pair */
    @Benchmark
    public X25519KeyPair x25519Generate() {
        return crypto.x25519Generate();
    }

    /**
     * @return the shared secret with the peer's ephemeral key
     * @throws Exception never: the peer's key is a valid one
     */
    @Benchmark
    public byte[] x25519Agreement() throws Exception {
        return crypto.x25519(clientEphemeral.privateKey(), serverEphemeral.publicKey());
    }

    /** @return th, the SHA-256 over both length-prefixed HELLO bodies */
    @Benchmark
    public byte[] transcriptHash() {
        return transcript(crypto, helloClient, helloServer);
    }

    /**
     * HKDF-Extract of the shared secret with th as salt, and the two direction keys.
     *
     * @param out takes the keys
     */
    @Benchmark
    public void hkdf(Blackhole out) {
        byte[] prk = crypto.hkdfExtract(transcriptHash, shared);
        out.consume(crypto.hkdfExpand(prk, Handshake.LABEL_C2S.getBytes(StandardCharsets.US_ASCII),
                Handshake.KEY_LENGTH));
        out.consume(crypto.hkdfExpand(prk, Handshake.LABEL_S2C.getBytes(StandardCharsets.US_ASCII),
                Handshake.KEY_LENGTH));
    }

    /** @return the signature of this side's AUTH */
    @Benchmark
    public byte[] ed25519Sign() {
        return client.sign(Handshake.signedMessage(Handshake.LABEL_CLIENT, keys));
    }

    /** @return whether the peer's AUTH signature verifies (it does) */
    @Benchmark
    public boolean ed25519Verify() {
        return crypto.ed25519Verify(serverPublicKey, serverSigned, serverSignature);
    }

    /**
     * Everything one side computes in a handshake, as {@link Handshake#client} does
     * it: a fresh ephemeral pair and its HELLO, the key schedule (agreement,
     * transcript hash, HKDF, the hash of both public keys), both keyed ciphers, the
     * own AUTH signature and the check of the peer's.
     *
     * @param out takes the results
     * @throws Exception never: the peer's key is a valid one
     */
    @Benchmark
    public void oneSide(Blackhole out) throws Exception {
        X25519KeyPair ephemeral = crypto.x25519Generate();
        byte[] hello = Messages.hello(clientDeviceId, 2, DeviceIds.base64Url(ephemeral.publicKey()));
        Handshake.Keys fresh = Handshake.keys(crypto, ephemeral.privateKey(), serverEphemeral.publicKey(), hello,
                helloServer, clientPublicKey, serverPublicKey);
        out.consume(crypto.aesGcm(fresh.clientToServer()));
        out.consume(crypto.aesGcm(fresh.serverToClient()));
        out.consume(client.sign(Handshake.signedMessage(Handshake.LABEL_CLIENT, fresh)));
        out.consume(crypto.ed25519Verify(serverPublicKey, serverSigned, serverSignature));
    }

    /**
     * A whole v2 handshake, {@link Handshake#client} on this thread against
     * {@link Handshake#server} on another, over a new loopback TCP connection:
     * the crypto of both sides (on two cores at best), four frames, the JSON, and
     * the connection set-up.
     *
     * @return the server's peer (the client)
     * @throws Exception if the handshake fails
     */
    @Benchmark
    public Optional<Handshake.Peer> loopback() throws Exception {
        Future<Optional<Handshake.Peer>> serverSide = serverThread.submit(() -> {
            try (Socket accepted = listener.accept()) {
                accepted.setTcpNoDelay(true);
                return Handshake.server(new FramedConnection(accepted), serverContext, id -> false, id -> true,
                        id -> { });
            }
        });
        try (Socket socket = new Socket(listener.getInetAddress(), listener.getLocalPort())) {
            socket.setTcpNoDelay(true);
            // The client has read everything when it closes, so a reset loses nothing and
            // thousands of connections leave no TIME_WAIT behind.
            socket.setSoLinger(true, 0);
            Handshake.Peer peer = Handshake.client(new FramedConnection(socket), clientContext, serverAsTrusted);
            if (peer.protocolVersion() != 2) {
                throw new IllegalStateException("not a v2 handshake");
            }
        }
        Optional<Handshake.Peer> peer = serverSide.get(10, TimeUnit.SECONDS);
        if (peer.isEmpty()) {
            throw new IllegalStateException("the server refused the handshake");
        }
        return peer;
    }

    /** th as {@link Handshake#keys} computes it: SHA-256(u32(|helloC|) || helloC || u32(|helloS|) || helloS). */
    private static byte[] transcript(CryptoProvider crypto, byte[] helloClient, byte[] helloServer) {
        return crypto.sha256(u32(helloClient.length), helloClient, u32(helloServer.length), helloServer);
    }

    private static byte[] u32(int value) {
        return ByteBuffer.allocate(4).putInt(value).array();
    }

    private static TrustedDevice trusted(DeviceIdentity device, Instant paired) {
        return new TrustedDevice(device.deviceId(), device.deviceName(), device.publicKeyBase64(), paired, null,
                null);
    }

    /** A trust store that trusts one device and never changes. */
    private static final class OneDevice implements TrustStore {
        private final TrustedDevice device;

        OneDevice(TrustedDevice device) {
            this.device = device;
        }

        @Override
        public List<TrustedDevice> list() {
            return List.of(device);
        }

        @Override
        public Optional<TrustedDevice> find(String deviceId) {
            return device.deviceId().equals(deviceId) ? Optional.of(device) : Optional.empty();
        }

        @Override
        public void trust(TrustedDevice other) {
            throw new UnsupportedOperationException("fixed trust");
        }

        @Override
        public boolean revoke(String deviceId) {
            throw new UnsupportedOperationException("fixed trust");
        }

        @Override
        public void recordAddress(String deviceId, String address) {
            // a handshake does not record addresses
        }

        @Override
        public List<String> problems() {
            return List.of();
        }
    }
}
