package org.moodhaven.itests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.moodhaven.api.entry.CanonicalJson;
import org.moodhaven.api.entry.Entry;
import org.moodhaven.api.entry.EntryHash;
import org.moodhaven.api.entry.EntryVersion;
import org.moodhaven.api.entry.Timestamps;
import org.moodhaven.testing.EntryGenerator;
import org.moodhaven.testing.TestVectors;
import org.moodhaven.tools.Await;
import org.moodhaven.tools.EventStream;
import org.moodhaven.tools.NodeProcess;
import org.moodhaven.tools.TwoNodes;

/**
 * Three real nodes from the distribution in a line, A–B–C: A and B paired, B and C paired
 * (both through the pairing API, PIN and approval), A and C not (issue 7). The nodes sync
 * by themselves (PROTOCOL.md section 8; auto-sync on, mDNS off, each knowing its partners
 * by address through {@code POST /api/peers}); the test never asks for a sync. It checks
 * that an entry written on A reaches C through B, that concurrent edits of one entry on A
 * and C end as the same version on all three, and that once B revokes C, C's entries reach
 * neither B nor A while A and B still sync.
 */
class MeshIT {

    private static final Duration WAIT = Duration.ofSeconds(30);

    @TempDir
    Path folder;

    private TwoNodes.Node a;
    private TwoNodes.Node b;
    private TwoNodes.Node c;
    private final EntryGenerator gen = EntryGenerator.standard();

    @BeforeEach
    void start() throws Exception {
        a = new TwoNodes.Node(folder, "alpha");
        b = new TwoNodes.Node(folder, "beta");
        c = new TwoNodes.Node(folder, "gamma");
        for (TwoNodes.Node node : List.of(a, b, c)) {
            launchSyncingByItself(node);
        }
        for (TwoNodes.Node node : List.of(a, b, c)) {
            node.awaitReady();
        }
        knowByAddress(a, b);
        knowByAddress(b, a);
        knowByAddress(b, c);
        knowByAddress(c, b);
        pair(a, b);
        pair(b, c);
    }

    @AfterEach
    void stop() throws Exception {
        for (TwoNodes.Node node : new TwoNodes.Node[] {a, b, c}) {
            if (node != null) {
                node.close();
            }
        }
    }

    /** As a person runs it: headless, free ports, auto-sync on (unlike TwoNodes' default), no multicast. */
    private static void launchSyncingByItself(TwoNodes.Node node) throws Exception {
        node.process = NodeProcess.start(node.data, node.home, "--name", node.name, "--headless", "--no-mdns");
    }

    /** Tells {@code node} where {@code other}'s sync port is (what mDNS would tell it on a LAN). */
    private static void knowByAddress(TwoNodes.Node node, TwoNodes.Node other) throws Exception {
        node.api.post("/api/peers", "{\"host\":\"127.0.0.1\",\"port\":" + other.syncPort + ",\"deviceId\":\""
                + other.deviceId + "\"}");
    }

    /** The host shows a PIN, the guest types it, the host's person approves; the guest then syncs first. */
    private static void pair(TwoNodes.Node host, TwoNodes.Node guest) throws Exception {
        JsonNode offer = host.api.post("/api/pairing", "");
        guest.api.post("/api/pairing/accept", "{\"host\":\"127.0.0.1\",\"port\":" + offer.get("port").asInt()
                + ",\"pin\":\"" + offer.get("pin").asText() + "\",\"deviceId\":\"" + host.deviceId + "\"}");
        host.api.post("/api/pairing/approve", "");
        Await.until(guest.name + " is paired with " + host.name, WAIT,
                () -> guest.api.get("/api/pairing").get("state").asText().equals("paired"));
        Await.until(guest.name + "'s first sync with " + host.name, WAIT,
                () -> history(guest, host.deviceId).stream().anyMatch(sync -> sync.get("result").get("ok")
                        .asBoolean()));
    }

    private static List<JsonNode> history(TwoNodes.Node node, String deviceId) throws Exception {
        List<JsonNode> syncs = new ArrayList<>();
        node.api.get("/api/sync/history?deviceId=" + deviceId + "&limit=100").get("syncs").forEach(syncs::add);
        return syncs;
    }

    /** The entry as a node serves it now, or null. */
    private static Entry held(TwoNodes.Node node, String id) throws Exception {
        for (JsonNode entry : node.api.get("/api/entries?limit=1000").get("entries")) {
            if (entry.get("id").asText().equals(id)) {
                return TestVectors.entry(entry);
            }
        }
        return null;
    }

    private static Entry post(TwoNodes.Node node, Entry entry) throws Exception {
        return TestVectors.entry(node.api.post("/api/entries", CanonicalJson.of(entry)));
    }

    private static long millisSince(long nanoTime) {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - nanoTime);
    }

    @Test
    void entriesCrossTheMeshByAutoSyncConcurrentEditsConvergeAndARevokedDeviceIsCutOff() throws Exception {
        relayFromAThroughBToC();
        concurrentEditsOnAAndCConverge();
        revokingCOnBKeepsCsEntriesFromBAndA();
    }

    /** Entries written on A reach C, which A does not trust, with no sync asked of anyone. */
    private void relayFromAThroughBToC() throws Exception {
        long written = System.nanoTime();
        for (int i = 0; i < 3; i++) {
            a.post(gen.entry(i));
        }
        Await.until("A's entries reach C through B", WAIT, () -> c.api.digest().size() == 3);
        long relayMillis = millisSince(written);

        assertEquals(a.api.digest(), c.api.digest());
        assertEquals(a.api.digest(), b.api.digest());
        assertTrue(history(a, c.deviceId).isEmpty(), "A never synced with C");
        assertTrue(history(c, a.deviceId).isEmpty(), "C never synced with A");
        System.out.println("MeshIT: 3 entries written on A were on C after " + relayMillis + " ms");
    }

    /**
     * A and C edit the same entry within milliseconds, with the same {@code updated_at}, neither having
     * seen the other's edit (A's reaches B 3 s after it is written at the earliest): the merge rule's
     * tie-break by hash decides, the same way on every node.
     */
    private void concurrentEditsOnAAndCConverge() throws Exception {
        Entry original = gen.entry(1);
        String when = Timestamps.format(Instant.now().truncatedTo(ChronoUnit.MILLIS));
        Entry editOnA = new Entry(original.id(), original.createdAt(), when, gen.version(1, 1).content(), 2,
                Entry.PRIVACY_NORMAL, null, false);
        Entry editOnC = new Entry(original.id(), original.createdAt(), when, gen.version(1, 2).content(), 4,
                Entry.PRIVACY_NORMAL, null, true);

        long edited = System.nanoTime();
        Entry storedOnA = post(a, editOnA);
        Entry storedOnC = post(c, editOnC);
        // Had either node held the other's edit already, its own would have been dated after it.
        assertEquals(when, storedOnA.updatedAt(), "A edited the original, not C's edit");
        assertEquals(when, storedOnC.updatedAt(), "C edited the original, not A's edit");

        EntryVersion onA = EntryVersion.of(storedOnA);
        EntryVersion onC = EntryVersion.of(storedOnC);
        String winner = (onA.compareTo(onC) > 0 ? onA : onC).hash();
        Await.until("all three nodes hold the same version of the entry edited on A and C", WAIT, () -> {
            for (TwoNodes.Node node : List.of(a, b, c)) {
                Entry held = held(node, original.id());
                if (held == null || !EntryHash.of(held).equals(winner)) {
                    return false;
                }
            }
            return true;
        });
        long convergeMillis = millisSince(edited);

        Map<String, String> digest = a.api.digest();
        Await.until("all three nodes hold equal journals", WAIT,
                () -> b.api.digest().equals(digest) && c.api.digest().equals(digest));
        assertEquals(3, digest.size());
        System.out.println("MeshIT: concurrent edits on A and C converged on all three after " + convergeMillis
                + " ms; the edit made on " + (winner.equals(onA.hash()) ? "A" : "C") + " won");
    }

    /**
     * B revokes C; C keeps trusting B and writes an entry, A writes one too. C's sync after
     * its write is refused by B, and A's entry still reaches B: only then is the absence of
     * C's entry checked.
     */
    private void revokingCOnBKeepsCsEntriesFromBAndA() throws Exception {
        Entry onC = gen.entry(10);
        Entry onA = gen.entry(11);
        try (EventStream bEvents = b.api.events(WAIT)) {
            JsonNode revoked = b.api.delete("/api/trusted/" + c.deviceId);
            assertEquals(c.deviceId, revoked.get("revoked").asText(), revoked.toString());

            Instant beforeWrite = Instant.now();
            long written = System.nanoTime();
            c.post(onC);
            a.post(onA);

            bEvents.await("B refusing C's sync", event -> event.name().equals("sync/UNKNOWN_DEVICE")
                    && event.data().path("deviceId").asText().equals(c.deviceId), WAIT);
            System.out.println("MeshIT: B refused C's sync " + millisSince(written) + " ms after C's write");
            Await.until("C records that B refused the sync it started after its write", WAIT,
                    () -> history(c, b.deviceId).stream().anyMatch(sync -> !Timestamps.parse(
                            sync.get("startedAt").asText()).isBefore(beforeWrite)
                            && sync.get("result").path("error").asText().equals("not_trusted")));
        }
        Await.until("A's entry reaches B: A and B still sync", WAIT, () -> held(b, onA.id()) != null);

        assertEquals(null, held(b, onC.id()), "C's entry did not reach B");
        assertEquals(null, held(a, onC.id()), "C's entry did not reach A");
        assertEquals(a.api.digest(), b.api.digest());
    }
}
