package org.moodhaven.testing.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.moodhaven.api.entry.CanonicalJson;
import org.moodhaven.api.entry.Entry;
import org.moodhaven.api.entry.EntryHash;
import org.moodhaven.api.entry.EntryRules;
import org.moodhaven.api.entry.EntryVersion;
import org.moodhaven.api.entry.Timestamps;
import org.moodhaven.api.store.EntryPage;
import org.moodhaven.api.store.EntryRejectedException;
import org.moodhaven.api.store.JournalStore;
import org.moodhaven.api.store.ManifestItem;
import org.moodhaven.api.store.MergeOutcome;
import org.moodhaven.api.store.MergeReport;
import org.moodhaven.api.store.PeerSyncState;
import org.moodhaven.api.store.ReplacedVersion;
import org.moodhaven.api.store.StoredEntry;
import org.moodhaven.testing.EntryGenerator;
import org.moodhaven.testing.ManualClock;
import org.moodhaven.testing.TestVectors;

/**
 * What every {@link JournalStore} must do (PROTOCOL.md 6.4 to 6.6 and the interface's
 * contract). A store module's test extends this class and says how to make an empty
 * store; every test here then runs against that implementation.
 * <p>
 * The stores read time from a {@link ManualClock} that starts at {@link #T0} and
 * moves only when a test moves it.
 */
public abstract class JournalStoreContract {

    /** Where the clock of every store starts: after all test-vector timestamps. */
    protected static final Instant T0 = Instant.parse("2026-03-18T12:00:00Z");

    /** The default maximum clock skew of PROTOCOL.md 6.5, in seconds. */
    protected static final long DEFAULT_SKEW_SECONDS = 300;

    /** The minimum retention of replaced versions (PROTOCOL.md 6.5), in days. */
    protected static final int KEEP_DAYS = 30;

    private static final Pattern MERGE_CASE = Pattern.compile("e(\\d) local, e(\\d) incoming.*");
    private static final Pattern STORE_ID = Pattern.compile("[A-Za-z0-9_-]{1,64}");

    /** The clock of {@link #store}. */
    protected ManualClock clock;

    /** An empty store with the default configuration, made before each test. */
    protected JournalStore store;

    private final List<JournalStore> opened = new ArrayList<>();

    /**
     * Makes a new, empty store.
     *
     * @param clock               the clock it reads time from
     * @param maxClockSkewSeconds its configured maximum clock skew
     * @param keepReplacedDays    its configured retention of replaced versions
     * @return the store, ready to use
     * @throws Exception if it cannot be made
     */
    protected abstract JournalStore createStore(ManualClock clock, long maxClockSkewSeconds, int keepReplacedDays)
            throws Exception;

    /**
     * Releases a store made by {@link #createStore} (deactivates it); by default nothing.
     *
     * @param closing the store
     * @throws Exception if it cannot be closed
     */
    protected void closeStore(JournalStore closing) throws Exception {
    }

    /**
     * Makes a store that is closed after the test.
     *
     * @param storeClock          its clock
     * @param maxClockSkewSeconds its maximum clock skew
     * @param keepReplacedDays    its retention of replaced versions
     * @return the store
     * @throws Exception if it cannot be made
     */
    protected final JournalStore newStore(ManualClock storeClock, long maxClockSkewSeconds, int keepReplacedDays)
            throws Exception {
        JournalStore made = createStore(storeClock, maxClockSkewSeconds, keepReplacedDays);
        opened.add(made);
        return made;
    }

    /**
     * Remembers a store the subclass opened itself (e.g. reopened), so it is closed after the test.
     *
     * @param <S>  the store type
     * @param made the store
     * @return {@code made}
     */
    protected final <S extends JournalStore> S closeAfterTest(S made) {
        opened.add(made);
        return made;
    }

    @BeforeEach
    void openDefaultStore() throws Exception {
        clock = new ManualClock(T0);
        store = newStore(clock, DEFAULT_SKEW_SECONDS, KEEP_DAYS);
    }

    @AfterEach
    void closeStores() throws Exception {
        Collections.reverse(opened);
        for (JournalStore s : opened) {
            closeStore(s);
        }
        opened.clear();
    }

    // ---------------------------------------------------------------- identity

    @Test
    void anEmptyStoreHasAnIdANameAndNothingElse() throws Exception {
        assertTrue(STORE_ID.matcher(store.storeId()).matches(), store.storeId());
        assertEquals(store.storeId(), store.storeId());
        assertFalse(store.name().isBlank());
        assertEquals(0, store.count());
        assertEquals(0, store.highestSeq());
        assertEquals(List.of(), store.changesAfter(0, 10));
        EntryPage page = store.list(10, null);
        assertEquals(List.of(), page.entries());
        assertNull(page.next());
        assertEquals(Optional.empty(), store.get("nothing-here"));
        assertEquals(List.of(), store.replacedVersions("nothing-here"));
        JournalStore other = newStore(new ManualClock(T0), DEFAULT_SKEW_SECONDS, KEEP_DAYS);
        assertNotEquals(store.storeId(), other.storeId(), "every store makes its own random id");
    }

    // ---------------------------------------------------------------- merge rule (6.5)

    /**
     * @return the mergeCases of test-vectors.json: name, local index, incoming index,
     *         whether the incoming replaces the local, and the two moods
     */
    static Stream<Arguments> mergeCases() {
        List<Arguments> cases = new ArrayList<>();
        for (JsonNode c : TestVectors.root().get("mergeCases")) {
            Matcher m = MERGE_CASE.matcher(c.get("name").asText());
            if (!m.matches()) {
                throw new IllegalStateException("unexpected merge case name " + c.get("name"));
            }
            cases.add(Arguments.of(c.get("name").asText(), Integer.parseInt(m.group(1)) - 1,
                    Integer.parseInt(m.group(2)) - 1, c.get("incomingReplacesLocal").asBoolean(),
                    c.get("localMood").asInt(), c.get("incomingMood").asInt()));
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("mergeCases")
    void mergeCasesOfTheTestVectors(String name, int local, int incoming, boolean incomingReplacesLocal,
                                    int localMood, int incomingMood) throws Exception {
        Entry held = vectorEntry(local);
        Entry arriving = vectorEntry(incoming);
        assertEquals(localMood, held.mood());
        assertEquals(incomingMood, arriving.mood());

        assertEquals(MergeOutcome.Kind.STORED, store.merge(List.of(held)).outcomes().get(0).kind());
        MergeReport report = store.merge(List.of(arriving));

        assertEquals(incomingReplacesLocal ? MergeOutcome.Kind.STORED : MergeOutcome.Kind.KEPT_LOCAL,
                report.outcomes().get(0).kind());
        int winner = incomingReplacesLocal ? incoming : local;
        StoredEntry stored = store.get(held.id()).orElseThrow();
        assertEquals(vectorEntry(winner), stored.entry());
        assertEquals(vectorHash(winner), stored.hash(), "stored h is the vector's h");
        assertEquals(vectorEntry(winner).updatedAt(), stored.entry().updatedAt());
        List<ReplacedVersion> replaced = store.replacedVersions(held.id());
        if (incomingReplacesLocal) {
            assertEquals(1, replaced.size());
            assertEquals(held, replaced.get(0).entry());
            assertEquals(vectorHash(local), replaced.get(0).hash());
            assertEquals(ReplacedVersion.BY_SYNC, replaced.get(0).replacedBy());
        } else {
            assertEquals(List.of(), replaced);
        }
    }

    @Test
    void equalTimestampsResolveByHashTheSameWayInEitherOrder() throws Exception {
        // e1, e2 and e4 name the same instant (e4 with another offset): h decides.
        List<Entry> sameInstant = List.of(vectorEntry(0), vectorEntry(1), vectorEntry(3));
        String greatestHash = Stream.of(0, 1, 3).map(JournalStoreContract::vectorHash).max(String::compareTo)
                .orElseThrow();
        JournalStore forward = store;
        JournalStore backward = newStore(new ManualClock(T0), DEFAULT_SKEW_SECONDS, KEEP_DAYS);
        JournalStore oneBatch = newStore(new ManualClock(T0), DEFAULT_SKEW_SECONDS, KEEP_DAYS);
        for (Entry e : sameInstant) {
            forward.merge(List.of(e));
        }
        List<Entry> reversed = new ArrayList<>(sameInstant);
        Collections.reverse(reversed);
        for (Entry e : reversed) {
            backward.merge(List.of(e));
        }
        oneBatch.merge(reversed);
        for (JournalStore s : List.of(forward, backward, oneBatch)) {
            assertEquals(greatestHash, s.get("entry-0001").orElseThrow().hash());
        }
    }

    @Test
    void everyArrivalOrderEndsWithTheSameEntry() throws Exception {
        List<Entry> versions = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            versions.add(vectorEntry(i));
        }
        int n = 0;
        for (List<Integer> order : permutations(List.of(0, 1, 2, 3))) {
            String id = "conv-" + n++;
            List<Entry> reId = versions.stream().map(e -> withId(e, id)).toList();
            Entry expected = reId.stream().max((a, b) -> EntryVersion.of(a).compareTo(EntryVersion.of(b)))
                    .orElseThrow();
            for (int i : order) {
                store.merge(List.of(reId.get(i)));
            }
            StoredEntry held = store.get(id).orElseThrow();
            assertEquals(expected, held.entry(), "order " + order);
            assertEquals(EntryHash.of(expected), held.hash());
        }
    }

    @Test
    void aSecondVersionOfAnIdInTheSameBatchIsComparedWithTheFirst() throws Exception {
        EntryGenerator gen = EntryGenerator.standard();
        Entry older = gen.version(1, 1);
        Entry newer = gen.version(1, 2);
        MergeReport up = store.merge(List.of(older, newer));
        assertEquals(List.of(MergeOutcome.stored(older.id()), MergeOutcome.stored(newer.id())), up.outcomes());
        assertEquals(up.seqBefore() + 2, up.seqAfter(), "both versions took a seq");
        assertEquals(newer, store.get(newer.id()).orElseThrow().entry());
        List<ReplacedVersion> replaced = store.replacedVersions(newer.id());
        assertEquals(1, replaced.size());
        assertEquals(older, replaced.get(0).entry());
        assertEquals(ReplacedVersion.BY_SYNC, replaced.get(0).replacedBy());

        Entry a = gen.version(2, 2);
        Entry b = gen.version(2, 1);
        MergeReport down = store.merge(List.of(a, b));
        assertEquals(List.of(MergeOutcome.stored(a.id()), MergeOutcome.keptLocal(b.id())), down.outcomes());
        assertEquals(a, store.get(a.id()).orElseThrow().entry());
        assertEquals(List.of(), store.replacedVersions(a.id()));

        MergeReport same = store.merge(List.of(a, a));
        assertEquals(List.of(MergeOutcome.keptLocal(a.id()), MergeOutcome.keptLocal(a.id())), same.outcomes());
        assertEquals(same.seqBefore(), same.seqAfter());
    }

    @Test
    void fieldsAreKeptExactlyAsGiven() throws Exception {
        Map<String, String> content = new LinkedHashMap<>();
        content.put("salt", "AAAAAAAAAAAAAAAAAAAAAA==");
        content.put("iv", "AAECAwQFBgcICQoL");
        content.put("data", "c2VjcmV0IGJsb2I=");
        content.put("note \"quoted\"", "back\\slash / new\nline\ttab \u0000 \u001f \u2028 \u00e9 \ud83d\ude00 </>");
        content.put("", "");
        Entry merged = new Entry("odd-ts", "2026-03-18t10:00:00.123456789+01:00", "2026-03-18T11:59:59.5z",
                content, null, "private_mode-1", "book_1", true);
        Entry local = new Entry("odd-local", "2026-03-17T00:00:00-11:30", "2026-03-18T11:30:00.000000001-00:25",
                content, 5, "normal", null, false);

        assertEquals(MergeOutcome.Kind.STORED, store.merge(List.of(merged)).outcomes().get(0).kind());
        StoredEntry written = store.writeLocal(local);
        assertEquals(local, written.entry(), "a new local entry is stored as given");

        for (Entry e : List.of(merged, local)) {
            StoredEntry held = store.get(e.id()).orElseThrow();
            assertEquals(e, held.entry());
            assertEquals(e.createdAt(), held.entry().createdAt());
            assertEquals(e.updatedAt(), held.entry().updatedAt());
            assertEquals(content, held.entry().content());
            assertEquals(EntryHash.of(e), held.hash());
        }
        assertEquals(Set.of(merged, local), store.getAll(List.of("odd-ts", "odd-local")).stream()
                .map(StoredEntry::entry).collect(Collectors.toSet()));
        assertEquals(Set.of(merged, local), store.list(10, null).entries().stream().map(StoredEntry::entry)
                .collect(Collectors.toSet()));
        Map<String, String> updatedAt = store.changesAfter(0, 10).stream()
                .collect(Collectors.toMap(ManifestItem::id, ManifestItem::updatedAt));
        assertEquals(Map.of("odd-ts", merged.updatedAt(), "odd-local", local.updatedAt()), updatedAt);

        Entry newer = new Entry("odd-ts", merged.createdAt(), "2026-03-18T12:00:00Z", Map.of("iv", "a", "data",
                "b", "salt", "c"), 1, "normal", null, false);
        store.merge(List.of(newer));
        ReplacedVersion kept = store.replacedVersions("odd-ts").get(0);
        assertEquals(merged, kept.entry());
        assertEquals(EntryHash.of(merged), kept.hash());
    }

    // ---------------------------------------------------------------- field rules

    @Test
    void invalidEntriesAreRejectedWithReasonsAndNotStored() throws Exception {
        Entry valid = EntryGenerator.standard().entry(1);
        List<Entry> invalid = invalidVariants(valid);
        List<Entry> batch = new ArrayList<>();
        batch.add(valid);
        batch.addAll(invalid);
        Entry last = EntryGenerator.standard().entry(2);
        batch.add(last);

        MergeReport report = store.merge(batch);

        assertEquals(batch.size(), report.outcomes().size());
        assertEquals(MergeOutcome.stored(valid.id()), report.outcomes().get(0));
        assertEquals(MergeOutcome.stored(last.id()), report.outcomes().get(batch.size() - 1));
        for (int i = 1; i <= invalid.size(); i++) {
            MergeOutcome outcome = report.outcomes().get(i);
            assertEquals(MergeOutcome.Kind.REJECTED, outcome.kind(), "variant " + i);
            assertEquals(batch.get(i).id(), outcome.id());
            assertFalse(outcome.reason() == null || outcome.reason().isBlank(), "variant " + i + " has a reason");
        }
        assertEquals(2, report.stored());
        assertEquals(invalid.size(), report.rejected());
        assertEquals(2, store.count());
        for (Entry e : invalid) {
            if (!e.id().equals(valid.id()) && !e.id().equals(last.id())) {
                assertEquals(Optional.empty(), store.get(e.id()), e.id());
            }
        }
        assertEquals(valid, store.get(valid.id()).orElseThrow().entry(), "the valid one was not overwritten");

        long seq = store.highestSeq();
        for (Entry e : invalid) {
            EntryRejectedException thrown = assertThrows(EntryRejectedException.class, () -> store.writeLocal(e));
            assertFalse(thrown.getMessage() == null || thrown.getMessage().isBlank());
        }
        assertEquals(2, store.count());
        assertEquals(seq, store.highestSeq());
        assertEquals(valid, store.get(valid.id()).orElseThrow().entry());
    }

    @Test
    void anEntryTooFarInTheFutureIsRejectedUntilTheClockCatchesUp() throws Exception {
        Entry tooLate = futureEntry("future-1", T0.plusSeconds(DEFAULT_SKEW_SECONDS).plusMillis(1));
        Entry justInTime = futureEntry("future-2", T0.plusSeconds(DEFAULT_SKEW_SECONDS));

        MergeReport report = store.merge(List.of(tooLate, justInTime));
        assertEquals(MergeOutcome.Kind.REJECTED, report.outcomes().get(0).kind());
        assertTrue(report.outcomes().get(0).reason().contains("future"), report.outcomes().get(0).reason());
        assertEquals(MergeOutcome.Kind.STORED, report.outcomes().get(1).kind());
        assertThrows(EntryRejectedException.class, () -> store.writeLocal(tooLate));
        assertEquals(Optional.empty(), store.get(tooLate.id()));

        clock.advance(Duration.ofMillis(1));
        assertEquals(MergeOutcome.Kind.STORED, store.merge(List.of(tooLate)).outcomes().get(0).kind());
        assertEquals(tooLate, store.get(tooLate.id()).orElseThrow().entry());

        Entry local = futureEntry("future-3", T0.plusSeconds(2 * DEFAULT_SKEW_SECONDS));
        assertThrows(EntryRejectedException.class, () -> store.writeLocal(local));
        clock.advance(Duration.ofSeconds(DEFAULT_SKEW_SECONDS));
        assertEquals(local, store.writeLocal(local).entry());
    }

    @Test
    void theConfiguredSkewIsTheLimit() throws Exception {
        ManualClock own = new ManualClock(T0);
        JournalStore strict = newStore(own, 60, KEEP_DAYS);
        MergeReport report = strict.merge(List.of(futureEntry("skew-61", T0.plusSeconds(61)),
                futureEntry("skew-60", T0.plusSeconds(60))));
        assertEquals(MergeOutcome.Kind.REJECTED, report.outcomes().get(0).kind());
        assertEquals(MergeOutcome.Kind.STORED, report.outcomes().get(1).kind());
    }

    // ---------------------------------------------------------------- local edits

    @Test
    void aLocalEditWinsEvenWhenThisClockIsBehind() throws Exception {
        Entry fromPeer = futureEntry("behind", T0.plus(Duration.ofMinutes(2)));
        store.merge(List.of(fromPeer));
        long before = store.highestSeq();

        Entry edit = new Entry("behind", fromPeer.createdAt(), Timestamps.format(T0), Map.of("iv", "x", "data", "y",
                "salt", "z"), 2, "normal", null, false);
        StoredEntry stored = store.writeLocal(edit);

        assertEquals("2026-03-18T12:02:00.001Z", stored.entry().updatedAt());
        assertEquals(edit.withUpdatedAt("2026-03-18T12:02:00.001Z"), stored.entry());
        assertEquals(EntryHash.of(stored.entry()), stored.hash());
        assertTrue(stored.seq() > before);
        assertEquals(stored, store.get("behind").orElseThrow());
        assertTrue(stored.version().isNewerThan(EntryVersion.of(fromPeer)));
        List<ReplacedVersion> replaced = store.replacedVersions("behind");
        assertEquals(1, replaced.size());
        assertEquals(fromPeer, replaced.get(0).entry());
        assertEquals(ReplacedVersion.BY_LOCAL, replaced.get(0).replacedBy());
        assertEquals(T0, replaced.get(0).replacedAt());

        // An edit already later than the held version keeps its updated_at as written.
        clock.advance(Duration.ofMinutes(10));
        Entry later = edit.withUpdatedAt("2026-03-18t12:10:00.25+00:00");
        assertEquals(later, store.writeLocal(later).entry());
    }

    @Test
    void aLocalEditWinsEvenOverAVersionFromAClockAheadOfOurs() throws Exception {
        // The peer's version sits at the skew limit (its clock is ahead of ours). An edit made
        // here must still win: the skew rule checks the updated_at the writer asked for, and
        // the local-edit rule then moves it just past the held version (PROTOCOL.md 6.5).
        Entry atLimit = futureEntry("at-limit", T0.plusSeconds(DEFAULT_SKEW_SECONDS));
        store.merge(List.of(atLimit));
        Entry edit = atLimit.withUpdatedAt(Timestamps.format(T0));
        StoredEntry stored = store.writeLocal(edit);
        assertEquals(Timestamps.format(T0.plusSeconds(DEFAULT_SKEW_SECONDS).plusMillis(1)), stored.entry().updatedAt());
        assertEquals(List.of(atLimit), store.replacedVersions("at-limit").stream().map(ReplacedVersion::entry).toList());

        Entry tooFar = edit.withUpdatedAt(Timestamps.format(T0.plusSeconds(DEFAULT_SKEW_SECONDS + 1)));
        assertThrows(EntryRejectedException.class, () -> store.writeLocal(tooFar),
                "a writer asking for a time beyond the skew is refused");
    }

    // ---------------------------------------------------------------- replaced versions

    @Test
    void replacedVersionsAreListedNewestFirstAndRestorable() throws Exception {
        EntryGenerator gen = EntryGenerator.standard();
        Entry v0 = gen.version(5, 0);
        Entry v1 = gen.version(5, 1);
        Entry v2 = gen.version(5, 2);
        store.merge(List.of(v0));
        clock.advance(Duration.ofMinutes(1));
        store.writeLocal(v1);
        clock.advance(Duration.ofMinutes(1));
        store.merge(List.of(v2));

        List<ReplacedVersion> versions = store.replacedVersions(v0.id());
        assertEquals(List.of(v1, v0), versions.stream().map(ReplacedVersion::entry).toList());
        assertEquals(List.of(ReplacedVersion.BY_SYNC, ReplacedVersion.BY_LOCAL),
                versions.stream().map(ReplacedVersion::replacedBy).toList());
        assertEquals(List.of(T0.plus(Duration.ofMinutes(2)), T0.plus(Duration.ofMinutes(1))),
                versions.stream().map(ReplacedVersion::replacedAt).toList());
        assertEquals(List.of(EntryHash.of(v1), EntryHash.of(v0)),
                versions.stream().map(ReplacedVersion::hash).toList());
        assertNotEquals(versions.get(0).versionId(), versions.get(1).versionId());

        clock.advance(Duration.ofMinutes(1));
        long before = store.highestSeq();
        StoredEntry restored = store.restore(v0.id(), versions.get(1).versionId());

        Entry expected = v0.withUpdatedAt(Timestamps.format(clock.now()));
        assertEquals(expected, restored.entry());
        assertEquals(v0.createdAt(), restored.entry().createdAt());
        assertEquals(EntryHash.of(expected), restored.hash());
        assertTrue(restored.seq() > before);
        assertEquals(restored, store.get(v0.id()).orElseThrow());
        List<ReplacedVersion> after = store.replacedVersions(v0.id());
        assertEquals(v2, after.get(0).entry());
        assertEquals(ReplacedVersion.BY_LOCAL, after.get(0).replacedBy());
        assertTrue(after.stream().anyMatch(v -> v.entry().equals(v0)), "the restored version stays kept");

        Entry other = gen.entry(6);
        store.merge(List.of(other));
        long versionOfAnother = versions.get(0).versionId();
        assertThrows(NoSuchElementException.class, () -> store.restore(other.id(), versionOfAnother));
        assertThrows(NoSuchElementException.class, () -> store.restore(v0.id(), 987_654_321L));
        assertThrows(NoSuchElementException.class, () -> store.restore("no-such-entry", versionOfAnother));
        assertEquals(restored, store.get(v0.id()).orElseThrow());
    }

    @Test
    void restoreMovesPastTheCurrentVersionWhenTheClockIsBehind() throws Exception {
        Entry first = futureEntry("restore-behind", T0.minus(Duration.ofHours(1)));
        Entry ahead = futureEntry("restore-behind", T0.plus(Duration.ofMinutes(3)));
        store.merge(List.of(first));
        store.merge(List.of(ahead));
        long versionId = store.replacedVersions(first.id()).get(0).versionId();

        StoredEntry restored = store.restore(first.id(), versionId);

        assertEquals(first.withUpdatedAt("2026-03-18T12:03:00.001Z"), restored.entry());
    }

    @Test
    void oldReplacedVersionsArePrunedExceptTheNewestPerEntry() throws Exception {
        assertRetention(store, clock);
    }

    @Test
    void aRetentionBelowThirtyDaysIsRaisedToThirty() throws Exception {
        ManualClock own = new ManualClock(T0);
        JournalStore shortLived = newStore(own, DEFAULT_SKEW_SECONDS, 1);
        assertRetention(shortLived, own);
    }

    /**
     * Replaces versions at day 0 and day 10, then writes at days 12, 29, 31 and 41 (each
     * write prunes at most once a day) and checks what is kept.
     */
    private static void assertRetention(JournalStore s, ManualClock c) throws Exception {
        EntryGenerator gen = EntryGenerator.standard();
        Entry a0 = gen.version(10, 0);
        Entry a1 = gen.version(10, 1);
        Entry a2 = gen.version(10, 2);
        Entry a3 = gen.version(10, 3);
        Entry b0 = gen.version(11, 0);
        Entry b1 = gen.version(11, 1);
        s.merge(List.of(a0, b0));
        s.writeLocal(a1);
        s.writeLocal(a2);
        s.merge(List.of(b1));
        c.advance(Duration.ofDays(10));
        s.writeLocal(a3);
        assertEquals(List.of(a2, a1, a0), entriesOf(s.replacedVersions(a0.id())));

        int other = 100;
        for (int day : new int[] {12, 29}) {
            c.set(T0.plus(Duration.ofDays(day)));
            s.merge(List.of(gen.entry(other++)));
            assertEquals(List.of(a2, a1, a0), entriesOf(s.replacedVersions(a0.id())), "day " + day);
            assertEquals(List.of(b0), entriesOf(s.replacedVersions(b0.id())), "day " + day);
        }
        c.set(T0.plus(Duration.ofDays(31)));
        s.merge(List.of(gen.entry(other++)));
        assertEquals(List.of(a2), entriesOf(s.replacedVersions(a0.id())), "older than 30 days, not the newest");
        assertEquals(List.of(b0), entriesOf(s.replacedVersions(b0.id())), "the newest per entry is kept");

        c.set(T0.plus(Duration.ofDays(41)));
        s.merge(List.of(gen.entry(other)));
        assertEquals(List.of(a2), entriesOf(s.replacedVersions(a0.id())), "the newest per entry is kept");
        assertEquals(List.of(b0), entriesOf(s.replacedVersions(b0.id())));
    }

    // ---------------------------------------------------------------- listing

    @Test
    void pagingSeesEveryEntryOnceNewestFirstWhileEntriesArrive() throws Exception {
        EntryGenerator gen = new EntryGenerator(7, 32, Instant.parse("2026-01-01T00:00:00Z"));
        Set<String> initial = new HashSet<>();
        List<Entry> batch = new ArrayList<>();
        for (int i = 0; i < 240; i++) {
            Entry e = gen.entry(i);
            batch.add(e);
            initial.add(e.id());
            if (batch.size() == 60) {
                store.merge(batch);
                batch.clear();
            }
        }
        // The same instant written five ways, and ids that differ only in the tie-break.
        String[] sameInstant = {"2026-01-01T02:00:00Z", "2026-01-01T03:00:00+01:00", "2026-01-01t02:00:00.000z",
            "2026-01-01T01:00:00-01:00", "2026-01-01T02:00:00.000000000Z"};
        for (int i = 0; i < sameInstant.length; i++) {
            Entry e = new Entry("tie-" + (char) ('e' - i), sameInstant[i], "2026-03-01T00:00:00Z",
                    Map.of("iv", "i", "data", "d", "salt", "s"), null, "normal", null, false);
            batch.add(e);
            initial.add(e.id());
        }
        store.merge(batch);
        assertEquals(initial.size(), store.count());

        List<StoredEntry> seen = new ArrayList<>();
        Set<String> olderArrivals = new HashSet<>();
        String cursor = null;
        int page = 0;
        do {
            EntryPage p = store.list(7, cursor);
            assertTrue(p.entries().size() <= 7);
            assertFalse(p.entries().isEmpty(), "a cursor never leads to an empty page");
            seen.addAll(p.entries());
            cursor = p.next();
            if (cursor != null) {
                // Arrivals while paging: one newer than everything (before the cursor,
                // so not on a later page) and one older than everything (after it).
                Entry newer = new Entry("new-" + page, Timestamps.format(T0.plusSeconds(page)),
                        Timestamps.format(T0), Map.of("iv", "i", "data", "d", "salt", "s"), null, "normal", null,
                        false);
                Entry older = new Entry("old-" + page, Timestamps.format(Instant.parse("2025-01-01T00:00:00Z")
                        .minusSeconds(page)), Timestamps.format(T0), Map.of("iv", "i", "data", "d", "salt", "s"),
                        null, "normal", null, false);
                store.merge(List.of(newer, older));
                olderArrivals.add(older.id());
            }
            page++;
        } while (cursor != null);

        List<String> ids = seen.stream().map(s -> s.entry().id()).toList();
        assertEquals(ids.size(), new HashSet<>(ids).size(), "no entry twice");
        assertTrue(ids.containsAll(initial), "every entry that was there from the start");
        assertTrue(ids.containsAll(olderArrivals), "every arrival after the cursor");
        for (int i = 1; i < seen.size(); i++) {
            assertTrue(listingOrder(seen.get(i - 1).entry(), seen.get(i).entry()) < 0,
                    "newest first, then by id: " + ids.get(i - 1) + " before " + ids.get(i));
        }
        List<String> ties = ids.stream().filter(id -> id.startsWith("tie-")).toList();
        assertEquals(List.of("tie-a", "tie-b", "tie-c", "tie-d", "tie-e"), ties);
    }

    @Test
    void aFullLastPageHasNoNextCursor() throws Exception {
        EntryGenerator gen = EntryGenerator.standard();
        store.merge(List.of(gen.entry(1), gen.entry(2), gen.entry(3), gen.entry(4)));
        EntryPage first = store.list(2, null);
        assertEquals(List.of(gen.entry(4), gen.entry(3)), first.entries().stream().map(StoredEntry::entry).toList());
        EntryPage second = store.list(2, first.next());
        assertEquals(List.of(gen.entry(2), gen.entry(1)),
                second.entries().stream().map(StoredEntry::entry).toList());
        assertNull(second.next());
        assertNull(store.list(4, null).next());
        assertEquals(4, store.list(JournalStore.MAX_PAGE, null).entries().size());
    }

    @Test
    void invalidLimitsAndCursorsAreRefused() throws Exception {
        EntryGenerator gen = EntryGenerator.standard();
        store.merge(List.of(gen.entry(1), gen.entry(2), gen.entry(3)));
        String good = store.list(1, null).next();
        assertEquals(1, store.list(1, good).entries().size());
        for (String bad : List.of("", "!!!", "not a cursor", good + "!", b64url("garbage"),
                b64url("02026-01-01T00:00:00.000000000Z|bad id"), b64url("02026-01-01T00:00:00.000000000Z|"),
                b64url("2026-01-01T00:00:00.000000000Z|gen-42-1"), b64url("02026-01-01T00:00:00.000000000Zgen-42-1"),
                b64url("02026-01-01T00:00:00.000000000Z|gen-42-1|x"))) {
            assertThrows(IllegalArgumentException.class, () -> store.list(1, bad), bad);
        }
        for (int limit : new int[] {0, -1, JournalStore.MAX_PAGE + 1}) {
            assertThrows(IllegalArgumentException.class, () -> store.list(limit, null));
            assertThrows(IllegalArgumentException.class, () -> store.changesAfter(0, limit));
        }
        assertThrows(IllegalArgumentException.class, () -> store.changesAfter(-1, 10));
        List<String> tooMany = Collections.nCopies(JournalStore.MAX_PAGE + 1, "x");
        assertThrows(IllegalArgumentException.class, () -> store.getAll(tooMany));
        assertThrows(IllegalArgumentException.class, () -> store.versions(tooMany));
        List<Entry> tooBig = Collections.nCopies(JournalStore.MAX_PAGE + 1, gen.entry(1));
        assertThrows(IllegalArgumentException.class, () -> store.merge(tooBig));
    }

    // ---------------------------------------------------------------- reads by id and seq

    @Test
    void getAllReturnsTheHeldOnesAmongTheIds() throws Exception {
        EntryGenerator gen = EntryGenerator.standard();
        List<Entry> entries = new ArrayList<>();
        for (int i = 0; i < 250; i++) {
            entries.add(gen.entry(i));
        }
        store.merge(entries);
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 300; i += 2) {
            ids.add(gen.id(i));
        }
        ids.add(gen.id(4));
        ids.add("not held");
        ids.add("x".repeat(65));
        List<StoredEntry> found = store.getAll(ids);
        assertEquals(125, found.size());
        Set<String> foundIds = found.stream().map(s -> s.entry().id()).collect(Collectors.toSet());
        assertEquals(125, foundIds.size());
        for (StoredEntry s : found) {
            assertEquals(store.get(s.entry().id()).orElseThrow(), s);
        }
        assertEquals(List.of(), store.getAll(List.of()));
        assertEquals(List.of(), store.getAll(List.of("nope")));
    }

    @Test
    void getWithinReadsABoundedAmountOfContentAtATimeAndEveryHeldEntryOnce() throws Exception {
        EntryGenerator gen = new EntryGenerator(11, 100 * 1024, Instant.parse("2026-01-01T00:00:00Z"));
        List<Entry> entries = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            entries.add(gen.entry(i));
        }
        store.merge(entries);
        long largest = 0;
        for (Entry entry : entries) {
            largest = Math.max(largest, contentBytes(entry));
        }
        Set<String> unread = new LinkedHashSet<>();
        for (int i = 0; i < 25; i++) {
            unread.add(gen.id(i)); // 20 held, 5 not
        }
        long limit = 300 * 1024;
        Set<String> seen = new HashSet<>();
        int calls = 0;
        List<StoredEntry> read;
        while (!(read = store.getWithin(unread, limit)).isEmpty()) {
            calls++;
            long bytes = 0;
            for (StoredEntry stored : read) {
                assertEquals(store.get(stored.entry().id()).orElseThrow(), stored);
                assertTrue(seen.add(stored.entry().id()), "read twice: " + stored.entry().id());
                unread.remove(stored.entry().id());
                bytes += contentBytes(stored.entry());
            }
            assertTrue(bytes < limit + largest, "one call read " + bytes + " bytes of content, limit " + limit);
            assertTrue(calls <= 20, "the reads never ended");
        }
        assertEquals(entries.stream().map(Entry::id).collect(Collectors.toSet()), seen);
        assertTrue(calls >= 6, "20 entries of 100 KiB in reads of about 300 KiB took " + calls + " calls");
        assertEquals(List.of(), store.getWithin(List.of("not held", "x".repeat(65)), limit));
        assertEquals(1, store.getWithin(List.of(gen.id(1), gen.id(2)), 1).size(), "at least one entry is read");
    }

    private static long contentBytes(Entry entry) {
        return CanonicalJson.ofObject(entry.content())
                .getBytes(StandardCharsets.UTF_8).length;
    }

    @Test
    void versionsNameTheHeldVersionsWithoutContent() throws Exception {
        EntryGenerator gen = EntryGenerator.standard();
        store.merge(List.of(gen.entry(1), gen.entry(2), gen.version(3, 0)));
        store.merge(List.of(gen.version(3, 1)));
        List<String> ids = List.of(gen.id(1), gen.id(3), gen.id(3), "not held", "x".repeat(65));

        List<ManifestItem> versions = store.versions(ids);

        assertEquals(2, versions.size());
        for (ManifestItem item : versions) {
            StoredEntry held = store.get(item.id()).orElseThrow();
            assertEquals(new ManifestItem(held.entry().id(), held.entry().updatedAt(), held.hash(), held.seq()), item);
        }
        assertEquals(List.of(), store.versions(List.of()));
    }

    @Test
    void changesAfterListsEntriesInSeqOrder() throws Exception {
        EntryGenerator gen = EntryGenerator.standard();
        for (int i = 0; i < 5; i++) {
            store.merge(List.of(gen.entry(i)));
        }
        store.writeLocal(gen.version(1, 1));

        List<ManifestItem> all = store.changesAfter(0, 100);
        assertEquals(List.of(gen.id(0), gen.id(2), gen.id(3), gen.id(4), gen.id(1)),
                all.stream().map(ManifestItem::id).toList(), "a replaced entry moves to its new seq");
        for (int i = 1; i < all.size(); i++) {
            assertTrue(all.get(i).seq() > all.get(i - 1).seq());
        }
        for (ManifestItem item : all) {
            StoredEntry held = store.get(item.id()).orElseThrow();
            assertEquals(new ManifestItem(held.entry().id(), held.entry().updatedAt(), held.hash(), held.seq()), item);
            assertEquals(held.version(), item.version());
        }
        assertEquals(all.get(all.size() - 1).seq(), store.highestSeq());
        assertEquals(all.subList(2, 4), store.changesAfter(all.get(1).seq(), 2));
        assertEquals(all.subList(1, 5), store.changesAfter(all.get(0).seq(), JournalStore.MAX_PAGE));
        assertEquals(List.of(), store.changesAfter(store.highestSeq(), 10));
        assertEquals(List.of(), store.changesAfter(store.highestSeq() + 1000, 10));
    }

    @Test
    void seqsStrictlyIncreaseAcrossInsertsAndReplacements() throws Exception {
        EntryGenerator gen = EntryGenerator.standard();
        long last = store.highestSeq();

        MergeReport insert = store.merge(List.of(gen.entry(1), gen.entry(2)));
        assertEquals(last, insert.seqBefore());
        assertTrue(insert.seqAfter() >= insert.seqBefore() + 2);
        last = assertNewSeq(last, insert.seqAfter(), store.get(gen.id(2)).orElseThrow().seq());
        assertTrue(store.get(gen.id(1)).orElseThrow().seq() < store.get(gen.id(2)).orElseThrow().seq(),
                "seqs follow the batch order");

        MergeReport replace = store.merge(List.of(gen.version(1, 1)));
        last = assertNewSeq(last, replace.seqAfter(), store.get(gen.id(1)).orElseThrow().seq());

        MergeReport nothing = store.merge(List.of(gen.version(1, 1), gen.version(1, 0), futureEntry("f",
                T0.plus(Duration.ofDays(1)))));
        assertEquals(0, nothing.stored());
        assertEquals(last, nothing.seqBefore());
        assertEquals(last, nothing.seqAfter());
        assertEquals(last, store.highestSeq(), "kept and rejected entries take no seq");

        last = assertNewSeq(last, store.writeLocal(gen.entry(3)).seq(), store.highestSeq());
        last = assertNewSeq(last, store.writeLocal(gen.version(3, 1)).seq(), store.highestSeq());
        long versionId = store.replacedVersions(gen.id(3)).get(0).versionId();
        last = assertNewSeq(last, store.restore(gen.id(3), versionId).seq(), store.highestSeq());
        MergeReport mixed = store.merge(List.of(gen.entry(4), gen.version(2, 5), gen.version(2, 6)));
        assertEquals(last, mixed.seqBefore());
        last = assertNewSeq(last, mixed.seqAfter(), store.get(gen.id(2)).orElseThrow().seq());
        assertEquals(last, store.highestSeq());

        store.merge(List.of());
        assertEquals(last, store.highestSeq());
    }

    private long assertNewSeq(long previous, long reported, long held) throws Exception {
        assertTrue(reported > previous, reported + " > " + previous);
        assertEquals(reported, held);
        assertEquals(reported, store.highestSeq());
        return reported;
    }

    // ---------------------------------------------------------------- peers

    @Test
    void peerStateRoundTrips() throws Exception {
        assertEquals(Optional.empty(), store.peerState("9a4f0b2c1d3e5f60"));
        PeerSyncState first = new PeerSyncState("9a4f0b2c1d3e5f60", null, 0, null, null);
        store.savePeerState(first);
        assertEquals(Optional.of(first), store.peerState("9a4f0b2c1d3e5f60"));

        PeerSyncState second = new PeerSyncState("9a4f0b2c1d3e5f60", "aB3_-x", 9_007_199_254_740_991L,
                Instant.parse("2026-03-18T10:00:00.123456789Z"), Instant.parse("2026-03-17T10:00:00Z"));
        store.savePeerState(second);
        assertEquals(Optional.of(second), store.peerState("9a4f0b2c1d3e5f60"));

        PeerSyncState other = new PeerSyncState("0000000000000000", "s", 1, T0, null);
        store.savePeerState(other);
        assertEquals(Optional.of(second), store.peerState("9a4f0b2c1d3e5f60"));
        assertEquals(Optional.of(other), store.peerState("0000000000000000"));
        assertEquals(0, store.highestSeq(), "peer state takes no seq");
    }

    // ---------------------------------------------------------------- concurrency (6.6)

    @Test
    void aWatermarkReaderMissesNothingWhileWritersRun() throws Exception {
        assertWatermarkReaderSeesEveryWrite(store, 4, 45);
    }

    /**
     * Several writers (local writes, merge batches, replacements) run while a reader
     * repeatedly asks for {@code changesAfter(watermark)} and moves its watermark to
     * the highest seq it saw, as an incremental manifest does. At the end the reader
     * must have seen every entry written: a store whose seqs become visible out of
     * order makes it skip some, forever.
     *
     * @param target          the store (its clock must be at or after {@link #T0})
     * @param writers         how many writer threads
     * @param writesPerWriter how many writes each makes
     * @throws Exception if a write or read fails
     */
    protected static void assertWatermarkReaderSeesEveryWrite(JournalStore target, int writers, int writesPerWriter)
            throws Exception {
        // Entries from 2025 on, a minute apart: all far behind the clock, so none is rejected.
        EntryGenerator gen = new EntryGenerator(99, 48, Instant.parse("2025-01-01T00:00:00Z"));
        Set<String> written = ConcurrentHashMap.newKeySet();
        Set<String> seen = new HashSet<>();
        AtomicBoolean writersDone = new AtomicBoolean();
        AtomicLong reads = new AtomicLong();
        CyclicBarrier start = new CyclicBarrier(writers + 1);
        ExecutorService pool = Executors.newFixedThreadPool(writers + 1);
        try {
            List<Future<?>> writing = new ArrayList<>();
            for (int w = 0; w < writers; w++) {
                long base = w * 10_000L;
                writing.add(pool.submit(() -> {
                    start.await();
                    for (int i = 0; i < writesPerWriter; i++) {
                        long index = base + 2L * i;
                        switch (i % 3) {
                            case 0 -> {
                                target.writeLocal(gen.entry(index));
                                written.add(gen.id(index));
                            }
                            case 1 -> {
                                MergeReport r = target.merge(List.of(gen.entry(index), gen.entry(index + 1)));
                                assertEquals(2, r.stored());
                                written.add(gen.id(index));
                                written.add(gen.id(index + 1));
                            }
                            default -> {
                                MergeReport r = target.merge(List.of(gen.version(index - 2, 1), gen.entry(index)));
                                assertEquals(2, r.stored());
                                written.add(gen.id(index));
                            }
                        }
                    }
                    return null;
                }));
            }
            Future<Long> reading = pool.submit(() -> {
                start.await();
                long watermark = 0;
                while (true) {
                    // Read the flag first: a pass that starts after the writers finished
                    // and finds nothing new means the reader is done.
                    boolean finished = writersDone.get();
                    List<ManifestItem> items = target.changesAfter(watermark, 50);
                    reads.incrementAndGet();
                    for (ManifestItem item : items) {
                        assertTrue(item.seq() > watermark, "changesAfter returned seq " + item.seq()
                                + " at or below its watermark " + watermark);
                        seen.add(item.id());
                        watermark = item.seq();
                    }
                    if (items.isEmpty()) {
                        if (finished) {
                            return watermark;
                        }
                        // Nothing new yet: let the writers run (2 cores) rather than spin.
                        Thread.yield();
                    }
                }
            });
            for (Future<?> f : writing) {
                get(f);
            }
            writersDone.set(true);
            long watermark = get(reading);

            assertEquals(target.highestSeq(), watermark, "the reader reached the highest seq");
            Set<String> missed = new TreeSet<>(written);
            missed.removeAll(seen);
            assertEquals(Set.of(), missed, "entries the watermark reader skipped (" + missed.size() + " of "
                    + written.size() + ", after " + reads.get() + " reads)");
            assertEquals(written.size(), target.count());
        } finally {
            pool.shutdownNow();
            pool.awaitTermination(30, TimeUnit.SECONDS);
        }
    }

    private static <T> T get(Future<T> future) throws Exception {
        try {
            return future.get(2, TimeUnit.MINUTES);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof Exception cause) {
                throw cause;
            }
            if (e.getCause() instanceof Error error) {
                throw error;
            }
            throw e;
        }
    }

    // ---------------------------------------------------------------- helpers

    /**
     * @param index 0 for e1 of the vectors, 1 for e2, ...
     * @return the entry of {@code /entryHash/index/entry}
     */
    protected static Entry vectorEntry(int index) {
        return TestVectors.entry(TestVectors.root().at("/entryHash/" + index + "/entry"));
    }

    /**
     * @param index 0 for e1 of the vectors, 1 for e2, ...
     * @return its {@code h}
     */
    protected static String vectorHash(int index) {
        return TestVectors.text("/entryHash/" + index + "/h");
    }

    /**
     * @param id        the entry id
     * @param updatedAt its updated_at instant
     * @return a small valid entry
     */
    protected static Entry futureEntry(String id, Instant updatedAt) {
        return new Entry(id, "2026-03-18T09:00:00.000Z", Timestamps.format(updatedAt),
                Map.of("iv", "AAECAwQFBgcICQoL", "data", "ZGF0YQ==", "salt", "AAAAAAAAAAAAAAAAAAAAAA=="), 3,
                "normal", null, false);
    }

    private static String b64url(String text) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }

    private static Entry withId(Entry e, String id) {
        return new Entry(id, e.createdAt(), e.updatedAt(), e.content(), e.mood(), e.privacyMode(), e.bookId(),
                e.pinned());
    }

    private static List<Entry> entriesOf(List<ReplacedVersion> versions) {
        return versions.stream().map(ReplacedVersion::entry).toList();
    }

    private static int listingOrder(Entry a, Entry b) {
        int byCreated = Timestamps.parse(b.createdAt()).compareTo(Timestamps.parse(a.createdAt()));
        return byCreated != 0 ? byCreated : a.id().compareTo(b.id());
    }

    private static List<Entry> invalidVariants(Entry valid) {
        List<Entry> out = new ArrayList<>();
        Map<String, String> content = valid.content();
        out.add(withId(valid, "bad id"));
        out.add(withId(valid, ""));
        out.add(withId(valid, "x".repeat(65)));
        out.add(new Entry("inv-created", "2026-03-18", valid.updatedAt(), content, 1, "normal", null, false));
        out.add(new Entry("inv-updated", valid.createdAt(), "2026-03-18T10:00:00", content, 1, "normal", null, false));
        out.add(new Entry("inv-second", valid.createdAt(), "2026-03-18T10:00:60Z", content, 1, "normal", null, false));
        out.add(new Entry("inv-date", valid.createdAt(), "2026-02-30T10:00:00Z", content, 1, "normal", null, false));
        out.add(new Entry("inv-fraction", valid.createdAt(), "2026-03-18T10:00:00.1234567890Z", content, 1, "normal",
                null, false));
        for (String missing : List.of("iv", "data", "salt")) {
            Map<String, String> lacking = new HashMap<>(content);
            lacking.remove(missing);
            out.add(new Entry("inv-no-" + missing, valid.createdAt(), valid.updatedAt(), lacking, 1, "normal", null,
                    false));
        }
        Map<String, String> nullValue = new HashMap<>(content);
        nullValue.put("extra", null);
        out.add(new Entry("inv-null", valid.createdAt(), valid.updatedAt(), nullValue, 1, "normal", null, false));
        Map<String, String> surrogate = new HashMap<>(content);
        surrogate.put("data", "lone \ud800 surrogate");
        out.add(new Entry("inv-surrogate", valid.createdAt(), valid.updatedAt(), surrogate, 1, "normal", null,
                false));
        Map<String, String> huge = new HashMap<>(content);
        huge.put("data", "A".repeat(EntryRules.MAX_CONTENT_BYTES));
        out.add(new Entry("inv-huge", valid.createdAt(), valid.updatedAt(), huge, 1, "normal", null, false));
        out.add(new Entry("inv-mood-0", valid.createdAt(), valid.updatedAt(), content, 0, "normal", null, false));
        out.add(new Entry("inv-mood-6", valid.createdAt(), valid.updatedAt(), content, 6, "normal", null, false));
        out.add(new Entry("inv-privacy", valid.createdAt(), valid.updatedAt(), content, 1, "Normal", null, false));
        out.add(new Entry("inv-privacy-empty", valid.createdAt(), valid.updatedAt(), content, 1, "", null, false));
        out.add(new Entry("inv-privacy-long", valid.createdAt(), valid.updatedAt(), content, 1, "p".repeat(33), null,
                false));
        out.add(new Entry("inv-book", valid.createdAt(), valid.updatedAt(), content, 1, "normal", "bad book", false));
        out.add(new Entry("inv-book-empty", valid.createdAt(), valid.updatedAt(), content, 1, "normal", "", false));
        // A valid id with a broken field: a held entry must not be overwritten by it.
        out.add(new Entry(valid.id(), valid.createdAt(), "2026-03-18T11:00:00Z", content, 9, "normal", null, false));
        return out;
    }

    private static <T> List<List<T>> permutations(List<T> items) {
        if (items.size() <= 1) {
            return List.of(items);
        }
        List<List<T>> out = new ArrayList<>();
        for (int i = 0; i < items.size(); i++) {
            List<T> rest = new ArrayList<>(items);
            T first = rest.remove(i);
            for (List<T> tail : permutations(rest)) {
                List<T> p = new ArrayList<>();
                p.add(first);
                p.addAll(tail);
                out.add(p);
            }
        }
        return out;
    }
}
