package org.moodhaven.sync.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.moodhaven.api.identity.DeviceIds;
import org.moodhaven.api.sync.SyncErrors;
import org.moodhaven.api.sync.SyncResult;
import org.moodhaven.testing.EntryGenerator;
import org.moodhaven.testing.SeedIdentity;

/**
 * The client side of the v2 handshake (PROTOCOL.md 6.2) against fake servers: a
 * real node syncs with a socket that answers as a test script decides, and gives
 * up before it has sent anything after its AUTH.
 */
class ClientHandshakeTest {

    @TempDir
    Path folder;

    private TestNode client;
    /** The device the client means to reach; the fake servers claim to be it. */
    private SeedIdentity server;
    /** Another device the client trusts. */
    private SeedIdentity other;

    @BeforeEach
    void start() throws Exception {
        client = new TestNode(1, folder);
        client.put(EntryGenerator.standard().entry(1));
        server = ManualPeer.trustedDevice(21, client);
        other = ManualPeer.trustedDevice(22, client);
    }

    @AfterEach
    void stop() throws Exception {
        client.close();
    }

    /** The client syncs with the fake server; the script's own assertions must hold too. */
    private SyncResult syncWith(ScriptedServer.Script<?> script) throws Exception {
        try (ScriptedServer<?> fake = ScriptedServer.start(script)) {
            SyncResult result = client.engine.sync(server.deviceId(), Optional.of(fake.address()));
            fake.outcome();
            assertFalse(result.ok(), result.toString());
            return result;
        }
    }

    /** A fake server that reads the client's HELLO, answers with the HELLO {@code answer} makes of it, and expects the client to close. */
    private SyncResult answeredWith(HelloAnswer answer) throws Exception {
        return syncWith(accepted -> {
            ManualPeer fake = new ManualPeer(accepted, client.crypto);
            Map<String, Object> hello = fake.readClientHello();
            fake.sendServerHello(answer.answer(fake, hello));
            fake.assertClosedWithoutAWord(); // no AUTH: the client gave up at HELLO
            return null;
        });
    }

    @FunctionalInterface
    private interface HelloAnswer {
        byte[] answer(ManualPeer fake, Map<String, Object> clientHello);
    }

    @Test
    void aServerHelloCarryingTheClientsOwnEphemeralKeyFailsTheHandshake() throws Exception {
        SyncResult result = answeredWith((fake, hello) ->
                Messages.hello(server.deviceId(), 2, (String) hello.get("ephemeralKey")));
        assertEquals(SyncErrors.HANDSHAKE, result.error(), result.toString());
    }

    @Test
    void aServerHelloCarryingTheClientsOwnDeviceIdFailsTheHandshake() throws Exception {
        SyncResult result = answeredWith((fake, hello) -> fake.hello(client.identity));
        assertEquals(SyncErrors.HANDSHAKE, result.error(), result.toString());
    }

    @Test
    void aServerHelloFromAnotherDeviceThanTheOneMeantFailsTheHandshake() throws Exception {
        SyncResult result = answeredWith((fake, hello) -> fake.hello(other));
        assertEquals(SyncErrors.HANDSHAKE, result.error(), result.toString());
    }

    @Test
    void aServerHelloWithAnotherVersionFailsTheHandshake() throws Exception {
        SyncResult result = answeredWith((fake, hello) ->
                Messages.hello(server.deviceId(), 3, DeviceIds.base64Url(fake.ephemeral.publicKey())));
        assertEquals(SyncErrors.HANDSHAKE, result.error(), result.toString());
    }

    @Test
    void aServerThatCannotSignAsTheDeviceFailsTheHandshakeAndGetsNothingMore() throws Exception {
        SeedIdentity impostor = ManualPeer.stranger(23, client);
        SyncResult result = syncWith(accepted -> {
            ManualPeer fake = new ManualPeer(accepted, client.crypto);
            fake.readClientHello();
            fake.sendServerHello(fake.hello(server));
            fake.deriveKeys(client.identity, server);
            assertEquals(Messages.AUTH, fake.receive().get("type"), "the impostor can read the client's AUTH");
            fake.send(fake.auth(impostor, Handshake.LABEL_SERVER));
            fake.assertClosedWithoutAWord(); // no SYNC_STATE: nothing is sent until the server's AUTH verifies
            return null;
        });
        assertEquals(SyncErrors.HANDSHAKE, result.error(), result.toString());
    }

    @Test
    void theClientRefusesFramesAbove4096BytesUntilTheServersAuthHasVerified() throws Exception {
        syncWith(accepted -> {
            ManualPeer fake = new ManualPeer(accepted, client.crypto);
            fake.readClientHello();
            fake.writeHeader(4097); // as the server's HELLO
            fake.assertClosedWithoutAWord();
            return null;
        });
        syncWith(accepted -> {
            ManualPeer fake = new ManualPeer(accepted, client.crypto);
            fake.readClientHello();
            fake.sendServerHello(fake.hello(server));
            fake.deriveKeys(client.identity, server);
            fake.receive();
            fake.writeHeader(4097); // as the server's AUTH
            fake.assertClosedWithoutAWord();
            return null;
        });
    }

    /** PROTOCOL.md 6.3: a plaintext REJECT can be forged, so a client never falls back to version 1. */
    @Test
    void aRejectOfVersion2DoesNotMakeTheClientFallBackToVersion1() throws Exception {
        SyncResult result = syncWith(accepted -> {
            ManualPeer fake = new ManualPeer(accepted, client.crypto);
            fake.readClientHello();
            fake.writeFrames(Wire.json(Wire.object("type", Messages.REJECT, "reason",
                    SyncErrors.UNSUPPORTED_VERSION, "deviceId", server.deviceId(), "supported", new int[] {1})));
            fake.assertClosedWithoutAWord(); // no second HELLO
            return null;
        });
        assertEquals(SyncErrors.UNSUPPORTED_VERSION, result.error(), result.toString());
    }
}
