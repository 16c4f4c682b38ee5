package org.moodhaven.itests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;

import com.fasterxml.jackson.databind.JsonNode;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.moodhaven.tools.EventStream;
import org.moodhaven.tools.TwoNodes;

/**
 * Crash safety of sync (issue 7, item 2): the receiving node of a large sync is
 * killed with {@code kill -9} at chosen phases, found from the sync's own events on
 * its {@code GET /api/events} stream (during MANIFEST, during ENTRIES, during a commit,
 * right after DONE_ACK), and at seeded random moments; each time it restarts and the
 * nodes sync again. After every kill: the store opens, every entry it holds is whole
 * (its entry hash is the sender's), nothing a DONE_ACK acknowledged is lost, and after
 * the next sync both journals are equal. {@code -Dcrash.seed=S} replays a run.
 */
class SyncCrashPhasesIT {

    /** When the receiver is killed. */
    enum Moment {
        MANIFEST, ENTRIES, COMMIT, AFTER_DONE_ACK, RANDOM
    }

    /** 3 in `mvn verify`, to keep the suite's time; the figures of docs/reliability.md come from 5. */
    private static final int KILLS_PER_MOMENT = Integer.getInteger("crash.killsPerMoment", 3);
    /** More than one commit batch (1,024 entries), so a kill can fall between two commits. */
    private static final int ENTRIES_PER_ROUND = Integer.getInteger("crash.entriesPerRound", 1_100);
    private static final int POSTERS = 3;
    private static final Duration EVENT = Duration.ofSeconds(30);
    private static final Duration SYNC = Duration.ofSeconds(60);
    private static final Duration WHOLE_RUN = Duration.ofMinutes(5);

    @TempDir
    Path folder;

    /** Every entry written on the sender, with the entry hash of the version it stored. */
    private final WrittenEntries written = new WrittenEntries();

    @Test
    void aReceiverKilledAtAnyPhaseOfASyncLosesNothingAcknowledgedAndCatchesUp() throws Exception {
        long seed = Long.getLong("crash.seed", System.nanoTime());
        System.out.println("SyncCrashPhasesIT seed " + seed + " (replay with -Dcrash.seed=" + seed + ")");
        Random random = new Random(seed);
        List<Moment> plan = new ArrayList<>();
        for (Moment moment : Moment.values()) {
            plan.addAll(Collections.nCopies(KILLS_PER_MOMENT, moment));
        }
        Collections.shuffle(plan, random);

        long started = System.nanoTime();
        Map<Moment, int[]> landings = new EnumMap<>(Moment.class);
        ExecutorService pool = Executors.newFixedThreadPool(POSTERS);
        TwoNodes.Node sender = new TwoNodes.Node(folder, "sender");
        TwoNodes.Node receiver = new TwoNodes.Node(folder, "receiver");
        try (sender; receiver) {
            sender.launch("");
            receiver.launch("").awaitReady();
            sender.awaitReady();
            sender.trust(receiver);
            receiver.trust(sender);

            // A first sync without a kill: both journals start equal, and its length bounds the random moments.
            written.write(sender, pool, ENTRIES_PER_ROUND);
            long syncStart = System.nanoTime();
            assertOk(sender.syncWith(receiver), "the first sync");
            long fullSyncMillis = Math.max(50, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - syncStart));
            assertEquals(sender.api.digest(), receiver.api.digest());
            Set<String> acknowledged = written.ids();

            int round = 0;
            for (Moment moment : plan) {
                round++;
                long writing = System.nanoTime();
                Set<String> roundIds = written.write(sender, pool, ENTRIES_PER_ROUND);
                long writeMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - writing);
                // The seed picks where in the span of a whole-round sync the kill falls (a sync to a node
                // just restarted is slower, so some still land after the sync has ended).
                double fraction = random.nextDouble();
                long delay = moment == Moment.RANDOM ? Math.round(fraction * fullSyncMillis) : -1;
                long kickoff;
                Future<JsonNode> sync;
                String trigger;
                try (EventStream events = receiver.api.events(EVENT)) {
                    kickoff = System.nanoTime();
                    sync = pool.submit(() -> sender.syncWith(receiver));
                    trigger = awaitMoment(moment, events, sender.deviceId, sync, delay);
                    receiver.kill();
                }
                long killedAfter = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - kickoff);
                JsonNode result = sync.get(SYNC.toSeconds(), TimeUnit.SECONDS);
                boolean acked = result.get("ok").asBoolean();
                if (acked) {
                    acknowledged.addAll(written.ids());
                }

                long restart = System.nanoTime();
                receiver.start(); // the store opens: the node starts and its API answers
                long restartMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - restart);
                Set<String> held = written.checkWhole(receiver, "round " + round + " (" + moment + ", seed " + seed
                        + ")");
                Set<String> lost = new HashSet<>(acknowledged);
                lost.removeAll(held);
                assertEquals(Set.of(), lost, "entries a DONE_ACK acknowledged were lost in round " + round + " ("
                        + moment + ", seed " + seed + ")");
                int kept = (int) roundIds.stream().filter(held::contains).count();
                landings.computeIfAbsent(moment, m -> new int[3])[kept == 0 ? 0 : kept == roundIds.size() ? 2 : 1]++;
                System.out.printf("round %d %s: %s, killed %d ms after the sync began; client %s; receiver kept"
                                + " %d of the round's %d entries; restarted in %d ms%n", round, moment, trigger,
                        killedAfter, acked ? "ok" : "failed (" + result.path("error").asText() + ")", kept,
                        roundIds.size(), restartMillis);

                long again = System.nanoTime();
                JsonNode resync = sender.syncWith(receiver);
                assertOk(resync, "the sync after the restart in round " + round);
                if (resync.get("sent").asInt() == roundIds.size()) {
                    // A sync of a whole round, with the JVMs warm: the span the random moments fall in.
                    fullSyncMillis = Math.max(50, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - again));
                }
                Future<Map<String, String>> senderDigest = pool.submit(sender.api::digest);
                assertEquals(senderDigest.get(SYNC.toSeconds(), TimeUnit.SECONDS), receiver.api.digest(),
                        "both journals are equal after round " + round + " (" + moment + ", seed " + seed + ")");
                System.out.printf("round %d: written in %d ms, synced again and compared in %d ms%n", round,
                        writeMillis, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - again));
                acknowledged.addAll(written.ids());
            }
        } finally {
            pool.shutdownNow();
        }
        long seconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - started);
        StringBuilder summary = new StringBuilder("SyncCrashPhasesIT: " + plan.size() + " kills in " + seconds
                + " s, seed " + seed + "; receiver kept none/part/all of the round:");
        landings.forEach((moment, counts) -> summary.append(' ').append(moment).append(' ')
                .append(counts[0]).append('/').append(counts[1]).append('/').append(counts[2]));
        System.out.println(summary);
        assertTrue(seconds < WHOLE_RUN.toSeconds(), "at least 20 kills within 5 minutes: " + summary);
    }

    /** Waits until the moment to kill has come; answers what was seen. */
    private static String awaitMoment(Moment moment, EventStream events, String senderId, Future<JsonNode> sync,
                                      long randomDelayMillis) throws Exception {
        Predicate<EventStream.Event> fromSender = event -> senderId.equals(event.data().path("deviceId").asText());
        switch (moment) {
            case MANIFEST, ENTRIES, COMMIT -> {
                String phase = moment.name().toLowerCase(Locale.ROOT);
                EventStream.Event seen = events.await("sync/PROGRESS " + phase, event -> fromSender.test(event)
                        && event.name().equals("sync/PROGRESS") && event.phase().equals(phase), EVENT);
                return "sync/PROGRESS " + phase + " (received " + seen.data().path("received").asLong() + ")";
            }
            case AFTER_DONE_ACK -> {
                events.await("sync/COMPLETED", event -> fromSender.test(event)
                        && event.name().equals("sync/COMPLETED"), EVENT);
                return "sync/COMPLETED";
            }
            case RANDOM -> {
                try {
                    // A deadline, not a pause: the kill comes at this moment or, if the sync ends first, then.
                    sync.get(randomDelayMillis, TimeUnit.MILLISECONDS);
                    return "at random after " + randomDelayMillis + " ms (the sync had ended)";
                } catch (TimeoutException stillRunning) {
                    return "at random after " + randomDelayMillis + " ms";
                }
            }
            default -> throw new IllegalStateException(moment.name());
        }
    }

    private static void assertOk(JsonNode result, String what) {
        assertTrue(result.get("ok").asBoolean(), what + " succeeds: " + result);
    }
}
