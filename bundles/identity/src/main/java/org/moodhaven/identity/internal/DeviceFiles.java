package org.moodhaven.identity.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import org.moodhaven.api.crypto.CryptoProvider;
import org.moodhaven.api.entry.Timestamps;
import org.moodhaven.api.identity.DeviceIds;
import org.moodhaven.api.identity.DeviceNames;
import org.moodhaven.common.files.AtomicFiles;

/**
 * The lifecycle of {@code peer_key.bin} and {@code device.json} (PROTOCOL.md
 * section 1):
 * <ul>
 * <li>first start: the key file is written (atomically, 0600) before device.json;</li>
 * <li>key file missing: a new key pair, device.json rewritten (a new deviceId);</li>
 * <li>only device.json missing: rebuilt from the key file (same deviceId);</li>
 * <li>device.json inconsistent with itself or with the key file: stop, overwrite nothing.</li>
 * </ul>
 */
final class DeviceFiles {

    static final String KEY_FILE = "peer_key.bin";
    static final String DEVICE_FILE = "device.json";
    private static final int SEED_LENGTH = 32;

    private final Path keyFile;
    private final Path deviceFile;
    private final ObjectMapper json = JsonFiles.mapper();

    DeviceFiles(Path dataFolder) {
        this.keyFile = dataFolder.resolve(KEY_FILE);
        this.deviceFile = dataFolder.resolve(DEVICE_FILE);
    }

    /** What was loaded, and what had to be done to get there. */
    record Loaded(byte[] seed, byte[] publicKey, String deviceId, String deviceName, Instant created,
                  Outcome outcome) {
    }

    /** How the identity files were found. */
    enum Outcome {
        /** Both files existed and agreed. */
        LOADED,
        /** Nothing existed: a new identity. */
        CREATED,
        /** The key file was missing while device.json existed: a new identity replaced the old one. */
        REPLACED_MISSING_KEY,
        /** device.json was missing and was rebuilt from the key file. */
        REBUILT_DEVICE_FILE,
        /** Both agreed; device.json was rewritten with the name given on the command line. */
        RENAMED
    }

    /**
     * Loads the identity, creating or repairing files as the lifecycle allows.
     *
     * @param crypto        the crypto provider
     * @param requestedName the name from the command line, or {@code null}
     * @param defaultName   the name for a new device.json when none is requested
     * @param now           the current time
     * @return the identity
     * @throws IdentityFileException if the files are inconsistent or unreadable
     */
    Loaded load(CryptoProvider crypto, String requestedName, String defaultName, Instant now) {
        if (requestedName != null && !DeviceNames.isValid(requestedName)) {
            throw new IdentityFileException("the device name given with --name is not valid: "
                    + DeviceNames.problem(requestedName).orElse("") + "; choose 1-64 printable characters");
        }
        try {
            if (!Files.exists(keyFile)) {
                boolean hadDeviceFile = Files.exists(deviceFile);
                byte[] seed = crypto.randomBytes(SEED_LENGTH);
                AtomicFiles.writeOwnerOnly(keyFile, seed);
                byte[] publicKey = crypto.ed25519PublicKey(seed);
                String name = requestedName != null ? requestedName : defaultName;
                writeDeviceFile(DeviceIds.fromPublicKey(publicKey), name, publicKey, now);
                return new Loaded(seed, publicKey, DeviceIds.fromPublicKey(publicKey), name, now,
                        hadDeviceFile ? Outcome.REPLACED_MISSING_KEY : Outcome.CREATED);
            }
            byte[] seed = readSeed();
            byte[] publicKey = crypto.ed25519PublicKey(seed);
            String deviceId = DeviceIds.fromPublicKey(publicKey);
            if (!Files.exists(deviceFile)) {
                String name = requestedName != null ? requestedName : defaultName;
                writeDeviceFile(deviceId, name, publicKey, now);
                return new Loaded(seed, publicKey, deviceId, name, now, Outcome.REBUILT_DEVICE_FILE);
            }
            ObjectNode device = readDeviceFile();
            String storedId = requireText(device, "deviceId");
            String storedKey = requireText(device, "publicKey");
            String storedName = requireText(device, "deviceName");
            Instant created = parseCreated(device);
            byte[] storedKeyBytes;
            try {
                storedKeyBytes = DeviceIds.fromBase64Url(storedKey);
            } catch (IllegalArgumentException e) {
                throw inconsistent("its publicKey is not b64url");
            }
            if (storedKeyBytes.length != DeviceIds.PUBLIC_KEY_LENGTH
                    || !storedId.equals(DeviceIds.fromPublicKey(storedKeyBytes))) {
                throw inconsistent("its deviceId " + storedId + " is not derived from its publicKey");
            }
            if (!Arrays.equals(storedKeyBytes, publicKey)) {
                throw inconsistent("its publicKey does not belong to the private key in " + KEY_FILE);
            }
            if (requestedName != null && !requestedName.equals(storedName)) {
                device.put("deviceName", requestedName);
                AtomicFiles.writeOwnerOnly(deviceFile, json.writeValueAsBytes(device));
                return new Loaded(seed, publicKey, deviceId, requestedName, created, Outcome.RENAMED);
            }
            if (!DeviceNames.isValid(storedName)) {
                throw inconsistent("its deviceName is not valid (" + DeviceNames.problem(storedName).orElse("") + ")");
            }
            return new Loaded(seed, publicKey, deviceId, storedName, created, Outcome.LOADED);
        } catch (IOException e) {
            throw new IdentityFileException("cannot read or write the identity files in " + keyFile.getParent()
                    + ": " + e.getMessage() + "; check the folder's permissions and free space", e);
        }
    }

    private byte[] readSeed() throws IOException {
        byte[] seed;
        try {
            seed = Files.readAllBytes(keyFile);
        } catch (NoSuchFileException e) {
            throw new IdentityFileException(KEY_FILE + " disappeared while starting", e);
        }
        if (seed.length != SEED_LENGTH) {
            throw new IdentityFileException(keyFile + " must hold exactly 32 bytes but holds " + seed.length
                    + "; restore it from a backup, or move it away to make a new identity"
                    + " (every paired device must then pair again)");
        }
        AtomicFiles.restrictToOwner(keyFile);
        return seed;
    }

    private ObjectNode readDeviceFile() throws IOException {
        JsonNode node;
        try {
            node = json.readTree(deviceFile.toFile());
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw inconsistent("it is not valid JSON (" + e.getOriginalMessage() + ")");
        }
        if (!(node instanceof ObjectNode object)) {
            throw inconsistent("it is not a JSON object");
        }
        return object;
    }

    private String requireText(ObjectNode device, String field) {
        JsonNode value = device.get(field);
        if (value == null || !value.isTextual()) {
            throw inconsistent("it lacks the string field \"" + field + "\"");
        }
        return value.asText();
    }

    private Instant parseCreated(ObjectNode device) {
        JsonNode created = device.get("created");
        if (created == null || !created.isTextual() || !Timestamps.isValid(created.asText())) {
            throw inconsistent("its \"created\" is not an RFC 3339 timestamp");
        }
        return Timestamps.parse(created.asText());
    }

    private void writeDeviceFile(String deviceId, String name, byte[] publicKey, Instant created)
            throws IOException {
        ObjectNode device = json.createObjectNode();
        device.put("deviceId", deviceId);
        device.put("deviceName", name);
        device.put("publicKey", DeviceIds.base64Url(publicKey));
        device.put("created", Timestamps.format(created));
        AtomicFiles.writeOwnerOnly(deviceFile, json.writeValueAsBytes(device));
    }

    private IdentityFileException inconsistent(String problem) {
        return new IdentityFileException(deviceFile + " cannot be used: " + problem + ". Nothing was overwritten. "
                + "Restore device.json from a backup, or delete it to rebuild it from " + KEY_FILE
                + " (the deviceId stays the same).");
    }
}
