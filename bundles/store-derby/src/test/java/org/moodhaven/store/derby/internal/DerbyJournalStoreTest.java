package org.moodhaven.store.derby.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.apache.derby.jdbc.EmbeddedDataSource;
import org.moodhaven.api.entry.CanonicalJson;
import org.moodhaven.api.entry.Entry;
import org.moodhaven.api.entry.EntryHash;
import org.moodhaven.api.node.NodeClock;
import org.moodhaven.api.store.EntryPage;
import org.moodhaven.api.store.JournalStore;
import org.moodhaven.api.store.ManifestItem;
import org.moodhaven.api.store.MergeOutcome;
import org.moodhaven.api.store.MergeReport;
import org.moodhaven.api.store.PeerSyncState;
import org.moodhaven.api.store.ReplacedVersion;
import org.moodhaven.api.store.StoreException;
import org.moodhaven.api.store.StoredEntry;
import org.moodhaven.common.store.EntryOrder;
import org.moodhaven.testing.Configs;
import org.moodhaven.testing.EntryGenerator;
import org.moodhaven.testing.ManualClock;
import org.moodhaven.testing.TestNodeSettings;
import org.moodhaven.testing.store.JournalStoreContract;
import org.opentest4j.AssertionFailedError;

/** The store contract on a real Derby database in a temporary folder, plus what only a database must do. */
class DerbyJournalStoreTest extends JournalStoreContract {

    /** The clock of the child JVM of the crash test. */
    static final Instant CRASH_CLOCK = T0;

    /** The entries the child JVM of the crash test writes. */
    static final EntryGenerator CRASH_ENTRIES = new EntryGenerator(3, 256, Instant.parse("2026-01-01T00:00:00Z"));

    @TempDir
    Path temp;

    private int made;

    @Override
    protected JournalStore createStore(ManualClock storeClock, long maxClockSkewSeconds, int keepReplacedDays)
            throws Exception {
        Path data = Files.createDirectories(temp.resolve("node-" + ++made));
        return open(data, storeClock, maxClockSkewSeconds, keepReplacedDays);
    }

    @Override
    protected void closeStore(JournalStore closing) {
        ((DerbyJournalStore) closing).deactivate();
    }

    /**
     * Opens a store as DS would: constructor, clock binding, activate method.
     *
     * @param data                the data folder
     * @param storeClock          the clock
     * @param maxClockSkewSeconds the maximum clock skew
     * @param keepReplacedDays    the retention of replaced versions
     * @return the open store
     * @throws StoreException if it cannot be opened
     */
    static DerbyJournalStore open(Path data, NodeClock storeClock, long maxClockSkewSeconds, int keepReplacedDays)
            throws StoreException {
        DerbyJournalStore s = new DerbyJournalStore(Configs.of(DerbyJournalStore.Config.class,
                "maxClockSkewSeconds", maxClockSkewSeconds, "keepReplacedDays", keepReplacedDays),
                new TestNodeSettings(data));
        s.setClock(storeClock);
        s.activate();
        return s;
    }

    private DerbyJournalStore derby() {
        return (DerbyJournalStore) store;
    }

    private Path dataFolder() {
        return derby().databaseFolder().getParent();
    }

    private DerbyJournalStore reopen(NodeClock storeClock) throws StoreException {
        derby().deactivate();
        return closeAfterTest(open(dataFolder(), storeClock, DEFAULT_SKEW_SECONDS, KEEP_DAYS));
    }

    @Test
    void aSchema1DatabaseIsConvertedWithItsEntriesAndReplacedVersionsIntact() throws Exception {
        Path data = Files.createDirectories(temp.resolve("schema1"));
        Entry held = EntryGenerator.standard().version(3, 1);
        Entry replaced = EntryGenerator.standard().version(3, 0);
        String heldHash = EntryHash.of(held);
        EmbeddedDataSource v1 = new EmbeddedDataSource();
        v1.setDatabaseName(data.resolve("journal-db").toString());
        v1.setCreateDatabase("create");
        try (Connection c = v1.getConnection(); Statement s = c.createStatement()) {
            // The schema as version 1 made it: content as a CLOB.
            s.execute("CREATE TABLE mh_meta (name VARCHAR(64) NOT NULL PRIMARY KEY, val VARCHAR(256) NOT NULL)");
            s.execute("CREATE TABLE entries (id VARCHAR(64) NOT NULL PRIMARY KEY, created_at VARCHAR(35) NOT NULL,"
                    + " updated_at VARCHAR(35) NOT NULL, created_key CHAR(31) NOT NULL, content CLOB(2M) NOT NULL,"
                    + " mood SMALLINT, privacy_mode VARCHAR(32) NOT NULL, book_id VARCHAR(64),"
                    + " pinned BOOLEAN NOT NULL, h CHAR(64) NOT NULL, seq BIGINT NOT NULL)");
            s.execute("CREATE UNIQUE INDEX entries_by_seq ON entries (seq)");
            s.execute("CREATE INDEX entries_by_created ON entries (created_key DESC, id)");
            s.execute("CREATE TABLE replaced_versions (version_id BIGINT NOT NULL GENERATED ALWAYS AS IDENTITY "
                    + "PRIMARY KEY, entry_id VARCHAR(64) NOT NULL, created_at VARCHAR(35) NOT NULL,"
                    + " updated_at VARCHAR(35) NOT NULL, content CLOB(2M) NOT NULL, mood SMALLINT,"
                    + " privacy_mode VARCHAR(32) NOT NULL, book_id VARCHAR(64), pinned BOOLEAN NOT NULL,"
                    + " h CHAR(64) NOT NULL, replaced_at CHAR(31) NOT NULL, replaced_by VARCHAR(8) NOT NULL)");
            s.execute("CREATE INDEX replaced_by_entry ON replaced_versions (entry_id, version_id)");
            s.execute("CREATE INDEX replaced_by_time ON replaced_versions (replaced_at)");
            s.execute("CREATE TABLE peer_state (device_id VARCHAR(128) NOT NULL PRIMARY KEY, have_store_id"
                    + " VARCHAR(64), have_seq BIGINT NOT NULL, last_sync_at VARCHAR(40), last_full_sync_at"
                    + " VARCHAR(40))");
            s.execute("INSERT INTO mh_meta VALUES ('schema_version', '1'), ('store_id', 'schema-one-store')");
            try (PreparedStatement insert = c.prepareStatement("INSERT INTO entries VALUES "
                    + "(?, ?, ?, ?, ?, ?, 'normal', NULL, ?, ?, 7)")) {
                insert.setString(1, held.id());
                insert.setString(2, held.createdAt());
                insert.setString(3, held.updatedAt());
                insert.setString(4, EntryOrder.keyOf(held.createdAt()));
                insert.setString(5, CanonicalJson.ofObject(held.content()));
                insert.setObject(6, held.mood());
                insert.setBoolean(7, held.pinned());
                insert.setString(8, heldHash);
                insert.executeUpdate();
            }
            try (PreparedStatement insert = c.prepareStatement("INSERT INTO replaced_versions (entry_id, "
                    + "created_at, updated_at, content, mood, privacy_mode, book_id, pinned, h, replaced_at, "
                    + "replaced_by) VALUES (?, ?, ?, ?, ?, 'normal', NULL, ?, ?, ?, 'sync')")) {
                insert.setString(1, replaced.id());
                insert.setString(2, replaced.createdAt());
                insert.setString(3, replaced.updatedAt());
                insert.setString(4, CanonicalJson.ofObject(replaced.content()));
                insert.setObject(5, replaced.mood());
                insert.setBoolean(6, replaced.pinned());
                insert.setString(7, EntryHash.of(replaced));
                insert.setString(8, EntryOrder.keyOf(T0));
                insert.executeUpdate();
            }
        }
        shutDown(data);

        DerbyJournalStore converted = closeAfterTest(open(data, new ManualClock(T0), DEFAULT_SKEW_SECONDS,
                KEEP_DAYS));

        assertEquals("schema-one-store", converted.storeId());
        assertEquals(new StoredEntry(held, heldHash, 7), converted.get(held.id()).orElseThrow());
        assertEquals(List.of(replaced), converted.replacedVersions(held.id()).stream()
                .map(ReplacedVersion::entry).toList());
        Entry newer = EntryGenerator.standard().version(3, 2);
        assertEquals(1, converted.merge(List.of(newer)).stored(), "and it takes new writes");
    }

    private static void shutDown(Path data) {
        EmbeddedDataSource shutdown = new EmbeddedDataSource();
        shutdown.setDatabaseName(data.resolve("journal-db").toString());
        shutdown.setShutdownDatabase("shutdown");
        try (Connection ignored = shutdown.getConnection()) {
            throw new AssertionError("Derby answers a shutdown with an exception");
        } catch (SQLException expected) {
            // 08006: shut down
        }
    }

    @Test
    void itNamesDerbyAndItsFolderAndKeepsDerbyLogOutOfTheWorkingFolder() {
        Path db = dataFolder().resolve("journal-db").toAbsolutePath();
        assertTrue(store.name().startsWith("Derby 10.16.1.1 at "), store.name());
        assertTrue(store.name().endsWith(" at " + db), store.name());
        assertTrue(Files.isDirectory(db));
        assertNotNull(System.getProperty("derby.stream.error.file"));
        assertFalse(Files.exists(Path.of("derby.log")), "derby.log in the working folder");
    }

    @Test
    void storeIdAndDataSurviveAReopen() throws Exception {
        EntryGenerator gen = EntryGenerator.standard();
        store.merge(List.of(gen.entry(1), gen.entry(2), vectorEntry(3)));
        store.writeLocal(gen.version(1, 1));
        PeerSyncState peer = new PeerSyncState("9a4f0b2c1d3e5f60", "other", 12, T0, T0.minusSeconds(5));
        store.savePeerState(peer);
        String storeId = store.storeId();
        long seq = store.highestSeq();
        List<StoredEntry> entries = store.list(100, null).entries();
        List<ReplacedVersion> replaced = store.replacedVersions(gen.id(1));

        DerbyJournalStore again = reopen(clock);

        assertEquals(storeId, again.storeId());
        assertEquals(seq, again.highestSeq());
        assertEquals(3, again.count());
        assertEquals(entries, again.list(100, null).entries());
        assertEquals(replaced, again.replacedVersions(gen.id(1)));
        assertEquals(Optional.of(peer), again.peerState(peer.deviceId()));
        assertEquals(seq + 1, again.writeLocal(gen.entry(3)).seq(), "seqs go on after a restart");
    }

    @Test
    void aClosedStoreRefusesWork() throws Exception {
        store.merge(List.of(EntryGenerator.standard().entry(1)));
        derby().deactivate();
        derby().deactivate(); // twice is harmless
        assertThrows(StoreException.class, () -> store.count());
        assertThrows(StoreException.class, () -> store.highestSeq());
        assertThrows(StoreException.class, () -> store.get("x"));
        assertThrows(StoreException.class, () -> store.changesAfter(0, 1));
        assertThrows(StoreException.class, () -> store.merge(List.of(EntryGenerator.standard().entry(2))));
        assertThrows(StoreException.class, () -> store.writeLocal(EntryGenerator.standard().entry(2)));
        assertThrows(StoreException.class, () -> store.savePeerState(new PeerSyncState("p", null, 0, null, null)));
    }

    @Test
    void aFailedBatchLeavesTheStoreAsItWas() throws Exception {
        EntryGenerator gen = EntryGenerator.standard();
        store.merge(List.of(gen.entry(1), gen.entry(2), gen.entry(3)));
        store.writeLocal(gen.version(2, 1));
        store.savePeerState(new PeerSyncState("peer", "s", 3, T0, null));
        Snapshot before = snapshot(gen);

        derby().setRowHook(rows -> {
            if (rows == 3) {
                throw new SQLException("injected failure after the third row");
            }
        });
        List<Entry> batch = List.of(gen.version(1, 1), gen.entry(4), gen.version(2, 2), gen.entry(5),
                gen.version(3, 1));
        StoreException failed = assertThrows(StoreException.class, () -> store.merge(batch));
        assertTrue(failed.getMessage().contains("nothing was changed"), failed.getMessage());
        assertEquals(before, snapshot(gen));
        derby().setRowHook(rows -> {
            throw new SQLException("injected failure of a local write");
        });
        assertThrows(StoreException.class, () -> store.writeLocal(gen.version(1, 5)));
        long versionId = store.replacedVersions(gen.id(2)).get(0).versionId();
        assertThrows(StoreException.class, () -> store.restore(gen.id(2), versionId));
        assertEquals(before, snapshot(gen));

        derby().setRowHook(RowHook.NONE);
        MergeReport report = store.merge(batch);
        assertEquals(5, report.stored());
        assertEquals(before.highestSeq(), report.seqBefore());
        assertEquals(before.highestSeq() + 5, report.seqAfter(), "no seq was lost to the failed batch");
        assertEquals(before.highestSeq() + 5, store.highestSeq());
    }

    private record Snapshot(long count, long highestSeq, List<StoredEntry> entries, List<ManifestItem> changes,
                            List<List<ReplacedVersion>> replaced, Optional<PeerSyncState> peer) {
    }

    private Snapshot snapshot(EntryGenerator gen) throws Exception {
        List<List<ReplacedVersion>> replaced = new ArrayList<>();
        for (int i = 1; i <= 5; i++) {
            replaced.add(store.replacedVersions(gen.id(i)));
        }
        return new Snapshot(store.count(), store.highestSeq(), store.list(100, null).entries(),
                store.changesAfter(0, 100), replaced, store.peerState("peer"));
    }

    @Test
    void replacedVersionsArePrunedWhenTheStoreOpens() throws Exception {
        EntryGenerator gen = EntryGenerator.standard();
        store.merge(List.of(gen.version(1, 0)));
        store.merge(List.of(gen.version(1, 1)));
        store.merge(List.of(gen.version(1, 2)));
        assertEquals(2, store.replacedVersions(gen.id(1)).size());

        DerbyJournalStore month = reopen(new ManualClock(T0.plus(Duration.ofDays(31))));

        List<ReplacedVersion> kept = month.replacedVersions(gen.id(1));
        assertEquals(List.of(gen.version(1, 1)), kept.stream().map(ReplacedVersion::entry).toList());
    }

    @Test
    void aBetterClockRebindsWithoutReopening() throws Exception {
        Entry ahead = futureEntry("ahead", T0.plus(Duration.ofMinutes(10)));
        assertEquals(MergeOutcome.Kind.REJECTED, store.merge(List.of(ahead)).outcomes().get(0).kind());
        derby().setClock(new ManualClock(T0.plus(Duration.ofMinutes(6))));
        assertEquals(MergeOutcome.Kind.STORED, store.merge(List.of(ahead)).outcomes().get(0).kind());
    }

    @Test
    void aStoreThatTakesSeqsOutsideItsCommitLockFailsTheConcurrencyCheck() throws Exception {
        DerbyJournalStore broken = (DerbyJournalStore) newStore(new ManualClock(T0), DEFAULT_SKEW_SECONDS,
                KEEP_DAYS);
        broken.setSeqAllocator(new SeqsBeforeTheLock());
        AssertionFailedError failure = assertThrows(AssertionFailedError.class,
                () -> assertWatermarkReaderSeesEveryWrite(broken, 4, 45));
        assertTrue(failure.getMessage().contains("skipped"), failure.getMessage());
    }

    @Test
    void aWriterKilledMidWriteLeavesAConsistentStore() throws Exception {
        Path data = Files.createDirectories(temp.resolve("crash"));
        Path stderr = temp.resolve("crash-writer.err");
        Process child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m", "-cp", System.getProperty("java.class.path"), CrashWriter.class.getName(),
                data.toString())
                .redirectError(stderr.toFile())
                .start();
        int acked = -1;
        try (BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(),
                StandardCharsets.UTF_8))) {
            String line;
            while (acked < 40 && (line = out.readLine()) != null) {
                acked = Integer.parseInt(line.substring(3));
            }
            // Fault injection, not synchronisation: a random delay makes the kill land at
            // a different point of the child's next write each run (before, inside or
            // after its commit).
            LockSupport.parkNanos(ThreadLocalRandom.current().nextLong(10_000_000));
            // SIGKILL, and through the handle: Process.destroyForcibly would also close the
            // pipe and lose the acks already written to it.
            child.toHandle().destroyForcibly();
            assertTrue(child.waitFor(30, TimeUnit.SECONDS));
            while ((line = out.readLine()) != null) {
                acked = Integer.parseInt(line.substring(3)); // acks printed before the kill landed
            }
        } finally {
            child.destroyForcibly();
        }
        assertTrue(acked >= 40, () -> "the writer stopped early: " + readQuietly(stderr));

        DerbyJournalStore reopened = closeAfterTest(open(data, new ManualClock(CRASH_CLOCK), 300, 30));

        EntryGenerator gen = CRASH_ENTRIES;
        // Every write that returned is there. (Even entries are replaced by the batch
        // after them; the last acknowledged one may or may not have been.)
        for (int i = 0; i < acked; i++) {
            Entry expected = i % 2 == 0 ? gen.version(i, 1) : gen.entry(i);
            assertEquals(expected, reopened.get(gen.id(i)).map(StoredEntry::entry).orElse(null), "entry " + i);
        }
        Entry last = reopened.get(gen.id(acked)).orElseThrow().entry();
        // The write in flight when the kill landed (its ack unprinted) is there whole or not at all.
        int inFlight = acked + 1;
        Optional<StoredEntry> partial = reopened.get(gen.id(inFlight));
        if (inFlight % 2 == 1) {
            assertTrue(last.equals(gen.entry(acked)) || last.equals(gen.version(acked, 1)));
            assertEquals(partial.isPresent(), last.equals(gen.version(acked, 1)), "half a batch");
            partial.ifPresent(p -> assertEquals(gen.entry(inFlight), p.entry()));
        } else {
            assertEquals(gen.entry(acked), last);
            partial.ifPresent(p -> assertEquals(gen.entry(inFlight), p.entry()));
        }
        long count = reopened.count();
        assertEquals(count, inFlight + (partial.isPresent() ? 1 : 0));
        assertEquals(Optional.empty(), reopened.get(gen.id(inFlight + 1)));

        List<ManifestItem> changes = reopened.changesAfter(0, JournalStore.MAX_PAGE);
        assertEquals(count, changes.size());
        for (int i = 1; i < changes.size(); i++) {
            assertTrue(changes.get(i).seq() > changes.get(i - 1).seq());
        }
        assertEquals(changes.get(changes.size() - 1).seq(), reopened.highestSeq());
        Set<String> listed = new HashSet<>();
        String cursor = null;
        do {
            EntryPage page = reopened.list(7, cursor);
            page.entries().forEach(e -> listed.add(e.entry().id()));
            cursor = page.next();
        } while (cursor != null);
        assertEquals(count, listed.size());
        long before = reopened.highestSeq();
        assertEquals(before + 1, reopened.writeLocal(gen.entry(10_000)).seq());
    }

    private static String readQuietly(Path file) {
        try {
            return Files.readString(file);
        } catch (Exception e) {
            return e.toString();
        }
    }
}
