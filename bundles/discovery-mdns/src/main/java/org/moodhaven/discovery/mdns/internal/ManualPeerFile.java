package org.moodhaven.discovery.mdns.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import org.moodhaven.api.discovery.PeerDirectory;
import org.moodhaven.api.identity.DeviceIds;
import org.moodhaven.common.files.AtomicFiles;

/**
 * The peers added by address, in {@code {data}/peers.json}:
 * {@code [{"host": "192.168.1.20", "port": 44123, "deviceId": "…", "addedAt": "…"}]}
 * ({@code deviceId} optional). Written atomically, readable by the owner only. A file
 * that cannot be read as such an array is left alone and never overwritten; entries
 * that break a rule are skipped and reported.
 */
final class ManualPeerFile {

    static final String FILE_NAME = "peers.json";

    /** Far more than {@link PeerDirectory#MAX_MANUAL_PEERS} entries need. */
    private static final long MAX_FILE_BYTES = 256 * 1024;

    /** One peer added by address. */
    record Entry(String host, int port, String deviceId, Instant addedAt) {

        /** @return the key that makes two entries the same peer */
        String key() {
            return key(host, port);
        }

        static String key(String host, int port) {
            return host.toLowerCase(Locale.ROOT) + " " + port;
        }
    }

    private final Path file;
    private final ObjectMapper json = JsonMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .disable(JsonParser.Feature.ALLOW_COMMENTS)
            .enable(SerializationFeature.INDENT_OUTPUT)
            .build();
    private final List<Entry> entries = new ArrayList<>();
    private final List<String> problems = new ArrayList<>();
    private boolean writable = true;

    /**
     * Reads the file, if there is one.
     *
     * @param file     {@code peers.json}
     * @param ownId    this node's deviceId, never a peer
     */
    ManualPeerFile(Path file, String ownId) {
        this.file = file;
        byte[] bytes;
        try {
            if (Files.size(file) > MAX_FILE_BYTES) {
                refuse("it is larger than " + MAX_FILE_BYTES + " bytes");
                return;
            }
            bytes = Files.readAllBytes(file);
            AtomicFiles.restrictToOwner(file);
        } catch (NoSuchFileException e) {
            return;
        } catch (IOException e) {
            refuse("it cannot be read (" + e.getMessage() + ")");
            return;
        }
        JsonNode root;
        try {
            root = json.readTree(bytes);
        } catch (IOException e) {
            refuse("it is not valid JSON");
            return;
        }
        if (root == null || !root.isArray()) {
            refuse("it is not a JSON array");
            return;
        }
        for (JsonNode node : root) {
            Optional<String> problem = read(node, ownId);
            problem.ifPresent(p -> problems.add("entry " + node.toString().substring(0,
                    Math.min(80, node.toString().length())) + " ignored: " + p));
        }
    }

    private void refuse(String why) {
        writable = false;
        problems.add(file + " is not used and will not be overwritten: " + why
                + "; fix it by hand or move it away");
    }

    private Optional<String> read(JsonNode node, String ownId) {
        if (!node.isObject()) {
            return Optional.of("not an object");
        }
        JsonNode host = node.get("host");
        JsonNode port = node.get("port");
        JsonNode deviceId = node.get("deviceId");
        JsonNode addedAt = node.get("addedAt");
        if (host == null || !host.isTextual() || port == null || !port.isInt()) {
            return Optional.of("host (text) and port (number) are required");
        }
        if (deviceId != null && !deviceId.isNull() && !deviceId.isTextual()) {
            return Optional.of("deviceId is not text");
        }
        String id = deviceId == null || deviceId.isNull() ? null : deviceId.asText();
        Optional<String> problem = problem(host.asText(), port.asInt(), id, ownId);
        if (problem.isPresent()) {
            return problem;
        }
        Instant added = Instant.EPOCH;
        if (addedAt != null && addedAt.isTextual()) {
            try {
                added = Instant.parse(addedAt.asText());
            } catch (DateTimeParseException e) {
                // the time it was added is only informative
            }
        }
        Entry entry = new Entry(host.asText(), port.asInt(), id, added);
        if (entries.stream().anyMatch(e -> e.key().equals(entry.key()))) {
            return Optional.of("the same address twice");
        }
        if (entries.size() >= PeerDirectory.MAX_MANUAL_PEERS) {
            return Optional.of("more than " + PeerDirectory.MAX_MANUAL_PEERS + " peers");
        }
        entries.add(entry);
        return Optional.empty();
    }

    /**
     * @param host     a host as a person typed it
     * @param port     a port
     * @param deviceId a deviceId, or {@code null}
     * @param ownId    this node's deviceId
     * @return what is wrong, or empty
     */
    static Optional<String> problem(String host, int port, String deviceId, String ownId) {
        Optional<String> hostProblem = Hosts.problem(host);
        if (hostProblem.isPresent()) {
            return hostProblem;
        }
        if (port < 1 || port > 65535) {
            return Optional.of("a port is 1 to 65535, not " + port);
        }
        if (deviceId != null && !DeviceIds.isValid(deviceId)) {
            return Optional.of("a device id is 16 characters, each 0-9 or a-f");
        }
        if (deviceId != null && deviceId.equals(ownId)) {
            return Optional.of("that is this device's own id");
        }
        return Optional.empty();
    }

    List<Entry> entries() {
        return List.copyOf(entries);
    }

    List<String> problems() {
        return List.copyOf(problems);
    }

    /**
     * Adds an entry or replaces the one with the same address, and writes the file.
     *
     * @throws IOException if the file could not be written or is not ours to overwrite;
     *                     the list is then unchanged
     */
    void put(Entry entry) throws IOException {
        List<Entry> next = new ArrayList<>(entries);
        next.removeIf(e -> e.key().equals(entry.key()));
        if (next.size() >= PeerDirectory.MAX_MANUAL_PEERS) {
            throw new IllegalArgumentException("at most " + PeerDirectory.MAX_MANUAL_PEERS
                    + " peers can be added by address; remove one first");
        }
        next.add(entry);
        write(next);
    }

    /**
     * @return whether there was such an entry
     * @throws IOException if the file could not be written; the list is then unchanged
     */
    boolean remove(String host, int port) throws IOException {
        List<Entry> next = new ArrayList<>(entries);
        if (!next.removeIf(e -> e.key().equals(Entry.key(host, port)))) {
            return false;
        }
        write(next);
        return true;
    }

    private void write(List<Entry> next) throws IOException {
        if (!writable) {
            throw new IOException(problems.get(0));
        }
        ArrayNode array = json.createArrayNode();
        for (Entry entry : next) {
            ObjectNode node = array.addObject();
            node.put("host", entry.host());
            node.put("port", entry.port());
            if (entry.deviceId() != null) {
                node.put("deviceId", entry.deviceId());
            }
            node.put("addedAt", entry.addedAt().toString());
        }
        byte[] bytes = (json.writeValueAsString(array) + "\n").getBytes(StandardCharsets.UTF_8);
        AtomicFiles.writeOwnerOnly(file, bytes);
        entries.clear();
        entries.addAll(next);
    }
}
