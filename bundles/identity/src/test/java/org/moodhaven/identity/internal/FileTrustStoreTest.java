package org.moodhaven.identity.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.moodhaven.api.crypto.CryptoProvider;
import org.moodhaven.api.event.EventTopics;
import org.moodhaven.api.identity.DeviceIdentity;
import org.moodhaven.api.identity.DeviceIds;
import org.moodhaven.api.identity.TrustStoreException;
import org.moodhaven.api.identity.TrustedDevice;
import org.moodhaven.crypto.jdk.internal.JdkCryptoProvider;
import org.moodhaven.testing.Configs;
import org.moodhaven.testing.TestNodeSettings;
import org.moodhaven.testing.TestVectors;
import org.osgi.service.event.Event;
import org.osgi.service.event.EventAdmin;

/** trusted_devices.json, PROTOCOL.md section 2. */
class FileTrustStoreTest {

    private static final Instant PAIRED = Instant.parse("2026-03-18T10:00:00Z");

    @TempDir
    Path data;

    private final CryptoProvider crypto = new JdkCryptoProvider(Configs.of(JdkCryptoProvider.Config.class));
    private final ObjectMapper json = new ObjectMapper();
    private final BlockingQueue<Event> events = new LinkedBlockingQueue<>();
    private FileTrustStore store;
    private String ownId;

    @BeforeEach
    void start() throws Exception {
        ownId = TestVectors.text("/identity/0/deviceId");
        store = open();
    }

    @AfterEach
    void stop() throws Exception {
        store.deactivate();
    }

    private FileTrustStore open() throws Exception {
        FileTrustStore opened = new FileTrustStore(new TestNodeSettings(data), new SelfIdentity(ownId));
        opened.setEvents(new EventAdmin() {
            @Override
            public void postEvent(Event event) {
                events.add(event);
            }

            @Override
            public void sendEvent(Event event) {
                events.add(event);
            }
        });
        return opened;
    }

    @Test
    void trustsAndRevokesWithAtomicOwnerOnlyWrites() throws Exception {
        TrustedDevice peer = device(1, "Desktop");
        store.trust(peer);

        Path file = data.resolve("trusted_devices.json");
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        JsonNode written = json.readTree(file.toFile());
        assertEquals(1, written.size());
        assertEquals(peer.deviceId(), written.get(0).get("deviceId").asText());
        assertEquals("2026-03-18T10:00:00.000Z", written.get(0).get("pairedAt").asText());
        assertEquals(Optional.of(peer), store.find(peer.deviceId()));
        assertEquals(EventTopics.TRUST_CHANGED, events.poll(5, TimeUnit.SECONDS).getTopic());

        assertTrue(store.revoke(peer.deviceId()));
        assertEquals(List.of(), store.list());
        assertFalse(store.revoke(peer.deviceId()));
        assertEquals(0, json.readTree(file.toFile()).size());
        assertRevokedEvent(peer.deviceId());
    }

    @Test
    void ignoresAndReportsInvalidDuplicateAndSelfEntriesButKeepsThemInTheFile() throws Exception {
        TrustedDevice good = device(1, "Desktop");
        TrustedDevice other = device(2, "Phone");
        String goodJson = entryJson(good);
        String file = "[" + goodJson + ","
                + entryJson(good).replace("Desktop", "Impostor") + ","
                + "{\"deviceId\":\"0000000000000000\",\"deviceName\":\"x\",\"publicKey\":\"" + good.publicKey()
                + "\",\"pairedAt\":\"2026-03-18T10:00:00Z\"},"
                + "{\"deviceId\":\"" + ownId + "\",\"deviceName\":\"me\",\"publicKey\":\""
                + TestVectors.text("/identity/0/publicKey") + "\",\"pairedAt\":\"2026-03-18T10:00:00Z\"},"
                + "{\"deviceId\":\"" + good.deviceId() + "x\"}, 42,"
                + entryJson(other).replace("}", ",\"futureField\":{\"kept\":true},\"protocol\":1}") + "]";
        Files.writeString(data.resolve("trusted_devices.json"), file);

        List<TrustedDevice> trusted = store.list();

        assertEquals(List.of(good.deviceId(), other.deviceId()), trusted.stream().map(TrustedDevice::deviceId).toList());
        assertEquals("Desktop", trusted.get(0).deviceName(), "the first entry of a duplicated id counts");
        assertTrue(trusted.get(1).legacyV1Only());
        assertEquals(5, store.problems().size(), String.join("\n", store.problems()));

        store.recordAddress(other.deviceId(), "10.77.0.2:44539");

        JsonNode rewritten = json.readTree(data.resolve("trusted_devices.json").toFile());
        assertEquals(7, rewritten.size(), "ignored entries are kept, not deleted");
        assertEquals("10.77.0.2:44539", rewritten.get(6).get("lastAddress").asText());
        assertTrue(rewritten.get(6).get("futureField").get("kept").asBoolean(), "unknown fields are kept");
        assertEquals("Impostor", rewritten.get(1).get("deviceName").asText());
    }

    @Test
    void revokingADuplicatedDeviceRemovesEveryEntryAndAnnouncesItOnce() throws Exception {
        TrustedDevice peer = device(1, "Desktop");
        TrustedDevice other = device(2, "Phone");
        Path file = data.resolve("trusted_devices.json");
        Files.writeString(file, "[" + entryJson(peer) + "," + entryJson(other) + ","
                + entryJson(peer).replace("Desktop", "Desktop again") + "]");
        assertEquals(Optional.of(peer), store.find(peer.deviceId()), "the first entry of a duplicated id counts");
        assertTrue(store.problems().stream().anyMatch(p -> p.contains("a second entry for device " + peer.deviceId())),
                String.join("\n", store.problems()));
        events.clear();

        assertTrue(store.revoke(peer.deviceId()));

        assertEquals(Optional.empty(), store.find(peer.deviceId()), "the second entry did not become the trusted one");
        assertEquals(List.of(other), store.list());
        JsonNode written = json.readTree(file.toFile());
        assertEquals(1, written.size(), written.toString());
        assertEquals(other.deviceId(), written.get(0).get("deviceId").asText());
        List<Event> posted = new java.util.ArrayList<>();
        events.drainTo(posted);
        assertEquals(1, posted.stream().filter(e -> e.getTopic().equals(EventTopics.TRUST_REVOKED)
                && peer.deviceId().equals(e.getProperty(EventTopics.DEVICE_ID))).count(),
                "one revocation event, so the device's live sessions close: " + posted);
        assertFalse(store.revoke(peer.deviceId()), "nothing is left to revoke");
    }

    @Test
    void pairingAgainLeavesExactlyOneEntryForTheDevice() throws Exception {
        TrustedDevice peer = device(1, "Desktop");
        TrustedDevice other = device(2, "Phone");
        Path file = data.resolve("trusted_devices.json");
        Files.writeString(file, "[" + entryJson(peer).replace("}", ",\"futureField\":7}") + "," + entryJson(other)
                + "," + entryJson(peer).replace("Desktop", "Desktop again") + "]");

        TrustedDevice renamed = new TrustedDevice(peer.deviceId(), "Work desktop", peer.publicKey(), PAIRED, 2, null);
        store.trust(renamed);
        store.trust(other);

        JsonNode written = json.readTree(file.toFile());
        assertEquals(2, written.size(), "one entry per device: " + written);
        assertEquals(peer.deviceId(), written.get(0).get("deviceId").asText(), "where the first entry was");
        assertEquals("Work desktop", written.get(0).get("deviceName").asText());
        assertEquals(7, written.get(0).get("futureField").asInt(), "the entry that counted kept its unknown fields");
        assertEquals(other.deviceId(), written.get(1).get("deviceId").asText());
        assertEquals(Optional.of(renamed), store.find(peer.deviceId()));
        assertEquals(List.of(), store.problems());
    }

    /** Pairing trusts a device with the sync address it learned; a later sync moves it. */
    @Test
    void aLastAddressGivenWhenTrustingIsWrittenKeptAndMovedByALaterSync() throws Exception {
        TrustedDevice paired = device(1, "Desktop").withLastAddress("192.168.1.50:50123");
        store.trust(paired);
        Path file = data.resolve("trusted_devices.json");
        assertEquals("192.168.1.50:50123", json.readTree(file.toFile()).get(0).get("lastAddress").asText());

        FileTrustStore reopened = open();
        assertEquals(Optional.of("192.168.1.50:50123"),
                reopened.find(paired.deviceId()).flatMap(TrustedDevice::lastAddressIfKnown));

        store.recordAddress(paired.deviceId(), "[fe80::1%eth0]:44701");
        assertEquals("[fe80::1%eth0]:44701", json.readTree(file.toFile()).get(0).get("lastAddress").asText());
        assertEquals("[fe80::1%eth0]:44701", store.find(paired.deviceId()).orElseThrow().lastAddress());
        reopened.deactivate();
    }

    @Test
    void readsChangesMadeOnDiskByAnotherProgram() throws Exception {
        TrustedDevice peer = device(1, "Desktop");
        Path temp = data.resolve("edit.tmp");
        Files.writeString(temp, "[" + entryJson(peer) + "]");
        Files.move(temp, data.resolve("trusted_devices.json"), StandardCopyOption.ATOMIC_MOVE);

        Event added = events.poll(10, TimeUnit.SECONDS);
        assertEquals(EventTopics.TRUST_CHANGED, added.getTopic(), "the watcher noticed without anyone asking");
        assertEquals(Optional.of(peer), store.find(peer.deviceId()));

        Files.writeString(data.resolve("trusted_devices.json"), "[]");
        assertEquals(EventTopics.TRUST_CHANGED, events.poll(10, TimeUnit.SECONDS).getTopic());
        assertRevokedEvent(peer.deviceId());
        assertEquals(Optional.empty(), store.find(peer.deviceId()));
    }

    @Test
    void aFileThatIsNotAnArrayTrustsNobodyAndIsNeverOverwritten() throws Exception {
        Files.writeString(data.resolve("trusted_devices.json"), "[{\"deviceId\": oops");

        assertEquals(List.of(), store.list());
        assertTrue(store.problems().get(0).contains("not valid JSON"), store.problems().get(0));
        assertThrows(TrustStoreException.class, () -> store.trust(device(1, "Desktop")));
        assertEquals("[{\"deviceId\": oops", Files.readString(data.resolve("trusted_devices.json")));
    }

    @Test
    void refusesToTrustItselfOrAnInconsistentDevice() {
        TrustedDevice self = new TrustedDevice(ownId, "me", TestVectors.text("/identity/0/publicKey"), PAIRED, null,
                null);
        assertThrows(IllegalArgumentException.class, () -> store.trust(self));
        TrustedDevice good = device(1, "Desktop");
        assertThrows(IllegalArgumentException.class, () -> store.trust(new TrustedDevice("0000000000000000",
                "Desktop", good.publicKey(), PAIRED, null, null)));
        assertThrows(IllegalArgumentException.class, () -> store.trust(new TrustedDevice(good.deviceId(),
                "bad\u202Ename", good.publicKey(), PAIRED, null, null)));
    }

    @Test
    void aChangedKeyEndsSessionsLikeARevocation() throws Exception {
        TrustedDevice peer = device(1, "Desktop");
        store.trust(peer);
        events.clear();
        TrustedDevice other = device(2, "Desktop");
        String swapped = "[" + entryJson(peer).replace(peer.publicKey(), other.publicKey()) + "]";
        Files.writeString(data.resolve("trusted_devices.json"), swapped);

        assertEquals(List.of(), store.list(), "the id no longer derives from the key");
        assertRevokedEvent(peer.deviceId());
    }

    private void assertRevokedEvent(String deviceId) throws InterruptedException {
        while (true) {
            Event event = events.poll(10, TimeUnit.SECONDS);
            if (event == null) {
                throw new AssertionError("no revocation event for " + deviceId);
            }
            if (event.getTopic().equals(EventTopics.TRUST_REVOKED)) {
                assertEquals(deviceId, event.getProperty(EventTopics.DEVICE_ID));
                return;
            }
        }
    }

    private TrustedDevice device(int n, String name) {
        byte[] seed = new byte[32];
        seed[0] = (byte) n;
        byte[] publicKey = crypto.ed25519PublicKey(seed);
        return new TrustedDevice(DeviceIds.fromPublicKey(publicKey), name, DeviceIds.base64Url(publicKey), PAIRED,
                null, null);
    }

    private static String entryJson(TrustedDevice device) {
        return "{\"deviceId\":\"" + device.deviceId() + "\",\"deviceName\":\"" + device.deviceName()
                + "\",\"publicKey\":\"" + device.publicKey() + "\",\"pairedAt\":\"2026-03-18T10:00:00.000Z\"}";
    }

    /** This node, as far as the trust store needs to know it. */
    private record SelfIdentity(String deviceId) implements DeviceIdentity {
        @Override
        public String deviceName() {
            return "me";
        }

        @Override
        public byte[] publicKey() {
            throw new UnsupportedOperationException();
        }

        @Override
        public String publicKeyBase64() {
            throw new UnsupportedOperationException();
        }

        @Override
        public Instant created() {
            return PAIRED;
        }

        @Override
        public byte[] sign(byte[] message) {
            throw new UnsupportedOperationException();
        }
    }
}
