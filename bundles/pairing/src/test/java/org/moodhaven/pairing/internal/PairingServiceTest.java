package org.moodhaven.pairing.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import com.google.zxing.BinaryBitmap;
import com.google.zxing.RGBLuminanceSource;
import com.google.zxing.common.HybridBinarizer;
import com.google.zxing.qrcode.QRCodeReader;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.moodhaven.api.crypto.CryptoProvider;
import org.moodhaven.api.event.EventTopics;
import org.moodhaven.api.pairing.PairingException;
import org.moodhaven.api.pairing.PairingOffer;
import org.moodhaven.api.pairing.PairingRequest;
import org.moodhaven.api.pairing.PairingStatus;
import org.moodhaven.crypto.jdk.internal.JdkCryptoProvider;
import org.moodhaven.identity.internal.FileTrustStore;
import org.moodhaven.testing.Configs;
import org.moodhaven.testing.ManualClock;
import org.moodhaven.testing.SeedIdentity;
import org.moodhaven.testing.TestNodeSettings;
import org.moodhaven.tools.RecordingProxy;
import org.osgi.service.event.Event;
import org.osgi.service.event.EventAdmin;

/**
 * Two pairing services in this JVM talking HTTP over 127.0.0.1: A shows the PIN, B types
 * it. Real identities, real trust files, real J-PAKE; A's clock is manual.
 */
class PairingServiceTest {

    private static final Instant NOW = Instant.parse("2026-11-26T10:00:00Z");

    @TempDir
    Path folder;

    private Node a;
    private Node b;

    /** One side: identity, trust file, pairing service, the events it posted. */
    private static final class Node {
        final CryptoProvider crypto = new JdkCryptoProvider(Configs.of(JdkCryptoProvider.Config.class));
        final ManualClock clock = new ManualClock(NOW);
        final SeedIdentity identity;
        final FileTrustStore trust;
        final PairingService pairing;
        final List<Event> events = new CopyOnWriteArrayList<>();
        final BlockingQueue<Event> pending = new LinkedBlockingQueue<>();

        Node(int n, Path folder) throws IOException {
            Path data = Files.createDirectories(folder.resolve("node-" + n));
            identity = SeedIdentity.numbered(n, "Device " + n, crypto);
            trust = new FileTrustStore(new TestNodeSettings(data), identity);
            pairing = new PairingService(Configs.of(PairingService.Config.class, "bindAddress", "127.0.0.1",
                    "advertisedHost", "127.0.0.1"), identity, trust);
            pairing.bind(crypto, clock, null);
            pairing.setEvents(new EventAdmin() {
                @Override
                public void postEvent(Event event) {
                    events.add(event);
                    pending.add(event);
                }

                @Override
                public void sendEvent(Event event) {
                    postEvent(event);
                }
            });
        }

        /** The next event on the topic (others before it are skipped). */
        Event await(String topic) throws InterruptedException {
            while (true) {
                Event event = pending.poll(30, TimeUnit.SECONDS);
                if (event == null) {
                    throw new AssertionError("no " + topic + " within 30 s; events: " + events);
                }
                if (event.getTopic().equals(topic)) {
                    return event;
                }
            }
        }

        boolean trusts(Node other) {
            return trust.find(other.identity.deviceId()).isPresent();
        }

        void close() throws IOException, InterruptedException {
            pairing.deactivate();
            trust.deactivate();
        }
    }

    @BeforeEach
    void start() throws IOException {
        a = new Node(1, folder);
        b = new Node(2, folder);
    }

    @AfterEach
    void stop() throws Exception {
        a.close();
        b.close();
    }

    private PairingRequest accept(PairingOffer offer, String pin) throws PairingException {
        return b.pairing.accept(offer.host(), offer.port(), pin, Optional.of(offer.deviceId()), Optional.empty());
    }

    private static String wrong(String pin) {
        return pin.equals("000000") ? "000001" : "000000";
    }

    @Test
    void theRightPinAndApprovalMakeBothTrustEachOtherAfterTheSameCodeShowedOnBoth() throws Exception {
        PairingOffer offer = a.pairing.start();
        assertTrue(offer.pin().matches("[0-9]{6}"));
        Event started = a.await(EventTopics.PAIRING_STARTED);
        assertEquals(offer.port(), started.getProperty(EventTopics.PAIRING_PORT));
        assertFalse(a.events.toString().contains(offer.pin()), "no event carries the PIN");

        PairingRequest onB = accept(offer, offer.pin());

        Event awaiting = a.await(EventTopics.PAIRING_AWAITING_APPROVAL);
        assertEquals(b.identity.deviceId(), awaiting.getProperty(EventTopics.DEVICE_ID));
        assertEquals("Device 2", awaiting.getProperty(EventTopics.DEVICE_NAME));
        assertEquals(onB.code(), awaiting.getProperty(EventTopics.CODE), "both screens show the same code");
        assertTrue(onB.code().matches("[0-9]{4}"));
        assertEquals(a.identity.deviceId(), onB.deviceId());
        assertEquals("Device 1", onB.deviceName());
        PairingStatus status = a.pairing.status().orElseThrow();
        assertEquals(PairingStatus.State.AWAITING_APPROVAL, status.state());
        assertEquals(onB.code(), status.request().orElseThrow().code());
        assertFalse(a.trusts(b), "nobody is trusted before A's user approves");
        assertFalse(b.trusts(a));

        assertEquals(b.identity.deviceId(), a.pairing.approve().orElseThrow().deviceId());

        b.await(EventTopics.PAIRING_PAIRED);
        a.await(EventTopics.PAIRING_ENDED);
        assertTrue(a.trusts(b));
        assertTrue(b.trusts(a));
        assertEquals(b.identity.publicKeyBase64(), a.trust.find(b.identity.deviceId()).orElseThrow().publicKey());
        assertEquals(PairingStatus.State.PAIRED, b.pairing.status().orElseThrow().state());
        assertThrows(IOException.class, () -> post(offer.port(), "round1", "{}"), "the server closed");
    }

    @Test
    void aDeclinedDeviceTrustsNothingAndIsNotTrusted() throws Exception {
        PairingOffer offer = a.pairing.start();
        accept(offer, offer.pin());
        a.await(EventTopics.PAIRING_AWAITING_APPROVAL);

        assertTrue(a.pairing.decline());

        Event failed = b.await(EventTopics.PAIRING_FAILED);
        assertEquals(PairingException.DECLINED, failed.getProperty(EventTopics.REASON));
        assertEquals(PairingStatus.State.DECLINED, b.pairing.status().orElseThrow().state());
        assertFalse(a.trusts(b));
        assertFalse(b.trusts(a));
    }

    @Test
    void threeWrongPinsVoidThePinAndEachIsCountedAndShown() throws Exception {
        PairingOffer offer = a.pairing.start();
        List<Integer> left = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            PairingException wrongPin = assertThrows(PairingException.class, () -> accept(offer, wrong(offer.pin())));
            assertEquals(PairingException.PIN_MISMATCH, wrongPin.reason());
            left.add(wrongPin.remainingAttempts().orElseThrow());
            assertEquals(left.get(i), a.await(EventTopics.PAIRING_FAILED).getProperty(EventTopics.ATTEMPTS_LEFT));
        }
        assertEquals(List.of(2, 1, 0), left);
        a.await(EventTopics.PAIRING_PIN_VOID);
        a.await(EventTopics.PAIRING_ENDED);

        PairingException afterwards = assertThrows(PairingException.class, () -> accept(offer, offer.pin()));
        assertTrue(afterwards.reason().equals(PairingException.UNREACHABLE)
                || afterwards.reason().equals(PairingException.PIN_VOID), afterwards.reason());
        assertEquals(PairingStatus.State.PIN_VOID, a.pairing.status().orElseThrow().state());
        assertFalse(a.trusts(b));
        assertFalse(b.trusts(a));
    }

    @Test
    void thePinExpiresAfterFiveMinutesAndTheServerCloses() throws Exception {
        PairingOffer offer = a.pairing.start();
        assertEquals(NOW.plus(Duration.ofMinutes(5)), offer.expiresAt());
        a.clock.advance(Duration.ofMinutes(5));

        a.await(EventTopics.PAIRING_EXPIRED);
        a.await(EventTopics.PAIRING_ENDED);
        assertEquals(PairingStatus.State.EXPIRED, a.pairing.status().orElseThrow().state());
        assertThrows(PairingException.class, () -> accept(offer, offer.pin()));
        assertFalse(b.trusts(a));
    }

    @Test
    void pairingCannotBeOpenedTwiceAndCancelClosesIt() throws Exception {
        PairingOffer offer = a.pairing.start();
        PairingException twice = assertThrows(PairingException.class, () -> a.pairing.start());
        assertEquals(PairingException.ALREADY_OPEN, twice.reason());

        a.pairing.cancel();

        a.await(EventTopics.PAIRING_ENDED);
        assertEquals(PairingStatus.State.CANCELLED, a.pairing.status().orElseThrow().state());
        assertThrows(IOException.class, () -> post(offer.port(), "round1", "{}"));
        assertTrue(a.pairing.start().port() > 0, "a new PIN after a cancel");
    }

    @Test
    void theQrCodeDecodesToThePayloadAndAWrongFingerprintIsRefusedOnB() throws Exception {
        PairingOffer offer = a.pairing.start();
        Map<String, Object> payload = PairingJson.parseObject(decode(offer).getBytes(java.nio.charset.StandardCharsets.UTF_8));
        assertEquals(offer.qrPayload(), decode(offer));
        assertEquals(offer.pin(), payload.get("pin"));
        assertEquals(a.identity.deviceId(), payload.get("deviceId"));
        assertEquals("127.0.0.1", payload.get("host"));
        assertEquals(PairingService.fingerprint(a.crypto, a.identity.publicKey()), payload.get("fp"));
        assertTrue(offer.qrSvg().startsWith("<svg") && offer.qrText().contains("\n"));

        String otherKey = PairingService.fingerprint(a.crypto, b.identity.publicKey());
        PairingException refused = assertThrows(PairingException.class, () -> b.pairing.accept(offer.host(),
                offer.port(), offer.pin(), Optional.of(offer.deviceId()), Optional.of(otherKey)));

        assertEquals(PairingException.IDENTITY_REFUSED, refused.reason());
        assertFalse(b.trusts(a));
    }

    @Test
    void aRecorderOfTheWholeExchangeLearnsNoPinAndCannotPairWithWhatItRecorded() throws Exception {
        PairingOffer offer = a.pairing.start();
        Map<String, String> recorded;
        String seen;
        try (RecordingProxy proxy = new RecordingProxy(offer.port())) {
            b.pairing.accept("127.0.0.1", proxy.port(), offer.pin(), Optional.of(offer.deviceId()), Optional.empty());
            a.await(EventTopics.PAIRING_AWAITING_APPROVAL);
            a.pairing.decline();
            b.await(EventTopics.PAIRING_FAILED);
            a.await(EventTopics.PAIRING_ENDED);
            seen = new String(proxy.clientToServer.captured(), StandardCharsets.ISO_8859_1)
                    + new String(proxy.serverToClient.captured(), StandardCharsets.ISO_8859_1);
            recorded = requestBodies(new String(proxy.clientToServer.captured(), StandardCharsets.UTF_8));
        }
        assertTrue(seen.contains("/pair/v2/confirm"), "the recorder saw the whole exchange");
        assertFalse(seen.contains(offer.pin()), "the PIN never crossed the network");
        assertFalse(seen.contains(b.identity.deviceName()), "the identities crossed sealed");

        // With a new PIN, it replays B's recorded steps: the J-PAKE proofs were made for
        // another exchange, and fail before any guess is counted.
        PairingOffer next = a.pairing.start();
        HttpResponse<String> round1 = post(next.port(), "round1", recorded.get("round1"));
        assertEquals(200, round1.statusCode(), "a round 1 alone proves nothing and costs nothing");
        String token = round1.body().replaceAll(".*\"attempt\":\"([A-Za-z0-9_-]+)\".*", "$1");
        String round2 = recorded.get("round2").replaceAll("\"attempt\":\"[A-Za-z0-9_-]+\"",
                "\"attempt\":\"" + token + "\"");
        assertEquals(400, post(next.port(), "round2", round2).statusCode());
        assertEquals(409, post(next.port(), "confirm", recorded.get("confirm")).statusCode());
        assertEquals(PairingHost.MAX_FAILED_ATTEMPTS, a.pairing.status().orElseThrow().attemptsLeft());
        assertFalse(a.trusts(b));
        assertFalse(b.trusts(a));
    }

    /** The bodies of the POST requests in a recorded HTTP/1.1 byte stream, by step. */
    private static Map<String, String> requestBodies(String stream) {
        Map<String, String> bodies = new java.util.HashMap<>();
        int at = 0;
        while ((at = stream.indexOf("POST /pair/v2/", at)) >= 0) {
            String step = stream.substring(at + "POST /pair/v2/".length()).split(" ", 2)[0];
            int headersEnd = stream.indexOf("\r\n\r\n", at);
            String headers = stream.substring(at, headersEnd).toLowerCase(java.util.Locale.ROOT);
            int length = Integer.parseInt(headers.replaceAll("(?s).*content-length: *([0-9]+).*", "$1"));
            bodies.put(step, stream.substring(headersEnd + 4, headersEnd + 4 + length));
            at = headersEnd + 4 + length;
        }
        return bodies;
    }

    @Test
    void theServerRefusesOtherMethodsPathsOversizedAndMalformedBodies() throws Exception {
        PairingOffer offer = a.pairing.start();
        HttpClient http = HttpClient.newHttpClient();
        URI base = URI.create("http://127.0.0.1:" + offer.port() + "/pair/v2/");

        assertEquals(405, http.send(HttpRequest.newBuilder(base.resolve("round1")).GET().build(),
                HttpResponse.BodyHandlers.discarding()).statusCode());
        assertEquals(404, post(offer.port(), "other", "{}").statusCode());
        assertEquals(413, post(offer.port(), "round1", "{\"x\":\"" + "a".repeat(70_000) + "\"}").statusCode());
        HttpResponse<String> malformed = post(offer.port(), "round1", "{\"round1\": [}");
        assertEquals(400, malformed.statusCode());
        assertTrue(malformed.body().contains("\"error\":\"malformed\""), malformed.body());
        assertEquals(409, post(offer.port(), "round2", "{\"attempt\":\"AAAAAAAAAAAAAAAAAAAAAA\",\"round2\":{}}")
                .statusCode(), "a step of no attempt");
        assertEquals(PairingHost.MAX_FAILED_ATTEMPTS, a.pairing.status().orElseThrow().attemptsLeft(),
                "none of these used up a PIN guess");
    }

    private static HttpResponse<String> post(int port, String step, String body) throws IOException,
            InterruptedException {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + port + "/pair/v2/" + step))
                        .timeout(Duration.ofSeconds(10))
                        .POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** Reads the offer's console QR code back with ZXing, from a picture of its half-block characters. */
    private static String decode(PairingOffer offer) throws Exception {
        String[] lines = offer.qrText().split("\n");
        int size = lines[0].length();
        boolean[][] dark = new boolean[size][size];
        for (int row = 0; row < lines.length; row++) {
            for (int x = 0; x < size; x++) {
                char c = lines[row].charAt(x);
                dark[2 * row][x] = c == ' ' || c == '\u2584';
                if (2 * row + 1 < size) {
                    dark[2 * row + 1][x] = c == ' ' || c == '\u2580';
                }
            }
        }
        int scale = 4;
        int side = size * scale;
        int[] pixels = new int[side * side];
        for (int y = 0; y < side; y++) {
            for (int x = 0; x < side; x++) {
                pixels[y * side + x] = dark[y / scale][x / scale] ? 0xFF000000 : 0xFFFFFFFF;
            }
        }
        BinaryBitmap bitmap = new BinaryBitmap(new HybridBinarizer(new RGBLuminanceSource(side, side, pixels)));
        return new QRCodeReader().decode(bitmap).getText();
    }
}
