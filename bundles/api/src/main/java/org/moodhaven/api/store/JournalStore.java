package org.moodhaven.api.store;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;

import org.moodhaven.api.entry.CanonicalJson;
import org.moodhaven.api.entry.Entry;
import org.osgi.annotation.versioning.ProviderType;

/**
 * Where entries live: kept exactly as received, each with the strictly increasing
 * sequence number of PROTOCOL.md 6.6, merged by the rule of 6.5, with the versions
 * later writes replaced kept locally, and the per-peer sync state.
 * <p>
 * Every write is one transaction: it happens whole or not at all. Sequence numbers
 * become visible in order: a reader that sees seq n sees every seq below n.
 * Reads are paged; nothing here loads the whole journal.
 * <p>
 * Implementations register with {@link #STORE_PROPERTY} and a
 * {@code service.ranking}; consumers take the best-ranked one.
 */
@ProviderType
public interface JournalStore {

    /** Service property naming the implementation, e.g. {@code "derby"} or {@code "memory"}. */
    String STORE_PROPERTY = "moodhaven.store";

    /** Most items a single page or batch read returns. */
    int MAX_PAGE = 10_000;

    /**
     * @return a short description shown by {@code mh:status}, e.g. {@code "Derby 10.16 at /data/journal-db"}
     */
    String name();

    /**
     * @return the random id made when this store was created (1 to 64 characters of
     *         {@code [A-Za-z0-9_-]}); it survives restarts
     */
    String storeId();

    /**
     * @return the highest seq assigned so far, 0 for an empty store
     * @throws StoreException if the store cannot be read
     */
    long highestSeq() throws StoreException;

    /**
     * @return the number of entries
     * @throws StoreException if the store cannot be read
     */
    long count() throws StoreException;

    /**
     * @param id an entry id
     * @return the entry, if held
     * @throws StoreException if the store cannot be read
     */
    Optional<StoredEntry> get(String id) throws StoreException;

    /**
     * Entries newest first by {@code created_at} (as instants), then by id.
     *
     * @param limit  1 to {@link #MAX_PAGE}
     * @param cursor {@code null} for the first page, else the {@code next} of the previous page
     * @return up to {@code limit} entries and the cursor of the next page
     * @throws IllegalArgumentException if the cursor or the limit is invalid
     * @throws StoreException           if the store cannot be read
     */
    EntryPage list(int limit, String cursor) throws StoreException;

    /**
     * Entries whose seq is above {@code afterSeq}, in seq order, as manifest items.
     *
     * @param afterSeq the exclusive lower bound (0 for all)
     * @param limit    1 to {@link #MAX_PAGE}
     * @return up to {@code limit} items in increasing seq
     * @throws StoreException if the store cannot be read
     */
    List<ManifestItem> changesAfter(long afterSeq, int limit) throws StoreException;

    /**
     * @param ids entry ids (at most {@link #MAX_PAGE})
     * @return the held entries among them, in no particular order
     * @throws StoreException if the store cannot be read
     */
    List<StoredEntry> getAll(Collection<String> ids) throws StoreException;

    /**
     * Reads held entries among some ids, a bounded amount at a time: it stops once the
     * entries read hold {@code maxContentBytes} of content or more (as stored: the UTF-8
     * canonical JSON of {@code content}), so a caller holds at most that much plus one
     * entry. Call it again with the ids not returned yet to read on: an id held but not
     * returned was not read because of the limit, and an empty answer means none of the
     * ids is held.
     * <p>
     * The default reads a few ids at a time through {@link #getAll}; stores override it
     * to stop within one query.
     *
     * @param ids             entry ids (at most {@link #MAX_PAGE})
     * @param maxContentBytes the content after which reading stops (at least one held entry is read)
     * @return held entries among the ids, in no particular order
     * @throws IllegalArgumentException if there are more than {@link #MAX_PAGE} ids
     * @throws StoreException           if the store cannot be read
     * @since 1.2
     */
    default List<StoredEntry> getWithin(Collection<String> ids, long maxContentBytes) throws StoreException {
        if (ids.size() > MAX_PAGE) {
            throw new IllegalArgumentException("at most " + MAX_PAGE + " ids at once");
        }
        List<String> all = new ArrayList<>(new LinkedHashSet<>(ids));
        List<StoredEntry> read = new ArrayList<>();
        long bytes = 0;
        for (int from = 0; from < all.size() && (read.isEmpty() || bytes < maxContentBytes); from += 4) {
            for (StoredEntry stored : getAll(all.subList(from, Math.min(all.size(), from + 4)))) {
                read.add(stored);
                bytes += CanonicalJson.utf8Length(stored.entry().content());
            }
        }
        return read;
    }

    /**
     * The versions held of some entries, without their content: what a sync compares a
     * peer's manifest with.
     *
     * @param ids entry ids (at most {@link #MAX_PAGE})
     * @return manifest items of the held entries among them, in no particular order
     * @throws IllegalArgumentException if there are more than {@link #MAX_PAGE} ids
     * @throws StoreException           if the store cannot be read
     * @since 1.1
     */
    List<ManifestItem> versions(Collection<String> ids) throws StoreException;

    /**
     * Applies entries received from a peer in one transaction: each is validated
     * (field rules and clock skew) and replaces the held version only when it is
     * newer by the merge rule.
     *
     * @param incoming the entries, at most {@link #MAX_PAGE}
     * @return what happened to each, and the seqs around the commit
     * @throws StoreException if the batch could not be committed; then nothing of it is stored
     */
    MergeReport merge(List<Entry> incoming) throws StoreException;

    /**
     * Stores an entry written on this device. Its {@code updated_at} is moved past
     * the version it replaces when needed, so a local edit always wins locally even
     * when this device's clock is behind.
     *
     * @param entry the entry
     * @return the stored entry as it now is
     * @throws EntryRejectedException if the entry breaks a field rule or lies too far in the future
     * @throws StoreException         if it could not be committed (nothing changed)
     */
    StoredEntry writeLocal(Entry entry) throws EntryRejectedException, StoreException;

    /**
     * @param id an entry id
     * @return the locally kept versions that later writes replaced, newest first
     * @throws StoreException if the store cannot be read
     */
    List<ReplacedVersion> replacedVersions(String id) throws StoreException;

    /**
     * Makes a kept version current again, as a local edit: its {@code updated_at} is
     * set to now (or past the current version).
     *
     * @param id        the entry id
     * @param versionId a {@link ReplacedVersion#versionId()} of that entry
     * @return the entry as now stored
     * @throws java.util.NoSuchElementException if there is no such version of that entry
     * @throws EntryRejectedException if the result would break a rule
     * @throws StoreException         if it could not be committed
     */
    StoredEntry restore(String id, long versionId) throws EntryRejectedException, StoreException;

    /**
     * @param deviceId a peer
     * @return what this store remembers of syncs with that peer, if anything
     * @throws StoreException if the store cannot be read
     */
    Optional<PeerSyncState> peerState(String deviceId) throws StoreException;

    /**
     * Records the sync state with a peer, replacing the previous one.
     *
     * @param state the new state
     * @throws StoreException if it could not be committed
     */
    void savePeerState(PeerSyncState state) throws StoreException;
}
