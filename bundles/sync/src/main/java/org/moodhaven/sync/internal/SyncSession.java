package org.moodhaven.sync.internal;

import java.io.ByteArrayOutputStream;
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

/**
 * One sync session after the handshake (PROTOCOL.md 6.4), for either role. The
 * two sides take strict turns, step by step: SYNC_STATE, MANIFEST, WANT,
 * ENTRIES, then DONE and DONE_ACK. Entries flow from and to the store in
 * batches; only ids are held in memory.
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
    /** Received entries merged in one transaction (four full ENTRIES frames). */
    static final int COMMIT_BATCH = 1024;
    /** Items read from or looked up in the store at a time. */
    static final int STORE_PAGE = 10_000;

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

    // Our side.
    private long manifestSeq;
    private final Set<String> listed = new HashSet<>();
    private final Set<String> wanted = new LinkedHashSet<>();
    private final Set<String> pushes = new LinkedHashSet<>();
    private final Set<String> received = new HashSet<>();
    private long sent;
    private long receivedValid;
    private long rejected;
    private long commitSeq = -1;
    private boolean interleaved;

    // The peer's side.
    private String peerStoreId;
    private String peerHaveStoreId;
    private long peerHaveSeq;
    private long peerManifestSeq = -1;
    private final Set<String> peerListed = new HashSet<>();
    private final Set<String> peerWants = new LinkedHashSet<>();

    SyncSession(FramedConnection connection, Role role, String peerId, JournalStore store, Settings settings,
                Instant now, Progress progress) {
        this.connection = connection;
        this.role = role;
        this.peerId = peerId;
        this.store = store;
        this.settings = settings;
        this.now = now;
        this.progress = progress;
    }

    /**
     * Runs the session to its end.
     *
     * @return what it did
     * @throws SyncFailure if the peer broke the protocol or reported an error, or the store failed
     * @throws IOException if the connection broke
     */
    Outcome run() throws SyncFailure, IOException {
        Optional<PeerSyncState> previous = storeCall(() -> store.peerState(peerId));
        boolean declareNull = previous.isEmpty() || previous.get().haveStoreId() == null
                || previous.get().lastFullSyncAt() == null
                || !previous.get().lastFullSyncAt().plus(settings.fullSyncInterval()).isAfter(now);

        // SYNC_STATE
        byte[] state = Messages.syncState(store.storeId(), declareNull ? null : previous.get().haveStoreId(),
                declareNull ? 0 : previous.get().haveSeq());
        if (role == Role.CLIENT) {
            send(state);
            readSyncState();
        } else {
            readSyncState();
            send(state);
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

    private void readSyncState() throws SyncFailure, IOException {
        Map<String, Object> message = read(Messages.SYNC_STATE);
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
        manifestSeq = storeCall(store::highestSeq);
        long after = store.storeId().equals(peerHaveStoreId) && peerHaveSeq <= manifestSeq ? peerHaveSeq : 0;
        StringBuilder frame = manifestFrame();
        int inFrame = 0;
        boolean done = false;
        while (!done) {
            long from = after;
            List<ManifestItem> page = storeCall(() -> store.changesAfter(from, STORE_PAGE));
            done = page.size() < STORE_PAGE;
            for (ManifestItem item : page) {
                if (item.seq() > manifestSeq) {
                    done = true; // written after the manifest began: the next sync lists it
                    break;
                }
                after = item.seq();
                listed.add(item.id());
                if (inFrame == MAX_MANIFEST_ITEMS_PER_FRAME) {
                    send(endManifestFrame(frame, false));
                    frame = manifestFrame();
                    inFrame = 0;
                }
                if (inFrame > 0) {
                    frame.append(',');
                }
                frame.append("{\"id\":");
                CanonicalJson.string(frame, item.id());
                frame.append(",\"updated_at\":");
                CanonicalJson.string(frame, item.updatedAt());
                frame.append(",\"h\":\"").append(item.hash()).append("\"}");
                inFrame++;
            }
        }
        send(endManifestFrame(frame, true));
    }

    private StringBuilder manifestFrame() {
        StringBuilder frame = Messages.start(Messages.MANIFEST);
        frame.append(",\"seq\":").append(manifestSeq).append(",\"entries\":[");
        return frame;
    }

    private static byte[] endManifestFrame(StringBuilder frame, boolean last) {
        frame.append("],\"last\":").append(last);
        return Messages.end(frame);
    }

    private void readManifest() throws SyncFailure, IOException {
        boolean last = false;
        int frames = 0;
        int maxFrames = settings.maxManifestItems() / MAX_MANIFEST_ITEMS_PER_FRAME + 2;
        while (!last) {
            requireFrameWithin(++frames, maxFrames, Messages.MANIFEST);
            Map<String, Object> message = read(Messages.MANIFEST);
            long seq = Fields.count(message, "seq");
            if (peerManifestSeq >= 0 && seq != peerManifestSeq) {
                throw new ProtocolViolation("the frames of one manifest must carry the same seq");
            }
            peerManifestSeq = seq;
            List<Object> items = Fields.array(message, "entries", MAX_MANIFEST_ITEMS_PER_FRAME);
            last = Fields.bool(message, "last");
            if (peerListed.size() + items.size() > settings.maxManifestItems()) {
                throw new ProtocolViolation("a manifest of more than " + settings.maxManifestItems() + " items");
            }
            Map<String, EntryVersion> versions = new HashMap<>();
            for (Object value : items) {
                Map<String, Object> item = Fields.object(value, "a manifest item");
                String id = Fields.id(item, "id");
                String h = Fields.string(item, "h");
                String updatedAt = Fields.string(item, "updated_at");
                if (!EntryHash.isValid(h) || !Timestamps.isValid(updatedAt)) {
                    throw new ProtocolViolation("a manifest item with an invalid updated_at or h");
                }
                if (!peerListed.add(id)) {
                    throw new ProtocolViolation("a manifest that names the id " + id + " twice");
                }
                versions.put(id, EntryVersion.of(updatedAt, h));
            }
            classify(versions);
        }
    }

    /** Compares the peer's listed versions with the whole store: what to want, what to push. */
    private void classify(Map<String, EntryVersion> theirs) throws SyncFailure {
        List<String> ids = new ArrayList<>(theirs.keySet());
        for (int from = 0; from < ids.size(); from += STORE_PAGE) {
            List<String> chunk = ids.subList(from, Math.min(ids.size(), from + STORE_PAGE));
            Map<String, EntryVersion> ours = new HashMap<>();
            for (ManifestItem item : storeCall(() -> store.versions(chunk))) {
                ours.put(item.id(), item.version());
            }
            for (String id : chunk) {
                EntryVersion peerVersion = theirs.get(id);
                EntryVersion ownVersion = ours.get(id);
                if (peerVersion.isNewerThan(ownVersion)) {
                    wanted.add(id);
                } else if (ownVersion.isNewerThan(peerVersion)) {
                    pushes.add(id);
                }
            }
        }
    }

    // ------------------------------------------------------------------ WANT

    private void sendWant() throws IOException {
        List<String> ids = new ArrayList<>(wanted);
        int from = 0;
        do {
            int to = Math.min(ids.size(), from + MAX_WANT_IDS_PER_FRAME);
            connection.writeSealed(Messages.want(ids.subList(from, to), to == ids.size()));
            from = to;
        } while (from < ids.size());
        connection.flush();
    }

    private void readWant() throws SyncFailure, IOException {
        boolean last = false;
        int frames = 0;
        int maxFrames = listed.size() / MAX_WANT_IDS_PER_FRAME + 2;
        while (!last) {
            requireFrameWithin(++frames, maxFrames, Messages.WANT);
            Map<String, Object> message = read(Messages.WANT);
            List<Object> ids = Fields.array(message, "ids", MAX_WANT_IDS_PER_FRAME);
            last = Fields.bool(message, "last");
            for (Object value : ids) {
                if (!(value instanceof String id) || !listed.contains(id)) {
                    throw new ProtocolViolation("a WANT for an id this node did not list");
                }
                if (!peerWants.add(id)) {
                    throw new ProtocolViolation("a WANT that names the id " + id + " twice");
                }
            }
        }
    }

    // ------------------------------------------------------------------ ENTRIES

    private void sendEntries() throws SyncFailure, IOException {
        List<String> ids = new ArrayList<>(peerWants);
        for (String id : pushes) {
            if (!peerWants.contains(id)) {
                ids.add(id);
            }
        }
        EntriesFrame frame = new EntriesFrame();
        for (int from = 0; from < ids.size(); from += MAX_ENTRIES_PER_FRAME) {
            List<String> chunk = ids.subList(from, Math.min(ids.size(), from + MAX_ENTRIES_PER_FRAME));
            Map<String, Entry> byId = new HashMap<>();
            for (StoredEntry stored : storeCall(() -> store.getAll(chunk))) {
                byId.put(stored.entry().id(), stored.entry());
            }
            for (String id : chunk) {
                Entry entry = byId.get(id);
                if (entry == null) {
                    continue; // entries are never deleted; nothing to send
                }
                byte[] json = CanonicalJson.of(entry).getBytes(StandardCharsets.UTF_8);
                if (!frame.fits(json)) {
                    connection.writeSealed(frame.close(false));
                    frame = new EntriesFrame();
                }
                frame.add(json);
                sent++;
            }
        }
        connection.writeSealed(frame.close(true));
        connection.flush();
    }

    /** Builds one ENTRIES frame within its limits of entries and bytes. */
    private static final class EntriesFrame {
        private static final byte[] PREFIX = "{\"type\":\"ENTRIES\",\"entries\":[".getBytes(StandardCharsets.UTF_8);
        private static final int SUFFIX = "],\"last\":false}".length();
        private final ByteArrayOutputStream bytes = new ByteArrayOutputStream(64 * 1024);
        private int count;

        EntriesFrame() {
            bytes.writeBytes(PREFIX);
        }

        boolean fits(byte[] json) {
            return count < MAX_ENTRIES_PER_FRAME
                    && (count == 0 || bytes.size() + 1 + json.length + SUFFIX <= MAX_ENTRIES_FRAME_BYTES);
        }

        void add(byte[] json) {
            if (count++ > 0) {
                bytes.write(',');
            }
            bytes.writeBytes(json);
        }

        byte[] close(boolean last) {
            bytes.writeBytes(("],\"last\":" + last + "}").getBytes(StandardCharsets.UTF_8));
            return bytes.toByteArray();
        }
    }

    private void readEntries() throws SyncFailure, IOException {
        boolean last = false;
        int frames = 0;
        long maxFrames = (long) wanted.size() + listed.size() + 2;
        List<Entry> pending = new ArrayList<>();
        try {
            while (!last) {
                requireFrameWithin(++frames, maxFrames, Messages.ENTRIES);
                Map<String, Object> message = read(Messages.ENTRIES);
                List<Object> entries = Fields.array(message, "entries", MAX_ENTRIES_PER_FRAME);
                last = Fields.bool(message, "last");
                // Check the whole frame before storing anything of it.
                List<Entry> valid = new ArrayList<>(entries.size());
                Set<String> inFrame = new HashSet<>();
                for (Object value : entries) {
                    Map<String, Object> object = Fields.object(value, "an entry");
                    String id = Fields.id(object, "id");
                    if (!wanted.contains(id) && !listed.contains(id)) {
                        throw new ProtocolViolation("an entry " + id + " that was neither wanted nor listed");
                    }
                    if (received.contains(id) || !inFrame.add(id)) {
                        throw new ProtocolViolation("the entry " + id + " was sent twice");
                    }
                    EntryCodec.Decoded decoded = EntryCodec.decode(object);
                    if (decoded.entry() == null) {
                        rejected++;
                    } else {
                        valid.add(decoded.entry());
                    }
                }
                received.addAll(inFrame);
                pending.addAll(valid);
                // Several frames to a transaction: fewer commits, each forced to disk.
                if (pending.size() >= COMMIT_BATCH || last) {
                    commit(pending);
                }
            }
        } catch (ProtocolViolation violation) {
            commit(pending); // the earlier, valid frames stay; nothing of the offending one is stored
            throw violation;
        }
    }

    /** Merges received entries in one transaction and follows the seqs it wrote. */
    private void commit(List<Entry> entries) throws SyncFailure {
        if (entries.isEmpty()) {
            return;
        }
        progress.phase(EventTopics.PHASE_COMMIT, sent, receivedValid);
        List<Entry> batch = List.copyOf(entries);
        entries.clear();
        MergeReport report = storeCall(() -> store.merge(batch));
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
        Map<String, Object> message = read(type);
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
        boolean missing = !received.containsAll(wanted);
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
     * A step cannot need more frames than its items allow (plus the last one); empty
     * frames beyond that would only keep this side busy.
     */
    private static void requireFrameWithin(long frame, long maxFrames, String type) throws ProtocolViolation {
        if (frame > maxFrames) {
            throw new ProtocolViolation("more " + type + " frames than the step can need (" + maxFrames + ")");
        }
    }

    private void send(byte[] message) throws IOException {
        connection.writeSealed(message);
        connection.flush();
    }

    private Map<String, Object> read(String expected) throws SyncFailure, IOException {
        byte[] plaintext = connection.readSealed();
        if (expected.equals(Messages.ENTRIES) && plaintext.length > MAX_ENTRIES_FRAME_BYTES) {
            throw new ProtocolViolation("an ENTRIES frame of more than 4 MiB");
        }
        Map<String, Object> message;
        try {
            message = Messages.JSON.parseObject(plaintext, 0, plaintext.length);
        } catch (StrictJson.MalformedJson e) {
            throw new ProtocolViolation("malformed JSON: " + e.getMessage());
        }
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
        return new SyncFailure(reason, "the peer ended the session with " + describe(code)
                + (text instanceof String words ? ": " + printable(words) : ""));
    }

    private static String describe(Object value) {
        return value instanceof String text ? printable(text) : "a message without a type";
    }

    /** Peer text goes into logs and messages: keep it short and free of control characters. */
    static String printable(String text) {
        StringBuilder out = new StringBuilder();
        text.codePoints().limit(200).forEach(cp -> out.appendCodePoint(Character.isISOControl(cp) ? '?' : cp));
        return out.toString();
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

    /** @return the ids this side listed in its manifest (for tests) */
    Collection<String> listed() {
        return listed;
    }
}
