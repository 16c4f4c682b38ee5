package org.moodhaven.pairing.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
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
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
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
import org.moodhaven.api.identity.DeviceIds;
import org.moodhaven.api.pairing.PairingCaller;
import org.moodhaven.api.pairing.PairingException;
import org.moodhaven.api.pairing.PairingOffer;
import org.moodhaven.api.pairing.PairingRequest;
import org.moodhaven.api.pairing.PairingStatus;
import org.moodhaven.api.sync.SyncAddress;
import org.moodhaven.api.sync.SyncRecord;
import org.moodhaven.api.sync.SyncResult;
import org.moodhaven.api.sync.SyncService;
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

        Node(int n, Path folder, Object... config) throws IOException {
            Path data = Files.createDirectories(folder.resolve("node-" + n));
            identity = SeedIdentity.numbered(n, "Device " + n, crypto);
            trust = new FileTrustStore(new TestNodeSettings(data), identity);
            List<Object> settings = new ArrayList<>(List.of("bindAddress", "127.0.0.1", "advertisedHost", "127.0.0.1"));
            settings.addAll(List.of(config));
            pairing = new PairingService(Configs.of(PairingService.Config.class, settings.toArray()), identity, trust);
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

    /** A sync service that only says its port and remembers where it was asked to sync. */
    private static final class PortOnlySync implements SyncService {
        final int port;
        final BlockingQueue<SyncAddress> syncedAt = new LinkedBlockingQueue<>();

        PortOnlySync(int port) {
            this.port = port;
        }

        @Override
        public int port() {
            return port;
        }

        @Override
        public SyncResult sync(String deviceId, Optional<SyncAddress> address) {
            syncedAt.add(address.orElseThrow(() -> new AssertionError("a sync without an address")));
            return new SyncResult(true, 0, 0, 0, 0, 0, null, null);
        }

        @Override
        public boolean isSyncing(String deviceId) {
            return false;
        }

        @Override
        public List<SyncRecord> history(Optional<String> deviceId, int limit) {
            return List.of();
        }
    }

    @Test
    void eachSideRecordsTheOthersSyncAddressAndBSyncsThereFirstWithoutDiscovery() throws Exception {
        PortOnlySync onA = new PortOnlySync(44_701);
        PortOnlySync onB = new PortOnlySync(50_123);
        a.pairing.bind(a.crypto, a.clock, onA);
        b.pairing.bind(b.crypto, b.clock, onB);
        PairingOffer offer = a.pairing.start();
        accept(offer, offer.pin());
        a.await(EventTopics.PAIRING_AWAITING_APPROVAL);
        a.pairing.approve();
        b.await(EventTopics.PAIRING_PAIRED);

        // A: the address B's requests came from, with the port B revealed; B: the host it
        // reached A's pairing server on, with A's port. Neither is the port derived from the deviceId.
        assertEquals("127.0.0.1:50123", a.trust.find(b.identity.deviceId()).orElseThrow().lastAddress());
        assertEquals("127.0.0.1:44701", b.trust.find(a.identity.deviceId()).orElseThrow().lastAddress());
        SyncAddress first = onB.syncedAt.poll(30, TimeUnit.SECONDS);
        assertEquals(new SyncAddress("127.0.0.1", 44_701), first, "B's first sync goes where A listens");
        assertTrue(onA.syncedAt.isEmpty(), "A does not start the first sync");
    }

    @Test
    void aDeviceThatDoesNotRevealItsSyncPortIsTrustedWithoutAnAddressAndTriedOnTheDerivedPort() throws Exception {
        // A runs no sync server (as an older A, it sends no syncPort); B does.
        PortOnlySync onB = new PortOnlySync(50_123);
        b.pairing.bind(b.crypto, b.clock, onB);
        PairingOffer offer = a.pairing.start();
        accept(offer, offer.pin());
        a.await(EventTopics.PAIRING_AWAITING_APPROVAL);
        a.pairing.approve();
        b.await(EventTopics.PAIRING_PAIRED);

        assertEquals(null, b.trust.find(a.identity.deviceId()).orElseThrow().lastAddress());
        assertEquals("127.0.0.1:50123", a.trust.find(b.identity.deviceId()).orElseThrow().lastAddress());
        assertEquals(new SyncAddress("127.0.0.1", DeviceIds.defaultSyncPort(a.identity.deviceId())),
                onB.syncedAt.poll(30, TimeUnit.SECONDS));
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
    void aPendingApprovalExpiresWithThePinAndNeitherDeviceIsLeftTrustingTheOther() throws Exception {
        PairingOffer offer = a.pairing.start();
        accept(offer, offer.pin());
        a.await(EventTopics.PAIRING_AWAITING_APPROVAL);

        a.clock.advance(Duration.ofMinutes(5));

        a.await(EventTopics.PAIRING_EXPIRED);
        Event onB = b.await(EventTopics.PAIRING_FAILED);
        assertEquals(PairingException.EXPIRED, onB.getProperty(EventTopics.REASON));
        PairingStatus bStatus = b.pairing.status().orElseThrow();
        assertEquals(PairingStatus.State.FAILED, bStatus.state());
        assertEquals("\"Device 1\" did not approve this device before its PIN expired: nothing was trusted on "
                + "either device. Start pairing again.", bStatus.message().orElseThrow());
        a.await(EventTopics.PAIRING_ENDED);
        PairingStatus aStatus = a.pairing.status().orElseThrow();
        assertEquals(PairingStatus.State.EXPIRED, aStatus.state());
        assertTrue(aStatus.request().isEmpty(), "no request to approve any more");
        assertEquals("The PIN expired before \"Device 2\" was approved: nothing was trusted on either device. "
                + "Start pairing again for a new PIN.", aStatus.message().orElseThrow());

        PairingException late = assertThrows(PairingException.class, () -> a.pairing.approve());
        assertEquals(PairingException.EXPIRED, late.reason());
        assertTrue(late.getMessage().startsWith("The PIN expired before you approved \"Device 2\""), late.getMessage());
        assertFalse(a.trusts(b), "a late approval trusts nothing");
        assertFalse(b.trusts(a));
        assertThrows(IOException.class, () -> post(offer.port(), "result", "{}"), "the server closed");
        assertTrue(a.pairing.start().port() > 0, "a new PIN at once");
    }

    @Test
    void whoHoldsTheAttemptAndWhoTriedThePinAreShownByAddress() throws Exception {
        PairingOffer offer = a.pairing.start();
        assertTrue(a.pairing.status().orElseThrow().attemptFrom().isEmpty());
        assertEquals(List.of(), a.pairing.status().orElseThrow().callers());

        // A stranger at 127.0.0.2 starts an attempt and sits on it: A's one attempt slot is taken.
        try (Socket stranger = from("127.0.0.2", offer.port())) {
            assertTrue(send(stranger, "round1", strangersRound1()).startsWith("HTTP/1.1 200 "));
        }
        assertEquals(Optional.of("127.0.0.2"), a.pairing.status().orElseThrow().attemptFrom());

        PairingException busy = assertThrows(PairingException.class, () -> accept(offer, offer.pin()));
        assertEquals(PairingException.BUSY, busy.reason());
        PairingStatus blocked = a.pairing.status().orElseThrow();
        assertEquals(Optional.of("127.0.0.2"), blocked.attemptFrom(), "the person sees who holds the slot");
        assertEquals(List.of(new PairingCaller("127.0.0.1", 1, NOW), new PairingCaller("127.0.0.2", 1, NOW)),
                blocked.callers(), "and who tried, the latest first");

        a.clock.advance(PairingHost.ATTEMPT_IDLE);
        assertTrue(a.pairing.status().orElseThrow().attemptFrom().isEmpty(), "the idle attempt was dropped");
        accept(offer, offer.pin());
        a.await(EventTopics.PAIRING_AWAITING_APPROVAL);
        assertEquals(new PairingCaller("127.0.0.1", 2, NOW.plus(PairingHost.ATTEMPT_IDLE)),
                a.pairing.status().orElseThrow().callers().get(0));
    }

    @Test
    void aDevicePairsWhileAStrangerHoldsSlowAndSilentConnectionsOpen() throws Exception {
        restartA("requestReadSeconds", 60); // nothing is dropped for slowness during this test
        PairingOffer offer = a.pairing.start();
        List<Socket> held = new ArrayList<>();
        try {
            for (int i = 0; i < 4; i++) {
                Socket slowLine = from("127.0.0.2", offer.port());
                held.add(slowLine);
                write(slowLine, "POST /pair/v2/round1 HT");
                Socket slowBody = from("127.0.0.3", offer.port());
                held.add(slowBody);
                write(slowBody, "POST /pair/v2/round1 HTTP/1.1\r\nHost: a\r\nContent-Length: 1000\r\n\r\n{\"round1\":");
                held.add(from("127.0.0.4", offer.port())); // silent
            }

            // Each step runs within B's own deadline (15 s), or accept throws "did not answer in time".
            PairingRequest onB = accept(offer, offer.pin());

            assertEquals(a.identity.deviceId(), onB.deviceId());
            for (Socket socket : held) {
                assertStillOpen(socket);
            }
            a.await(EventTopics.PAIRING_AWAITING_APPROVAL);
            a.pairing.approve();
            b.await(EventTopics.PAIRING_PAIRED);
            assertTrue(a.trusts(b));
            assertTrue(b.trusts(a));
        } finally {
            for (Socket socket : held) {
                socket.close();
            }
        }
    }

    @Test
    void slowAndSilentConnectionsAreClosedUnansweredOnceTheReadLimitPasses() throws Exception {
        restartA("requestReadSeconds", 1);
        PairingOffer offer = a.pairing.start();
        ScheduledExecutorService trickler = Executors.newSingleThreadScheduledExecutor();
        long opened = System.nanoTime();
        try (Socket silent = from("127.0.0.2", offer.port());
                Socket slowLine = from("127.0.0.2", offer.port());
                Socket slowBody = from("127.0.0.2", offer.port());
                Socket trickle = from("127.0.0.2", offer.port())) {
            write(slowLine, "POST /pair/v2/round1 HT");
            write(slowBody, "POST /pair/v2/round1 HTTP/1.1\r\nContent-Length: 1000\r\n\r\n{\"round1\":");
            // A byte every 100 ms: never idle, but never done either.
            write(trickle, "POST /pair/v2/round1 HTTP/1.1\r\nX-Slow: ");
            trickler.scheduleAtFixedRate(() -> {
                try {
                    write(trickle, "a");
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e); // closed by the server: stop
                }
            }, 0, 100, TimeUnit.MILLISECONDS);

            for (Socket socket : List.of(silent, slowLine, slowBody, trickle)) {
                assertClosedUnanswered(socket);
            }
            assertTrue(System.nanoTime() - opened >= Duration.ofSeconds(1).toNanos(), "not before the limit");
        } finally {
            trickler.shutdownNow();
        }
        assertEquals(a.identity.deviceId(), accept(offer, offer.pin()).deviceId(), "the server still serves");
    }

    @Test
    void oneAddressGetsAtMostEightConnectionsAtOnceAndTheDeviceStillPairs() throws Exception {
        restartA("requestReadSeconds", 60);
        PairingOffer offer = a.pairing.start();
        List<Socket> held = new ArrayList<>();
        try {
            for (int i = 0; i < PairingServer.MAX_CONNECTIONS_PER_ADDRESS; i++) {
                held.add(from("127.0.0.2", offer.port()));
            }
            try (Socket ninth = from("127.0.0.2", offer.port())) {
                assertClosedUnanswered(ninth);
            }
            for (Socket socket : held) {
                assertStillOpen(socket);
            }
            assertEquals(a.identity.deviceId(), accept(offer, offer.pin()).deviceId());
        } finally {
            for (Socket socket : held) {
                socket.close();
            }
        }
    }

    @Test
    void pairingCannotBeOpenedTwiceAndCancelClosesIt() throws Exception {
        PairingOffer offer = a.pairing.start();
        PairingException twice = assertThrows(PairingException.class, () -> a.pairing.start());
        assertEquals(PairingException.ALREADY_OPEN, twice.reason());
        assertEquals("A PIN is already shown on this device (valid for 5 more minutes). Cancel it first to get a new "
                + "PIN.", twice.getMessage());
        a.clock.advance(Duration.ofSeconds(4 * 60 + 30));
        assertTrue(assertThrows(PairingException.class, () -> a.pairing.start()).getMessage()
                .contains("(valid for less than a minute)"));

        a.pairing.cancel();

        a.await(EventTopics.PAIRING_ENDED);
        PairingStatus cancelled = a.pairing.status().orElseThrow();
        assertEquals(PairingStatus.State.CANCELLED, cancelled.state());
        assertEquals("Pairing was cancelled on this device: nothing was trusted.", cancelled.message().orElseThrow());
        assertThrows(IOException.class, () -> post(offer.port(), "round1", "{}"));
        assertTrue(a.pairing.start().port() > 0, "a new PIN after a cancel");
    }

    @Test
    void theStatusIsTheSessionRunningOrElseTheOneStartedLast() throws Exception {
        // B types A's PIN and is paired: B's status is that typed session.
        PairingOffer first = a.pairing.start();
        accept(first, first.pin());
        a.await(EventTopics.PAIRING_AWAITING_APPROVAL);
        a.pairing.approve();
        b.await(EventTopics.PAIRING_PAIRED);
        a.await(EventTopics.PAIRING_ENDED);
        PairingStatus typed = b.pairing.status().orElseThrow();
        assertEquals(PairingStatus.Role.ENTERING_PIN, typed.role());
        assertEquals(PairingStatus.State.PAIRED, typed.state());
        assertEquals("Paired with \"Device 1\".", typed.message().orElseThrow());

        // Then B shows a PIN and cancels it: B answers that later session, not the older typed one.
        PairingOffer shown = b.pairing.start();
        assertEquals(PairingStatus.Role.SHOWING_PIN, b.pairing.status().orElseThrow().role());
        b.pairing.cancel();
        PairingStatus afterCancel = b.pairing.status().orElseThrow();
        assertEquals(PairingStatus.Role.SHOWING_PIN, afterCancel.role());
        assertEquals(PairingStatus.State.CANCELLED, afterCancel.state());

        // B shows a PIN again and, meanwhile, types a new PIN of A that A's user declines: the newer
        // typed session has ended, but the PIN B still shows is what B's status is about.
        PairingOffer showing = b.pairing.start();
        assertTrue(showing.port() != shown.port() || !showing.pin().equals(shown.pin()));
        PairingOffer second = a.pairing.start();
        accept(second, second.pin());
        a.await(EventTopics.PAIRING_AWAITING_APPROVAL);
        assertTrue(a.pairing.decline());
        Event declined = b.await(EventTopics.PAIRING_FAILED);
        assertEquals("\"Device 1\" declined this device: nothing was trusted on either device.",
                declined.getProperty(EventTopics.MESSAGE));
        PairingStatus stillShowing = b.pairing.status().orElseThrow();
        assertEquals(PairingStatus.Role.SHOWING_PIN, stillShowing.role());
        assertEquals(PairingStatus.State.OPEN, stillShowing.state());
        assertEquals(showing.pin(), stillShowing.offer().orElseThrow().pin());

        // Once that PIN is cancelled too, both have ended: the one started last, the typed one, is answered.
        b.pairing.cancel();
        PairingStatus last = b.pairing.status().orElseThrow();
        assertEquals(PairingStatus.Role.ENTERING_PIN, last.role());
        assertEquals(PairingStatus.State.DECLINED, last.state());
        a.await(EventTopics.PAIRING_ENDED);
        assertEquals("You declined \"Device 2\" on this device: nothing was trusted.",
                a.pairing.status().orElseThrow().message().orElseThrow());
    }

    @Test
    void anAddressWhereNothingAnswersIsSaidInWordsWithWhatToCheck() throws Exception {
        int closed;
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
            closed = socket.getLocalPort();
        }
        PairingException unreachable = assertThrows(PairingException.class,
                () -> b.pairing.accept("127.0.0.1", closed, "123456", Optional.empty(), Optional.empty()));
        assertEquals(PairingException.UNREACHABLE, unreachable.reason());
        assertEquals("Cannot reach the other device at 127.0.0.1:" + closed + ": nothing answers there. Check the "
                + "address and port it shows, and that it still shows its PIN.", unreachable.getMessage());

        PairingException port = assertThrows(PairingException.class,
                () -> b.pairing.accept("127.0.0.1", 0, "123456", Optional.empty(), Optional.empty()));
        assertEquals(PairingException.INVALID, port.reason());
        assertEquals("The pairing port must be 1 to 65535, not 0: type the number after the colon in the address the "
                + "other device shows.", port.getMessage());
        PairingException host = assertThrows(PairingException.class,
                () -> b.pairing.accept("my laptop", 4000, "123456", Optional.empty(), Optional.empty()));
        assertEquals("\"my laptop\" is not a host name or address: type the address the other device shows, for "
                + "example 192.168.1.20.", host.getMessage());
        PairingException id = assertThrows(PairingException.class, () -> b.pairing.accept("127.0.0.1", 4000,
                "123456", Optional.of("9A4F0B2C1D3E5F60"), Optional.empty()));
        assertEquals(PairingException.INVALID, id.reason());
        assertTrue(id.getMessage().startsWith("A device id is 16 characters, each 0-9 or a-f, not \"9A4F0B2C1D3E5F60\""),
                id.getMessage());
        for (PairingException e : List.of(unreachable, port, host, id)) {
            assertFalse(e.getMessage().contains("Exception") || e.getMessage().contains("deviceId"), e.getMessage());
        }
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

    /** Replaces A with one configured so (besides the test addresses). */
    private void restartA(Object... config) throws Exception {
        a.close();
        a = new Node(1, folder, config);
    }

    /** A connection to A's pairing server on 127.0.0.1 from another loopback address (Linux routes all of 127/8). */
    private static Socket from(String address, int port) throws IOException {
        Socket socket = new Socket();
        socket.bind(new InetSocketAddress(address, 0));
        socket.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
        socket.setSoTimeout(10_000);
        return socket;
    }

    private static void write(Socket socket, String text) throws IOException {
        socket.getOutputStream().write(text.getBytes(StandardCharsets.ISO_8859_1));
        socket.getOutputStream().flush();
    }

    /** Sends one whole request and reads the answer until the server closes. */
    private static String send(Socket socket, String step, byte[] body) throws IOException {
        write(socket, "POST /pair/v2/" + step + " HTTP/1.1\r\nHost: a\r\nContent-Length: " + body.length + "\r\n\r\n");
        socket.getOutputStream().write(body);
        return new String(socket.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
    }

    /** A valid round 1 from a device that is not B. */
    private byte[] strangersRound1() throws Exception {
        SeedIdentity stranger = SeedIdentity.numbered(3, "Stranger", a.crypto);
        return new PairingGuest(Pin.of("000000"), stranger, new IdentityChecks(stranger.deviceId(), Optional.empty(),
                Optional.empty(), id -> Optional.empty()), a.crypto, new java.security.SecureRandom()).round1Request();
    }

    private static void assertStillOpen(Socket socket) throws IOException {
        socket.setSoTimeout(1);
        try {
            int read = socket.getInputStream().read();
            throw new AssertionError("the server " + (read < 0 ? "closed" : "answered") + " a held connection");
        } catch (SocketTimeoutException expected) {
            // nothing arrived: the connection is still open
        } finally {
            socket.setSoTimeout(10_000);
        }
    }

    /** The server closes the connection (within 10 s) without a byte of answer. */
    private static void assertClosedUnanswered(Socket socket) throws IOException {
        try {
            assertEquals(-1, socket.getInputStream().read(), "no answer, only the close");
        } catch (SocketTimeoutException e) {
            throw new AssertionError("still open after 10 s", e);
        } catch (SocketException reset) {
            // closed with our unread bytes in its buffer: a reset is a close too
        }
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
