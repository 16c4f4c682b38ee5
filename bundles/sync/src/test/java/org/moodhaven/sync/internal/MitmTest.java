package org.moodhaven.sync.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.moodhaven.api.entry.Entry;
import org.moodhaven.api.event.EventTopics;
import org.moodhaven.api.sync.SyncErrors;
import org.moodhaven.api.sync.SyncResult;
import org.moodhaven.testing.EntryGenerator;

/**
 * A man in the middle between two real nodes (PROTOCOL.md 6.2): one who substitutes
 * the ephemeral keys can read the client's AUTH, but cannot pass it on, since the
 * signature covers both HELLOs; one who forwards bytes unchanged sees no entry.
 */
class MitmTest {

    private final EntryGenerator gen = EntryGenerator.standard();

    @TempDir
    Path folder;

    private TestNode client;
    private TestNode server;
    private Entry secret;

    @BeforeEach
    void start() throws Exception {
        client = new TestNode(1, folder);
        server = new TestNode(2, folder);
        client.trustEachOther(server);
        secret = gen.entry(1);
        client.put(secret);
        server.put(gen.entry(2));
    }

    @AfterEach
    void stop() throws Exception {
        client.close();
        server.close();
    }

    private SyncResult syncThrough(ScriptedServer<?> proxy) {
        return client.engine.sync(server.deviceId(), Optional.of(proxy.address()));
    }

    @Test
    void substitutingTheEphemeralKeysCannotCompleteTheHandshake() throws Exception {
        Map<String, String> clientBefore = client.digest();
        Map<String, String> serverBefore = server.digest();
        try (ScriptedServer<Map<String, Object>> proxy = ScriptedServer.start(accepted -> {
            ManualPeer towardClient = new ManualPeer(accepted, client.crypto);
            try (ManualPeer towardServer = ManualPeer.connect(server)) {
                towardClient.readClientHello();
                towardServer.sendHello(towardServer.hello(client.identity)); // the client's id, the proxy's key
                towardServer.readServerHello();
                towardClient.sendServerHello(towardClient.hello(server.identity)); // likewise toward the client
                towardClient.deriveKeys(client.identity, server.identity);
                towardServer.deriveKeys(client.identity, server.identity);
                byte[] clientAuth = towardClient.receivePlaintext(); // the proxy shares a key with each side
                towardServer.send(clientAuth); // passed on, encrypted for the server
                towardServer.assertClosedWithoutAWord(); // the server does not accept it: no AUTH back
                return ManualPeer.parse(clientAuth);
            }
        })) {
            SyncResult result = syncThrough(proxy);
            assertEquals(Messages.AUTH, proxy.outcome().get("type"), "the proxy did read the client's AUTH");
            assertFalse(result.ok(), result.toString());
            assertEquals(SyncErrors.HANDSHAKE, result.error(), result.toString());
        }
        assertEquals(clientBefore, client.digest());
        assertEquals(serverBefore, server.digest());
        assertTrue(server.events.stream().noneMatch(e -> e.getTopic().equals(EventTopics.SYNC_STARTED)),
                "the server never started a session");
    }

    @Test
    void forwardingTheBytesUnchangedLetsTheSyncCompleteAndShowsNoEntry() throws Exception {
        ByteArrayOutputStream seen = new ByteArrayOutputStream();
        try (ScriptedServer<Void> proxy = ScriptedServer.forwarding(server.address(), seen,
                new ByteArrayOutputStream())) {
            SyncResult result = syncThrough(proxy);
            assertTrue(result.ok(), result.toString());
            proxy.outcome();
        }
        assertEquals(client.digest(), server.digest());
        String wire = seen.toString(StandardCharsets.ISO_8859_1);
        assertTrue(wire.contains(client.deviceId()), "the HELLO went through in plain text");
        assertFalse(wire.contains(secret.id()), "but no entry id did");
        assertFalse(wire.contains(secret.content().get("data").substring(0, 32)), "nor any content");
    }
}
