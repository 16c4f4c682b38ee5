package org.moodhaven.itests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.moodhaven.api.entry.Entry;
import org.moodhaven.api.entry.Timestamps;
import org.moodhaven.testing.EntryGenerator;
import org.moodhaven.tools.RecordingProxy;
import org.moodhaven.tools.Await;
import org.moodhaven.tools.TwoNodes;

/**
 * Two nodes as two real processes from the distribution, syncing over 127.0.0.1,
 * driven through their JSON APIs; what crosses between them is measured by a
 * recording proxy, not by the nodes' own counters.
 */
class TwoNodeSyncIT {

    private static final Duration WAIT = Duration.ofSeconds(30);

    @TempDir
    Path folder;

    private TwoNodes.Node a;
    private TwoNodes.Node b;
    private final EntryGenerator gen = EntryGenerator.standard();

    @BeforeEach
    void create() throws Exception {
        a = new TwoNodes.Node(folder, "alpha");
        b = new TwoNodes.Node(folder, "beta");
    }

    @AfterEach
    void stop() throws Exception {
        a.close();
        b.close();
    }

    private void startTrusting(String... flags) throws Exception {
        a.launch("", flags);
        b.launch("", flags).awaitReady();
        a.awaitReady();
        a.trust(b);
        b.trust(a);
    }

    @Test
    void aFullSyncBothWaysWithConflictingEditsEndsWithEqualJournals() throws Exception {
        startTrusting();
        for (int i = 0; i < 30; i++) {
            a.post(gen.entry(i));
        }
        for (int i = 20; i < 50; i++) {
            b.post(gen.entry(i));
        }
        a.post(gen.version(21, 5));        // unequal timestamps: A's edit is later
        b.post(gen.version(22, 5));        // unequal timestamps: B's edit is later
        Entry tieA = gen.version(23, 7);   // equal timestamps, other content: the hash decides
        Entry tieB = new Entry(tieA.id(), tieA.createdAt(), tieA.updatedAt(), gen.version(24, 9).content(), 2,
                "normal", null, false);
        a.post(tieA);
        b.post(tieB);

        JsonNode result = a.syncWith(b);

        assertTrue(result.get("ok").asBoolean(), result.toString());
        Map<String, String> digestA = a.api.digest();
        assertEquals(50, digestA.size());
        assertEquals(digestA, b.api.digest());
        assertEquals(gen.version(21, 5).content().get("data"),
                b.api.get("/api/entries?limit=1000").findValues("data").stream().map(JsonNode::asText)
                        .filter(data -> data.equals(gen.version(21, 5).content().get("data"))).findFirst()
                        .orElse(null), "A's later edit won on B");
    }

    @Test
    void anIncrementalSyncMovesOnlyTheNewEntryAndTheNextListsNothingBack() throws Exception {
        startTrusting();
        for (int i = 0; i < 100; i++) {
            (i % 2 == 0 ? a : b).post(gen.entry(i));
        }
        try (RecordingProxy proxy = new RecordingProxy(b.syncPort)) {
            assertTrue(a.syncWith(b, proxy.port()).get("ok").asBoolean());
            long fullBytes = proxy.clientToServer.bytes.get() + proxy.serverToClient.bytes.get();

            a.post(gen.entry(1000));
            proxy.reset();
            JsonNode incremental = a.syncWith(b, proxy.port());
            assertTrue(incremental.get("ok").asBoolean(), incremental.toString());
            assertEquals(1, incremental.get("sent").asInt());
            assertEquals(a.api.digest(), b.api.digest());
            // Frames after the handshake (HELLO, AUTH): SYNC_STATE, MANIFEST, WANT, ENTRIES, DONE.
            List<Integer> up = proxy.clientToServer.frames;
            List<Integer> down = proxy.serverToClient.frames;
            int upManifest = up.get(3) - 28;
            int downManifest = down.get(3) - 28;
            assertTrue(upManifest < 200, "A's manifest lists just the new entry: " + up);
            assertTrue(downManifest < 80, "B's manifest lists nothing: " + down);
            long afterHandshake = sumFrom(up, 2) + sumFrom(down, 2);
            assertTrue(afterHandshake < 4 * 1024, "an incremental sync of one 1 KiB entry moves under 4 KiB: "
                    + afterHandshake + " bytes (the full sync moved " + fullBytes + ")");

            proxy.reset();
            JsonNode quiet = a.syncWith(b, proxy.port());
            assertTrue(quiet.get("ok").asBoolean());
            assertEquals(0, quiet.get("sent").asInt());
            assertEquals(0, quiet.get("received").asInt());
            assertEquals(downManifest, proxy.serverToClient.frames.get(3) - 28, "B lists nothing back");
            assertEquals(downManifest, proxy.clientToServer.frames.get(3) - 28, "nor does A: what B received in "
                    + "the last sync is covered by B's DONE_ACK seq");
        }
    }

    @Test
    void anEditMadeWithAClockBehindConvergesInOneSync() throws Exception {
        startTrusting();
        Entry original = gen.entry(5).withUpdatedAt(Timestamps.format(Instant.now().minusSeconds(60)));
        a.post(original);
        assertTrue(a.syncWith(b).get("ok").asBoolean());
        // B's writer has a clock an hour behind: its edit is dated before the version it replaces.
        Entry behind = new Entry(original.id(), original.createdAt(),
                Timestamps.format(Instant.now().minus(Duration.ofHours(1))), gen.version(6, 1).content(), 1,
                "normal", null, true);
        b.post(behind);

        JsonNode result = b.syncWith(a);

        assertTrue(result.get("ok").asBoolean(), result.toString());
        assertEquals(1, result.get("sent").asInt());
        assertEquals(a.api.digest(), b.api.digest());
        JsonNode onA = a.api.get("/api/entries?limit=10").get("entries").get(0);
        assertTrue(onA.get("pinned").asBoolean(), "B's edit won on A");
        assertTrue(Timestamps.parse(onA.get("updated_at").asText())
                .isAfter(Timestamps.parse(original.updatedAt())), "its time was moved past the replaced version");
    }

    @Test
    void aNodeKilledMidTransferSyncsAgainWithNothingLostOrSkipped() throws Exception {
        startTrusting();
        for (int i = 0; i < 600; i++) {
            a.post(gen.entry(i));
        }
        b.post(gen.entry(5000));
        try (RecordingProxy proxy = new RecordingProxy(b.syncPort)) {
            proxy.onClientBytes = total -> {
                if (total > 300_000) {
                    proxy.onClientBytes = ignored -> { };
                    try {
                        b.kill();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
            };
            JsonNode cut = a.syncWith(b, proxy.port());
            assertFalse(cut.get("ok").asBoolean(), "the sync was cut: " + cut);
        }
        b.start();
        a.trust(b); // B's sync port changed with the restart; trust itself is unchanged
        JsonNode again = a.syncWith(b);
        assertTrue(again.get("ok").asBoolean(), again.toString());
        Map<String, String> digestA = a.api.digest();
        assertEquals(601, digestA.size());
        assertEquals(digestA, b.api.digest());
    }

    @Test
    void aRevokedDeviceIsRefusedAndItsRunningSessionClosed() throws Exception {
        startTrusting();
        for (int i = 0; i < 600; i++) {
            a.post(gen.entry(i));
        }
        try (RecordingProxy proxy = new RecordingProxy(b.syncPort)) {
            proxy.onClientBytes = total -> {
                if (total > 200_000) {
                    proxy.onClientBytes = ignored -> { };
                    try {
                        JsonNode revoked = b.api.delete("/api/trusted/" + a.deviceId);
                        assertTrue(revoked.get("message").asText().contains("Revocation is local"));
                    } catch (Exception e) {
                        throw new AssertionError(e);
                    }
                }
            };
            JsonNode cut = a.syncWith(b, proxy.port());
            assertFalse(cut.get("ok").asBoolean(), "the running session was closed: " + cut);
        }
        Await.until("B records the revoked session", WAIT,
                () -> "revoked".equals(b.lastSync().get("result").path("error").asText()));
        assertTrue(b.api.digest().size() < 600, "B stopped taking A's entries");
        JsonNode refused = a.syncWith(b);
        assertEquals("not_trusted", refused.get("error").asText(), refused.toString());
    }

    @Test
    void anUntrustedDeviceIsRefusedWithNotTrusted() throws Exception {
        a.launch("");
        b.launch("").awaitReady();
        a.awaitReady();
        a.trust(b);
        JsonNode refused = a.syncWith(b);
        assertEquals("not_trusted", refused.get("error").asText(), refused.toString());
    }

    @Test
    void version1IsRefusedUnlessBothSidesAllowItForThatDevice() throws Exception {
        a.launch("", "--allow-legacy-v1");
        b.launch("").awaitReady();
        a.awaitReady();
        a.trust(1, b);
        b.trust(1, a);
        JsonNode refused = a.syncWith(b);
        assertEquals("unsupported_version", refused.get("error").asText(), refused.toString());

        b.stop();
        b.start("--allow-legacy-v1");
        a.post(gen.entry(1));
        JsonNode v1 = a.syncWith(b);
        assertTrue(v1.get("ok").asBoolean(), v1.toString());
        assertEquals(1, a.lastSync().get("protocol").asInt());
        assertEquals(a.api.digest(), b.api.digest());

        b.trust(a); // B learns A speaks v2: it refuses v1 from A from now on, even with the flag
        assertEquals("unsupported_version", a.syncWith(b).get("error").asText());
    }

    @Test
    void futureDatedEntriesAreRejectedCountedAndOfferedAgainLater() throws Exception {
        a.launch("");
        b.launch("-Dmoodhaven.clock.offset=-PT30M").awaitReady(); // B's clock is half an hour behind
        a.awaitReady();
        a.trust(b);
        b.trust(a);
        a.post(gen.entry(1).withUpdatedAt(Timestamps.format(Instant.now())));
        a.post(gen.entry(2));

        JsonNode first = a.syncWith(b);
        assertTrue(first.get("ok").asBoolean(), first.toString());
        assertEquals(2, first.get("sent").asInt());
        Await.until("B records the sync", WAIT, () -> b.lastSync().get("result").get("ok").asBoolean());
        assertEquals(1, b.lastSync().get("result").get("rejected").asInt(), "B counted the entry it rejected");
        assertEquals(1, b.api.digest().size());

        b.stop();
        b.start(); // B's clock is right again
        JsonNode later = a.syncWith(b);
        assertTrue(later.get("ok").asBoolean(), later.toString());
        assertEquals(a.api.digest(), b.api.digest(), "the rejected entry was offered again and taken");
    }

    private static long sumFrom(List<Integer> frames, int from) {
        long sum = 0;
        for (int i = from; i < frames.size(); i++) {
            sum += frames.get(i) + 4;
        }
        return sum;
    }
}
