package org.moodhaven.itests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.moodhaven.tools.EventStream;
import org.moodhaven.tools.TwoNodes;

/**
 * Crash safety of sync from the other side (issue 7): the SENDING node, the client that
 * pushes its new entries, is killed with {@code kill -9} while the receiver reports the
 * sync's MANIFEST, ENTRIES and commit phases, and right after it completed, twice each.
 * After every kill: the receiver ends the session at once (its slot is free, the next sync
 * is not refused as busy); the killed sender's store opens and holds every write it
 * acknowledged, whole; nothing on either node is partial or unknown; a receiver that
 * reported the sync complete holds the whole round; after the next sync both journals are
 * equal. {@code SyncCrashPhasesIT} does the same to the receiving node.
 */
class SyncSenderKillIT {

    /** When the sender is killed, by the receiver's events. */
    enum Moment {
        MANIFEST, ENTRIES, COMMIT, COMPLETED
    }

    private static final int KILLS_PER_MOMENT = Integer.getInteger("crash.senderKillsPerMoment", 2);
    private static final int ENTRIES_PER_ROUND = 600;
    private static final Duration EVENT = Duration.ofSeconds(30);
    /** The receiver must notice a dead sender from the closed socket, long before its 60 s idle limit. */
    private static final Duration NOTICED = Duration.ofSeconds(10);
    private static final Duration WHOLE_RUN = Duration.ofSeconds(90);

    @TempDir
    Path folder;

    private final WrittenEntries written = new WrittenEntries();

    @Test
    void aSenderKilledAtAnyPhaseOfASyncLosesNothingAndBothCatchUp() throws Exception {
        long started = System.nanoTime();
        ExecutorService pool = Executors.newFixedThreadPool(3);
        TwoNodes.Node sender = new TwoNodes.Node(folder, "sender");
        TwoNodes.Node receiver = new TwoNodes.Node(folder, "receiver");
        StringBuilder summary = new StringBuilder("SyncSenderKillIT:");
        try (sender; receiver) {
            sender.launch("");
            receiver.launch("").awaitReady();
            sender.awaitReady();
            sender.trust(receiver);
            receiver.trust(sender);
            written.write(sender, pool, ENTRIES_PER_ROUND);
            assertTrue(sender.syncWith(receiver).get("ok").asBoolean(), "the first sync");

            int round = 0;
            for (int kill = 0; kill < KILLS_PER_MOMENT; kill++) {
                for (Moment moment : Moment.values()) {
                    round++;
                    String when = "round " + round + " (sender killed at " + moment + ")";
                    Set<String> roundIds = written.write(sender, pool, ENTRIES_PER_ROUND);
                    String ending;
                    try (EventStream events = receiver.api.events(EVENT)) {
                        Future<JsonNode> sync = pool.submit(() -> sender.syncWith(receiver));
                        awaitMoment(moment, events, sender.deviceId);
                        sender.kill();
                        ending = moment == Moment.COMPLETED ? "sync/COMPLETED" : events.await(
                                "the receiver ends the session with the killed sender", event ->
                                        fromSender(event, sender.deviceId) && (event.name().equals("sync/FAILED")
                                                || event.name().equals("sync/COMPLETED")), NOTICED).name();
                        try {
                            sync.get(EVENT.toSeconds(), TimeUnit.SECONDS);
                        } catch (java.util.concurrent.ExecutionException killedMidAnswer) {
                            // the sender's API died with it
                        }
                    }

                    sender.start(); // the killed sender's store opens
                    Set<String> senderHolds = written.checkWhole(sender, when + " on the sender");
                    Set<String> lost = new HashSet<>(written.ids());
                    lost.removeAll(senderHolds);
                    assertEquals(Set.of(), lost, "the sender lost no write it acknowledged, " + when);
                    Set<String> receiverHolds = written.checkWhole(receiver, when + " on the receiver");
                    int kept = (int) roundIds.stream().filter(receiverHolds::contains).count();
                    if (ending.equals("sync/COMPLETED")) {
                        assertEquals(roundIds.size(), kept, "the receiver reported the sync complete and holds the "
                                + "whole round, " + when);
                    }

                    JsonNode again = sender.syncWith(receiver);
                    assertTrue(again.get("ok").asBoolean(), "the sync after the restart succeeds at once (the "
                            + "receiver freed the killed session's slot), " + when + ": " + again);
                    Future<java.util.Map<String, String>> senderDigest = pool.submit(sender.api::digest);
                    assertEquals(senderDigest.get(EVENT.toSeconds(), TimeUnit.SECONDS), receiver.api.digest(),
                            "both journals are equal after " + when);
                    String line = String.format("round %d %s: receiver saw %s, kept %d of the round's %d entries,"
                            + " the next sync sent %d", round, moment, ending, kept, roundIds.size(),
                            again.get("sent").asInt());
                    System.out.println(line);
                    summary.append("\n  ").append(line);
                }
            }
        } finally {
            pool.shutdownNow();
        }
        long seconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - started);
        System.out.println(summary.append("\n  ").append(seconds).append(" s in all"));
        assertTrue(seconds < WHOLE_RUN.toSeconds(), "the sender kills took " + seconds + " s");
    }

    private static void awaitMoment(Moment moment, EventStream events, String senderId) throws InterruptedException {
        if (moment == Moment.COMPLETED) {
            events.await("sync/COMPLETED", event -> fromSender(event, senderId)
                    && event.name().equals("sync/COMPLETED"), EVENT);
            return;
        }
        String phase = moment.name().toLowerCase(Locale.ROOT);
        events.await("sync/PROGRESS " + phase, event -> fromSender(event, senderId)
                && event.name().equals("sync/PROGRESS") && event.phase().equals(phase), EVENT);
    }

    private static boolean fromSender(EventStream.Event event, String senderId) {
        return senderId.equals(event.data().path("deviceId").asText());
    }
}
