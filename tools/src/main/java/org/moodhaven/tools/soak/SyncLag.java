package org.moodhaven.tools.soak;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;

import org.moodhaven.api.entry.Timestamps;

/**
 * How far behind a node is while the load runs: the age of the oldest acknowledged write,
 * on any node, that it does not hold yet. Nodes sync "a few seconds after a local change"
 * (PROTOCOL.md 8), and a relay passes entries on the same way, so in a line A–B–C an entry
 * should be everywhere within seconds, stranger or not. The node's entries are read newest
 * first ({@code created_at}) back to {@link #WINDOW} before the sample, so the cost stays the
 * same however long the soak runs.
 */
final class SyncLag {

    /** How far back a sample looks; a lag this long shows as "at least" it. */
    static final Duration WINDOW = Duration.ofMinutes(15);

    private SyncLag() {
    }

    /**
     * @param node   the node
     * @param acks   every writer's acknowledged writes since {@code now} − {@link #WINDOW}
     * @param now    the sample's moment
     * @return the age in seconds of the oldest of {@code acks} the node lacks; 0 when it holds them all
     */
    static double seconds(SoakNode node, List<EntryWriter.Ack> acks, Instant now)
            throws IOException, InterruptedException {
        Instant cutoff = now.minus(WINDOW).minusSeconds(60);
        Set<String> held = new HashSet<>();
        String after = null;
        boolean older = false;
        do {
            JsonNode page = node.api.get("/api/entries?limit=1000" + (after == null ? "" : "&after=" + after))
                    .require("GET /api/entries on " + node.name);
            for (JsonNode entry : page.get("entries")) {
                held.add(entry.get("id").asText());
                older |= Timestamps.parse(entry.get("created_at").asText()).isBefore(cutoff);
            }
            after = page.path("next").isTextual() ? page.get("next").asText() : null;
        } while (after != null && !older);
        Instant oldestMissing = null;
        for (EntryWriter.Ack ack : acks) {
            if (!held.contains(ack.id()) && (oldestMissing == null || ack.ackedAt().isBefore(oldestMissing))) {
                oldestMissing = ack.ackedAt();
            }
        }
        return oldestMissing == null ? 0 : Math.max(0, Duration.between(oldestMissing, now).toMillis() / 1000.0);
    }
}
