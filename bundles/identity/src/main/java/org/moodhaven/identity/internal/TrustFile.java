package org.moodhaven.identity.internal;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import org.moodhaven.api.entry.Timestamps;
import org.moodhaven.api.identity.DeviceIds;
import org.moodhaven.api.identity.DeviceNames;
import org.moodhaven.api.identity.TrustedDevice;

/**
 * The content of {@code trusted_devices.json} (PROTOCOL.md section 2), parsed
 * without losing anything: entries that break a rule are ignored for trust but
 * kept, byte for byte as JSON values, when the file is written back, so a typo a
 * person made by hand is reported rather than silently deleted. Unknown fields
 * of valid entries are kept too (forward compatibility). The one exception is the
 * device being trusted or revoked: a second entry with its deviceId (ignored while the
 * first one counts) is removed with it, so it can never become the trusted one.
 */
final class TrustFile {

    /** Longest {@code lastAddress} kept: a host name of 253 characters, a colon and a port. */
    static final int MAX_ADDRESS_LENGTH = 260;

    private final ObjectMapper json;
    /** Every element of the array, in order; valid ones are indexed by deviceId in {@link #trusted}. */
    private final List<JsonNode> elements;
    private final Map<String, TrustedDevice> trusted;
    private final List<String> problems;
    private final boolean readable;

    private TrustFile(ObjectMapper json, List<JsonNode> elements,
                      Map<String, TrustedDevice> trusted, List<String> problems, boolean readable) {
        this.json = json;
        this.elements = elements;
        this.trusted = trusted;
        this.problems = problems;
        this.readable = readable;
    }

    /**
     * @param json the mapper
     * @return the content of a missing file: nobody trusted
     */
    static TrustFile empty(ObjectMapper json) {
        return new TrustFile(json, new ArrayList<>(), new LinkedHashMap<>(), List.of(), true);
    }

    /**
     * Parses the file's bytes. A file that is not a JSON array trusts nobody and
     * cannot be written back until a person fixes it.
     *
     * @param json        the mapper
     * @param ownDeviceId this node's deviceId
     * @param bytes       the file content
     * @return the parsed content
     */
    static TrustFile parse(ObjectMapper json, String ownDeviceId, byte[] bytes) {
        JsonNode root;
        try {
            root = json.readTree(bytes);
        } catch (java.io.IOException e) {
            return unreadable(json, "trusted_devices.json is not valid JSON ("
                    + (e instanceof JsonProcessingException p ? p.getOriginalMessage() : e.getMessage())
                    + "); nobody is trusted until it is fixed");
        }
        if (root == null || !root.isArray()) {
            return unreadable(json, "trusted_devices.json is not a JSON array; nobody is trusted "
                    + "until it is fixed");
        }
        List<JsonNode> elements = new ArrayList<>();
        Map<String, TrustedDevice> trusted = new LinkedHashMap<>();
        List<String> problems = new ArrayList<>();
        int index = 0;
        for (JsonNode element : root) {
            elements.add(element);
            String where = "entry " + index++;
            Optional<TrustedDevice> device = toDevice(element, problems, where);
            if (device.isEmpty()) {
                continue;
            }
            String id = device.get().deviceId();
            if (id.equals(ownDeviceId)) {
                problems.add(where + " ignored: " + id + " is this device itself, which never trusts itself");
            } else if (trusted.containsKey(id)) {
                problems.add(where + " ignored: a second entry for device " + id + " (the first one counts)");
            } else {
                trusted.put(id, device.get());
            }
        }
        return new TrustFile(json, elements, trusted, List.copyOf(problems), true);
    }

    private static TrustFile unreadable(ObjectMapper json, String problem) {
        return new TrustFile(json, new ArrayList<>(), new LinkedHashMap<>(), List.of(problem), false);
    }

    private static Optional<TrustedDevice> toDevice(JsonNode element, List<String> problems, String where) {
        if (!element.isObject()) {
            problems.add(where + " ignored: not a JSON object");
            return Optional.empty();
        }
        String deviceId = text(element, "deviceId");
        String publicKey = text(element, "publicKey");
        String name = text(element, "deviceName");
        String pairedAt = text(element, "pairedAt");
        if (deviceId == null || publicKey == null || name == null || pairedAt == null) {
            problems.add(where + " ignored: deviceId, deviceName, publicKey and pairedAt must all be strings");
            return Optional.empty();
        }
        Optional<String> problem = problem(deviceId, name, publicKey, pairedAt);
        if (problem.isPresent()) {
            problems.add(where + " ignored: " + problem.get());
            return Optional.empty();
        }
        Integer protocol = null;
        JsonNode protocolNode = element.get("protocol");
        if (protocolNode != null && !protocolNode.isNull()) {
            if (!protocolNode.isIntegralNumber() || !(protocolNode.asInt() == 1 || protocolNode.asInt() == 2)) {
                problems.add(where + " ignored: \"protocol\" must be 1 or 2");
                return Optional.empty();
            }
            protocol = protocolNode.asInt();
        }
        String lastAddress = null;
        JsonNode addressNode = element.get("lastAddress");
        if (addressNode != null && !addressNode.isNull()) {
            if (!addressNode.isTextual() || addressNode.asText().length() > MAX_ADDRESS_LENGTH) {
                problems.add(where + " ignored: \"lastAddress\" must be a host:port string");
                return Optional.empty();
            }
            lastAddress = addressNode.asText();
        }
        return Optional.of(new TrustedDevice(deviceId, name, publicKey, Timestamps.parse(pairedAt), protocol,
                lastAddress));
    }

    /**
     * @return what is wrong with a device's required fields, or empty
     */
    static Optional<String> problem(String deviceId, String name, String publicKey, String pairedAt) {
        if (!DeviceIds.isValid(deviceId)) {
            return Optional.of("deviceId must be 16 lowercase hex characters");
        }
        byte[] key;
        try {
            key = DeviceIds.fromBase64Url(publicKey);
        } catch (IllegalArgumentException e) {
            return Optional.of("publicKey is not b64url");
        }
        if (key.length != DeviceIds.PUBLIC_KEY_LENGTH) {
            return Optional.of("publicKey must be 32 bytes");
        }
        if (!DeviceIds.fromPublicKey(key).equals(deviceId)) {
            return Optional.of("deviceId " + deviceId + " is not derived from its publicKey");
        }
        Optional<String> nameProblem = DeviceNames.problem(name);
        if (nameProblem.isPresent()) {
            return nameProblem;
        }
        if (pairedAt != null && !Timestamps.isValid(pairedAt)) {
            return Optional.of("pairedAt is not an RFC 3339 timestamp");
        }
        return Optional.empty();
    }

    private static String text(JsonNode object, String field) {
        JsonNode value = object.get(field);
        return value != null && value.isTextual() ? value.asText() : null;
    }

    /** @return the trusted devices in file order */
    List<TrustedDevice> devices() {
        return List.copyOf(trusted.values());
    }

    /** @return the trusted devices by deviceId */
    Map<String, TrustedDevice> byId() {
        return Collections.unmodifiableMap(trusted);
    }

    /** @return what was ignored and why */
    List<String> problems() {
        return problems;
    }

    /** @return whether the file can be written back without losing what a person wrote */
    boolean writable() {
        return readable;
    }

    /**
     * The file with the entry that counts for a device updated in place (or the device
     * added at the end); every other entry, an ignored duplicate included, is kept as it
     * was. For changes the node makes by itself, such as recording an address.
     *
     * @param device a device to add, or to update the entry that counts for its deviceId
     * @return the new file content
     */
    byte[] withDevice(TrustedDevice device) throws JsonProcessingException {
        ArrayNode out = json.createArrayNode();
        boolean replaced = false;
        for (JsonNode element : elements) {
            if (isTrustedElement(element, device.deviceId())) {
                out.add(merge((ObjectNode) element, device));
                replaced = true;
            } else {
                out.add(element);
            }
        }
        if (!replaced) {
            out.add(merge(json.createObjectNode(), device));
        }
        return json.writeValueAsBytes(out);
    }

    /**
     * The file after pairing (or pairing again with) a device: exactly one entry for its
     * deviceId, where the first one was, built on the entry that counted so its unknown
     * fields stay. Ignored duplicates of that deviceId go: the person has just said what
     * the entry for this device is, and a second entry left behind would take over the
     * trust the day the first is removed by hand.
     *
     * @param device a device to add, or whose entries to replace
     * @return the new file content
     */
    byte[] withOnly(TrustedDevice device) throws JsonProcessingException {
        ArrayNode out = json.createArrayNode();
        JsonNode counted = trusted.containsKey(device.deviceId()) ? firstElementFor(device.deviceId()) : null;
        boolean written = false;
        for (JsonNode element : elements) {
            if (!hasDeviceId(element, device.deviceId())) {
                out.add(element);
            } else if (!written) {
                out.add(merge(counted == null ? json.createObjectNode() : (ObjectNode) counted, device));
                written = true;
            }
        }
        if (!written) {
            out.add(merge(json.createObjectNode(), device));
        }
        return json.writeValueAsBytes(out);
    }

    /**
     * The file after revoking a device: every entry that names its deviceId goes, the
     * ignored duplicates too, since a duplicate left behind would be the first one (and
     * so trusted) as soon as the file is read again.
     *
     * @param deviceId the device to remove
     * @return the new file content
     */
    byte[] without(String deviceId) throws JsonProcessingException {
        ArrayNode out = json.createArrayNode();
        for (JsonNode element : elements) {
            if (!hasDeviceId(element, deviceId)) {
                out.add(element);
            }
        }
        return json.writeValueAsBytes(out);
    }

    /**
     * @param deviceId a deviceId
     * @return how many entries name it, whether they count or are ignored
     */
    int entriesFor(String deviceId) {
        return (int) elements.stream().filter(element -> hasDeviceId(element, deviceId)).count();
    }

    private static boolean hasDeviceId(JsonNode element, String deviceId) {
        return element.isObject() && deviceId.equals(text(element, "deviceId"));
    }

    /** Whether this element is the one that made {@code deviceId} trusted (not an ignored duplicate). */
    private boolean isTrustedElement(JsonNode element, String deviceId) {
        TrustedDevice device = trusted.get(deviceId);
        if (device == null || !element.isObject() || !deviceId.equals(text(element, "deviceId"))) {
            return false;
        }
        return device.publicKey().equals(text(element, "publicKey")) && firstElementFor(deviceId) == element;
    }

    private JsonNode firstElementFor(String deviceId) {
        for (JsonNode element : elements) {
            if (element.isObject() && deviceId.equals(text(element, "deviceId"))
                    && toDevice(element, new ArrayList<>(), "").isPresent()) {
                return element;
            }
        }
        return null;
    }

    private ObjectNode merge(ObjectNode original, TrustedDevice device) {
        ObjectNode node = original.deepCopy();
        node.put("deviceId", device.deviceId());
        node.put("deviceName", device.deviceName());
        node.put("publicKey", device.publicKey());
        String writtenPairedAt = text(node, "pairedAt");
        if (writtenPairedAt == null || !Timestamps.isValid(writtenPairedAt)
                || !Timestamps.parse(writtenPairedAt).equals(device.pairedAt())) {
            node.put("pairedAt", Timestamps.format(device.pairedAt()));
        }
        if (device.protocol() != null) {
            node.put("protocol", device.protocol());
        } else {
            node.remove("protocol");
        }
        if (device.lastAddress() != null) {
            node.put("lastAddress", device.lastAddress());
        } else {
            node.remove("lastAddress");
        }
        return node;
    }
}
