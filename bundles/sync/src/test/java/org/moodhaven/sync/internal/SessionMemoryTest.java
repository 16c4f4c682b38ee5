package org.moodhaven.sync.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.EOFException;
import java.net.SocketException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.moodhaven.api.entry.Entry;
import org.moodhaven.api.event.EventTopics;
import org.moodhaven.api.sync.SyncErrors;
import org.moodhaven.api.sync.SyncResult;
import org.moodhaven.common.json.StrictJson;
import org.moodhaven.testing.EntryGenerator;
import org.moodhaven.testing.SeedIdentity;
import org.osgi.service.event.Event;

/**
 * What a trusted but broken or hostile peer can make a node hold is bounded by bytes:
 * an entry over the 1 MiB content rule is rejected as soon as it is decoded and never
 * waits for a commit; every frame and every manifest is reserved from the node's sync
 * memory budget before it is held, and a session that does not fit ends with
 * {@code internal}, gives all its memory back, and leaves the node syncing.
 */
class SessionMemoryTest {

    private static final EntryGenerator GEN = EntryGenerator.standard();

    @TempDir
    Path folder;

    private TestNode server;
    private TestNode client;
    private SeedIdentity trusted;

    @AfterEach
    void stop() throws Exception {
        server.close();
        if (client != null) {
            client.close();
        }
    }

    private void start(Object... config) throws Exception {
        server = new TestNode(2, folder, config);
        trusted = ManualPeer.trustedDevice(11, server);
    }

    /** An entry whose content's data is {@code bytes} long: over the rule from 1 MiB on. */
    private static Entry withContentOf(Entry entry, int bytes) {
        Map<String, String> content = new LinkedHashMap<>(entry.content());
        content.put("data", "A".repeat(bytes));
        return new Entry(entry.id(), entry.createdAt(), entry.updatedAt(), content, entry.mood(),
                entry.privacyMode(), entry.bookId(), entry.pinned());
    }

    @Test
    void oversizeEntriesAreRejectedAndCountedWhenDecodedAndNeverWaitForACommit() throws Exception {
        start();
        List<Entry> oversize = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            oversize.add(withContentOf(GEN.entry(20 + i), 2_500_000));
        }
        try (ManualPeer peer = ManualPeer.connect(server).handshake(trusted, server)) {
            peer.toEntriesStep(oversize, List.of());
            peer.send(Wire.entries(false, oversize.get(0)), Wire.entries(false, oversize.get(1)),
                    Wire.entries(true, oversize.get(2)));
            peer.receiveStep(Messages.ENTRIES);
            peer.send(Wire.done(0, 0, 1));
            Map<String, Object> ack = peer.receive();
            assertEquals(Messages.DONE_ACK, ack.get("type"), ack::toString);
            assertEquals(0, count(ack, "received"));
            assertEquals(3, count(ack, "rejected"));
        }
        assertEquals(EventTopics.SYNC_COMPLETED, server.awaitSessionEnd().getTopic());
        for (Event event : server.events) {
            assertFalse(EventTopics.SYNC_PROGRESS.equals(event.getTopic())
                            && EventTopics.PHASE_COMMIT.equals(event.getProperty(EventTopics.PHASE)),
                    "no oversize entry waited for a commit: " + event);
        }
        assertEquals(0, server.store.count());
        assertEquals(0, server.engine.memoryReserved(), "the session gave back all it reserved");
    }

    @Test
    void aFrameLargerThanTheWholeBudgetEndsTheSessionWithInternalAndTheNodeSyncsOn() throws Exception {
        start("memoryBudgetMiB", 12);
        try (ManualPeer peer = ManualPeer.connect(server).handshake(trusted, server)) {
            peer.exchangeSyncState();
            // 3 MiB of manifest: with its plaintext and parsing, more than the 12 MiB budget.
            peer.send(manifestOf(0, 27_000));
            assertInternalError(peer);
        }
        Event end = server.awaitSessionEnd();
        assertEquals(SyncErrors.INTERNAL, end.getProperty(EventTopics.REASON), end::toString);
        assertTrue(String.valueOf(end.getProperty(EventTopics.MESSAGE)).contains("memory"), end::toString);
        assertEquals(0, server.engine.memoryReserved(), "the failed session gave back all it reserved");

        assertARealSyncWorks();
    }

    @Test
    void aManifestWhoseIdsOutgrowTheBudgetEndsTheSessionWithInternal() throws Exception {
        start("memoryBudgetMiB", 12, "maxManifestItems", 10_000_000, "memoryWaitMillis", 100L);
        try (ManualPeer peer = ManualPeer.connect(server).handshake(trusted, server)) {
            peer.exchangeSyncState();
            // Frames of 5,000 items (half a MiB) fit; the table of a million ids does not.
            for (int frame = 0; frame < 200; frame++) {
                try {
                    peer.send(manifestOf(frame * 5_000, 5_000));
                } catch (SocketException closed) {
                    break; // the server gave up and closed while the frames were still going
                }
            }
            assertInternalError(peer);
        }
        Event end = server.awaitSessionEnd();
        assertEquals(SyncErrors.INTERNAL, end.getProperty(EventTopics.REASON), end::toString);
        assertTrue(String.valueOf(end.getProperty(EventTopics.MESSAGE)).contains("the ids of the manifests"),
                end::toString);
        assertEquals(0, server.engine.memoryReserved());

        assertARealSyncWorks();
    }

    private void assertARealSyncWorks() throws Exception {
        client = new TestNode(1, folder);
        client.trustEachOther(server);
        for (int i = 0; i < 300; i++) {
            client.put(GEN.entry(100 + i));
        }
        SyncResult result = client.syncWith(server);
        assertTrue(result.ok(), result.toString());
        assertEquals(EventTopics.SYNC_COMPLETED, server.awaitSessionEnd().getTopic());
        assertEquals(client.digest(), server.digest());
        assertEquals(0, server.engine.memoryReserved(), "the server's session gave back all it reserved");
    }

    /** A MANIFEST frame (not the last) of {@code count} valid items with ids from {@code first} on. */
    private static byte[] manifestOf(int first, int count) {
        List<Object> items = new ArrayList<>(count);
        String hash = "cd".repeat(32);
        for (int i = first; i < first + count; i++) {
            items.add(Wire.object("id", "memory-test-id-" + i, "updated_at", "2026-01-01T00:00:00Z", "h", hash));
        }
        return Wire.manifest(1, false, items);
    }

    /** The next frame is an encrypted ERROR {@code internal}; then the connection closes. */
    private static void assertInternalError(ManualPeer peer) throws Exception {
        Map<String, Object> error;
        try {
            error = peer.receive();
        } catch (EOFException | SocketException e) {
            throw new AssertionError("the connection closed without an ERROR", e);
        }
        assertEquals(Messages.ERROR, error.get("type"), error::toString);
        assertEquals(SyncErrors.INTERNAL, error.get("code"), error::toString);
    }

    private static long count(Map<String, Object> message, String field) {
        return ((StrictJson.Number) message.get(field)).nonNegativeInteger();
    }
}
