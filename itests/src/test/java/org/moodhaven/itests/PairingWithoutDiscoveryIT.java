package org.moodhaven.itests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;

import com.fasterxml.jackson.databind.JsonNode;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.moodhaven.api.entry.Entry;
import org.moodhaven.api.identity.DeviceIds;
import org.moodhaven.testing.EntryGenerator;
import org.moodhaven.tools.Await;
import org.moodhaven.tools.NodeProcess;
import org.moodhaven.tools.TwoNodes;

/**
 * Issue 17, item 3: two real nodes with {@code --no-mdns}, each on a sync port that is not
 * the one PROTOCOL.md section 3 derives from its deviceId, and automatic sync on (the
 * defaults: 3 s after a change, every 5 minutes). They pair through their JSON APIs and are
 * told nothing else: no peer added by address, no sync asked for. Each learns where the
 * other's sync server listens from pairing ({@code syncPort} in the sealed identity, the
 * pairing connection's host), so B's first sync brings A's entries, and an entry written
 * on A later reaches B by itself. Before, B's first sync went to A's derived port
 * ("Connection refused"), and A never knew where B was.
 */
class PairingWithoutDiscoveryIT {

    /** Well under a minute: the first sync runs at approval, A's next one 3 s after its change. */
    private static final Duration WAIT = Duration.ofSeconds(30);

    @TempDir
    Path folder;

    private TwoNodes.Node a;
    private TwoNodes.Node b;
    private final EntryGenerator gen = EntryGenerator.standard();

    @BeforeEach
    void start() throws Exception {
        a = new TwoNodes.Node(folder, "alpha");
        b = new TwoNodes.Node(folder, "beta");
        startOffTheDerivedPort(a);
        startOffTheDerivedPort(b);
    }

    @AfterEach
    void stop() throws Exception {
        if (a != null) {
            a.close();
        }
        if (b != null) {
            b.close();
        }
    }

    /**
     * As a person runs it without multicast: headless, auto-sync on, {@code --no-mdns}, on a
     * free sync port ({@code --sync-port 0}, which {@link NodeProcess} adds), started again in
     * the unlikely case that the free port is the derived one.
     */
    private static void startOffTheDerivedPort(TwoNodes.Node node) throws Exception {
        while (true) {
            node.process = NodeProcess.start(node.data, node.home, "--name", node.name, "--headless", "--no-mdns");
            node.awaitReady();
            // The API answers a moment before the sync server is bound.
            Await.until(node.name + "'s sync server is listening", WAIT, () -> node.api.syncPort() > 0);
            node.syncPort = node.api.syncPort();
            if (node.syncPort != DeviceIds.defaultSyncPort(node.deviceId)) {
                return;
            }
            node.close();
        }
    }

    @Test
    void pairedNodesWithoutDiscoverySyncFirstAndAfterALocalChangeByThemselves() throws Exception {
        a.post(gen.entry(1));
        a.post(gen.entry(2));

        JsonNode offer = a.api.post("/api/pairing", "");
        b.api.post("/api/pairing/accept", "{\"host\":\"127.0.0.1\",\"port\":" + offer.get("port").asInt()
                + ",\"pin\":\"" + offer.get("pin").asText() + "\",\"deviceId\":\"" + a.deviceId + "\"}");
        a.api.post("/api/pairing/approve", "");

        try {
            Await.until("B holds A's entries after its first sync", WAIT,
                    () -> b.api.digest().equals(a.api.digest()));
        } catch (AssertionError notSynced) {
            throw withHistories(notSynced);
        }
        assertEquals(2, b.api.digest().size());
        // Each recorded where the other listens: the pairing connection's host, the revealed port.
        assertEquals("127.0.0.1:" + a.syncPort, trustEntry(b, a).get("lastAddress").asText());
        assertEquals("127.0.0.1:" + b.syncPort, trustEntry(a, b).get("lastAddress").asText());
        assertNotEquals(DeviceIds.defaultSyncPort(a.deviceId), a.syncPort);

        Entry later = gen.entry(3);
        a.post(later);
        try {
            Await.until("the entry written on A later reaches B by itself", WAIT,
                    () -> b.api.digest().containsKey(later.id()));
        } catch (AssertionError notSynced) {
            throw withHistories(notSynced);
        }
        assertEquals(a.api.digest(), b.api.digest());

        // "Sync now" without an address, on either side, finds the other.
        JsonNode fromB = b.api.post("/api/sync", "{\"deviceId\":\"" + a.deviceId + "\"}");
        assertTrue(fromB.get("ok").asBoolean(), fromB.toString());
        JsonNode fromA = a.api.post("/api/sync", "{\"deviceId\":\"" + b.deviceId + "\"}");
        assertTrue(fromA.get("ok").asBoolean(), fromA.toString());
    }

    private static JsonNode trustEntry(TwoNodes.Node on, TwoNodes.Node device) throws Exception {
        for (JsonNode entry : on.api.get("/api/trusted")) {
            if (entry.get("deviceId").asText().equals(device.deviceId)) {
                return entry;
            }
        }
        throw new AssertionError(on.name + " does not trust " + device.name);
    }

    private AssertionError withHistories(AssertionError failure) throws Exception {
        return new AssertionError(failure.getMessage() + "; B's syncs: " + b.api.get("/api/sync/history")
                + "; A's syncs: " + a.api.get("/api/sync/history") + "; B trusts: " + b.api.get("/api/trusted")
                + "; A trusts: " + a.api.get("/api/trusted"), failure);
    }
}
