package org.moodhaven.testing;

import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;

import org.moodhaven.api.entry.Entry;
import org.moodhaven.api.entry.Timestamps;

/**
 * Makes valid wire entries deterministically from a seed, for tests and
 * benchmarks: the same seed and index give the same entry on every run and
 * machine. Content is random bytes shaped like PROTOCOL.md section 7 (the sync
 * engine never looks inside), about {@code contentBytes} of ciphertext each.
 */
public final class EntryGenerator {

    private final long seed;
    private final int contentBytes;
    private final Instant start;

    /**
     * @param seed         the seed
     * @param contentBytes bytes of fake ciphertext per entry (1 KiB is a typical entry)
     * @param start        the {@code created_at} of entry 0; later entries are a minute apart
     */
    public EntryGenerator(long seed, int contentBytes, Instant start) {
        this.seed = seed;
        this.contentBytes = contentBytes;
        this.start = start;
    }

    /**
     * @return a generator of 1 KiB entries from a fixed seed and start
     */
    public static EntryGenerator standard() {
        return new EntryGenerator(42, 1024, Instant.parse("2026-01-01T00:00:00Z"));
    }

    /**
     * @param index which entry (0, 1, 2, ...)
     * @return the entry with id {@code gen-<seed>-<index>}
     */
    public Entry entry(long index) {
        return version(index, 0);
    }

    /**
     * A later version of the same entry: same id and {@code created_at}, an
     * {@code updated_at} {@code revision} seconds later, other content and mood.
     *
     * @param index    which entry
     * @param revision 0 for the first version
     * @return the entry
     */
    public Entry version(long index, int revision) {
        SplittableRandom random = new SplittableRandom(seed * 1_000_003L + index * 7919L + revision);
        byte[] iv = new byte[12];
        byte[] data = new byte[contentBytes];
        byte[] salt = new byte[16];
        random.nextBytes(iv);
        random.nextBytes(data);
        new SplittableRandom(seed).nextBytes(salt);
        Map<String, String> content = new LinkedHashMap<>();
        Base64.Encoder b64 = Base64.getEncoder();
        content.put("iv", b64.encodeToString(iv));
        content.put("data", b64.encodeToString(data));
        content.put("salt", b64.encodeToString(salt));
        Instant created = start.plus(Duration.ofMinutes(index));
        String createdAt = Timestamps.format(created);
        String updatedAt = Timestamps.format(created.plusSeconds(revision));
        Integer mood = random.nextInt(6) == 0 ? null : 1 + random.nextInt(5);
        return new Entry(id(index), createdAt, updatedAt, content, mood, Entry.PRIVACY_NORMAL, null,
                random.nextInt(10) == 0);
    }

    /**
     * @param index which entry
     * @return its id
     */
    public String id(long index) {
        return "gen-" + seed + "-" + index;
    }
}
