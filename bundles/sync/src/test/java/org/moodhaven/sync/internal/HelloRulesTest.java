package org.moodhaven.sync.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.moodhaven.api.crypto.CryptoProvider;
import org.moodhaven.api.event.EventTopics;
import org.moodhaven.api.identity.DeviceIdentity;
import org.moodhaven.api.identity.DeviceIds;
import org.moodhaven.api.identity.TrustStore;
import org.moodhaven.api.identity.TrustedDevice;
import org.moodhaven.api.sync.SyncAddress;
import org.moodhaven.api.sync.SyncErrors;
import org.moodhaven.common.json.StrictJson;
import org.moodhaven.testing.Configs;
import org.moodhaven.testing.SeedIdentity;
import org.moodhaven.testing.TestNodeSettings;
import org.osgi.service.event.Event;

/**
 * How a server answers HELLO (PROTOCOL.md 6.2), in the page's order: malformed →
 * closed without a word; untrusted → REJECT {@code not_trusted}; a version it does
 * not accept → REJECT {@code unsupported_version}; a device with an authenticated
 * session running → REJECT {@code busy}.
 */
class HelloRulesTest {

    @TempDir
    Path folder;

    private TestNode server;
    private SeedIdentity trusted;
    private SeedIdentity stranger;

    @BeforeEach
    void start() throws Exception {
        server = new TestNode(2, folder);
        trusted = ManualPeer.trustedDevice(11, server);
        stranger = ManualPeer.stranger(12, server);
    }

    @AfterEach
    void stop() throws Exception {
        server.close();
    }

    private ManualPeer connect() throws Exception {
        return ManualPeer.connect(server);
    }

    /** A v2 HELLO with {@code protocolVersion} and {@code ephemeralKey} written as given (null: left out). */
    private static byte[] hello(DeviceIdentity from, String protocolVersion, String ephemeralKey) {
        StringBuilder json = new StringBuilder("{\"type\":\"HELLO\",\"deviceId\":\"" + from.deviceId() + "\"");
        if (protocolVersion != null) {
            json.append(",\"protocolVersion\":").append(protocolVersion);
        }
        if (ephemeralKey != null) {
            json.append(",\"ephemeralKey\":").append(ephemeralKey);
        }
        return json.append('}').toString().getBytes(StandardCharsets.UTF_8);
    }

    /** A fresh X25519 public key as a JSON string. */
    private String validKey() {
        return "\"" + DeviceIds.base64Url(server.crypto.x25519Generate().publicKey()) + "\"";
    }

    private void assertClosedWithoutAWord(byte[] helloBody) throws Exception {
        try (ManualPeer peer = connect()) {
            peer.sendHello(helloBody);
            peer.assertClosedWithoutAWord();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "not json at all",
        "{\"type\":\"HELLO\",\"deviceId\":\"%s\",\"protocolVersion\":2",
        "[\"HELLO\"]",
        "\uFEFF{\"type\":\"HELLO\",\"deviceId\":\"%s\",\"protocolVersion\":2,\"ephemeralKey\":%s}",
        "{\"type\":\"HELLO\",\"deviceId\":\"%s\",\"deviceId\":\"%1$s\",\"protocolVersion\":2,\"ephemeralKey\":%s}",
        "{\"type\":\"HELLO\",\"deviceId\":\"%s\",\"protocolVersion\":2,\"ephemeralKey\":%s} {}",
        "{\"type\":\"AUTH\",\"deviceId\":\"%s\",\"protocolVersion\":2,\"ephemeralKey\":%s}",
        "{\"deviceId\":\"%s\",\"protocolVersion\":2,\"ephemeralKey\":%s}",
        "{\"type\":\"HELLO\",\"protocolVersion\":2,\"ephemeralKey\":%2$s}",
        "{\"type\":\"HELLO\",\"deviceId\":7,\"protocolVersion\":2,\"ephemeralKey\":%2$s}",
    })
    void aHelloThatIsNotValidJsonOrNotAHelloIsClosedWithoutAWord(String template) throws Exception {
        assertClosedWithoutAWord(String.format(template, trusted.deviceId(), validKey())
                .getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void theSameHelloWithAnIntegerVersionAndA32ByteKeyIsAnswered() throws Exception {
        try (ManualPeer peer = connect()) {
            peer.sendHello(hello(trusted, "2", validKey()));
            assertEquals(server.deviceId(), peer.readServerHello().get("deviceId"));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"2.0", "\"2\"", "-2", "2e0", "02", "null", "true", "[2]"})
    void aProtocolVersionThatIsNotAnIntegerLiteralIsClosedWithoutAWord(String version) throws Exception {
        assertClosedWithoutAWord(hello(trusted, version, validKey()));
        // Before the trust check: a stranger's malformed HELLO gets no REJECT either.
        assertClosedWithoutAWord(hello(stranger, version, validKey()));
    }

    @Test
    void aHelloWithoutProtocolVersionIsClosedWithoutAWord() throws Exception {
        assertClosedWithoutAWord(hello(trusted, null, validKey()));
        assertClosedWithoutAWord(hello(stranger, null, validKey()));
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "\"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\"", // 31 bytes
        "\"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\"", // 34 bytes
        "\"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\"", // padded
        "\"+/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\"", // standard alphabet
        "\"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAB\"", // non-canonical trailing bits
        "\"\"",
        "32",
        "null",
    })
    void aV2HelloWhoseEphemeralKeyIsNot32BytesOfB64urlIsClosedWithoutAWord(String key) throws Exception {
        assertEquals(32, DeviceIds.fromBase64Url("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA").length,
                "the 43-character key is the valid length these variants break");
        assertClosedWithoutAWord(hello(trusted, "2", key));
    }

    @Test
    void aV2HelloWithoutEphemeralKeyIsClosedWithoutAWord() throws Exception {
        assertClosedWithoutAWord(hello(trusted, "2", null));
    }

    @Test
    void aLowOrderEphemeralKeyGetsNoAuth() throws Exception {
        try (ManualPeer peer = connect()) {
            peer.sendHello(hello(trusted, "2", "\"" + DeviceIds.base64Url(new byte[32]) + "\""));
            peer.readServerHello();
            peer.assertClosedWithoutAWord();
        }
    }

    @Test
    void anUntrustedDeviceGetsNotTrustedWithTheServersIdThenTheConnectionCloses() throws Exception {
        try (ManualPeer peer = connect()) {
            peer.sendHello(peer.hello(stranger));
            Map<String, Object> reject = peer.assertRejected(SyncErrors.NOT_TRUSTED, server);
            assertEquals(List.of("type", "reason", "deviceId"), List.copyOf(reject.keySet()));
        }
        Event event = server.await(EventTopics.SYNC_UNKNOWN_DEVICE);
        assertEquals(stranger.deviceId(), event.getProperty(EventTopics.DEVICE_ID));
    }

    @Test
    void trustIsCheckedBeforeTheVersion() throws Exception {
        try (ManualPeer peer = connect()) {
            peer.sendHello(hello(stranger, "3", null));
            peer.assertRejected(SyncErrors.NOT_TRUSTED, server);
        }
    }

    @Test
    void aHelloWithTheServersOwnDeviceIdIsNotTrusted() throws Exception {
        try (ManualPeer peer = connect()) {
            peer.sendHello(peer.hello(server.identity));
            peer.assertRejected(SyncErrors.NOT_TRUSTED, server);
        }
    }

    /** The file trust store refuses to list the node itself; the handshake refuses it anyway. */
    @Test
    void theOwnDeviceIdIsNotTrustedEvenIfTheTrustStoreListedIt() throws Exception {
        TrustedDevice self = new TrustedDevice(server.deviceId(), "me", server.identity.publicKeyBase64(),
                TestNode.NOW, null, null);
        TrustStore listsItself = delegating(TrustStore.class, server.trust, (method, args) ->
                method.getName().equals("find") && server.deviceId().equals(args[0]) ? Optional.of(self) : CALL);
        assertTrue(listsItself.find(server.deviceId()).isPresent());
        SyncEngine engine = new SyncEngine(Configs.of(SyncEngine.Config.class, "port", 0,
                "bindAddress", "127.0.0.1"), server.identity, listsItself, new TestNodeSettings(folder));
        engine.bind(server.store, server.crypto, server.clock);
        try (ManualPeer peer = ManualPeer.connect(new SyncAddress("127.0.0.1", engine.port()), server.crypto)) {
            peer.sendHello(peer.hello(server.identity));
            peer.assertRejected(SyncErrors.NOT_TRUSTED, server);
        } finally {
            engine.deactivate();
        }
    }

    /** What {@link Interceptor#before} returns to let the call through. */
    private static final Object CALL = new Object();

    @FunctionalInterface
    private interface Interceptor {
        /** @return the result to give instead of calling, or {@link #CALL} */
        Object before(Method method, Object[] args) throws Exception;
    }

    /** An instance of {@code type} that forwards every call to {@code target}, unless the interceptor answers. */
    private static <T> T delegating(Class<T> type, T target, Interceptor interceptor) {
        return type.cast(Proxy.newProxyInstance(HelloRulesTest.class.getClassLoader(), new Class<?>[] {type},
                (proxy, method, args) -> {
                    Object answer = interceptor.before(method, args);
                    if (answer != CALL) {
                        return answer;
                    }
                    try {
                        return method.invoke(target, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                }));
    }

    @Test
    void version3GetsUnsupportedVersionListingVersion2() throws Exception {
        try (ManualPeer peer = connect()) {
            peer.sendHello(hello(trusted, "3", validKey()));
            Map<String, Object> reject = peer.assertRejected(SyncErrors.UNSUPPORTED_VERSION, server);
            assertEquals(List.of(2L), versions(reject));
        }
    }

    @Test
    void version1IsUnsupportedUnlessAllowedForAV1OnlyDevice() throws Exception {
        SeedIdentity v1Only = ManualPeer.stranger(13, server);
        ManualPeer.trust(server, v1Only, 1);
        for (SeedIdentity device : List.of(trusted, v1Only)) {
            try (ManualPeer peer = connect()) {
                peer.sendHello(Messages.hello(device.deviceId(), 1, null));
                assertEquals(List.of(2L), versions(peer.assertRejected(SyncErrors.UNSUPPORTED_VERSION, server)),
                        "v1 is off on this node");
            }
        }
        server.close();
        server = new TestNode(2, folder, "allowLegacyV1", true);
        try (ManualPeer peer = connect()) {
            peer.sendHello(Messages.hello(trusted.deviceId(), 1, null));
            assertEquals(List.of(2L), versions(peer.assertRejected(SyncErrors.UNSUPPORTED_VERSION, server)),
                    "v1 is allowed, but not for a device that speaks v2");
        }
        try (ManualPeer peer = connect()) {
            peer.sendHello(hello(v1Only, "3", null));
            assertEquals(List.of(1L, 2L), versions(peer.assertRejected(SyncErrors.UNSUPPORTED_VERSION, server)),
                    "the versions accepted from this device");
        }
    }

    private static List<Long> versions(Map<String, Object> reject) {
        return ((List<?>) reject.get("supported")).stream()
                .map(v -> ((StrictJson.Number) v).nonNegativeInteger()).toList();
    }

    // ------------------------------------------------------------------ busy

    @Test
    void aSecondHelloFromADeviceWithAnAuthenticatedSessionIsBusy() throws Exception {
        try (ManualPeer held = connect().handshake(trusted, server)) {
            try (ManualPeer second = connect()) {
                second.sendHello(second.hello(trusted));
                second.assertRejected(SyncErrors.BUSY, server);
            }
            held.exchangeSyncState(); // the first session was not disturbed
        }
        assertEquals(EventTopics.SYNC_FAILED, server.awaitSessionEnd().getTopic());
        try (ManualPeer again = connect().handshake(trusted, server)) {
            again.exchangeSyncState(); // once it ended, the device is welcome again
        }
    }

    @Test
    void anUnauthenticatedHelloDoesNotLockTheDeviceOut() throws Exception {
        try (ManualPeer squatter = connect()) {
            squatter.sendHello(squatter.hello(trusted));
            squatter.readServerHello();
            try (ManualPeer real = connect().handshake(trusted, server)) {
                real.exchangeSyncState();
                // The squatter (were it the device) completes its AUTH late: the slot is taken.
                squatter.sendAuth(trusted, server.identity);
                squatter.assertClosedWithoutAWord();
            }
        }
    }

    /**
     * A device whose connection breaks between its AUTH and the server's (the
     * server's write fails) is not left marked as in a session: it can sync again.
     */
    @Test
    void aClientThatVanishesRightAfterItsAuthDoesNotLockItselfOut() throws Exception {
        CountDownLatch vanished = new CountDownLatch(1);
        // The server checks the client's AUTH only once the client has gone, so its answer cannot be written.
        CryptoProvider waitsToVerify = delegating(CryptoProvider.class, server.crypto, (method, args) -> {
            if (method.getName().equals("ed25519Verify")) {
                assertTrue(vanished.await(10, TimeUnit.SECONDS));
            }
            return CALL;
        });
        server.engine.bind(server.store, waitsToVerify, server.clock);
        try (ManualPeer vanishing = connect()) {
            vanishing.sendHello(vanishing.hello(trusted));
            vanishing.readServerHello();
            vanishing.sendAuth(trusted, server.identity);
            vanishing.socket.setSoLinger(true, 0); // close with a reset
        }
        vanished.countDown();
        server.awaitConnections(0);

        try (ManualPeer next = connect()) {
            next.sendHello(next.hello(trusted));
            Map<String, Object> answer = next.readPlain();
            assertEquals(Messages.HELLO, answer.get("type"), () -> "the device is locked out: " + answer);
        }
    }
}
