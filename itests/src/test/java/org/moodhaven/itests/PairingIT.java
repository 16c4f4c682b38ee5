package org.moodhaven.itests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import com.fasterxml.jackson.databind.JsonNode;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.moodhaven.api.identity.DeviceIds;
import org.moodhaven.testing.EntryGenerator;
import org.moodhaven.tools.Await;
import org.moodhaven.tools.TwoNodes;

/**
 * Two real nodes pair through their JSON APIs, over the pairing protocol of PROTOCOL.md
 * section 5 on 127.0.0.1: A shows the PIN, B types it, A's user approves, B starts the
 * first sync. A listens on the sync port PROTOCOL.md section 3 derives from its deviceId;
 * B finds it through the {@code syncPort} A reveals in pairing, as it would on any other
 * port ({@link PairingWithoutDiscoveryIT} pairs nodes on other ports).
 */
class PairingIT {

    private static final Duration WAIT = Duration.ofSeconds(60);

    @TempDir
    Path folder;

    private TwoNodes.Node a;
    private TwoNodes.Node b;

    @BeforeEach
    void start() throws Exception {
        a = new TwoNodes.Node(folder, "alpha").start();
        int formulaPort = DeviceIds.defaultSyncPort(a.deviceId);
        a.stop();
        a.start("--sync-port", Integer.toString(formulaPort));
        b = new TwoNodes.Node(folder, "beta").start();
    }

    @AfterEach
    void stop() throws Exception {
        a.close();
        b.close();
    }

    private JsonNode accept(JsonNode offer, String pin, int expectedStatus) throws Exception {
        String body = "{\"host\":\"127.0.0.1\",\"port\":" + offer.get("port").asInt() + ",\"pin\":\"" + pin
                + "\",\"deviceId\":\"" + a.deviceId + "\"}";
        return b.api.post("/api/pairing/accept", body, expectedStatus);
    }

    @Test
    void theRightPinAndApprovalPairBothNodesAndBStartsTheFirstSync() throws Exception {
        EntryGenerator entries = EntryGenerator.standard();
        a.post(entries.entry(1));
        a.post(entries.entry(2));

        JsonNode offer = a.api.post("/api/pairing", "");
        assertTrue(offer.get("pin").asText().matches("[0-9]{6}"), offer.toString());
        assertTrue(offer.get("qrSvg").asText().startsWith("<svg"));
        JsonNode onB = accept(offer, offer.get("pin").asText(), 200);

        JsonNode onA = a.api.get("/api/pairing");
        assertEquals("awaiting_approval", onA.get("state").asText(), onA.toString());
        assertEquals(onB.get("code").asText(), onA.get("request").get("code").asText(), "the same check code");
        assertEquals("beta", onA.get("request").get("deviceName").asText());
        assertEquals(b.deviceId, onA.get("request").get("deviceId").asText());
        assertEquals(0, a.api.get("/api/trusted").size(), "nobody is trusted before approval");

        a.api.post("/api/pairing/approve", "");

        Await.until("B learns it was approved", WAIT,
                () -> b.api.get("/api/pairing").get("state").asText().equals("paired"));
        assertEquals(b.deviceId, a.api.get("/api/trusted").get(0).get("deviceId").asText());
        assertEquals(a.deviceId, b.api.get("/api/trusted").get(0).get("deviceId").asText());
        try {
            Await.until("B's first sync brings A's entries", WAIT, () -> b.api.digest().equals(a.api.digest()));
        } catch (AssertionError notSynced) {
            throw new AssertionError(notSynced.getMessage() + "; B's syncs: " + b.api.get("/api/sync/history")
                    + "; A's syncs: " + a.api.get("/api/sync/history"), notSynced);
        }
        assertEquals(2, b.api.digest().size());
        String log = Files.readString(a.data.resolve("logs").resolve("moodhaven.log"));
        assertFalse(log.contains(offer.get("pin").asText() + " "), "the PIN is never logged");
    }

    @Test
    void threeWrongPinsVoidThePinAndNothingIsTrusted() throws Exception {
        JsonNode offer = a.api.post("/api/pairing", "");
        String pin = offer.get("pin").asText();
        String wrong = pin.equals("000000") ? "000001" : "000000";
        for (int left = 2; left >= 0; left--) {
            JsonNode refused = accept(offer, wrong, 403);
            assertEquals("pin_mismatch", refused.get("error").asText());
            assertEquals(left, refused.get("remainingAttempts").asInt());
        }
        Await.until("A ends pairing", WAIT, () -> a.api.get("/api/pairing").get("state").asText().equals("pin_void"));
        // The right PIN is too late: refused as void, or unanswered once the server has closed.
        try {
            accept(offer, pin, 410);
        } catch (AssertionError closed) {
            assertTrue(closed.getMessage().contains("answered 502"), closed.getMessage());
        }
        assertEquals(0, a.api.get("/api/trusted").size());
        assertEquals(0, b.api.get("/api/trusted").size());
    }
}
