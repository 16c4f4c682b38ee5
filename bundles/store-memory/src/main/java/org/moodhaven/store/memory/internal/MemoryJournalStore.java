package org.moodhaven.store.memory.internal;

import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.NavigableSet;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReentrantReadWriteLock;

import org.moodhaven.api.entry.CanonicalJson;
import org.moodhaven.api.entry.Entry;
import org.moodhaven.api.entry.EntryHash;
import org.moodhaven.api.entry.EntryRules;
import org.moodhaven.api.entry.EntryVersion;
import org.moodhaven.api.entry.LocalEditRule;
import org.moodhaven.api.entry.Timestamps;
import org.moodhaven.api.node.NodeClock;
import org.moodhaven.api.store.EntryPage;
import org.moodhaven.api.store.EntryRejectedException;
import org.moodhaven.api.store.JournalStore;
import org.moodhaven.api.store.ManifestItem;
import org.moodhaven.api.store.MergeOutcome;
import org.moodhaven.api.store.MergeReport;
import org.moodhaven.api.store.PeerSyncState;
import org.moodhaven.api.store.ReplacedVersion;
import org.moodhaven.api.store.StoredEntry;
import org.moodhaven.common.store.EntryOrder;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A journal store kept in memory only, with the same semantics as the Derby store:
 * for tests, and to show that a store can be swapped at runtime. It starts empty
 * and forgets everything when it stops.
 * <p>
 * It is enabled only when an operator creates its configuration, so a node never
 * silently writes a journal to memory.
 * <p>
 * One read-write lock stands in for transactions: a write computes all its changes
 * first, then applies them under the write lock, so a reader sees a write whole or
 * not at all, and seqs become visible in order (PROTOCOL.md 6.6).
 */
@Component(name = MemoryJournalStore.PID, service = JournalStore.class,
        configurationPolicy = ConfigurationPolicy.REQUIRE,
        property = JournalStore.STORE_PROPERTY + "=memory")
@Designate(ocd = MemoryJournalStore.Config.class)
public final class MemoryJournalStore implements JournalStore {

    /** The component name and configuration pid. */
    static final String PID = "moodhaven.store.memory";

    /** Versions of replaced entries are kept at least this many days (PROTOCOL.md 6.5). */
    static final int MIN_KEEP_REPLACED_DAYS = 30;

    /** Configuration of the memory store; creating it is what enables the store. */
    @ObjectClassDefinition(name = "MoodHaven memory journal store",
            description = "Keeps the journal in memory only; everything is lost when the node stops. "
                    + "Enabled only by creating this configuration.")
    public @interface Config {

        /**
         * @return the service ranking
         */
        @AttributeDefinition(name = "Service ranking",
                description = "Among journal stores, consumers use the one with the highest ranking; "
                        + "rank this above the Derby store (100) to swap to it.")
        int service_ranking() default 0;

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

    private static final Logger LOG = LoggerFactory.getLogger(MemoryJournalStore.class);

    private static final Duration PRUNE_INTERVAL = Duration.ofDays(1);

    /** Listing order: newest created_at first (by sort key), then id ascending. */
    private static final Comparator<Position> LISTING = Comparator.comparing(Position::key).reversed()
            .thenComparing(Position::id);

    /** A place in the listing order. */
    private record Position(String key, String id) {
    }

    /** An entry as held, with its place in the listing. */
    private record Held(StoredEntry stored, Position position) {
    }

    private final String storeId = newStoreId();
    private final Duration maxClockSkew;
    private final Duration keepReplaced;

    private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
    private final Lock readLock = lock.readLock();
    private final Lock writeLock = lock.writeLock();

    // All guarded by lock.
    private final Map<String, Held> entries = new HashMap<>();
    private final NavigableMap<Long, String> bySeq = new TreeMap<>();
    private final NavigableSet<Position> byCreated = new TreeSet<>(LISTING);
    /** Per entry id, newest first. */
    private final Map<String, Deque<ReplacedVersion>> replaced = new HashMap<>();
    private final Map<String, PeerSyncState> peers = new HashMap<>();
    private long highestSeq;
    private long lastVersionId;
    private Instant lastPrune;

    private volatile NodeClock clock;

    /**
     * @param config the configuration
     */
    @Activate
    public MemoryJournalStore(Config config) {
        this.maxClockSkew = Duration.ofSeconds(Math.max(0, config.maxClockSkewSeconds()));
        int keepDays = config.keepReplacedDays();
        if (keepDays < MIN_KEEP_REPLACED_DAYS) {
            LOG.warn("keepReplacedDays {} is below the protocol's minimum; keeping replaced versions {} days",
                    keepDays, MIN_KEEP_REPLACED_DAYS);
            keepDays = MIN_KEEP_REPLACED_DAYS;
        }
        this.keepReplaced = Duration.ofDays(keepDays);
        LOG.warn("Journal store {} keeps entries in memory only: they are lost when the node stops", storeId);
    }

    @Override
    public String name() {
        return "memory (not persisted)";
    }

    @Override
    public String storeId() {
        return storeId;
    }

    @Override
    public long highestSeq() {
        readLock.lock();
        try {
            return highestSeq;
        } finally {
            readLock.unlock();
        }
    }

    @Override
    public long count() {
        readLock.lock();
        try {
            return entries.size();
        } finally {
            readLock.unlock();
        }
    }

    @Override
    public Optional<StoredEntry> get(String id) {
        Objects.requireNonNull(id, "id");
        readLock.lock();
        try {
            Held held = entries.get(id);
            return held == null ? Optional.empty() : Optional.of(held.stored());
        } finally {
            readLock.unlock();
        }
    }

    @Override
    public EntryPage list(int limit, String cursor) {
        checkLimit(limit);
        Position after = null;
        if (cursor != null) {
            EntryOrder.Position p = EntryOrder.parseCursor(cursor);
            after = new Position(p.key(), p.id());
        }
        readLock.lock();
        try {
            NavigableSet<Position> rest = after == null ? byCreated : byCreated.tailSet(after, false);
            List<StoredEntry> page = new ArrayList<>();
            Iterator<Position> it = rest.iterator();
            Position last = null;
            while (it.hasNext() && page.size() < limit) {
                last = it.next();
                page.add(entries.get(last.id()).stored());
            }
            String next = it.hasNext() ? EntryOrder.cursor(last.key(), last.id()) : null;
            return new EntryPage(page, next);
        } finally {
            readLock.unlock();
        }
    }

    @Override
    public List<ManifestItem> changesAfter(long afterSeq, int limit) {
        checkLimit(limit);
        if (afterSeq < 0) {
            throw new IllegalArgumentException("afterSeq must not be negative");
        }
        readLock.lock();
        try {
            List<ManifestItem> items = new ArrayList<>();
            for (Map.Entry<Long, String> e : bySeq.tailMap(afterSeq, false).entrySet()) {
                if (items.size() == limit) {
                    break;
                }
                StoredEntry stored = entries.get(e.getValue()).stored();
                items.add(new ManifestItem(stored.entry().id(), stored.entry().updatedAt(), stored.hash(),
                        stored.seq()));
            }
            return items;
        } finally {
            readLock.unlock();
        }
    }

    @Override
    public List<StoredEntry> getAll(Collection<String> ids) {
        if (ids.size() > MAX_PAGE) {
            throw new IllegalArgumentException("at most " + MAX_PAGE + " ids at once");
        }
        Set<String> wanted = new LinkedHashSet<>(ids);
        readLock.lock();
        try {
            List<StoredEntry> found = new ArrayList<>();
            for (String id : wanted) {
                Held held = id == null ? null : entries.get(id);
                if (held != null) {
                    found.add(held.stored());
                }
            }
            return found;
        } finally {
            readLock.unlock();
        }
    }

    @Override
    public List<StoredEntry> getWithin(Collection<String> ids, long maxContentBytes) {
        if (ids.size() > MAX_PAGE) {
            throw new IllegalArgumentException("at most " + MAX_PAGE + " ids at once");
        }
        List<StoredEntry> found = new ArrayList<>();
        long bytes = 0;
        for (StoredEntry stored : getAll(ids)) {
            if (bytes >= maxContentBytes) {
                break;
            }
            found.add(stored);
            bytes += CanonicalJson.utf8Length(stored.entry().content());
        }
        return found;
    }

    @Override
    public List<ManifestItem> versions(Collection<String> ids) {
        List<ManifestItem> items = new ArrayList<>();
        for (StoredEntry stored : getAll(ids)) {
            items.add(new ManifestItem(stored.entry().id(), stored.entry().updatedAt(), stored.hash(), stored.seq()));
        }
        return items;
    }

    @Override
    public MergeReport merge(List<Entry> incoming) {
        if (incoming.size() > MAX_PAGE) {
            throw new IllegalArgumentException("at most " + MAX_PAGE + " entries a batch");
        }
        for (Entry entry : incoming) {
            Objects.requireNonNull(entry, "entry");
        }
        writeLock.lock();
        try {
            Instant now = clock().now();
            // First decide everything (validation and hashing may throw on odd input),
            // then apply: a batch is stored whole or not at all.
            Map<String, EntryVersion> staged = new HashMap<>();
            List<MergeOutcome> outcomes = new ArrayList<>(incoming.size());
            List<Entry> winners = new ArrayList<>();
            List<String> hashes = new ArrayList<>();
            for (Entry entry : incoming) {
                Optional<String> problem = EntryRules.problem(entry, now, maxClockSkew);
                if (problem.isPresent()) {
                    outcomes.add(MergeOutcome.rejected(entry.id(), problem.get()));
                    continue;
                }
                String hash = EntryHash.of(entry);
                EntryVersion version = EntryVersion.of(entry.updatedAt(), hash);
                // A second version of an id in the same batch is compared with the first.
                EntryVersion held = staged.containsKey(entry.id()) ? staged.get(entry.id()) : heldVersion(entry.id());
                if (!version.isNewerThan(held)) {
                    outcomes.add(MergeOutcome.keptLocal(entry.id()));
                    continue;
                }
                staged.put(entry.id(), version);
                winners.add(entry);
                hashes.add(hash);
                outcomes.add(MergeOutcome.stored(entry.id()));
            }
            long seqBefore = highestSeq;
            for (int i = 0; i < winners.size(); i++) {
                put(winners.get(i), hashes.get(i), ReplacedVersion.BY_SYNC, now);
            }
            afterWrite(now);
            MergeReport report = new MergeReport(outcomes, seqBefore, highestSeq);
            LOG.debug("Merged a batch of {}: {} stored, {} kept, {} rejected; seq {} -> {}", incoming.size(),
                    report.stored(), report.keptLocal(), report.rejected(), report.seqBefore(), report.seqAfter());
            return report;
        } finally {
            writeLock.unlock();
        }
    }

    @Override
    public StoredEntry writeLocal(Entry entry) throws EntryRejectedException {
        Objects.requireNonNull(entry, "entry");
        writeLock.lock();
        try {
            Instant now = clock().now();
            reject(EntryRules.problem(entry, now, maxClockSkew));
            return putLocal(entry, now);
        } finally {
            writeLock.unlock();
        }
    }

    @Override
    public StoredEntry restore(String id, long versionId) throws EntryRejectedException {
        Objects.requireNonNull(id, "id");
        writeLock.lock();
        try {
            Instant now = clock().now();
            ReplacedVersion kept = null;
            for (ReplacedVersion v : replaced.getOrDefault(id, new ArrayDeque<>())) {
                if (v.versionId() == versionId) {
                    kept = v;
                    break;
                }
            }
            if (kept == null) {
                throw new NoSuchElementException("no kept version " + versionId + " of entry " + id);
            }
            return putLocal(kept.entry().withUpdatedAt(Timestamps.format(now)), now);
        } finally {
            writeLock.unlock();
        }
    }

    @Override
    public List<ReplacedVersion> replacedVersions(String id) {
        Objects.requireNonNull(id, "id");
        readLock.lock();
        try {
            Deque<ReplacedVersion> versions = replaced.get(id);
            return versions == null ? List.of() : List.copyOf(versions);
        } finally {
            readLock.unlock();
        }
    }

    @Override
    public Optional<PeerSyncState> peerState(String deviceId) {
        Objects.requireNonNull(deviceId, "deviceId");
        readLock.lock();
        try {
            return Optional.ofNullable(peers.get(deviceId));
        } finally {
            readLock.unlock();
        }
    }

    @Override
    public void savePeerState(PeerSyncState state) {
        Objects.requireNonNull(state, "state");
        writeLock.lock();
        try {
            peers.put(state.deviceId(), state);
        } finally {
            writeLock.unlock();
        }
    }

    @Override
    public String toString() {
        return name() + " " + storeId;
    }

    /**
     * Binds the clock to read time from; a better-ranked clock arriving later replaces it.
     *
     * @param clock the clock
     * @throws NullPointerException if {@code clock} is {@code null}
     */
    @Reference(name = "clock", policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY)
    public void setClock(NodeClock clock) {
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /**
     * Keeps the clock: the reference is mandatory, so DS binds a replacement before it
     * unbinds the clock going away, and deactivates the store when none is left. A
     * dynamic reference needs this method all the same.
     *
     * @param departing the clock going away
     */
    void unsetClock(NodeClock departing) {
        // Nothing to clear; see above.
    }

    // ---- under the write lock ----

    private StoredEntry putLocal(Entry edit, Instant now) throws EntryRejectedException {
        Entry entry = LocalEditRule.apply(edit, heldVersion(edit.id()));
        // The skew rule was checked on the updated_at the writer asked for; moving it past a
        // version from a clock ahead of ours is what makes the edit win (PROTOCOL.md 6.5).
        StoredEntry stored = put(entry, EntryHash.of(entry), ReplacedVersion.BY_LOCAL, now);
        afterWrite(now);
        return stored;
    }

    private StoredEntry put(Entry entry, String hash, String replacedBy, Instant now) {
        Held previous = entries.get(entry.id());
        if (previous != null) {
            StoredEntry old = previous.stored();
            replaced.computeIfAbsent(entry.id(), id -> new ArrayDeque<>())
                    .addFirst(new ReplacedVersion(++lastVersionId, old.entry(), old.hash(), now, replacedBy));
            bySeq.remove(old.seq());
            byCreated.remove(previous.position());
        }
        StoredEntry stored = new StoredEntry(entry, hash, ++highestSeq);
        Position position = new Position(EntryOrder.keyOf(entry.createdAt()), entry.id());
        entries.put(entry.id(), new Held(stored, position));
        bySeq.put(stored.seq(), entry.id());
        byCreated.add(position);
        return stored;
    }

    private EntryVersion heldVersion(String id) {
        Held held = entries.get(id);
        return held == null ? null : held.stored().version();
    }

    /** Prunes replaced versions at most once a day, by the node's clock. */
    private void afterWrite(Instant now) {
        if (lastPrune != null && now.isBefore(lastPrune.plus(PRUNE_INTERVAL))) {
            return;
        }
        lastPrune = now;
        Instant cutoff = now.minus(keepReplaced);
        int pruned = 0;
        for (Deque<ReplacedVersion> versions : replaced.values()) {
            // The newest (first) is always kept; older ones only while young enough.
            Iterator<ReplacedVersion> it = versions.iterator();
            it.next();
            while (it.hasNext()) {
                if (it.next().replacedAt().isBefore(cutoff)) {
                    it.remove();
                    pruned++;
                }
            }
        }
        if (pruned > 0) {
            LOG.info("Pruned {} replaced versions older than {} days", pruned, keepReplaced.toDays());
        }
    }

    private static void reject(Optional<String> problem) throws EntryRejectedException {
        if (problem.isPresent()) {
            throw new EntryRejectedException(problem.get());
        }
    }

    private static void checkLimit(int limit) {
        if (limit < 1 || limit > MAX_PAGE) {
            throw new IllegalArgumentException("limit must be 1 to " + MAX_PAGE + ", was " + limit);
        }
    }

    private NodeClock clock() {
        NodeClock c = clock;
        if (c == null) {
            throw new IllegalStateException("no NodeClock bound");
        }
        return c;
    }

    /** 22 characters of b64url over 16 random bytes: unique without coordination. */
    private static String newStoreId() {
        byte[] bytes = new byte[16];
        new SecureRandom().nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
