package org.moodhaven.store.derby.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongSupplier;

import org.apache.derby.jdbc.EmbeddedDataSource;
import org.moodhaven.api.entry.CanonicalJson;
import org.moodhaven.api.entry.Entry;
import org.moodhaven.api.entry.EntryHash;
import org.moodhaven.api.entry.EntryRules;
import org.moodhaven.api.entry.EntryVersion;
import org.moodhaven.api.entry.LocalEditRule;
import org.moodhaven.api.entry.Timestamps;
import org.moodhaven.api.node.NodeClock;
import org.moodhaven.api.node.NodeSettings;
import org.moodhaven.api.store.EntryPage;
import org.moodhaven.api.store.EntryRejectedException;
import org.moodhaven.api.store.JournalStore;
import org.moodhaven.api.store.ManifestItem;
import org.moodhaven.api.store.MergeOutcome;
import org.moodhaven.api.store.MergeReport;
import org.moodhaven.api.store.PeerSyncState;
import org.moodhaven.api.store.ReplacedVersion;
import org.moodhaven.api.store.StoreException;
import org.moodhaven.api.store.StoredEntry;
import org.moodhaven.common.store.EntryOrder;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node's journal store: an embedded Apache Derby database in the data folder.
 * <p>
 * Every write (a merge batch, a local write, a restore) is one Derby transaction,
 * flushed to the log at commit (Derby's default durability), so a write whose
 * method returned survives a kill -9 and a half-done one is rolled back when the
 * database is opened again. Writes take one store-wide lock from the moment they
 * take their first seq until after their commit, so seqs commit in increasing order
 * and a reader that sees seq n sees every seq below it (PROTOCOL.md 6.6). Readers
 * also never look above the highest committed seq, so that guarantee does not
 * depend on how Derby happens to plan or lock a scan.
 * <p>
 * Deactivation shuts down this database only, never the Derby engine, so this
 * bundle can be updated while the engine bundle (and any other database) keeps
 * running.
 */
@Component(name = DerbyJournalStore.PID, service = JournalStore.class,
        property = JournalStore.STORE_PROPERTY + "=derby")
@Designate(ocd = DerbyJournalStore.Config.class)
public final class DerbyJournalStore implements JournalStore {

    /** The component name and configuration pid. */
    static final String PID = "moodhaven.store.derby";

    /** Versions of replaced entries are kept at least this many days (PROTOCOL.md 6.5). */
    static final int MIN_KEEP_REPLACED_DAYS = 30;

    /** The schema this code reads and writes; kept in {@code mh_meta}. */
    static final int SCHEMA_VERSION = 2;

    /** Configuration of the Derby store. */
    @ObjectClassDefinition(name = "MoodHaven Derby journal store",
            description = "Keeps the journal in an embedded Apache Derby database in the node's data folder.")
    public @interface Config {

        /**
         * @return the database folder
         */
        @AttributeDefinition(name = "Database folder",
                description = "Folder of the Derby database, relative to the node's data folder (or absolute).")
        String path() default "journal-db";

        /**
         * @return the service ranking
         */
        @AttributeDefinition(name = "Service ranking",
                description = "Among journal stores, consumers use the one with the highest ranking.")
        int service_ranking() default 100;

        /**
         * @return the largest accepted clock skew, in seconds
         */
        @AttributeDefinition(name = "Maximum clock skew (seconds)",
                description = "An entry whose updated_at lies further than this in the future of this node's "
                        + "clock is rejected (PROTOCOL.md 6.5).")
        long maxClockSkewSeconds() default 300;

        /**
         * @return how long replaced versions are kept, in days
         */
        @AttributeDefinition(name = "Keep replaced versions (days)",
                description = "Versions replaced by later writes are kept at least this many days so they can be "
                        + "restored; the newest per entry is always kept. Values below 30 are raised to 30.")
        int keepReplacedDays() default MIN_KEEP_REPLACED_DAYS;
    }

    private static final Logger LOG = LoggerFactory.getLogger(DerbyJournalStore.class);

    private static final String DERBY_LOG_PROPERTY = "derby.stream.error.file";
    private static final String SHUTDOWN_OK = "08006";
    private static final Duration PRUNE_INTERVAL = Duration.ofDays(1);
    /** Ids per {@code IN (...)} query of {@link #getAll}: short statements Derby compiles once per size. */
    private static final int IN_CHUNK = 100;
    private static final String SYNC_LOG_PROPERTY = "derby.storage.fileSyncTransactionLog";
    private static final LongSupplier NO_SEQS = () -> {
        throw new IllegalStateException("this transaction writes no entries");
    };

    private static final String ENTRY_COLUMNS =
            "id, created_at, updated_at, content, mood, privacy_mode, book_id, pinned, h, seq";
    private static final String[] SCHEMA = {
        "CREATE TABLE mh_meta (name VARCHAR(64) NOT NULL PRIMARY KEY, val VARCHAR(256) NOT NULL)",
        // The entry columns keep the strings exactly as received; created_key only orders them.
        "CREATE TABLE entries (id VARCHAR(64) NOT NULL PRIMARY KEY, created_at VARCHAR(35) NOT NULL,"
                + " updated_at VARCHAR(35) NOT NULL, created_key CHAR(31) NOT NULL, content BLOB(2M) NOT NULL,"
                + " mood SMALLINT, privacy_mode VARCHAR(32) NOT NULL, book_id VARCHAR(64),"
                + " pinned BOOLEAN NOT NULL, h CHAR(64) NOT NULL, seq BIGINT NOT NULL)",
        "CREATE UNIQUE INDEX entries_by_seq ON entries (seq)",
        "CREATE INDEX entries_by_created ON entries (created_key DESC, id)",
        "CREATE TABLE replaced_versions (version_id BIGINT NOT NULL GENERATED ALWAYS AS IDENTITY PRIMARY KEY,"
                + " entry_id VARCHAR(64) NOT NULL, created_at VARCHAR(35) NOT NULL,"
                + " updated_at VARCHAR(35) NOT NULL, content BLOB(2M) NOT NULL, mood SMALLINT,"
                + " privacy_mode VARCHAR(32) NOT NULL, book_id VARCHAR(64), pinned BOOLEAN NOT NULL,"
                + " h CHAR(64) NOT NULL, replaced_at CHAR(31) NOT NULL, replaced_by VARCHAR(8) NOT NULL)",
        "CREATE INDEX replaced_by_entry ON replaced_versions (entry_id, version_id)",
        "CREATE INDEX replaced_by_time ON replaced_versions (replaced_at)",
        "CREATE TABLE peer_state (device_id VARCHAR(128) NOT NULL PRIMARY KEY, have_store_id VARCHAR(64),"
                + " have_seq BIGINT NOT NULL, last_sync_at VARCHAR(40), last_full_sync_at VARCHAR(40))",
    };

    private final Path databaseFolder;
    private final EmbeddedDataSource dataSource;
    private final String storeId;
    private final String name;
    private final Duration maxClockSkew;
    private final Duration keepReplaced;

    /** Held from a write's first seq until after its commit: seqs commit in order. */
    private final ReentrantLock writeLock = new ReentrantLock();
    /** The highest seq handed out (under {@link #writeLock}). */
    private final AtomicLong seqCounter = new AtomicLong();
    /** The highest committed seq: what readers may see. */
    private volatile long committedSeq;
    private volatile boolean closed;
    /** When replaced versions were last pruned; guarded by {@link #writeLock}. */
    private Instant lastPrune;

    @Reference(name = "clock", policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY)
    private volatile NodeClock clock;

    private volatile SeqAllocator seqAllocator = SeqAllocator.UNDER_LOCK;
    private volatile RowHook rowHook = RowHook.NONE;

    /**
     * Opens the database, creating it and its schema on first use.
     *
     * @param config the configuration
     * @param node   the node settings (data folder)
     * @throws StoreException if the database cannot be opened or was made by a newer version
     */
    @Activate
    public DerbyJournalStore(Config config, @Reference(name = "node") NodeSettings node) throws StoreException {
        this.maxClockSkew = Duration.ofSeconds(Math.max(0, config.maxClockSkewSeconds()));
        int keepDays = config.keepReplacedDays();
        if (keepDays < MIN_KEEP_REPLACED_DAYS) {
            LOG.warn("keepReplacedDays {} is below the protocol's minimum; keeping replaced versions {} days",
                    keepDays, MIN_KEEP_REPLACED_DAYS);
            keepDays = MIN_KEEP_REPLACED_DAYS;
        }
        this.keepReplaced = Duration.ofDays(keepDays);
        Path data = node.dataFolder().toAbsolutePath().normalize();
        routeDerbyLog(data);
        syncLogAtCommit();
        this.databaseFolder = data.resolve(config.path()).normalize();
        this.dataSource = dataSource(databaseFolder);

        EmbeddedDataSource creating = dataSource(databaseFolder);
        creating.setCreateDatabase("create");
        try (Connection c = creating.getConnection()) {
            this.storeId = openSchema(c);
            this.committedSeq = maxSeq(c);
            this.seqCounter.set(committedSeq);
            String version = c.getMetaData().getDatabaseProductVersion();
            int space = version.indexOf(' ');
            this.name = "Derby " + (space > 0 ? version.substring(0, space) : version) + " at " + databaseFolder;
            c.commit();
        } catch (SQLException | RuntimeException e) {
            shutdownDatabase();
            throw new StoreException("Cannot open the journal database at " + databaseFolder + ": "
                    + e.getMessage(), e);
        }
        LOG.info("Journal store {} opened: {}, highest seq {}", storeId, name, committedSeq);
    }

    /**
     * Prunes old replaced versions once the clock is bound, which DS does after the
     * constructor and before this method.
     */
    @Activate
    void activate() {
        writeLock.lock();
        try {
            prune(clock().now());
        } finally {
            writeLock.unlock();
        }
    }

    /** Shuts down this database (not the Derby engine); later calls fail with a {@link StoreException}. */
    @Deactivate
    public void deactivate() {
        // The write lock lets a running write commit first, so the shutdown never
        // cuts a transaction in half (Derby would roll it back at the next boot anyway).
        writeLock.lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            shutdownDatabase();
        } finally {
            writeLock.unlock();
        }
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String storeId() {
        return storeId;
    }

    @Override
    public long highestSeq() throws StoreException {
        ensureOpen();
        return committedSeq;
    }

    @Override
    public long count() throws StoreException {
        return read(c -> {
            try (PreparedStatement s = c.prepareStatement("SELECT COUNT(*) FROM entries");
                 ResultSet rs = s.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        });
    }

    @Override
    public Optional<StoredEntry> get(String id) throws StoreException {
        Objects.requireNonNull(id, "id");
        if (!EntryRules.isValidId(id)) {
            return Optional.empty();
        }
        return read(c -> {
            try (PreparedStatement s = c.prepareStatement("SELECT " + ENTRY_COLUMNS + " FROM entries WHERE id = ?")) {
                s.setString(1, id);
                try (ResultSet rs = s.executeQuery()) {
                    return rs.next() ? Optional.of(storedEntry(rs)) : Optional.empty();
                }
            }
        });
    }

    @Override
    public EntryPage list(int limit, String cursor) throws StoreException {
        checkLimit(limit);
        EntryOrder.Position after = cursor == null ? null : EntryOrder.parseCursor(cursor);
        return read(c -> {
            String sql = "SELECT " + ENTRY_COLUMNS + ", created_key FROM entries"
                    // The redundant created_key <= ? gives Derby a start key on the index.
                    + (after == null ? "" : " WHERE created_key <= ? AND (created_key < ? OR id > ?)")
                    + " ORDER BY created_key DESC, id FETCH FIRST ? ROWS ONLY";
            try (PreparedStatement s = c.prepareStatement(sql)) {
                int p = 1;
                if (after != null) {
                    s.setString(p++, after.key());
                    s.setString(p++, after.key());
                    s.setString(p++, after.id());
                }
                s.setInt(p, limit + 1); // one more tells whether another page follows
                List<StoredEntry> entries = new ArrayList<>();
                String lastKey = null;
                boolean more = false;
                try (ResultSet rs = s.executeQuery()) {
                    while (rs.next()) {
                        if (entries.size() == limit) {
                            more = true;
                            break;
                        }
                        entries.add(storedEntry(rs));
                        lastKey = rs.getString("created_key");
                    }
                }
                String next = more ? EntryOrder.cursor(lastKey, entries.get(limit - 1).entry().id()) : null;
                return new EntryPage(entries, next);
            }
        });
    }

    @Override
    public List<ManifestItem> changesAfter(long afterSeq, int limit) throws StoreException {
        checkLimit(limit);
        if (afterSeq < 0) {
            throw new IllegalArgumentException("afterSeq must not be negative");
        }
        // Read the committed seq first: every seq up to it is committed (writes commit
        // in seq order), anything above may still be in flight and is left for next time.
        long upTo = committedSeq;
        if (afterSeq >= upTo) {
            ensureOpen();
            return List.of();
        }
        return read(c -> {
            try (PreparedStatement s = c.prepareStatement("SELECT id, updated_at, h, seq FROM entries"
                    + " WHERE seq > ? AND seq <= ? ORDER BY seq FETCH FIRST ? ROWS ONLY")) {
                s.setLong(1, afterSeq);
                s.setLong(2, upTo);
                s.setInt(3, limit);
                List<ManifestItem> items = new ArrayList<>();
                try (ResultSet rs = s.executeQuery()) {
                    while (rs.next()) {
                        items.add(new ManifestItem(rs.getString(1), rs.getString(2), rs.getString(3), rs.getLong(4)));
                    }
                }
                return items;
            }
        });
    }

    @Override
    public List<StoredEntry> getAll(Collection<String> ids) throws StoreException {
        return getWithin(ids, Long.MAX_VALUE);
    }

    @Override
    public List<StoredEntry> getWithin(Collection<String> ids, long maxContentBytes) throws StoreException {
        if (ids.size() > MAX_PAGE) {
            throw new IllegalArgumentException("at most " + MAX_PAGE + " ids at once");
        }
        Set<String> wanted = new LinkedHashSet<>();
        for (String id : ids) {
            if (EntryRules.isValidId(id)) {
                wanted.add(id);
            }
        }
        if (wanted.isEmpty()) {
            return List.of();
        }
        List<String> all = new ArrayList<>(wanted);
        return read(c -> {
            List<StoredEntry> found = new ArrayList<>();
            long[] contentBytes = {0};
            for (int from = 0; from < all.size() && contentBytes[0] < maxContentBytes; from += IN_CHUNK) {
                List<String> chunk = all.subList(from, Math.min(all.size(), from + IN_CHUNK));
                String sql = "SELECT " + ENTRY_COLUMNS + " FROM entries WHERE id IN ("
                        + String.join(",", Collections.nCopies(chunk.size(), "?")) + ")";
                try (PreparedStatement s = c.prepareStatement(sql)) {
                    for (int i = 0; i < chunk.size(); i++) {
                        s.setString(i + 1, chunk.get(i));
                    }
                    try (ResultSet rs = s.executeQuery()) {
                        while (contentBytes[0] < maxContentBytes && rs.next()) {
                            found.add(storedEntry(rs, contentBytes));
                        }
                    }
                }
            }
            return found;
        });
    }

    @Override
    public List<ManifestItem> versions(Collection<String> ids) throws StoreException {
        if (ids.size() > MAX_PAGE) {
            throw new IllegalArgumentException("at most " + MAX_PAGE + " ids at once");
        }
        List<String> all = new ArrayList<>();
        for (String id : new LinkedHashSet<>(ids)) {
            if (EntryRules.isValidId(id)) {
                all.add(id);
            }
        }
        if (all.isEmpty()) {
            return List.of();
        }
        return read(c -> {
            List<ManifestItem> found = new ArrayList<>();
            for (int from = 0; from < all.size(); from += IN_CHUNK) {
                List<String> chunk = all.subList(from, Math.min(all.size(), from + IN_CHUNK));
                String sql = "SELECT id, updated_at, h, seq FROM entries WHERE id IN ("
                        + String.join(",", Collections.nCopies(chunk.size(), "?")) + ")";
                try (PreparedStatement s = c.prepareStatement(sql)) {
                    for (int i = 0; i < chunk.size(); i++) {
                        s.setString(i + 1, chunk.get(i));
                    }
                    try (ResultSet rs = s.executeQuery()) {
                        while (rs.next()) {
                            found.add(new ManifestItem(rs.getString(1), rs.getString(2), rs.getString(3),
                                    rs.getLong(4)));
                        }
                    }
                }
            }
            return found;
        });
    }

    @Override
    public MergeReport merge(List<Entry> incoming) throws StoreException {
        if (incoming.size() > MAX_PAGE) {
            throw new IllegalArgumentException("at most " + MAX_PAGE + " entries a batch");
        }
        for (Entry entry : incoming) {
            Objects.requireNonNull(entry, "entry");
        }
        MergeReport report = write(incoming.size(), tx -> {
            // One query for the versions held of the whole batch, then the new rows in one
            // JDBC batch: a sync's frame of entries costs a few round trips, not one per entry.
            List<String> ids = new ArrayList<>(incoming.size());
            for (Entry entry : incoming) {
                ids.add(entry.id());
            }
            Map<String, EntryVersion> held = heldVersions(tx.connection, ids);
            List<MergeOutcome> outcomes = new ArrayList<>(incoming.size());
            try (Inserts inserts = new Inserts(tx)) {
                for (Entry entry : incoming) {
                    Optional<String> problem = EntryRules.problem(entry, tx.now, maxClockSkew);
                    if (problem.isPresent()) {
                        outcomes.add(MergeOutcome.rejected(entry.id(), problem.get()));
                        continue;
                    }
                    String hash = EntryHash.of(entry);
                    EntryVersion version = EntryVersion.of(entry.updatedAt(), hash);
                    // A second version of an id in the same batch is compared with the first.
                    EntryVersion current = held.get(entry.id());
                    if (!version.isNewerThan(current)) {
                        outcomes.add(MergeOutcome.keptLocal(entry.id()));
                        continue;
                    }
                    if (current == null) {
                        inserts.add(entry, hash);
                    } else {
                        inserts.flushIfPending(entry.id());
                        put(tx, entry, hash, true, ReplacedVersion.BY_SYNC);
                    }
                    held.put(entry.id(), version);
                    outcomes.add(MergeOutcome.stored(entry.id()));
                }
            }
            return new MergeReport(outcomes, tx.seqBefore, tx.seqAfter());
        });
        LOG.debug("Merged a batch of {}: {} stored, {} kept, {} rejected; seq {} -> {}", incoming.size(),
                report.stored(), report.keptLocal(), report.rejected(), report.seqBefore(), report.seqAfter());
        return report;
    }

    @Override
    public StoredEntry writeLocal(Entry entry) throws EntryRejectedException, StoreException {
        Objects.requireNonNull(entry, "entry");
        return write(1, tx -> {
            reject(EntryRules.problem(entry, tx.now, maxClockSkew));
            return putLocal(tx, entry);
        });
    }

    @Override
    public StoredEntry restore(String id, long versionId) throws EntryRejectedException, StoreException {
        Objects.requireNonNull(id, "id");
        if (!EntryRules.isValidId(id)) {
            throw new NoSuchElementException("no entry " + id);
        }
        return write(1, tx -> {
            Entry kept = null;
            try (PreparedStatement s = tx.connection.prepareStatement("SELECT entry_id AS id, created_at,"
                    + " updated_at, content, mood, privacy_mode, book_id, pinned FROM replaced_versions"
                    + " WHERE version_id = ? AND entry_id = ?")) {
                s.setLong(1, versionId);
                s.setString(2, id);
                try (ResultSet rs = s.executeQuery()) {
                    if (rs.next()) {
                        kept = entry(rs);
                    }
                }
            }
            if (kept == null) {
                throw new NoSuchElementException("no kept version " + versionId + " of entry " + id);
            }
            return putLocal(tx, kept.withUpdatedAt(Timestamps.format(tx.now)));
        });
    }

    @Override
    public List<ReplacedVersion> replacedVersions(String id) throws StoreException {
        Objects.requireNonNull(id, "id");
        if (!EntryRules.isValidId(id)) {
            return List.of();
        }
        return read(c -> {
            try (PreparedStatement s = c.prepareStatement("SELECT version_id, entry_id AS id, created_at,"
                    + " updated_at, content, mood, privacy_mode, book_id, pinned, h, replaced_at, replaced_by"
                    + " FROM replaced_versions WHERE entry_id = ? ORDER BY version_id DESC")) {
                s.setString(1, id);
                List<ReplacedVersion> versions = new ArrayList<>();
                try (ResultSet rs = s.executeQuery()) {
                    while (rs.next()) {
                        versions.add(new ReplacedVersion(rs.getLong("version_id"), entry(rs), rs.getString("h"),
                                EntryOrder.instantOf(rs.getString("replaced_at")), rs.getString("replaced_by")));
                    }
                }
                return versions;
            }
        });
    }

    @Override
    public Optional<PeerSyncState> peerState(String deviceId) throws StoreException {
        Objects.requireNonNull(deviceId, "deviceId");
        return read(c -> {
            try (PreparedStatement s = c.prepareStatement("SELECT have_store_id, have_seq, last_sync_at,"
                    + " last_full_sync_at FROM peer_state WHERE device_id = ?")) {
                s.setString(1, deviceId);
                try (ResultSet rs = s.executeQuery()) {
                    if (!rs.next()) {
                        return Optional.empty();
                    }
                    return Optional.of(new PeerSyncState(deviceId, rs.getString(1), rs.getLong(2),
                            instantOrNull(rs.getString(3)), instantOrNull(rs.getString(4))));
                }
            }
        });
    }

    @Override
    public void savePeerState(PeerSyncState state) throws StoreException {
        Objects.requireNonNull(state, "state");
        write(0, tx -> {
            // Update, else insert: the write lock makes the pair atomic.
            try (PreparedStatement u = tx.connection.prepareStatement("UPDATE peer_state SET have_store_id = ?,"
                    + " have_seq = ?, last_sync_at = ?, last_full_sync_at = ? WHERE device_id = ?")) {
                u.setString(1, state.haveStoreId());
                u.setLong(2, state.haveSeq());
                u.setString(3, stringOrNull(state.lastSyncAt()));
                u.setString(4, stringOrNull(state.lastFullSyncAt()));
                u.setString(5, state.deviceId());
                if (u.executeUpdate() == 1) {
                    return null;
                }
            }
            try (PreparedStatement i = tx.connection.prepareStatement("INSERT INTO peer_state (device_id,"
                    + " have_store_id, have_seq, last_sync_at, last_full_sync_at) VALUES (?, ?, ?, ?, ?)")) {
                i.setString(1, state.deviceId());
                i.setString(2, state.haveStoreId());
                i.setLong(3, state.haveSeq());
                i.setString(4, stringOrNull(state.lastSyncAt()));
                i.setString(5, stringOrNull(state.lastFullSyncAt()));
                i.executeUpdate();
            }
            return null;
        });
    }

    @Override
    public String toString() {
        return name;
    }

    // ---- test seams (package-private) ----

    /**
     * Binds the clock as DS does, for tools that open a node's store while the node is
     * stopped (the benchmark and test loaders) and for tests.
     *
     * @param clock the clock to read time from
     */
    public void setClock(NodeClock clock) {
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /**
     * @param allocator where write transactions take seqs from
     */
    void setSeqAllocator(SeqAllocator allocator) {
        this.seqAllocator = Objects.requireNonNull(allocator, "allocator");
    }

    /**
     * @param hook called after each entry row a write transaction writes
     */
    void setRowHook(RowHook hook) {
        this.rowHook = Objects.requireNonNull(hook, "hook");
    }

    /**
     * @return the database folder
     */
    Path databaseFolder() {
        return databaseFolder;
    }

    // ---- writing ----

    /** One write transaction: its connection, its clock reading and the seqs it took. */
    private final class Tx {
        final Connection connection;
        final Instant now;
        final long seqBefore;
        private final LongSupplier seqs;
        private long lastSeq;
        private int rows;

        Tx(Connection connection, Instant now, long seqBefore, LongSupplier seqs) {
            this.connection = connection;
            this.now = now;
            this.seqBefore = seqBefore;
            this.seqs = seqs;
            this.lastSeq = seqBefore;
        }

        long nextSeq() {
            long seq = seqs.getAsLong();
            lastSeq = Math.max(lastSeq, seq);
            return seq;
        }

        long seqAfter() {
            return lastSeq;
        }

        void rowWritten() throws SQLException {
            rowHook.afterRow(++rows);
        }
    }

    @FunctionalInterface
    private interface WriteBody<T, X extends Exception> {
        T run(Tx tx) throws SQLException, X;
    }

    @FunctionalInterface
    private interface ReadBody<T> {
        T run(Connection connection) throws SQLException;
    }

    /**
     * Runs one write transaction under the store-wide write lock, commits it, and
     * only then publishes its seqs to readers; on any failure rolls it back whole.
     */
    private <T, X extends Exception> T write(int maxSeqs, WriteBody<T, X> body) throws StoreException, X {
        ensureOpen();
        LongSupplier seqs = maxSeqs == 0 ? NO_SEQS : seqAllocator.begin(seqCounter, maxSeqs);
        writeLock.lock();
        try {
            ensureOpen();
            Instant now = clock().now();
            T result;
            try (Connection c = dataSource.getConnection()) {
                c.setAutoCommit(false);
                Tx tx = new Tx(c, now, committedSeq, seqs);
                try {
                    result = body.run(tx);
                    c.commit();
                } catch (Exception | Error e) {
                    rollback(c);
                    throw e;
                }
                if (tx.seqAfter() > committedSeq) {
                    committedSeq = tx.seqAfter();
                }
            } catch (SQLException e) {
                // The commit itself may have failed after reaching the log: take the seq
                // counter back to what the database holds, never below.
                resyncSeq();
                throw new StoreException("Could not write to the journal database (nothing was changed): "
                        + e.getMessage(), e);
            } catch (RuntimeException | Error e) {
                seqCounter.set(committedSeq);
                throw e;
            } catch (Exception e) {
                seqCounter.set(committedSeq);
                throw e;
            }
            if (lastPrune == null || !now.isBefore(lastPrune.plus(PRUNE_INTERVAL))) {
                prune(now);
            }
            return result;
        } finally {
            writeLock.unlock();
        }
    }

    /** Applies the local-edit rule and stores the result as a local write. */
    private StoredEntry putLocal(Tx tx, Entry edit) throws SQLException, EntryRejectedException {
        EntryVersion held = heldVersion(tx.connection, edit.id());
        Entry entry = LocalEditRule.apply(edit, held);
        // The skew rule was checked on the updated_at the writer asked for; moving it past a
        // version from a clock ahead of ours is what makes the edit win (PROTOCOL.md 6.5).
        String hash = EntryHash.of(entry);
        long seq = put(tx, entry, hash, held != null, ReplacedVersion.BY_LOCAL);
        return new StoredEntry(entry, hash, seq);
    }

    /**
     * Stores an entry with a new seq; the version it replaces, if any, moves to the
     * replaced versions.
     */
    private long put(Tx tx, Entry entry, String hash, boolean replacing, String replacedBy) throws SQLException {
        Connection c = tx.connection;
        long seq = tx.nextSeq();
        if (replacing) {
            try (PreparedStatement s = c.prepareStatement("INSERT INTO replaced_versions (entry_id, created_at,"
                    + " updated_at, content, mood, privacy_mode, book_id, pinned, h, replaced_at, replaced_by)"
                    + " SELECT id, created_at, updated_at, content, mood, privacy_mode, book_id, pinned, h,"
                    + " CAST(? AS CHAR(31)), CAST(? AS VARCHAR(8)) FROM entries WHERE id = ?")) {
                s.setString(1, EntryOrder.keyOf(tx.now));
                s.setString(2, replacedBy);
                s.setString(3, entry.id());
                s.executeUpdate();
            }
            try (PreparedStatement s = c.prepareStatement("UPDATE entries SET created_at = ?, updated_at = ?,"
                    + " created_key = ?, content = ?, mood = ?, privacy_mode = ?, book_id = ?, pinned = ?, h = ?,"
                    + " seq = ? WHERE id = ?")) {
                int p = setEntryFields(s, entry);
                s.setString(p++, hash);
                s.setLong(p++, seq);
                s.setString(p, entry.id());
                if (s.executeUpdate() != 1) {
                    throw new SQLException("entry row vanished during its own transaction");
                }
            }
        } else {
            try (PreparedStatement s = c.prepareStatement("INSERT INTO entries (created_at, updated_at,"
                    + " created_key, content, mood, privacy_mode, book_id, pinned, h, seq, id)"
                    + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
                int p = setEntryFields(s, entry);
                s.setString(p++, hash);
                s.setLong(p++, seq);
                s.setString(p, entry.id());
                s.executeUpdate();
            }
        }
        tx.rowWritten();
        return seq;
    }

    /** Sets created_at to pinned (8 parameters from 1); returns the next parameter index. */
    private static int setEntryFields(PreparedStatement s, Entry entry) throws SQLException {
        s.setString(1, entry.createdAt());
        s.setString(2, entry.updatedAt());
        s.setString(3, EntryOrder.keyOf(entry.createdAt()));
        // Content is kept as the UTF-8 bytes of its canonical JSON: Derby stores bytes
        // several times faster than the same text as a CLOB, which it writes a character at a time.
        s.setBytes(4, CanonicalJson.ofObject(entry.content()).getBytes(StandardCharsets.UTF_8));
        if (entry.mood() == null) {
            s.setNull(5, Types.SMALLINT);
        } else {
            s.setInt(5, entry.mood());
        }
        s.setString(6, entry.privacyMode());
        s.setString(7, entry.bookId());
        s.setBoolean(8, entry.pinned());
        return 9;
    }

    /** The held versions of some entries (ids that break the id rule are simply not found). */
    private static Map<String, EntryVersion> heldVersions(Connection c, List<String> ids) throws SQLException {
        Map<String, EntryVersion> held = new HashMap<>();
        List<String> valid = new ArrayList<>(new LinkedHashSet<>(ids));
        valid.removeIf(id -> !EntryRules.isValidId(id));
        for (int from = 0; from < valid.size(); from += IN_CHUNK) {
            List<String> chunk = valid.subList(from, Math.min(valid.size(), from + IN_CHUNK));
            try (PreparedStatement s = c.prepareStatement("SELECT id, updated_at, h FROM entries WHERE id IN ("
                    + String.join(",", Collections.nCopies(chunk.size(), "?")) + ")")) {
                for (int i = 0; i < chunk.size(); i++) {
                    s.setString(i + 1, chunk.get(i));
                }
                try (ResultSet rs = s.executeQuery()) {
                    while (rs.next()) {
                        held.put(rs.getString(1), EntryVersion.of(rs.getString(2), rs.getString(3)));
                    }
                }
            }
        }
        return held;
    }

    /**
     * New entry rows of one transaction, sent to Derby as a JDBC batch. A replacement of
     * an id still waiting in the batch flushes it first, so rows are written in order.
     */
    private final class Inserts implements AutoCloseable {
        private static final int FLUSH_AT = 500;
        private final Tx tx;
        private final Set<String> pending = new HashSet<>();
        private PreparedStatement statement;

        Inserts(Tx tx) {
            this.tx = tx;
        }

        void add(Entry entry, String hash) throws SQLException {
            if (statement == null) {
                statement = tx.connection.prepareStatement("INSERT INTO entries (created_at, updated_at,"
                        + " created_key, content, mood, privacy_mode, book_id, pinned, h, seq, id)"
                        + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
            }
            int p = setEntryFields(statement, entry);
            statement.setString(p++, hash);
            statement.setLong(p++, tx.nextSeq());
            statement.setString(p, entry.id());
            statement.addBatch();
            pending.add(entry.id());
            if (pending.size() >= FLUSH_AT) {
                flush();
            }
        }

        void flushIfPending(String id) throws SQLException {
            if (pending.contains(id)) {
                flush();
            }
        }

        private void flush() throws SQLException {
            if (pending.isEmpty()) {
                return;
            }
            statement.executeBatch();
            for (int i = 0; i < pending.size(); i++) {
                tx.rowWritten();
            }
            pending.clear();
        }

        @Override
        public void close() throws SQLException {
            try {
                flush();
            } finally {
                if (statement != null) {
                    statement.close();
                }
            }
        }
    }

    private static EntryVersion heldVersion(Connection c, String id) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT updated_at, h FROM entries WHERE id = ?")) {
            s.setString(1, id);
            try (ResultSet rs = s.executeQuery()) {
                return rs.next() ? EntryVersion.of(rs.getString(1), rs.getString(2)) : null;
            }
        }
    }

    private static void reject(Optional<String> problem) throws EntryRejectedException {
        if (problem.isPresent()) {
            throw new EntryRejectedException(problem.get());
        }
    }

    /**
     * Deletes replaced versions older than the retention period, except the newest
     * of each entry. Runs under the write lock; a failure is logged and retried
     * with the next write, since the writes themselves succeeded.
     */
    private void prune(Instant now) {
        lastPrune = now;
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try (PreparedStatement s = c.prepareStatement("DELETE FROM replaced_versions WHERE replaced_at < ?"
                    + " AND version_id < (SELECT MAX(r.version_id) FROM replaced_versions r"
                    + " WHERE r.entry_id = replaced_versions.entry_id)")) {
                s.setString(1, EntryOrder.keyOf(now.minus(keepReplaced)));
                int pruned = s.executeUpdate();
                c.commit();
                if (pruned > 0) {
                    LOG.info("Pruned {} replaced versions older than {} days", pruned, keepReplaced.toDays());
                }
            } catch (SQLException | RuntimeException e) {
                rollback(c);
                throw e;
            }
        } catch (SQLException | RuntimeException e) {
            lastPrune = null;
            LOG.warn("Could not prune replaced versions; will retry after the next write: {}", e.toString());
        }
    }

    // ---- reading ----

    private <T> T read(ReadBody<T> body) throws StoreException {
        ensureOpen();
        try (Connection c = dataSource.getConnection()) {
            // One short transaction: BLOB values stay readable until the commit.
            c.setAutoCommit(false);
            try {
                T result = body.run(c);
                c.commit();
                return result;
            } catch (SQLException | RuntimeException e) {
                rollback(c);
                throw e;
            }
        } catch (SQLException e) {
            throw new StoreException("Could not read the journal database: " + e.getMessage(), e);
        }
    }

    private static StoredEntry storedEntry(ResultSet rs) throws SQLException {
        return storedEntry(rs, new long[1]);
    }

    /** Reads a row's entry and adds the length of its content to {@code contentBytes[0]}. */
    private static StoredEntry storedEntry(ResultSet rs, long[] contentBytes) throws SQLException {
        byte[] content = rs.getBytes("content");
        contentBytes[0] += content.length;
        return new StoredEntry(entry(rs, content), rs.getString("h"), rs.getLong("seq"));
    }

    private static Entry entry(ResultSet rs) throws SQLException {
        return entry(rs, rs.getBytes("content"));
    }

    private static Entry entry(ResultSet rs, byte[] content) throws SQLException {
        int mood = rs.getInt("mood");
        Integer moodOrNull = rs.wasNull() ? null : mood;
        return new Entry(rs.getString("id"), rs.getString("created_at"), rs.getString("updated_at"),
                ContentJson.parse(new String(content, StandardCharsets.UTF_8)), moodOrNull,
                rs.getString("privacy_mode"), rs.getString("book_id"), rs.getBoolean("pinned"));
    }

    private static void checkLimit(int limit) {
        if (limit < 1 || limit > MAX_PAGE) {
            throw new IllegalArgumentException("limit must be 1 to " + MAX_PAGE + ", was " + limit);
        }
    }

    private static Instant instantOrNull(String text) {
        return text == null ? null : Instant.parse(text);
    }

    private static String stringOrNull(Instant instant) {
        return instant == null ? null : instant.toString();
    }

    // ---- lifecycle ----

    private NodeClock clock() {
        NodeClock c = clock;
        if (c == null) {
            throw new IllegalStateException("no NodeClock bound");
        }
        return c;
    }

    private void ensureOpen() throws StoreException {
        if (closed) {
            throw new StoreException("The journal store at " + databaseFolder + " is closed");
        }
    }

    private void resyncSeq() {
        try (Connection c = dataSource.getConnection()) {
            long max = Math.max(committedSeq, maxSeq(c));
            committedSeq = max;
            seqCounter.set(max);
        } catch (SQLException e) {
            seqCounter.set(committedSeq);
            LOG.warn("Could not re-read the highest seq after a failed write: {}", e.toString());
        }
    }

    private static long maxSeq(Connection c) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT MAX(seq) FROM entries");
             ResultSet rs = s.executeQuery()) {
            rs.next();
            return rs.getLong(1); // NULL (empty store) reads as 0
        }
    }

    /**
     * Schema 1 kept content as a CLOB; schema 2 keeps the same text as UTF-8 bytes in a
     * BLOB. Converted in the opening transaction, so a crash midway leaves schema 1 whole.
     */
    private static void migrateContentToBytes(Connection c) throws SQLException {
        LOG.info("Converting the journal database from schema 1 to 2 (content as bytes)");
        for (String[] table : new String[][] {{"entries", "id"}, {"replaced_versions", "version_id"}}) {
            String name = table[0];
            String key = table[1];
            try (Statement s = c.createStatement()) {
                s.execute("ALTER TABLE " + name + " ADD COLUMN content_bytes BLOB(2M)");
            }
            try (PreparedStatement read = c.prepareStatement("SELECT " + key + ", content FROM " + name);
                 PreparedStatement write = c.prepareStatement("UPDATE " + name + " SET content_bytes = ? WHERE "
                         + key + " = ?");
                 ResultSet rs = read.executeQuery()) {
                int pending = 0;
                while (rs.next()) {
                    write.setBytes(1, rs.getString(2).getBytes(StandardCharsets.UTF_8));
                    write.setObject(2, rs.getObject(1));
                    write.addBatch();
                    if (++pending == 500) {
                        write.executeBatch();
                        pending = 0;
                    }
                }
                write.executeBatch();
            }
            try (Statement s = c.createStatement()) {
                s.execute("ALTER TABLE " + name + " DROP COLUMN content");
                s.execute("RENAME COLUMN " + name + ".content_bytes TO content");
                s.execute("ALTER TABLE " + name + " ALTER COLUMN content NOT NULL");
            }
        }
        try (PreparedStatement s = c.prepareStatement("UPDATE mh_meta SET val = ? WHERE name = 'schema_version'")) {
            s.setString(1, "2");
            s.executeUpdate();
        }
        c.commit();
    }

    /**
     * Creates the schema in one transaction on first use (so a crash while creating
     * leaves nothing half made) and returns the storeId.
     */
    private static String openSchema(Connection c) throws SQLException, StoreException {
        c.setAutoCommit(false);
        try {
            DatabaseMetaData meta = c.getMetaData();
            boolean exists;
            try (ResultSet rs = meta.getTables(null, c.getSchema(), "MH_META", null)) {
                exists = rs.next();
            }
            if (!exists) {
                try (Statement s = c.createStatement()) {
                    for (String ddl : SCHEMA) {
                        s.execute(ddl);
                    }
                }
                String newStoreId = newStoreId();
                try (PreparedStatement s = c.prepareStatement("INSERT INTO mh_meta (name, val) VALUES (?, ?)")) {
                    s.setString(1, "schema_version");
                    s.setString(2, Integer.toString(SCHEMA_VERSION));
                    s.executeUpdate();
                    s.setString(1, "store_id");
                    s.setString(2, newStoreId);
                    s.executeUpdate();
                }
                c.commit();
                LOG.info("Created a new journal database, storeId {}", newStoreId);
            }
            String version = meta(c, "schema_version");
            if ("1".equals(version)) {
                migrateContentToBytes(c);
                version = meta(c, "schema_version");
            }
            if (!Integer.toString(SCHEMA_VERSION).equals(version)) {
                throw new StoreException("The journal database has schema version " + version + "; this bundle reads "
                        + SCHEMA_VERSION + ". Install the bundle version that wrote it.");
            }
            String id = meta(c, "store_id");
            if (!EntryRules.isValidId(id)) {
                throw new StoreException("The journal database holds an invalid storeId");
            }
            c.commit();
            return id;
        } catch (SQLException | StoreException | RuntimeException e) {
            rollback(c);
            throw e;
        }
    }

    private static String meta(Connection c, String key) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT val FROM mh_meta WHERE name = ?")) {
            s.setString(1, key);
            try (ResultSet rs = s.executeQuery()) {
                return rs.next() ? rs.getString(1) : null;
            }
        }
    }

    /** 22 characters of b64url over 16 random bytes: unique without coordination. */
    private static String newStoreId() {
        byte[] bytes = new byte[16];
        new SecureRandom().nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    private static EmbeddedDataSource dataSource(Path folder) {
        EmbeddedDataSource ds = new EmbeddedDataSource();
        ds.setDatabaseName(folder.toString());
        return ds;
    }

    /** Shuts down this database only; SQLState 08006 is Derby's normal answer. */
    private void shutdownDatabase() {
        EmbeddedDataSource shutdown = dataSource(databaseFolder);
        shutdown.setShutdownDatabase("shutdown");
        try (Connection c = shutdown.getConnection()) {
            LOG.warn("Derby did not shut down the journal database at {}", databaseFolder);
        } catch (SQLException e) {
            if (SHUTDOWN_OK.equals(e.getSQLState())) {
                LOG.info("Journal database at {} shut down", databaseFolder);
            } else {
                LOG.warn("Shutting down the journal database at {} failed: {}", databaseFolder, e.toString());
            }
        }
    }

    /**
     * Sends Derby's own log to {@code {data}/logs/derby.log} unless the operator chose
     * a place, so it never lands in whatever folder the node was started from. Derby
     * reads the property when its engine boots, i.e. before the first database opens.
     */
    private static void routeDerbyLog(Path data) {
        if (System.getProperty(DERBY_LOG_PROPERTY) != null) {
            return;
        }
        Path logs = data.resolve("logs");
        try {
            Files.createDirectories(logs);
            System.setProperty(DERBY_LOG_PROPERTY, logs.resolve("derby.log").toString());
        } catch (IOException e) {
            LOG.warn("Cannot create {} for derby.log: {}", logs, e.toString());
        }
    }

    /**
     * Derby's default writes its transaction log in "rws" mode, a synchronous disk write
     * for every log page; this property makes it write normally and force the log to disk
     * at each commit instead. Equally durable (a commit returns only once its log is on
     * disk), and about twice as fast for a batch of entries. Derby reads it when its
     * engine boots, so it is set before the first connection, unless set already.
     */
    private static void syncLogAtCommit() {
        if (System.getProperty(SYNC_LOG_PROPERTY) == null) {
            System.setProperty(SYNC_LOG_PROPERTY, "true");
        }
    }

    private static void rollback(Connection c) {
        try {
            c.rollback();
        } catch (SQLException e) {
            LOG.warn("Rollback failed: {}", e.toString());
        }
    }
}
