package org.moodhaven.sync.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.EOFException;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import com.code_intelligence.jazzer.junit.FuzzTest;
import org.moodhaven.api.crypto.CryptoProvider;
import org.moodhaven.api.identity.TrustStore;
import org.moodhaven.api.identity.TrustedDevice;
import org.moodhaven.api.sync.SyncErrors;
import org.moodhaven.common.json.StrictJson;
import org.moodhaven.crypto.jdk.internal.JdkCryptoProvider;
import org.moodhaven.testing.Configs;
import org.moodhaven.testing.SeedIdentity;

/**
 * Fuzzes the plaintext part of the handshake (PROTOCOL.md 6.2, 6.3): a server reading
 * a client's HELLO, and a client reading the server's HELLO or REJECT. Whatever arrives,
 * the server answers with nothing, a REJECT with a reason of the page or its own HELLO,
 * lets no device in without its AUTH (except a v1-only device it was told to allow),
 * and fails only with the protocol's own errors; a client never completes a handshake
 * against bytes alone and reports a REJECT by its own reason.
 */
class HandshakeFuzzTest {

    private static final CryptoProvider CRYPTO = new JdkCryptoProvider(Configs.of(JdkCryptoProvider.Config.class));
    private static final Instant PAIRED = Instant.parse("2026-01-01T00:00:00Z");

    static final SeedIdentity SERVER = SeedIdentity.numbered(1, "Fuzz server", CRYPTO);
    static final SeedIdentity CLIENT = SeedIdentity.numbered(2, "Fuzz client", CRYPTO);
    /** Trusted by the server as a device that speaks only protocol version 1. */
    static final SeedIdentity V1_CLIENT = SeedIdentity.numbered(3, "Fuzz v1 client", CRYPTO);
    /** Trusted by the server, which already runs a session with it. */
    static final SeedIdentity BUSY_CLIENT = SeedIdentity.numbered(4, "Fuzz busy client", CRYPTO);

    private static final Handshake.Context SERVER_SIDE = new Handshake.Context(SERVER, new FixedTrust(
            trusted(CLIENT, null), trusted(V1_CLIENT, 1), trusted(BUSY_CLIENT, null)), CRYPTO, true);
    private static final TrustedDevice SERVER_AS_TRUSTED = trusted(SERVER, null);
    private static final Handshake.Context CLIENT_SIDE = new Handshake.Context(CLIENT,
            new FixedTrust(SERVER_AS_TRUSTED), CRYPTO, false);

    private static final Set<String> REJECT_REASONS = Set.of(SyncErrors.NOT_TRUSTED, SyncErrors.UNSUPPORTED_VERSION,
            SyncErrors.BUSY);

    @FuzzTest
    void serverReadsAClientHello(byte[] hello) throws IOException {
        BytesConnection client = new BytesConnection(BytesConnection.stream(List.of(hello)));
        List<String> unknown = new ArrayList<>();
        Optional<Handshake.Peer> peer;
        try {
            peer = Handshake.server(client.connection, SERVER_SIDE, BUSY_CLIENT.deviceId()::equals, id -> true,
                    unknown::add);
        } catch (FrameRejected refused) {
            assertTrue(hello.length == 0 || hello.length > FramedConnection.HANDSHAKE_CAP,
                    "a HELLO of " + hello.length + " bytes was refused as a frame: " + refused.getMessage());
            assertTrue(client.writtenFrames().isEmpty(), "the server answered a frame it refused");
            return;
        } catch (EOFException end) {
            // Only a server that answered with its own HELLO waits for more (the client's AUTH).
            assertEquals(Messages.HELLO, answerType(client.writtenFrames()), "EOF before the server said HELLO");
            return;
        }
        List<byte[]> answers = client.writtenFrames();
        assertTrue(answers.size() <= 1, "the server wrote " + answers.size() + " frames before any AUTH");
        String type = answerType(answers);
        if (peer.isPresent()) {
            // Only the legacy v1 device, which the server was told to allow, comes in without an AUTH.
            assertEquals(V1_CLIENT.deviceId(), peer.get().device().deviceId());
            assertEquals(1, peer.get().protocolVersion());
            assertEquals(Messages.HELLO, type);
        }
        if (!unknown.isEmpty()) {
            assertEquals(1, unknown.size());
            assertEquals(SyncErrors.NOT_TRUSTED, reason(answers.get(0)), "an unknown device was not refused");
        }
    }

    @FuzzTest
    void clientReadsTheServersAnswer(byte[] answer) throws IOException {
        BytesConnection server = new BytesConnection(BytesConnection.stream(List.of(answer)));
        try {
            Handshake.Peer peer = Handshake.client(server.connection, CLIENT_SIDE, SERVER_AS_TRUSTED);
            fail("a handshake completed against a server that never sent its AUTH: " + peer);
        } catch (SyncFailure failure) {
            String expected = rejectReason(answer);
            if (expected != null) {
                assertEquals(expected, failure.reason(), "a REJECT " + expected + " was reported as another failure");
            } else {
                assertTrue(Set.of(SyncErrors.HANDSHAKE, SyncErrors.CONNECTION).contains(failure.reason()),
                        "the client failed with " + failure.reason() + ": " + failure.getMessage());
            }
        }
        List<byte[]> sent = server.writtenFrames();
        assertTrue(sent.size() == 1 || sent.size() == 2, "the client sent its HELLO and at most its AUTH");
        assertEquals(Messages.HELLO, parse(sent.get(0)).get("type"));
    }

    /** The reason of a REJECT the client must report as such, or {@code null}. */
    private static String rejectReason(byte[] answer) {
        try {
            Map<String, Object> message = Messages.JSON.parseObject(answer);
            // Set.of refuses to look up null: a REJECT without a reason is not one of them.
            return Messages.REJECT.equals(message.get("type")) && message.get("reason") instanceof String reason
                    && REJECT_REASONS.contains(reason) && answer.length <= FramedConnection.HANDSHAKE_CAP ? reason : null;
        } catch (StrictJson.MalformedJson e) {
            return null;
        }
    }

    /** The type of the server's one answer, checking it is one the page allows; {@code null} for none. */
    private static String answerType(List<byte[]> answers) {
        if (answers.isEmpty()) {
            return null;
        }
        Map<String, Object> answer = parse(answers.get(0));
        assertEquals(SERVER.deviceId(), answer.get("deviceId"), "the server named another device");
        Object type = answer.get("type");
        if (Messages.REJECT.equals(type)) {
            assertTrue(answer.get("reason") instanceof String reason && REJECT_REASONS.contains(reason),
                    "a REJECT for " + answer.get("reason"));
        } else {
            assertEquals(Messages.HELLO, type, "the server answered neither HELLO nor REJECT");
        }
        return (String) type;
    }

    private static String reason(byte[] answer) {
        return (String) parse(answer).get("reason");
    }

    private static Map<String, Object> parse(byte[] message) {
        try {
            return Messages.JSON.parseObject(message);
        } catch (StrictJson.MalformedJson e) {
            throw new AssertionError("this side wrote malformed JSON", e);
        }
    }

    private static TrustedDevice trusted(SeedIdentity device, Integer protocol) {
        return new TrustedDevice(device.deviceId(), device.deviceName(), device.publicKeyBase64(), PAIRED, protocol,
                null);
    }

    /** A trust store that holds a fixed list and never changes. */
    private static final class FixedTrust implements TrustStore {
        private final List<TrustedDevice> devices;

        FixedTrust(TrustedDevice... devices) {
            this.devices = List.of(devices);
        }

        @Override
        public List<TrustedDevice> list() {
            return devices;
        }

        @Override
        public Optional<TrustedDevice> find(String deviceId) {
            return devices.stream().filter(d -> d.deviceId().equals(deviceId)).findFirst();
        }

        @Override
        public void trust(TrustedDevice device) {
            throw new UnsupportedOperationException("fixed");
        }

        @Override
        public boolean revoke(String deviceId) {
            throw new UnsupportedOperationException("fixed");
        }

        @Override
        public void recordAddress(String deviceId, String address) {
            throw new UnsupportedOperationException("fixed");
        }

        @Override
        public List<String> problems() {
            return List.of();
        }
    }
}
