package org.moodhaven.identity.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.HexFormat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.moodhaven.api.crypto.CryptoProvider;
import org.moodhaven.api.identity.DeviceIds;
import org.moodhaven.crypto.jdk.internal.JdkCryptoProvider;
import org.moodhaven.testing.Configs;
import org.moodhaven.testing.TestVectors;

/** The lifecycle of peer_key.bin and device.json, PROTOCOL.md section 1. */
class DeviceFilesTest {

    private static final Instant NOW = Instant.parse("2026-03-18T10:00:00Z");

    @TempDir
    Path data;

    private final CryptoProvider crypto = new JdkCryptoProvider(Configs.of(JdkCryptoProvider.Config.class));
    private final ObjectMapper json = new ObjectMapper();

    @Test
    void firstStartWritesAnOwnerOnlyKeyAndAMatchingDeviceFile() throws Exception {
        DeviceFiles.Loaded loaded = files().load(crypto, null, "laptop", NOW);

        assertEquals(DeviceFiles.Outcome.CREATED, loaded.outcome());
        Path key = data.resolve("peer_key.bin");
        assertEquals(32, Files.size(key));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(key)));
        JsonNode device = json.readTree(data.resolve("device.json").toFile());
        assertEquals(loaded.deviceId(), device.get("deviceId").asText());
        assertEquals("laptop", device.get("deviceName").asText());
        assertEquals(DeviceIds.base64Url(loaded.publicKey()), device.get("publicKey").asText());
        assertEquals("2026-03-18T10:00:00.000Z", device.get("created").asText());
        assertEquals(DeviceIds.fromPublicKey(crypto.ed25519PublicKey(Files.readAllBytes(key))), loaded.deviceId());
    }

    @Test
    void theVectorSeedGivesTheVectorIdentity() throws Exception {
        Files.write(data.resolve("peer_key.bin"), HexFormat.of().parseHex(TestVectors.text("/identity/0/privateKeySeedHex")));
        DeviceFiles.Loaded loaded = files().load(crypto, null, "laptop", NOW);
        assertEquals(TestVectors.text("/identity/0/deviceId"), loaded.deviceId());
        assertEquals(TestVectors.text("/identity/0/publicKey"), DeviceIds.base64Url(loaded.publicKey()));
        assertEquals("rw-------", PosixFilePermissions.toString(
                Files.getPosixFilePermissions(data.resolve("peer_key.bin"))), "a loose key file is tightened");
    }

    @Test
    void aMissingDeviceFileIsRebuiltWithTheSameDeviceId() throws Exception {
        DeviceFiles.Loaded first = files().load(crypto, null, "laptop", NOW);
        Files.delete(data.resolve("device.json"));

        DeviceFiles.Loaded again = files().load(crypto, null, "laptop", NOW);

        assertEquals(DeviceFiles.Outcome.REBUILT_DEVICE_FILE, again.outcome());
        assertEquals(first.deviceId(), again.deviceId());
        assertEquals(first.deviceId(), json.readTree(data.resolve("device.json").toFile()).get("deviceId").asText());
    }

    @Test
    void aMissingKeyMakesANewIdentity() throws Exception {
        DeviceFiles.Loaded first = files().load(crypto, null, "laptop", NOW);
        Files.delete(data.resolve("peer_key.bin"));

        DeviceFiles.Loaded again = files().load(crypto, null, "laptop", NOW);

        assertEquals(DeviceFiles.Outcome.REPLACED_MISSING_KEY, again.outcome());
        assertNotEquals(first.deviceId(), again.deviceId());
        assertEquals(again.deviceId(), json.readTree(data.resolve("device.json").toFile()).get("deviceId").asText());
    }

    @Test
    void aDeviceFileForAnotherKeyStopsTheNodeAndIsNotOverwritten() throws Exception {
        files().load(crypto, null, "laptop", NOW);
        Path otherData = Files.createDirectory(data.resolve("other"));
        new DeviceFiles(otherData).load(crypto, null, "desktop", NOW);
        byte[] foreign = Files.readAllBytes(otherData.resolve("device.json"));
        Files.write(data.resolve("device.json"), foreign);

        IdentityFileException error = assertThrows(IdentityFileException.class,
                () -> files().load(crypto, null, "laptop", NOW));

        assertTrue(error.getMessage().contains("does not belong to the private key"), error.getMessage());
        assertArrayEquals(foreign, Files.readAllBytes(data.resolve("device.json")));
    }

    @Test
    void aDeviceIdNotDerivedFromThePublicKeyStopsTheNode() throws Exception {
        DeviceFiles.Loaded loaded = files().load(crypto, null, "laptop", NOW);
        Path deviceFile = data.resolve("device.json");
        String tampered = Files.readString(deviceFile).replace(loaded.deviceId(), "0000000000000000");
        Files.writeString(deviceFile, tampered);

        IdentityFileException error = assertThrows(IdentityFileException.class,
                () -> files().load(crypto, null, "laptop", NOW));

        assertTrue(error.getMessage().contains("not derived from its publicKey"), error.getMessage());
        assertEquals(tampered, Files.readString(deviceFile));
    }

    @Test
    void malformedFilesStopTheNodeWithAMessageThatSaysWhatToDo() throws Exception {
        files().load(crypto, null, "laptop", NOW);
        Files.writeString(data.resolve("device.json"), "{\"deviceId\": ");
        IdentityFileException json = assertThrows(IdentityFileException.class,
                () -> files().load(crypto, null, "laptop", NOW));
        assertTrue(json.getMessage().contains("delete it to rebuild it"), json.getMessage());

        Files.write(data.resolve("peer_key.bin"), "short".getBytes(StandardCharsets.UTF_8));
        IdentityFileException key = assertThrows(IdentityFileException.class,
                () -> files().load(crypto, null, "laptop", NOW));
        assertTrue(key.getMessage().contains("exactly 32 bytes"), key.getMessage());
    }

    @Test
    void aNameGivenOnTheCommandLineRenamesTheDeviceKeepingItsId() throws Exception {
        DeviceFiles.Loaded first = files().load(crypto, null, "laptop", NOW);
        DeviceFiles.Loaded renamed = files().load(crypto, "Ken's laptop", "laptop", NOW.plusSeconds(60));

        assertEquals(DeviceFiles.Outcome.RENAMED, renamed.outcome());
        assertEquals(first.deviceId(), renamed.deviceId());
        assertEquals(first.created(), renamed.created());
        assertEquals("Ken's laptop", json.readTree(data.resolve("device.json").toFile()).get("deviceName").asText());
        assertEquals(DeviceFiles.Outcome.LOADED, files().load(crypto, null, "laptop", NOW).outcome());
        assertThrows(IdentityFileException.class, () -> files().load(crypto, "bad\nname", "laptop", NOW));
    }

    private DeviceFiles files() {
        return new DeviceFiles(data);
    }
}
