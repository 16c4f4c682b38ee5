package org.moodhaven.sync.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import org.moodhaven.api.entry.CanonicalJson;
import org.moodhaven.api.entry.Entry;
import org.moodhaven.api.entry.EntryHash;
import org.moodhaven.api.entry.EntryRules;
import org.moodhaven.api.entry.EntryVersion;
import org.moodhaven.api.entry.Timestamps;
import org.moodhaven.api.event.EventTopics;
import org.moodhaven.api.store.JournalStore;
import org.moodhaven.api.store.ManifestItem;
import org.moodhaven.api.store.MergeReport;
import org.moodhaven.api.store.PeerSyncState;
import org.moodhaven.api.store.StoreException;
import org.moodhaven.api.store.StoredEntry;
import org.moodhaven.api.sync.SyncErrors;
import org.moodhaven.common.json.StrictJson;
import org.moodhaven.common.logging.LogText;

/**
 * One sync session after the handshake (PROTOCOL.md 6.4), for either role. The
 * two sides take strict turns, step by step: SYNC_STATE, MANIFEST, WANT,
 * ENTRIES, then DONE and DONE_ACK.
 * <p>
 * Memory is bounded by bytes whatever the peer sends: a frame's length is checked
 * against what its message may hold before anything is allocated, and its memory
 * is reserved from the node's {@link MemoryBudget} first; manifests and WANTs are
 * read an item at a time into one compact table of ids ({@link SessionIds}); an
 * entry over the content limit is rejected when it is decoded; received entries
 * are committed once they hold {@link #COMMIT_BYTES}; entries to send are read from
 * the store {@link #SEND_READ_BYTES} of content at a time. Before each step that sends
 * something the peer is checked to be still trusted.
 */
final class SyncSession {

    /** Items a MANIFEST frame may hold. */
    static final int MAX_MANIFEST_ITEMS_PER_FRAME = 65_536;
    /** Ids a WANT frame may hold. */
    static final int MAX_WANT_IDS_PER_FRAME = 65_536;
    /** Entries an ENTRIES frame may hold. */
    static final int MAX_ENTRIES_PER_FRAME = 256;
    /** JSON plaintext an ENTRIES frame may hold. */
    static final int MAX_ENTRIES_FRAME_BYTES = 4 * 1024 * 1024;
    /**
     * Plaintext of the messages that carry no list (SYNC_STATE, DONE, DONE_ACK): a few
     * hundred bytes when well formed; a larger one is refused before it is read.
     */
    static final int MAX_SMALL_MESSAGE_BYTES = 64 * 1024;
    /**
     * Our own MANIFEST and WANT frames end at about this size (the page allows up to 16
     * MiB): about 27,000 manifest items, so a journal of 100,000 entries is listed in four
     * frames, and a node of the previous version, which took at most 18 manifest frames,
     * still reads manifests of up to about 490,000 items.
     */
    static final int OWN_FRAME_TARGET_BYTES = 4 * 1024 * 1024;
    /** Received entries merged in one transaction at most (four full ENTRIES frames). */
    static final int COMMIT_BATCH = 1024;
    /** Received entries are committed once they hold this much (as JSON, about). */
    static final long COMMIT_BYTES = 4L * 1024 * 1024;
    /** Items read from or looked up in the store at a time. */
    static final int STORE_PAGE = 10_000;
    /** Content read from the store at a time when sending entries. */
    static final long SEND_READ_BYTES = 1024 * 1024;
    /** The most content one store read may return: its limit plus one entry of the largest content. */
    private static final long SEND_READ_MAX = SEND_READ_BYTES + EntryRules.MAX_CONTENT_BYTES + 64 * 1024;
    /**
     * What parsing a streamed frame holds besides its plaintext: one element (64 values
     * of up to 64 KiB) and a page of versions to classify.
     */
    private static final long STREAMED_PARSE_BYTES = 8L * 1024 * 1024;
    /** What one entry of an ENTRIES frame may hold while it is parsed: 16,384 values. */
    private static final long ENTRY_PARSE_BYTES = 2L * 1024 * 1024;

    /** The role this side plays. */
    enum Role {
        /** Started the connection; sends first in each step. */
        CLIENT,
        /** Accepted it; answers in each step. */
        SERVER
    }

    /** Settings of a session. */
    record Settings(int maxManifestItems, Duration fullSyncInterval) {
    }

    /** Reports the session's progress (as events). */
    interface Progress {
        void phase(String phase, long sent, long received);

        /** The session is complete on this side; only the final acknowledgement is left to send. */
        default void completing() {
        }
    }

    /** Checks, before each step that sends something, that the peer is still trusted. */
    @FunctionalInterface
    interface TrustCheck {
        /**
         * @throws SyncFailure ({@code revoked}) if the peer is no longer trusted with the key it authenticated with
         */
        void requireTrusted() throws SyncFailure;
    }

    /** What a completed session did. */
    record Outcome(long sent, long received, long rejected) {
    }

    private final FramedConnection connection;
    private final Role role;
    private final String peerId;
    private final JournalStore store;
    private final Settings settings;
    private final Instant now;
    private final Progress progress;
    private final MemoryBudget.Lease memory;
    private final TrustCheck trust;
    private SessionIds ids;

    // Our side.
    private long manifestSeq;
    private long sent;
    private long receivedValid;
    private long rejected;
    private long commitSeq = -1;
    private boolean interleaved;
    private final List<Entry> pending = new ArrayList<>();
    private long pendingBytes;

    // The peer's side.
    private String peerStoreId;
    private String peerHaveStoreId;
    private long peerHaveSeq;
    private long peerManifestSeq = -1;

    SyncSession(FramedConnection connection, Role role, String peerId, JournalStore store, Settings settings,
                Instant now, Progress progress, MemoryBudget.Lease memory, TrustCheck trust) {
        this.connection = connection;
        this.role = role;
        this.peerId = peerId;
        this.store = store;
        this.settings = settings;
        this.now = now;
        this.progress = progress;
        this.memory = memory;
        this.trust = trust;
    }

    /**
     * Runs the session to its end.
     *
     * @return what it did
     * @throws SyncFailure if the peer broke the protocol or reported an error, or was
     *                     revoked, or the store failed, or memory could not be had
     * @throws IOException if the connection broke
     */
    Outcome run() throws SyncFailure, IOException {
        ids = new SessionIds(memory);
        Optional<PeerSyncState> previous = storeCall(() -> store.peerState(peerId));
        boolean declareNull = previous.isEmpty() || previous.get().haveStoreId() == null
                || previous.get().lastFullSyncAt() == null
                || !previous.get().lastFullSyncAt().plus(settings.fullSyncInterval()).isAfter(now);

        // SYNC_STATE
        if (role == Role.CLIENT) {
            sendSyncState(previous, declareNull);
            readSyncState();
        } else {
            readSyncState();
            sendSyncState(previous, declareNull);
        }

        // MANIFEST
        progress.phase(EventTopics.PHASE_MANIFEST, sent, receivedValid);
        if (role == Role.CLIENT) {
            sendManifest();
            readManifest();
        } else {
            readManifest();
            sendManifest();
        }

        // WANT
        progress.phase(EventTopics.PHASE_WANT, sent, receivedValid);
        if (role == Role.CLIENT) {
            sendWant();
            readWant();
        } else {
            readWant();
            sendWant();
        }

        // ENTRIES: each side commits what it received before its next message.
        progress.phase(EventTopics.PHASE_ENTRIES, sent, receivedValid);
        if (role == Role.CLIENT) {
            sendEntries();
            readEntries();
        } else {
            readEntries();
            sendEntries();
        }

        // DONE / DONE_ACK
        long ownDoneSeq = !interleaved && commitSeq >= 0 ? commitSeq : manifestSeq;
        if (role == Role.CLIENT) {
            send(Messages.done(Messages.DONE, receivedValid, rejected, ownDoneSeq));
            recordWatermark(previous, declareNull, readDone(Messages.DONE_ACK));
        } else {
            // The sync is complete for the server once DONE has arrived: it records its
            // watermark and frees the device's session slot before answering, so a client
            // that starts its next sync the moment DONE_ACK arrives is not refused as busy.
            recordWatermark(previous, declareNull, readDone(Messages.DONE));
            progress.completing();
            send(Messages.done(Messages.DONE_ACK, receivedValid, rejected, ownDoneSeq));
        }
        progress.phase(EventTopics.PHASE_DONE, sent, receivedValid);
        return new Outcome(sent, receivedValid, rejected);
    }

    // ------------------------------------------------------------------ SYNC_STATE

    private void sendSyncState(Optional<PeerSyncState> previous, boolean declareNull) throws SyncFailure,
            IOException {
        trust.requireTrusted();
        send(Messages.syncState(store.storeId(), declareNull ? null : previous.get().haveStoreId(),
                declareNull ? 0 : previous.get().haveSeq()));
    }

    private void readSyncState() throws SyncFailure, IOException {
        Map<String, Object> message = readSmall(Messages.SYNC_STATE);
        peerStoreId = Fields.id(message, "storeId");
        Object have = message.get("have");
        if (have == StrictJson.NULL) {
            peerHaveStoreId = null;
        } else if (have instanceof Map<?, ?>) {
            Map<String, Object> object = Fields.object(have, "have");
            peerHaveStoreId = Fields.id(object, "storeId");
            peerHaveSeq = Fields.count(object, "seq");
        } else {
            throw new ProtocolViolation("\"have\" must be null or {storeId, seq}");
        }
    }

    // ------------------------------------------------------------------ MANIFEST

    private void sendManifest() throws SyncFailure, IOException {
        trust.requireTrusted();
        manifestSeq = storeCall(store::highestSeq);
        long after = store.storeId().equals(peerHaveStoreId) && peerHaveSeq <= manifestSeq ? peerHaveSeq : 0;
        String prefix = "{\"type\":\"MANIFEST\",\"seq\":" + manifestSeq + ",\"entries\":[";
        ListFrame frame = new ListFrame(prefix, MAX_MANIFEST_ITEMS_PER_FRAME, OWN_FRAME_TARGET_BYTES);
        StringBuilder item = new StringBuilder(256);
        boolean done = false;
        while (!done) {
            long from = after;
            List<ManifestItem> page = storeCall(() -> store.changesAfter(from, STORE_PAGE));
            done = page.size() < STORE_PAGE;
            for (ManifestItem listed : page) {
                if (listed.seq() > manifestSeq) {
                    done = true; // written after the manifest began: the next sync lists it
                    break;
                }
                after = listed.seq();
                ids.set(listed.id(), SessionIds.LISTED);
                item.setLength(0);
                item.append("{\"id\":");
                CanonicalJson.string(item, listed.id());
                item.append(",\"updated_at\":");
                CanonicalJson.string(item, listed.updatedAt());
                item.append(",\"h\":\"").append(listed.hash()).append("\"}");
                frame = append(frame, item.toString().getBytes(StandardCharsets.UTF_8), prefix,
                        MAX_MANIFEST_ITEMS_PER_FRAME, OWN_FRAME_TARGET_BYTES);
            }
        }
        send(frame.close(true));
        memory.hold(MemoryBudget.Use.SENDING, 0);
    }

    /**
     * Adds an item to a frame, or sends the frame first (not the last) and starts the next
     * one. What the frame holds is reserved as it grows: its buffer (up to twice its size,
     * as it doubles), the copy it is closed into and its sealed form.
     */
    private ListFrame append(ListFrame frame, byte[] item, String prefix, int maxItems, int maxBytes)
            throws IOException, SyncFailure {
        if (!frame.fits(item.length)) {
            connection.writeSealed(frame.close(false));
            frame = new ListFrame(prefix, maxItems, maxBytes);
        }
        frame.add(item);
        if (4L * frame.size() > memory.held(MemoryBudget.Use.SENDING)) {
            memory.hold(MemoryBudget.Use.SENDING, 4L * Math.min(maxBytes + 64 * 1024, 2L * frame.size() + 64 * 1024));
        }
        return frame;
    }

    private void readManifest() throws SyncFailure, IOException {
        boolean last = false;
        while (!last) {
            Map<String, EntryVersion> versions = new HashMap<>();
            Map<String, Object> message = readStreamed(Messages.MANIFEST, "entries", MAX_MANIFEST_ITEMS_PER_FRAME,
                    FramedConnection.SESSION_CAP, Messages.LIST_MESSAGE, 2, STREAMED_PARSE_BYTES, value -> {
                        Map<String, Object> item = Fields.object(value, "a manifest item");
                        String id = Fields.id(item, "id");
                        String h = Fields.string(item, "h");
                        String updatedAt = Fields.string(item, "updated_at");
                        if (!EntryHash.isValid(h) || !Timestamps.isValid(updatedAt)) {
                            throw new ProtocolViolation("a manifest item with an invalid updated_at or h");
                        }
                        if (ids.count(SessionIds.PEER_LISTED) >= settings.maxManifestItems()) {
                            throw new ProtocolViolation("a manifest of more than " + settings.maxManifestItems()
                                    + " items");
                        }
                        if ((ids.set(id, SessionIds.PEER_LISTED) & SessionIds.PEER_LISTED) != 0) {
                            throw new ProtocolViolation("a manifest that names the id " + id + " twice");
                        }
                        versions.put(id, EntryVersion.of(updatedAt, h));
                        if (versions.size() == STORE_PAGE) {
                            classify(versions);
                        }
                    });
            long seq = Fields.count(message, "seq");
            if (peerManifestSeq >= 0 && seq != peerManifestSeq) {
                throw new ProtocolViolation("the frames of one manifest must carry the same seq");
            }
            peerManifestSeq = seq;
            last = lastOrNotEmpty(message, "entries", Messages.MANIFEST);
            classify(versions);
        }
        memory.hold(MemoryBudget.Use.FRAME, 0);
    }

    /** Compares the peer's listed versions with the whole store: what to want, what to push. */
    private void classify(Map<String, EntryVersion> theirs) throws SyncFailure {
        if (theirs.isEmpty()) {
            return;
        }
        List<String> chunk = new ArrayList<>(theirs.keySet());
        Map<String, EntryVersion> ours = new HashMap<>();
        for (ManifestItem item : storeCall(() -> store.versions(chunk))) {
            ours.put(item.id(), item.version());
        }
        for (String id : chunk) {
            EntryVersion peerVersion = theirs.get(id);
            EntryVersion ownVersion = ours.get(id);
            if (peerVersion.isNewerThan(ownVersion)) {
                ids.set(id, SessionIds.WANTED);
            } else if (ownVersion.isNewerThan(peerVersion)) {
                ids.set(id, SessionIds.PUSH);
            }
        }
        theirs.clear();
    }

    // ------------------------------------------------------------------ WANT

    private void sendWant() throws SyncFailure, IOException {
        trust.requireTrusted();
        String prefix = "{\"type\":\"WANT\",\"ids\":[";
        ListFrame frame = new ListFrame(prefix, MAX_WANT_IDS_PER_FRAME, OWN_FRAME_TARGET_BYTES);
        SessionIds.Cursor wanted = ids.cursor(SessionIds.WANTED, 0);
        StringBuilder item = new StringBuilder(80);
        List<String> page;
        while (!(page = wanted.next(STORE_PAGE)).isEmpty()) {
            for (String id : page) {
                item.setLength(0);
                CanonicalJson.string(item, id);
                frame = append(frame, item.toString().getBytes(StandardCharsets.UTF_8), prefix,
                        MAX_WANT_IDS_PER_FRAME, OWN_FRAME_TARGET_BYTES);
            }
        }
        send(frame.close(true));
        memory.hold(MemoryBudget.Use.SENDING, 0);
    }

    private void readWant() throws SyncFailure, IOException {
        boolean last = false;
        while (!last) {
            Map<String, Object> message = readStreamed(Messages.WANT, "ids", MAX_WANT_IDS_PER_FRAME,
                    FramedConnection.SESSION_CAP, Messages.LIST_MESSAGE, 2, STREAMED_PARSE_BYTES, value -> {
                if (!(value instanceof String id) || (ids.flags(id) & SessionIds.LISTED) == 0) {
                    throw new ProtocolViolation("a WANT for an id this node did not list");
                }
                if ((ids.set(id, SessionIds.PEER_WANTS) & SessionIds.PEER_WANTS) != 0) {
                    throw new ProtocolViolation("a WANT that names the id " + id + " twice");
                }
            });
            last = lastOrNotEmpty(message, "ids", Messages.WANT);
        }
        memory.hold(MemoryBudget.Use.FRAME, 0);
    }

    // ------------------------------------------------------------------ ENTRIES

    private void sendEntries() throws SyncFailure, IOException {
        trust.requireTrusted();
        ListFrame frame = entriesFrame();
        // What the peer wanted, then what it could not know to want.
        for (SessionIds.Cursor cursor : List.of(ids.cursor(SessionIds.PEER_WANTS, 0),
                ids.cursor(SessionIds.PUSH, SessionIds.PEER_WANTS))) {
            List<String> chunk;
            while (!(chunk = cursor.next(MAX_ENTRIES_PER_FRAME)).isEmpty()) {
                frame = sendChunk(chunk, frame);
            }
        }
        connection.writeSealed(frame.close(true));
        connection.flush();
        memory.hold(MemoryBudget.Use.SENDING, 0);
    }

    /** Reads the held entries among some ids, a bounded amount of content at a time, into frames. */
    private ListFrame sendChunk(List<String> chunk, ListFrame frame) throws SyncFailure, IOException {
        Set<String> unread = new HashSet<>(chunk);
        while (!unread.isEmpty()) {
            holdForSending(SEND_READ_MAX, frame);
            List<StoredEntry> read = storeCall(() -> store.getWithin(unread, SEND_READ_BYTES));
            if (read.isEmpty()) {
                break; // the rest is not held (entries are never deleted: nothing to send)
            }
            long readBytes = 0;
            for (StoredEntry stored : read) {
                readBytes += EntryCodec.approximateBytes(stored.entry());
            }
            holdForSending(readBytes, frame);
            for (StoredEntry stored : read) {
                Entry entry = stored.entry();
                if (!unread.remove(entry.id())) {
                    continue; // not one of ours to send (a store returning more than asked)
                }
                byte[] json = CanonicalJson.of(entry).getBytes(StandardCharsets.UTF_8);
                if (!frame.fits(json.length)) {
                    connection.writeSealed(frame.close(false));
                    frame = entriesFrame();
                }
                frame.add(json);
                sent++;
            }
        }
        return frame;
    }

    /**
     * What sending holds: the entries of a store read and their JSON (twice the read),
     * and the frame being built, its copy and its sealed form (three times the frame,
     * reserved at its largest, since it grows as entries are added).
     */
    private static ListFrame entriesFrame() {
        return new ListFrame("{\"type\":\"ENTRIES\",\"entries\":[", MAX_ENTRIES_PER_FRAME, MAX_ENTRIES_FRAME_BYTES);
    }

    private void holdForSending(long readBytes, ListFrame frame) throws SyncFailure {
        long frameBytes = Math.min(MAX_ENTRIES_FRAME_BYTES, frame.size() + 2 * readBytes) + 64 * 1024;
        memory.hold(MemoryBudget.Use.SENDING, 2 * readBytes + 3 * frameBytes);
    }

    private void readEntries() throws SyncFailure, IOException {
        boolean last = false;
        try {
            while (!last) {
                // Each entry is checked and its memory reserved as it is read; the frame's valid
                // entries join the pending ones only once the whole frame has been read.
                List<Entry> frameEntries = new ArrayList<>();
                long[] frameBytes = {0};
                Map<String, Object> message = readStreamed(Messages.ENTRIES, "entries", MAX_ENTRIES_PER_FRAME,
                        MAX_ENTRIES_FRAME_BYTES, Messages.ENTRIES_MESSAGE, 4, ENTRY_PARSE_BYTES, value -> {
                            Entry entry = receivedEntry(value);
                            if (entry != null) {
                                frameEntries.add(entry);
                                frameBytes[0] += EntryCodec.approximateBytes(entry);
                                memory.hold(MemoryBudget.Use.PENDING, pendingBytes + frameBytes[0]);
                            }
                        });
                last = lastOrNotEmpty(message, "entries", Messages.ENTRIES);
                pending.addAll(frameEntries);
                pendingBytes += frameBytes[0];
                memory.hold(MemoryBudget.Use.FRAME, 0);
                // Several frames to a transaction: fewer commits, each forced to disk.
                if (pending.size() >= COMMIT_BATCH || pendingBytes >= COMMIT_BYTES || last) {
                    commit();
                }
            }
        } catch (ProtocolViolation violation) {
            commit(); // the earlier, valid frames stay; nothing of the offending one is stored
            throw violation;
        }
    }

    /**
     * Checks one received entry: an id wanted or listed, not sent before. An entry that
     * breaks a field rule the decoder checks (the content limit among them) is counted
     * as rejected and never kept: an oversize entry costs only its frame.
     *
     * @return the entry, or {@code null} if it was rejected
     */
    private Entry receivedEntry(Object value) throws SyncFailure {
        Map<String, Object> object = Fields.object(value, "an entry");
        String id = Fields.id(object, "id");
        int flags = ids.flags(id);
        if ((flags & (SessionIds.WANTED | SessionIds.LISTED)) == 0) {
            throw new ProtocolViolation("an entry " + id + " that was neither wanted nor listed");
        }
        if ((ids.set(id, SessionIds.RECEIVED) & SessionIds.RECEIVED) != 0) {
            throw new ProtocolViolation("the entry " + id + " was sent twice");
        }
        EntryCodec.Decoded decoded = EntryCodec.decode(object);
        if (decoded.entry() == null) {
            rejected++;
        }
        return decoded.entry();
    }

    /** Merges the received entries in one transaction and follows the seqs it wrote. */
    private void commit() throws SyncFailure {
        if (pending.isEmpty()) {
            return;
        }
        progress.phase(EventTopics.PHASE_COMMIT, sent, receivedValid);
        // The merge makes each entry's canonical JSON and its bytes beside the entry.
        memory.hold(MemoryBudget.Use.PENDING, 3 * pendingBytes);
        List<Entry> batch = List.copyOf(pending);
        pending.clear();
        MergeReport report = storeCall(() -> store.merge(batch));
        pendingBytes = 0;
        memory.hold(MemoryBudget.Use.PENDING, 0);
        rejected += report.rejected();
        receivedValid += batch.size() - report.rejected();
        long expectedBefore = commitSeq >= 0 ? commitSeq : manifestSeq;
        if (report.seqBefore() != expectedBefore) {
            interleaved = true; // something else was written since our manifest
        }
        commitSeq = report.seqAfter();
    }

    // ------------------------------------------------------------------ DONE

    private long readDone(String type) throws SyncFailure, IOException {
        Map<String, Object> message = readSmall(type);
        long peerReceived = Fields.count(message, "received");
        long peerRejected = Fields.count(message, "rejected");
        long seq = Fields.count(message, "seq");
        if (peerReceived + peerRejected != sent) {
            throw new ProtocolViolation(type + " counts " + (peerReceived + peerRejected) + " entries, but "
                    + sent + " were sent");
        }
        return seq;
    }

    /**
     * At the very end of a complete sync: "I now hold the peer's store up to its
     * DONE seq", unless an entry was rejected or a wanted one never came, in which case
     * the previous watermark stays so those entries are offered again.
     */
    private void recordWatermark(Optional<PeerSyncState> previous, boolean declaredNull, long peerDoneSeq)
            throws SyncFailure {
        boolean missing = ids.count(SessionIds.WANTED, SessionIds.RECEIVED) > 0;
        String haveStoreId;
        long haveSeq;
        if (rejected > 0 || missing) {
            haveStoreId = previous.map(PeerSyncState::haveStoreId).orElse(null);
            haveSeq = previous.map(PeerSyncState::haveSeq).orElse(0L);
        } else {
            haveStoreId = peerStoreId;
            haveSeq = Math.max(peerDoneSeq, peerManifestSeq);
        }
        Instant lastFull = declaredNull ? now : previous.map(PeerSyncState::lastFullSyncAt).orElse(null);
        PeerSyncState state = new PeerSyncState(peerId, haveStoreId, haveSeq, now, lastFull);
        storeCall(() -> {
            store.savePeerState(state);
            return null;
        });
    }

    // ------------------------------------------------------------------ messages

    /**
     * @return the frame's {@code last}; a frame before the last must hold at least one
     *         item: a step never needs an empty frame but its last, and empty frames
     *         would only keep this side busy (any split of the items into frames is taken)
     */
    private static boolean lastOrNotEmpty(Map<String, Object> message, String list, String type)
            throws ProtocolViolation {
        boolean last = Fields.bool(message, "last");
        if (!last && ((StrictJson.StreamedArray) message.get(list)).size() == 0) {
            throw new ProtocolViolation("a " + type + " frame with no items that is not the last");
        }
        return last;
    }

    private void send(byte[] message) throws IOException {
        connection.writeSealed(message);
        connection.flush();
    }

    /** Reads a message that carries no list: small, and held only while it is read. */
    private Map<String, Object> readSmall(String expected) throws SyncFailure, IOException {
        Map<String, Object> message = read(expected, MAX_SMALL_MESSAGE_BYTES, Messages.SMALL_MESSAGE, 2, 256 * 1024);
        memory.hold(MemoryBudget.Use.FRAME, 0);
        return message;
    }

    /**
     * Reads a message, reserving first what its frame of length L may make this node
     * hold: {@code perLength} times L plus {@code fixed} bytes.
     */
    private Map<String, Object> read(String expected, int maxPlaintext, StrictJson json, int perLength, long fixed)
            throws SyncFailure, IOException {
        byte[] plaintext = connection.readSealed(expected, maxPlaintext,
                length -> memory.hold(MemoryBudget.Use.FRAME, (long) perLength * length + fixed));
        Map<String, Object> message;
        try {
            message = json.parseObject(plaintext, 0, plaintext.length);
        } catch (StrictJson.MalformedJson e) {
            throw new ProtocolViolation("malformed JSON: " + LogText.escape(e.getMessage()));
        }
        return checkType(message, expected);
    }

    /**
     * Reads a message whose list member is handed to {@code sink} one element at a time,
     * so that only the frame's plaintext and one element are held, reserving first what
     * a frame of length L may make this node hold: {@code perLength} times L plus
     * {@code fixed} bytes.
     */
    private Map<String, Object> readStreamed(String expected, String listMember, int maxItems, int maxPlaintext,
                                             StrictJson json, int perLength, long fixed,
                                             StrictJson.ElementSink<SyncFailure> sink)
            throws SyncFailure, IOException {
        byte[] plaintext = connection.readSealed(expected, maxPlaintext,
                length -> memory.hold(MemoryBudget.Use.FRAME, (long) perLength * length + fixed));
        int[] items = {0};
        Map<String, Object> message;
        try {
            // The elements reach the sink before the type is known; a frame of the wrong
            // type is refused below all the same, and a session that fails stores nothing of it.
            message = json.parseObject(plaintext, 0, plaintext.length, listMember, value -> {
                if (++items[0] > maxItems) {
                    throw new ProtocolViolation("\"" + listMember + "\" has more than " + maxItems
                            + " items; at most " + maxItems + " are allowed in a frame");
                }
                sink.accept(value);
            });
        } catch (StrictJson.MalformedJson e) {
            throw new ProtocolViolation("malformed JSON: " + LogText.escape(e.getMessage()));
        }
        checkType(message, expected);
        if (!(message.get(listMember) instanceof StrictJson.StreamedArray)) {
            throw new ProtocolViolation("\"" + listMember + "\" must be an array");
        }
        return message;
    }

    private static Map<String, Object> checkType(Map<String, Object> message, String expected) throws SyncFailure {
        Object type = message.get("type");
        if (Messages.ERROR.equals(type)) {
            throw peerError(message);
        }
        if (!expected.equals(type)) {
            throw new ProtocolViolation("expected " + expected + " but got " + describe(type));
        }
        return message;
    }

    private static SyncFailure peerError(Map<String, Object> message) {
        Object code = message.get("code");
        Object text = message.get("message");
        String reason = SyncErrors.PROTOCOL_ERROR.equals(code) ? SyncErrors.PROTOCOL_ERROR : SyncErrors.INTERNAL;
        return new PeerReportedError(reason, "the peer ended the session with " + describe(code)
                + (text instanceof String words ? ": " + LogText.escape(words) : ""));
    }

    private static String describe(Object value) {
        return value instanceof String text ? LogText.escape(text) : "a message without a type";
    }

    /** A store call whose failure ends the session with {@code internal}. */
    private <T> T storeCall(StoreCall<T> call) throws SyncFailure {
        try {
            return call.run();
        } catch (StoreException e) {
            throw new SyncFailure(SyncErrors.INTERNAL, "the journal store failed: " + e.getMessage(), e);
        }
    }

    @FunctionalInterface
    private interface StoreCall<T> {
        T run() throws StoreException;
    }

    /** @return the number of ids this side listed in its manifest (for tests) */
    int listedCount() {
        return ids.count(SessionIds.LISTED);
    }
}
