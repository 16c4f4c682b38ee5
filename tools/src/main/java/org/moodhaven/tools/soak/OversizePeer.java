package org.moodhaven.tools.soak;

import java.io.IOException;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import org.moodhaven.api.entry.CanonicalJson;
import org.moodhaven.api.entry.Entry;
import org.moodhaven.api.entry.EntryHash;
import org.moodhaven.api.entry.Timestamps;
import org.moodhaven.tools.PeerIdentity;
import org.moodhaven.tools.PeerSession;

/**
 * A trusted device gone bad: a fourth identity one node trusts, which connects, completes
 * the handshake and a whole session (PROTOCOL.md 6.4), and pushes entries whose content is
 * about 2.5 MB, over the 1 MiB rule. The node must reject them and count them (DONE_ACK's
 * {@code rejected}), store none of them, and stay up. Its entries are never expected on any
 * node.
 */
public final class OversizePeer {

    /** Entries pushed each time in the soak. */
    static final int ENTRIES_PER_PUSH = 3;
    /** Random bytes of each entry's ciphertext: about 2.5 MB once in base64. */
    static final int CIPHERTEXT_BYTES = 1_900_000;

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration PATIENCE = Duration.ofSeconds(30);
    private static final String STORE_ID = "soak-oversize-peer";

    /**
     * One push.
     *
     * @param pushed   entries sent
     * @param received what the node's DONE_ACK counted as valid, or -1 without DONE_ACK
     * @param rejected what it counted as rejected, or -1
     * @param failure  why the session did not reach DONE_ACK, or null
     * @param millis   how long the session took
     * @param ids      the ids of the entries pushed
     */
    public record Push(int pushed, long received, long rejected, String failure, long millis, List<String> ids) {

        /** @return whether the node took the session to its end and rejected every entry pushed */
        public boolean asExpected() {
            return failure == null && rejected == pushed && received == 0;
        }

        @Override
        public String toString() {
            return failure != null ? "pushed " + pushed + ", failed: " + failure
                    : "pushed " + pushed + " of ~2.5 MB, DONE_ACK received " + received + " rejected " + rejected
                    + " (" + millis + " ms)";
        }
    }

    private final PeerIdentity identity = PeerIdentity.generate("Soak oversize peer");
    private final SecureRandom random = new SecureRandom();
    private final String runId;
    private final int entriesPerPush;
    private long seq;
    private int pushes;
    private ObjectNode have;

    /**
     * @param runId          makes the ids of its entries unique to a run
     * @param entriesPerPush how many oversize entries each push sends
     */
    public OversizePeer(String runId, int entriesPerPush) {
        this.runId = runId;
        this.entriesPerPush = entriesPerPush;
    }

    /** @return its entry of the target node's {@code trusted_devices.json} */
    public ObjectNode trustEntry() {
        return identity.trustEntry(Instant.now());
    }

    public String deviceId() {
        return identity.deviceId();
    }

    Push push(SoakNode node) {
        return push(node.syncPort, node.deviceId, node.publicKey);
    }

    /**
     * Connects to a node on 127.0.0.1 as its trusted device and runs one whole session
     * that pushes the oversize entries, one to an ENTRIES frame.
     *
     * @param syncPort  the node's sync port
     * @param deviceId  the node's deviceId
     * @param publicKey the node's raw 32-byte public key
     * @return what the node answered
     */
    public Push push(int syncPort, String deviceId, byte[] publicKey) {
        long started = System.nanoTime();
        List<Entry> entries = new ArrayList<>();
        for (int i = 0; i < entriesPerPush; i++) {
            entries.add(oversize("soak-" + runId + "-oversize-" + pushes + "-" + i));
        }
        pushes++;
        List<String> ids = entries.stream().map(Entry::id).toList();
        try (PeerSession session = PeerSession.open(identity, "127.0.0.1", syncPort, deviceId, publicKey,
                PATIENCE)) {
            long manifestSeq = seq + entries.size();
            ObjectNode state = JSON.createObjectNode().put("type", "SYNC_STATE").put("storeId", STORE_ID);
            state.set("have", have == null ? JSON.nullNode() : have);
            session.send(state.toString());
            JsonNode theirState = expect(session, "SYNC_STATE");

            ObjectNode manifest = JSON.createObjectNode().put("type", "MANIFEST").put("seq", manifestSeq);
            ArrayNode items = manifest.putArray("entries");
            for (Entry entry : entries) {
                items.addObject().put("id", entry.id()).put("updated_at", entry.updatedAt())
                        .put("h", EntryHash.of(entry));
            }
            manifest.put("last", true);
            session.send(manifest.toString());
            long theirSeq = -1;
            JsonNode frame;
            do {
                frame = expect(session, "MANIFEST");
                theirSeq = frame.path("seq").asLong();
            } while (!frame.path("last").asBoolean());

            session.send("{\"type\":\"WANT\",\"ids\":[],\"last\":true}");
            Set<String> wanted = new HashSet<>();
            do {
                frame = expect(session, "WANT");
                frame.path("ids").forEach(id -> wanted.add(id.asText()));
            } while (!frame.path("last").asBoolean());

            List<Entry> sent = entries.stream().filter(entry -> wanted.contains(entry.id())).toList();
            if (sent.isEmpty()) {
                session.send("{\"type\":\"ENTRIES\",\"entries\":[],\"last\":true}");
            }
            for (int i = 0; i < sent.size(); i++) {
                // One entry a frame: each is within the 4 MiB of an ENTRIES frame, two are not.
                session.send("{\"type\":\"ENTRIES\",\"entries\":[" + CanonicalJson.of(sent.get(i)) + "],\"last\":"
                        + (i == sent.size() - 1) + "}");
            }
            do {
                frame = expect(session, "ENTRIES");
            } while (!frame.path("last").asBoolean());

            session.send("{\"type\":\"DONE\",\"received\":0,\"rejected\":0,\"seq\":" + manifestSeq + "}");
            JsonNode ack = expect(session, "DONE_ACK");
            seq = manifestSeq;
            have = JSON.createObjectNode().put("storeId", theirState.path("storeId").asText())
                    .put("seq", Math.max(theirSeq, ack.path("seq").asLong()));
            if (sent.size() != entries.size()) {
                return new Push(sent.size(), ack.path("received").asLong(), ack.path("rejected").asLong(),
                        "the node wanted " + sent.size() + " of the " + entries.size() + " entries listed",
                        millisSince(started), ids);
            }
            return new Push(sent.size(), ack.path("received").asLong(), ack.path("rejected").asLong(), null,
                    millisSince(started), ids);
        } catch (PeerSession.Refused e) {
            return new Push(0, -1, -1, "refused (" + e.reason() + "): " + e.getMessage(), millisSince(started), ids);
        } catch (IOException e) {
            return new Push(0, -1, -1, e.getMessage(), millisSince(started), ids);
        }
    }

    /** Reads the next message, which must be of the given type (an ERROR from the node is a failure). */
    private static JsonNode expect(PeerSession session, String type) throws IOException {
        JsonNode message = session.receive(PATIENCE);
        String actual = message.path("type").asText();
        if (!actual.equals(type)) {
            throw new IOException("expected " + type + ", the node sent " + (actual.equals("ERROR")
                    ? "ERROR " + message.path("code").asText() + ": " + message.path("message").asText()
                    : abbreviate(message.toString())));
        }
        return message;
    }

    private Entry oversize(String id) {
        byte[] iv = new byte[12];
        byte[] data = new byte[CIPHERTEXT_BYTES];
        byte[] salt = new byte[16];
        random.nextBytes(iv);
        random.nextBytes(data);
        random.nextBytes(salt);
        Base64.Encoder b64 = Base64.getEncoder();
        Map<String, String> content = new LinkedHashMap<>();
        content.put("iv", b64.encodeToString(iv));
        content.put("data", b64.encodeToString(data));
        content.put("salt", b64.encodeToString(salt));
        String now = Timestamps.format(Instant.now());
        return new Entry(id, now, now, content, 3, Entry.PRIVACY_NORMAL, null, false);
    }

    private static String abbreviate(String text) {
        return text.length() <= 200 ? text : text.substring(0, 200) + "…";
    }

    private static long millisSince(long started) {
        return (System.nanoTime() - started) / 1_000_000;
    }
}
