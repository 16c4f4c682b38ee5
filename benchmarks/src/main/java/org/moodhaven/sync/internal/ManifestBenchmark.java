package org.moodhaven.sync.internal;

import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import org.moodhaven.api.entry.CanonicalJson;
import org.moodhaven.api.entry.EntryHash;
import org.moodhaven.api.entry.EntryVersion;
import org.moodhaven.api.entry.Timestamps;
import org.moodhaven.api.store.JournalStore;
import org.moodhaven.api.store.ManifestItem;
import org.moodhaven.api.store.StoreException;
import org.moodhaven.benchmarks.jmh.TempFolders;
import org.moodhaven.common.json.StrictJson;
import org.moodhaven.store.derby.internal.DerbyJournalStore;
import org.moodhaven.testing.Configs;
import org.moodhaven.testing.EntryGenerator;
import org.moodhaven.testing.TestNodeSettings;
import org.moodhaven.tools.JournalLoader;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The MANIFEST step of a full sync (PROTOCOL.md 6.4) against a Derby store holding
 * {@code entries} generated entries: building this side's manifest, and comparing
 * the peer's manifest with the store. Scores are milliseconds per whole manifest.
 * <p>
 * {@link SyncSession} does this in private methods that write to and read from its
 * connection, so this class repeats their code without the connection (and without
 * sealing, which {@link FrameBenchmark} measures):
 * <ul>
 * <li>{@link #buildManifest}: {@code sendManifest}: {@link JournalStore#changesAfter}
 *     in pages of {@link SyncSession#STORE_PAGE}, the listed ids remembered, the
 *     MANIFEST frames' JSON written with {@link Messages} and {@link CanonicalJson}
 *     ({@value SyncSession#MAX_MANIFEST_ITEMS_PER_FRAME} items a frame);</li>
 * <li>{@link #diff}: {@code classify}: {@link JournalStore#versions} for each
 *     {@link SyncSession#STORE_PAGE} ids of the peer's manifest, and
 *     {@link EntryVersion#isNewerThan} both ways to decide what to want and what to push;</li>
 * <li>{@link #readManifest}: {@code readManifest}: the peer's MANIFEST frames parsed
 *     with {@link StrictJson}, each item checked, then {@code classify} per frame,
 *     i.e. {@link #diff} plus parsing and checking.</li>
 * </ul>
 * The peer's manifest lists every id of the store, a tenth of them in a newer
 * version and a tenth in an older one, and a tenth more ids the store does not
 * hold; the set-up checks that the diff finds exactly those.
 * <p>
 * Filling the store goes through the Derby batch path ({@link JournalLoader}), about
 * 15 s for 100,000 entries, once per trial. A whole manifest of 100,000 takes about a
 * second, hence iterations of 3 s.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 3)
@Measurement(iterations = 5, time = 3)
@Fork(value = 1, jvmArgsAppend = {"-Xms2g", "-Xmx2g"})
@State(Scope.Benchmark)
public class ManifestBenchmark {

    /** Entries in the store. */
    @Param({"10000", "100000"})
    public int entries;

    private Path folder;
    private DerbyJournalStore store;
    private Map<String, EntryVersion> peerVersions;
    private List<byte[]> peerFrames;

    /** What a diff decided. */
    record Diff(Set<String> wanted, Set<String> pushes) {
    }

    /**
     * Fills a new Derby store and makes the peer's manifest.
     *
     * @throws Exception if the store cannot be written or read, or the diff is not what was made
     */
    @Setup(Level.Trial)
    public void setUp() throws Exception {
        folder = TempFolders.create("moodhaven-manifest-");
        store = new DerbyJournalStore(Configs.of(DerbyJournalStore.Config.class), new TestNodeSettings(folder));
        store.setClock(Instant::now);
        EntryGenerator generator = EntryGenerator.standard();
        JournalLoader.load(store, generator, 0, entries);

        // The peer's manifest: the store's items, every tenth newer, every tenth (offset 5)
        // older (same updated_at, a lower hash), and a tenth more that only the peer has.
        peerVersions = new LinkedHashMap<>();
        List<ManifestItem> peerItems = new ArrayList<>();
        int i = 0;
        for (ManifestItem own : allItems()) {
            String updatedAt = own.updatedAt();
            String hash = own.hash();
            if (i % 10 == 0) {
                updatedAt = Timestamps.format(Timestamps.parse(updatedAt).plusSeconds(1));
            } else if (i % 10 == 5) {
                hash = "0".repeat(EntryHash.LENGTH);
            }
            peerItems.add(new ManifestItem(own.id(), updatedAt, hash, peerItems.size() + 1));
            i++;
        }
        for (long index = entries; index < entries + entries / 10; index++) {
            String hash = EntryHash.of(generator.entry(index));
            peerItems.add(new ManifestItem(generator.id(index), generator.entry(index).updatedAt(), hash,
                    peerItems.size() + 1));
        }
        for (ManifestItem item : peerItems) {
            peerVersions.put(item.id(), item.version());
        }
        peerFrames = manifestFrames(peerItems, peerItems.size());

        int tenth = entries / 10;
        check(diff(), 2 * tenth, tenth);
        check(readManifest(), 2 * tenth, tenth);
        List<byte[]> own = buildManifest();
        if (own.size() != (entries + SyncSession.MAX_MANIFEST_ITEMS_PER_FRAME - 1)
                / SyncSession.MAX_MANIFEST_ITEMS_PER_FRAME) {
            throw new IllegalStateException(own.size() + " manifest frames for " + entries + " entries");
        }
    }

    /** Closes the store and deletes its folder. */
    @TearDown(Level.Trial)
    public void tearDown() {
        store.deactivate();
        TempFolders.delete(folder);
    }

    /**
     * @return the MANIFEST frames' plaintext
     * @throws StoreException if the store cannot be read
     */
    @Benchmark
    public List<byte[]> buildManifest() throws StoreException {
        // As SyncSession.sendManifest, frames collected instead of sealed and sent.
        List<byte[]> frames = new ArrayList<>();
        Set<String> listed = new HashSet<>();
        long manifestSeq = store.highestSeq();
        long after = 0;
        StringBuilder frame = manifestFrame(manifestSeq);
        int inFrame = 0;
        boolean done = false;
        while (!done) {
            List<ManifestItem> page = store.changesAfter(after, SyncSession.STORE_PAGE);
            done = page.size() < SyncSession.STORE_PAGE;
            for (ManifestItem item : page) {
                if (item.seq() > manifestSeq) {
                    done = true;
                    break;
                }
                after = item.seq();
                listed.add(item.id());
                if (inFrame == SyncSession.MAX_MANIFEST_ITEMS_PER_FRAME) {
                    frames.add(endManifestFrame(frame, false));
                    frame = manifestFrame(manifestSeq);
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
        frames.add(endManifestFrame(frame, true));
        return frames;
    }

    /**
     * @return what to want from the peer and what to push to it
     * @throws StoreException if the store cannot be read
     */
    @Benchmark
    public Diff diff() throws StoreException {
        Diff diff = new Diff(new LinkedHashSet<>(), new LinkedHashSet<>());
        classify(peerVersions, diff);
        return diff;
    }

    /**
     * @return what to want from the peer and what to push to it
     * @throws Exception if a frame is malformed (none is) or the store cannot be read
     */
    @Benchmark
    public Diff readManifest() throws Exception {
        // As SyncSession.readManifest, frames taken from memory instead of opened from the connection.
        Diff diff = new Diff(new LinkedHashSet<>(), new LinkedHashSet<>());
        Set<String> peerListed = new HashSet<>();
        long peerManifestSeq = -1;
        for (byte[] plaintext : peerFrames) {
            Map<String, Object> message = Messages.JSON.parseObject(plaintext, 0, plaintext.length);
            if (!Messages.MANIFEST.equals(message.get("type"))) {
                throw new ProtocolViolation("not a MANIFEST");
            }
            long seq = Fields.count(message, "seq");
            if (peerManifestSeq >= 0 && seq != peerManifestSeq) {
                throw new ProtocolViolation("the frames of one manifest must carry the same seq");
            }
            peerManifestSeq = seq;
            List<Object> items = Fields.array(message, "entries", SyncSession.MAX_MANIFEST_ITEMS_PER_FRAME);
            Fields.bool(message, "last");
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
            classify(versions, diff);
        }
        return diff;
    }

    /** As SyncSession.classify. */
    private void classify(Map<String, EntryVersion> theirs, Diff diff) throws StoreException {
        List<String> ids = new ArrayList<>(theirs.keySet());
        for (int from = 0; from < ids.size(); from += SyncSession.STORE_PAGE) {
            List<String> chunk = ids.subList(from, Math.min(ids.size(), from + SyncSession.STORE_PAGE));
            Map<String, EntryVersion> ours = new HashMap<>();
            for (ManifestItem item : store.versions(chunk)) {
                ours.put(item.id(), item.version());
            }
            for (String id : chunk) {
                EntryVersion peerVersion = theirs.get(id);
                EntryVersion ownVersion = ours.get(id);
                if (peerVersion.isNewerThan(ownVersion)) {
                    diff.wanted().add(id);
                } else if (ownVersion.isNewerThan(peerVersion)) {
                    diff.pushes().add(id);
                }
            }
        }
    }

    private List<ManifestItem> allItems() throws StoreException {
        List<ManifestItem> all = new ArrayList<>();
        long after = 0;
        List<ManifestItem> page;
        do {
            page = store.changesAfter(after, JournalStore.MAX_PAGE);
            all.addAll(page);
            if (!page.isEmpty()) {
                after = page.get(page.size() - 1).seq();
            }
        } while (page.size() == JournalStore.MAX_PAGE);
        return all;
    }

    /** The peer's MANIFEST frames, written the way {@link #buildManifest} writes them. */
    private static List<byte[]> manifestFrames(List<ManifestItem> items, long seq) {
        List<byte[]> frames = new ArrayList<>();
        StringBuilder frame = manifestFrame(seq);
        int inFrame = 0;
        for (ManifestItem item : items) {
            if (inFrame == SyncSession.MAX_MANIFEST_ITEMS_PER_FRAME) {
                frames.add(endManifestFrame(frame, false));
                frame = manifestFrame(seq);
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
        frames.add(endManifestFrame(frame, true));
        return frames;
    }

    private static StringBuilder manifestFrame(long manifestSeq) {
        StringBuilder frame = Messages.start(Messages.MANIFEST);
        frame.append(",\"seq\":").append(manifestSeq).append(",\"entries\":[");
        return frame;
    }

    private static byte[] endManifestFrame(StringBuilder frame, boolean last) {
        frame.append("],\"last\":").append(last);
        return Messages.end(frame);
    }

    private static void check(Diff diff, int wanted, int pushes) {
        if (diff.wanted().size() != wanted || diff.pushes().size() != pushes) {
            throw new IllegalStateException("the diff wants " + diff.wanted().size() + " and pushes "
                    + diff.pushes().size() + "; expected " + wanted + " and " + pushes);
        }
    }
}
