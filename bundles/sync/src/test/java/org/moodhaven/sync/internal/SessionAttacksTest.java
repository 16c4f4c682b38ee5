package org.moodhaven.sync.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.moodhaven.api.entry.Entry;
import org.moodhaven.api.event.EventTopics;
import org.moodhaven.api.store.PeerSyncState;
import org.moodhaven.api.sync.SyncErrors;
import org.moodhaven.common.json.StrictJson;
import org.moodhaven.testing.EntryGenerator;
import org.moodhaven.testing.SeedIdentity;
import org.osgi.service.event.Event;

/**
 * A trusted device that breaks the session rules of PROTOCOL.md 6.4 after a correct
 * handshake. The server answers a broken step with an encrypted ERROR
 * {@code protocol_error}, closes, and stores nothing of the offending frame; an entry
 * with a valid id but another invalid field is only counted in {@code rejected}.
 */
class SessionAttacksTest {

    private static final EntryGenerator GEN = EntryGenerator.standard();

    @TempDir
    Path folder;

    private TestNode server;
    private SeedIdentity trusted;
    /** On the server: the only entry it lists. */
    private final Entry serverEntry = GEN.entry(1);
    /** The attacker's own entries, which it lists. */
    private final Entry own = GEN.entry(10);
    private final Entry ownToo = GEN.entry(11);
    /** Neither side lists it. */
    private final Entry unlisted = GEN.entry(12);

    @BeforeEach
    void start() throws Exception {
        server = new TestNode(2, folder, "maxManifestItems", 3);
        server.put(serverEntry);
        trusted = ManualPeer.trustedDevice(11, server);
    }

    @AfterEach
    void stop() throws Exception {
        server.close();
    }

    private ManualPeer session() throws Exception {
        return ManualPeer.connect(server).handshake(trusted, server);
    }

    /** After SYNC_STATE, where the server waits for the attacker's manifest. */
    private ManualPeer atManifestStep() throws Exception {
        ManualPeer peer = session();
        peer.exchangeSyncState();
        return peer;
    }

    /** After the exchange of manifests: the attacker's listing both its entries. */
    private ManualPeer atWantStep() throws Exception {
        ManualPeer peer = atManifestStep();
        peer.send(Wire.manifest(1, true, Wire.items(List.of(own, ownToo))));
        List<Map<String, Object>> manifest = peer.receiveStep(Messages.MANIFEST);
        assertEquals(serverEntry.id(), ((Map<?, ?>) ((List<?>) manifest.get(0).get("entries")).get(0)).get("id"));
        return peer;
    }

    /** At ENTRIES, the server wanting the attacker's two entries. */
    private ManualPeer atEntriesStep() throws Exception {
        ManualPeer peer = session();
        assertEquals(Set.of(own.id(), ownToo.id()), peer.toEntriesStep(List.of(own, ownToo), List.of()));
        return peer;
    }

    /**
     * Brings a fresh session to a step and sends the messages there: the server
     * refuses them with protocol_error and stores nothing.
     */
    private void assertRefused(Callable<ManualPeer> step, byte[]... messages) throws Exception {
        Map<String, String> before = server.digest();
        try (ManualPeer peer = step.call()) {
            peer.send(messages);
            assertProtocolError(peer, before);
        }
    }

    /** The server answers ERROR protocol_error, closes, reports it, and its store is as {@code before}. */
    private void assertProtocolError(ManualPeer peer, Map<String, String> before) throws Exception {
        peer.assertProtocolError();
        Event end = server.awaitSessionEnd();
        assertEquals(EventTopics.SYNC_FAILED, end.getTopic());
        assertEquals(SyncErrors.PROTOCOL_ERROR, end.getProperty(EventTopics.REASON));
        assertEquals(before, server.digest());
        assertTrue(server.store.peerState(trusted.deviceId()).isEmpty(), "no watermark from a broken session");
    }

    private static long count(Map<String, Object> message, String field) {
        return ((StrictJson.Number) message.get(field)).nonNegativeInteger();
    }

    // ------------------------------------------------------------------ the honest baseline

    @Test
    void aSessionByTheRulesStoresWhatItSendsAndCompletes() throws Exception {
        Entry newerServerEntry = GEN.version(1, 5);
        try (ManualPeer peer = atWantStep()) {
            peer.send(Wire.want(true));
            assertEquals(Set.of(own.id(), ownToo.id()),
                    Set.copyOf((List<?>) peer.receiveStep(Messages.WANT).get(0).get("ids")));
            // The wanted entries, and a newer version of an entry the server listed.
            peer.send(Wire.entries(true, own, ownToo, newerServerEntry));
            peer.receiveStep(Messages.ENTRIES);
            peer.send(Wire.done(0, 0, 1));
            Map<String, Object> ack = peer.receive();
            assertEquals(Messages.DONE_ACK, ack.get("type"));
            assertEquals(3, count(ack, "received"));
            assertEquals(0, count(ack, "rejected"));
            peer.assertClosedWithoutAWord();
        }
        assertEquals(EventTopics.SYNC_COMPLETED, server.awaitSessionEnd().getTopic());
        assertEquals(newerServerEntry, server.store.get(serverEntry.id()).orElseThrow().entry());
        assertEquals(own, server.store.get(own.id()).orElseThrow().entry());
        assertEquals(ManualPeer.STORE_ID, server.store.peerState(trusted.deviceId()).orElseThrow().haveStoreId());
    }

    // ------------------------------------------------------------------ MANIFEST

    @Test
    void aManifestNamingAnIdTwiceIsAProtocolError() throws Exception {
        assertRefused(this::atManifestStep, Wire.manifest(1, true, Wire.items(List.of(own, own))));
        assertRefused(this::atManifestStep, Wire.manifest(1, false, Wire.items(List.of(own))),
                Wire.manifest(1, true, Wire.items(List.of(ownToo, own))));
    }

    @Test
    void manifestFramesWithDifferentSeqsAreAProtocolError() throws Exception {
        assertRefused(this::atManifestStep, Wire.manifest(5, false, Wire.items(List.of(own))),
                Wire.manifest(6, true, Wire.items(List.of(ownToo))));
    }

    @Test
    void aManifestOfMoreThanMaxManifestItemsIsAProtocolError() throws Exception {
        List<Object> four = Wire.items(List.of(own, ownToo, unlisted, GEN.entry(13)));
        assertRefused(this::atManifestStep, Wire.manifest(1, true, four));
        assertRefused(this::atManifestStep, Wire.manifest(1, false, four.subList(0, 2)),
                Wire.manifest(1, true, four.subList(2, 4)));
        try (ManualPeer peer = atManifestStep()) {
            peer.send(Wire.manifest(1, true, four.subList(0, 3)));
            assertEquals(1, peer.receiveStep(Messages.MANIFEST).size(), "3 items are within the limit");
        }
    }

    @Test
    void moreFramesThanAStepCanNeedAreAProtocolError() throws Exception {
        // maxManifestItems is 3 here: one frame could hold them all, so a third frame is too many.
        assertRefused(this::atManifestStep, Wire.manifest(1, false, List.of()), Wire.manifest(1, false, List.of()),
                Wire.manifest(1, true, List.of()));
        assertRefused(this::atWantStep, Wire.want(false), Wire.want(false), Wire.want(false), Wire.want(true));
    }

    // ------------------------------------------------------------------ WANT

    @Test
    void aWantThatBreaksTheRulesIsAProtocolError() throws Exception {
        assertRefused(this::atWantStep, Wire.want(true, unlisted.id()));
        assertRefused(this::atWantStep, Wire.want(true, serverEntry.id(), serverEntry.id()));
        assertRefused(this::atWantStep, Wire.want(false, serverEntry.id()), Wire.want(true, serverEntry.id()));
        assertRefused(this::atWantStep, Wire.json(Wire.object("type", Messages.WANT, "ids", List.of(7),
                "last", true)));
    }

    // ------------------------------------------------------------------ ENTRIES

    @Test
    void anEntryTheServerNeitherWantedNorListedIsAProtocolErrorAndNothingOfItsFrameIsStored() throws Exception {
        assertRefused(this::atEntriesStep, Wire.entries(true, own, ownToo, unlisted));
    }

    @Test
    void anEntrySentTwiceIsAProtocolError() throws Exception {
        assertRefused(this::atEntriesStep, Wire.entries(true, own, ownToo, own));
    }

    static Stream<Arguments> badIds() {
        Entry entry = GEN.entry(11);
        return Stream.of(
                Arguments.of("missing", Wire.entryWithout(entry, "id")),
                Arguments.of("empty", Wire.entryWith(entry, "id", "")),
                Arguments.of("a space", Wire.entryWith(entry, "id", "gen 42")),
                Arguments.of("65 characters", Wire.entryWith(entry, "id", "a".repeat(65))),
                Arguments.of("a number", Wire.entryWith(entry, "id", 11)),
                Arguments.of("null", Wire.entryWith(entry, "id", null)));
    }

    @ParameterizedTest(name = "an id that is {0}")
    @MethodSource("badIds")
    void anEntryWithAMissingOrInvalidIdIsAProtocolErrorAndNothingOfItsFrameIsStored(String what,
            Map<String, Object> bad) throws Exception {
        assertRefused(this::atEntriesStep, Wire.entries(true, own, bad));
    }

    @Test
    void entriesCommittedFromAnEarlierValidFrameStayWhenALaterFrameIsRefused() throws Exception {
        try (ManualPeer peer = atEntriesStep()) {
            peer.send(Wire.entries(false, own), Wire.entries(true, ownToo, unlisted));
            peer.assertProtocolError();
        }
        assertEquals(EventTopics.SYNC_FAILED, server.awaitSessionEnd().getTopic());
        assertTrue(server.store.get(own.id()).isPresent());
        assertTrue(server.store.get(ownToo.id()).isEmpty());
    }

    static Stream<Arguments> invalidFields() {
        Entry entry = GEN.entry(11);
        return Stream.of(
                Arguments.of("mood 9", Wire.entryWith(entry, "mood", 9)),
                Arguments.of("mood \"4\"", Wire.entryWith(entry, "mood", "4")),
                Arguments.of("mood 4.0", Wire.entryWith(entry, "mood", 4.0)),
                Arguments.of("a content value that is a number",
                        Wire.entryWith(entry, "content", Map.of("iv", 1, "data", "AA==", "salt", "AA=="))),
                Arguments.of("content without iv",
                        Wire.entryWith(entry, "content", Map.of("data", "AA==", "salt", "AA=="))),
                Arguments.of("pinned \"yes\"", Wire.entryWith(entry, "pinned", "yes")),
                Arguments.of("a date without a time", Wire.entryWith(entry, "created_at", "2026-01-01")),
                Arguments.of("no privacy_mode", Wire.entryWithout(entry, "privacy_mode")),
                Arguments.of("no book_id", Wire.entryWithout(entry, "book_id")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalidFields")
    void anEntryWithAValidIdButAnInvalidFieldIsCountedAsRejectedAndTheSessionCompletes(String what,
            Map<String, Object> invalid) throws Exception {
        try (ManualPeer peer = atEntriesStep()) {
            peer.send(Wire.entries(true, own, invalid));
            peer.receiveStep(Messages.ENTRIES);
            peer.send(Wire.done(0, 0, 1));
            Map<String, Object> ack = peer.receive();
            assertEquals(Messages.DONE_ACK, ack.get("type"), ack::toString);
            assertEquals(1, count(ack, "received"), ack::toString);
            assertEquals(1, count(ack, "rejected"), ack::toString);
            peer.assertClosedWithoutAWord();
        }
        Event completed = server.awaitSessionEnd();
        assertEquals(EventTopics.SYNC_COMPLETED, completed.getTopic());
        assertEquals(1L, completed.getProperty(EventTopics.REJECTED));
        assertTrue(server.store.get(own.id()).isPresent(), "the valid entry of the frame is stored");
        assertTrue(server.store.get(ownToo.id()).isEmpty(), "the invalid one is not");
        PeerSyncState state = server.store.peerState(trusted.deviceId()).orElseThrow();
        assertNull(state.haveStoreId(), "a rejected entry keeps the previous watermark, so it is offered again");
    }

    // ------------------------------------------------------------------ steps and DONE

    static Stream<Arguments> wrongMessagesAtManifest() {
        return Stream.of(
                Arguments.of("WANT", Wire.want(true)),
                Arguments.of("ENTRIES", Wire.entries(true)),
                Arguments.of("DONE", Wire.done(0, 0, 0)),
                Arguments.of("SYNC_STATE again", Messages.syncState(ManualPeer.STORE_ID, null, 0)),
                Arguments.of("AUTH again", Messages.auth("AAAA")),
                Arguments.of("no type", Wire.json(Wire.object("seq", 1, "entries", List.of(), "last", true))),
                Arguments.of("an unknown type", Wire.json(Wire.object("type", "MANIFESTO", "seq", 1))));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("wrongMessagesAtManifest")
    void aMessageOfTheWrongTypeForTheStepIsAProtocolError(String what, byte[] message) throws Exception {
        assertRefused(this::atManifestStep, message);
    }

    @Test
    void aMessageOfAnEarlierOrLaterStepIsAProtocolError() throws Exception {
        assertRefused(this::atWantStep, Wire.manifest(1, true, List.of())); // a manifest frame after the last
        assertRefused(this::atEntriesStep, Wire.done(0, 0, 1)); // DONE instead of ENTRIES
    }

    @ParameterizedTest
    @ValueSource(strings = {"0,0", "2,0", "0,2", "1,1"})
    void doneCountsThatDoNotAddUpToWhatWasSentAreAProtocolError(String counts) throws Exception {
        long received = Long.parseLong(counts.split(",")[0]);
        long rejected = Long.parseLong(counts.split(",")[1]);
        Map<String, String> after;
        try (ManualPeer peer = atWantStep()) {
            peer.send(Wire.want(true, serverEntry.id()));
            peer.receiveStep(Messages.WANT);
            peer.send(Wire.entries(true, own, ownToo));
            List<Object> sent = new ArrayList<>();
            for (Map<String, Object> frame : peer.receiveStep(Messages.ENTRIES)) {
                sent.addAll((List<?>) frame.get("entries"));
            }
            assertEquals(1, sent.size(), "the server sent the one entry wanted");
            after = server.digest(); // the server committed what it received before its ENTRIES
            peer.send(Wire.done(received, rejected, 1));
            assertProtocolError(peer, after);
        }
    }

    @Test
    void anErrorFromThePeerEndsTheSessionWithoutAnErrorBack() throws Exception {
        Map<String, String> before = server.digest();
        try (ManualPeer peer = atEntriesStep()) {
            peer.send(Messages.error(SyncErrors.INTERNAL, "the peer gives up"));
            peer.assertClosedWithoutAWord();
        }
        assertEquals(EventTopics.SYNC_FAILED, server.awaitSessionEnd().getTopic());
        assertEquals(before, server.digest());
    }
}
