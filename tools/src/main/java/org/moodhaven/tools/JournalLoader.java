package org.moodhaven.tools;

import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import org.moodhaven.api.entry.Entry;
import org.moodhaven.api.store.JournalStore;
import org.moodhaven.api.store.MergeReport;
import org.moodhaven.api.store.StoreException;
import org.moodhaven.store.derby.internal.DerbyJournalStore;
import org.moodhaven.testing.Configs;
import org.moodhaven.testing.EntryGenerator;
import org.moodhaven.testing.TestNodeSettings;

/**
 * Fills a stopped node's journal with generated entries (random ciphertext of a
 * given size, PROTOCOL.md-valid, the same for the same seed), through the Derby
 * store's own batch path, as if they had arrived by sync. For tests and benchmarks
 * that need a large journal without writing it entry by entry.
 * <p>
 * {@code java -cp … org.moodhaven.tools.JournalLoader --data DIR --count N [--seed S] [--bytes B] [--from I]}
 */
public final class JournalLoader {

    /** Entries per transaction. */
    public static final int BATCH = 1000;

    private JournalLoader() {
    }

    /**
     * @param args the command line
     * @throws StoreException if the store cannot be written
     */
    public static void main(String[] args) throws StoreException {
        Path data = null;
        long count = 0;
        long seed = 42;
        int bytes = 1024;
        long from = 0;
        for (int i = 0; i + 1 < args.length; i += 2) {
            switch (args[i]) {
                case "--data" -> data = Path.of(args[i + 1]);
                case "--count" -> count = Long.parseLong(args[i + 1]);
                case "--seed" -> seed = Long.parseLong(args[i + 1]);
                case "--bytes" -> bytes = Integer.parseInt(args[i + 1]);
                case "--from" -> from = Long.parseLong(args[i + 1]);
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        if (data == null || count <= 0) {
            System.err.println("usage: JournalLoader --data DIR --count N [--seed S] [--bytes B] [--from I]");
            System.exit(2);
        }
        long started = System.nanoTime();
        MergeReport last = load(data, new EntryGenerator(seed, bytes, Instant.parse("2026-01-01T00:00:00Z")),
                from, count);
        System.out.printf("loaded %d entries into %s in %d ms (highest seq %d)%n", count, data,
                (System.nanoTime() - started) / 1_000_000, last == null ? 0 : last.seqAfter());
    }

    /**
     * @param data      the node's data folder (the node must be stopped)
     * @param generator where the entries come from
     * @param from      the index of the first entry
     * @param count     how many
     * @return the report of the last batch
     * @throws StoreException if the store cannot be written
     */
    public static MergeReport load(Path data, EntryGenerator generator, long from, long count) throws StoreException {
        DerbyJournalStore store = new DerbyJournalStore(Configs.of(DerbyJournalStore.Config.class),
                new TestNodeSettings(data));
        store.setClock(Instant::now);
        try {
            return load(store, generator, from, count);
        } finally {
            store.deactivate();
        }
    }

    /**
     * @param store     any store
     * @param generator where the entries come from
     * @param from      the index of the first entry
     * @param count     how many
     * @return the report of the last batch
     * @throws StoreException if the store cannot be written
     */
    public static MergeReport load(JournalStore store, EntryGenerator generator, long from, long count)
            throws StoreException {
        MergeReport last = null;
        List<Entry> batch = new ArrayList<>(BATCH);
        for (long i = from; i < from + count; i++) {
            batch.add(generator.entry(i));
            if (batch.size() == BATCH || i == from + count - 1) {
                last = store.merge(batch);
                if (last.rejected() > 0) {
                    throw new StoreException("the store rejected generated entries: " + last.outcomes());
                }
                batch.clear();
            }
        }
        return last;
    }
}
