package org.moodhaven.benchmarks.jmh;

import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.moodhaven.api.entry.Entry;
import org.moodhaven.api.node.NodeClock;
import org.moodhaven.api.store.JournalStore;
import org.moodhaven.api.store.MergeReport;
import org.moodhaven.api.store.StoreException;
import org.moodhaven.store.derby.internal.DerbyJournalStore;
import org.moodhaven.store.memory.internal.MemoryJournalStore;
import org.moodhaven.testing.Configs;
import org.moodhaven.testing.EntryGenerator;
import org.moodhaven.testing.TestNodeSettings;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What a sync pays to store one ENTRIES frame: {@link JournalStore#merge} of a batch
 * of 256 entries of 1 KiB ciphertext each from {@link EntryGenerator#standard()}
 * (field rules, clock skew, entry hash, the held versions, the insert, the commit),
 * in the Derby store on disk and, for comparison, in the memory store. Scores are
 * entries per second.
 * <p>
 * {@link #mergeNew} stores entries the store has never seen, the generator's next
 * 256 indexes each time ({@code created_at} a minute apart, as a peer sends them
 * in its seq order): the full-sync path. The batch is generated before each call,
 * outside the measurement. {@link #mergeNewCommitBatch} is the same with 1,024
 * entries a call, the four frames {@code SyncSession} merges in one transaction
 * ({@code COMMIT_BATCH}). {@link #mergeHeld} merges versions the store already
 * holds (4,096 entries merged before the trial, 256 at a time in turn), which all
 * come out {@code KEPT_LOCAL}: what a peer re-sending its entries costs.
 * <p>
 * The Derby store is opened once per trial in a new temporary folder, with its
 * defaults (so each batch is one transaction whose log is forced to disk at
 * commit), and keeps everything merged during the trial: later batches go into a
 * bigger database. The memory store is made anew for each iteration: it keeps every
 * entry on the heap, and a trial's worth would make the score mostly the garbage
 * collector's.
 * <p>
 * The warm-up is longer than elsewhere: Derby's code reaches a steady speed only
 * after about 12 s of merging (three to four times slower before).
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 6, time = 2)
@Measurement(iterations = 5, time = 3)
@Fork(value = 1, jvmArgsAppend = {"-Xms2g", "-Xmx2g"})
@State(Scope.Thread)
public class StoreMergeBenchmark {

    /** Entries per batch: the most an ENTRIES frame holds. */
    public static final int BATCH = 256;

    /** Entries a sync merges in one transaction: four full frames ({@code SyncSession.COMMIT_BATCH}). */
    public static final int COMMIT_BATCH = 1024;

    /** Entries held before {@link #mergeHeld} runs; a multiple of {@link #BATCH}. */
    static final int HELD = 4096;

    /**
     * The generated entries' {@code created_at} moves a minute per index, so a long run
     * reaches past today; a clock far ahead keeps every one within the skew rule.
     */
    private static final NodeClock FAR_AHEAD = () -> Instant.parse("2100-01-01T00:00:00Z");

    /** The store: {@code derby} (on disk) or {@code memory}. */
    @Param({"derby", "memory"})
    public String store;

    private Path folder;
    private DerbyJournalStore derby;
    private JournalStore journal;
    private List<List<Entry>> heldBatches;
    private int nextHeld;

    /** The next batch of entries no store has seen, generated before each {@link #mergeNew} call. */
    @State(Scope.Thread)
    public static class FreshBatch {
        private final EntryGenerator generator = EntryGenerator.standard();
        private long nextIndex = HELD;
        List<Entry> entries;

        /** Generates the generator's next {@link #size()} entries. */
        @Setup(Level.Invocation)
        public void next() {
            entries = new ArrayList<>(size());
            for (int i = 0; i < size(); i++) {
                entries.add(generator.entry(nextIndex++));
            }
        }

        int size() {
            return BATCH;
        }
    }

    /** The next {@link #COMMIT_BATCH} entries no store has seen. */
    @State(Scope.Thread)
    public static class FreshCommitBatch extends FreshBatch {
        @Override
        int size() {
            return COMMIT_BATCH;
        }
    }

    /**
     * Opens the Derby store for the trial.
     *
     * @throws StoreException if it cannot be opened or written
     */
    @Setup(Level.Trial)
    public void openTrial() throws StoreException {
        EntryGenerator generator = EntryGenerator.standard();
        heldBatches = new ArrayList<>();
        for (int from = 0; from < HELD; from += BATCH) {
            List<Entry> batch = new ArrayList<>(BATCH);
            for (int i = from; i < from + BATCH; i++) {
                batch.add(generator.entry(i));
            }
            heldBatches.add(List.copyOf(batch));
        }
        switch (store) {
            case "derby" -> {
                folder = TempFolders.create("moodhaven-merge-");
                derby = new DerbyJournalStore(Configs.of(DerbyJournalStore.Config.class),
                        new TestNodeSettings(folder));
                derby.setClock(FAR_AHEAD);
                journal = derby;
                mergeHeldBatches();
            }
            case "memory" -> {
                // made per iteration
            }
            default -> throw new IllegalArgumentException("no store " + store + " (derby or memory)");
        }
    }

    /**
     * Makes a new memory store for the iteration.
     *
     * @throws StoreException never: the memory store does not fail
     */
    @Setup(Level.Iteration)
    public void openIteration() throws StoreException {
        if ("memory".equals(store)) {
            MemoryJournalStore memory = new MemoryJournalStore(Configs.of(MemoryJournalStore.Config.class));
            memory.setClock(FAR_AHEAD);
            journal = memory;
            mergeHeldBatches();
        }
    }

    /** Closes the Derby store and deletes its folder. */
    @TearDown(Level.Trial)
    public void closeTrial() {
        if (derby != null) {
            derby.deactivate();
        }
        TempFolders.delete(folder);
    }

    /**
     * @param batch the entries
     * @return the merge report
     * @throws StoreException if the batch cannot be committed
     */
    @Benchmark
    @OperationsPerInvocation(BATCH)
    public MergeReport mergeNew(FreshBatch batch) throws StoreException {
        MergeReport report = journal.merge(batch.entries);
        check(report.stored(), BATCH, "stored");
        return report;
    }

    /**
     * @param batch the entries
     * @return the merge report
     * @throws StoreException if the batch cannot be committed
     */
    @Benchmark
    @OperationsPerInvocation(COMMIT_BATCH)
    public MergeReport mergeNewCommitBatch(FreshCommitBatch batch) throws StoreException {
        MergeReport report = journal.merge(batch.entries);
        check(report.stored(), COMMIT_BATCH, "stored");
        return report;
    }

    /**
     * @return the merge report
     * @throws StoreException if the batch cannot be committed
     */
    @Benchmark
    @OperationsPerInvocation(BATCH)
    public MergeReport mergeHeld() throws StoreException {
        List<Entry> batch = heldBatches.get(nextHeld);
        nextHeld = (nextHeld + 1) % heldBatches.size();
        MergeReport report = journal.merge(batch);
        check(report.keptLocal(), BATCH, "kept");
        return report;
    }

    private void mergeHeldBatches() throws StoreException {
        for (List<Entry> batch : heldBatches) {
            check(journal.merge(batch).stored(), BATCH, "stored");
        }
    }

    /** A rejected entry would make the score meaningless: fail instead. */
    private static void check(int count, int expected, String what) {
        if (count != expected) {
            throw new IllegalStateException("only " + count + " of " + expected + " entries " + what);
        }
    }
}
