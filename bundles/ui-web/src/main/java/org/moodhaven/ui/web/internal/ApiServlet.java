package org.moodhaven.ui.web.internal;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Optional;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;

import jakarta.servlet.Servlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.moodhaven.api.discovery.PeerDirectory;
import org.moodhaven.api.entry.CanonicalJson;
import org.moodhaven.api.entry.Entry;
import org.moodhaven.api.entry.Timestamps;
import org.moodhaven.api.event.EventTopics;
import org.moodhaven.api.identity.DeviceIdentity;
import org.moodhaven.api.identity.TrustStore;
import org.moodhaven.api.identity.TrustStoreException;
import org.moodhaven.api.identity.TrustedDevice;
import org.moodhaven.api.journal.Journal;
import org.moodhaven.api.pairing.Pairing;
import org.moodhaven.api.store.EntryPage;
import org.moodhaven.api.store.EntryRejectedException;
import org.moodhaven.api.store.JournalStore;
import org.moodhaven.api.store.ReplacedVersion;
import org.moodhaven.api.store.StoreException;
import org.moodhaven.api.store.StoredEntry;
import org.moodhaven.api.sync.SyncAddress;
import org.moodhaven.api.sync.SyncRecord;
import org.moodhaven.api.sync.SyncResult;
import org.moodhaven.api.sync.SyncService;
import org.moodhaven.common.events.EventPoster;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.event.EventAdmin;
import org.osgi.service.servlet.whiteboard.propertytypes.HttpWhiteboardServletPattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The JSON API of ARCHITECTURE.md under {@code /api/}: identity, the journal
 * salt, entries (already encrypted: the browser encrypts), syncs, the
 * trusted devices, pairing ({@link PairingRoutes}) and peers ({@link PeersRoutes}). Every request passes the {@link RequestGuard}; answers are
 * JSON, errors {@code {"error": code, "message": text}} with a 4xx or 5xx status.
 */
@Component(service = Servlet.class)
@HttpWhiteboardServletPattern("/api/*")
public final class ApiServlet extends HttpServlet {

    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(ApiServlet.class);
    private static final int SMALL_BODY = 64 * 1024;
    /** An entry's content is at most 1 MiB as compact JSON; the rest of the entry is small. */
    private static final int ENTRY_BODY = 2 * 1024 * 1024;
    private static final int DEFAULT_PAGE = 50;
    private static final int MAX_PAGE = 1000;
    static final String REVOCATION_IS_LOCAL = "Revocation is local to this device: the revoked device keeps "
            + "syncing with your other devices (and so still reaches this journal's data through them) until you "
            + "revoke it on each of them too.";

    private final transient RequestGuard guard;
    private final transient DeviceIdentity identity;
    private final transient TrustStore trust;
    private final transient Journal journal;
    private final transient EventPoster events = new EventPoster();

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private transient volatile JournalStore store;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private transient volatile SyncService sync;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private transient volatile Pairing pairing;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private transient volatile PeerDirectory peers;

    /**
     * @param token    the API token
     * @param identity this device
     * @param trust    the trusted devices
     * @param journal  the journal (for its salt)
     */
    @Activate
    public ApiServlet(@Reference ApiToken token, @Reference DeviceIdentity identity, @Reference TrustStore trust,
                      @Reference Journal journal) {
        this.guard = new RequestGuard(token);
        this.identity = identity;
        this.trust = trust;
        this.journal = journal;
    }

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    void setEvents(EventAdmin admin) {
        events.bind(admin);
    }

    void unsetEvents(EventAdmin admin) {
        events.unbind(admin);
    }

    @Override
    protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
        if (!guard.admitApiRequest(request, response)) {
            return;
        }
        String path = request.getPathInfo() == null ? "/" : request.getPathInfo();
        String method = request.getMethod();
        try {
            route(method, path.split("/", -1), request, response);
        } catch (WireJson.BadRequest e) {
            error(response, e.status, e.code, e.getMessage());
        } catch (EntryRejectedException e) {
            error(response, 400, "invalid_entry", e.getMessage());
        } catch (NoSuchElementException e) {
            error(response, 404, "not_found", e.getMessage());
        } catch (IllegalArgumentException e) {
            error(response, 400, "bad_request", e.getMessage());
        } catch (StoreException e) {
            error(response, 503, "store_unavailable", e.getMessage());
        } catch (TrustStoreException e) {
            error(response, 500, "internal", e.getMessage());
        } catch (RuntimeException e) {
            LOG.error("the API failed on {} {}", method, path, e);
            error(response, 500, "internal", "the node failed to answer; its log has the details");
        }
    }

    /** {@code parts} is the path split on "/": ["", "entries", id, "versions"] for /entries/{id}/versions. */
    private void route(String method, String[] parts, HttpServletRequest request, HttpServletResponse response)
            throws IOException, WireJson.BadRequest, StoreException, EntryRejectedException, TrustStoreException {
        String first = parts.length > 1 ? parts[1] : "";
        switch (first) {
            case "identity" -> only(method, "GET", parts, 2, () -> identity(response));
            case "journal" -> only(method, "GET", parts, 2, () -> json(response, 200, Map.of("salt", journal.salt())));
            case "entries" -> entries(method, parts, request, response);
            case "sync" -> syncRoute(method, parts, request, response);
            case "trusted" -> trusted(method, parts, response);
            case "pairing" -> pairingRoute(method, parts, request, response);
            case "peers" -> peersRoute(method, parts, request, response);
            default -> error(response, 404, "not_found", "no such API path");
        }
    }

    private void identity(HttpServletResponse response) throws IOException {
        SyncService current = sync;
        json(response, 200, Map.of("deviceId", identity.deviceId(), "deviceName", identity.deviceName(),
                "publicKey", identity.publicKeyBase64(), "syncPort", current == null ? 0 : current.port()));
    }

    // ------------------------------------------------------------------ entries

    private void entries(String method, String[] parts, HttpServletRequest request, HttpServletResponse response)
            throws IOException, WireJson.BadRequest, StoreException, EntryRejectedException {
        if (parts.length == 2 && method.equals("GET")) {
            int limit = intParameter(request, "limit", DEFAULT_PAGE, 1, MAX_PAGE);
            String after = request.getParameter("after");
            EntryPage page = store().list(limit, after == null || after.isEmpty() ? null : after);
            writeEntries(response, page);
        } else if (parts.length == 2 && method.equals("POST")) {
            Entry entry = WireJson.toEntry(WireJson.readObject(request.getInputStream(), ENTRY_BODY));
            StoredEntry stored = store().writeLocal(entry);
            changedLocally(stored);
            writeEntry(response, stored.entry());
        } else if (parts.length == 4 && parts[3].equals("versions") && method.equals("GET")) {
            List<ReplacedVersion> versions = store().replacedVersions(parts[2]);
            writeVersions(response, versions);
        } else if (parts.length == 4 && parts[3].equals("restore") && method.equals("POST")) {
            JsonNode body = WireJson.readObject(request.getInputStream(), SMALL_BODY);
            JsonNode versionId = body.get("versionId");
            if (versionId == null || !versionId.isIntegralNumber()) {
                throw new WireJson.BadRequest(400, "bad_request", "versionId must be an integer");
            }
            StoredEntry stored = store().restore(parts[2], versionId.longValue());
            changedLocally(stored);
            writeEntry(response, stored.entry());
        } else {
            error(response, parts.length <= 4 ? 405 : 404, parts.length <= 4 ? "method_not_allowed" : "not_found",
                    method + " is not supported here");
        }
    }

    private void changedLocally(StoredEntry stored) {
        events.post(EventTopics.ENTRIES_CHANGED_LOCALLY, Map.of(EventTopics.COUNT, 1, EventTopics.SEQ,
                stored.seq()));
    }

    private void writeEntries(HttpServletResponse response, EntryPage page) throws IOException {
        try (JsonGenerator out = start(response, 200)) {
            out.writeStartObject();
            out.writeArrayFieldStart("entries");
            for (StoredEntry stored : page.entries()) {
                out.writeRawValue(CanonicalJson.of(stored.entry()));
            }
            out.writeEndArray();
            out.writeStringField("next", page.next());
            out.writeEndObject();
        }
    }

    private void writeEntry(HttpServletResponse response, Entry entry) throws IOException {
        try (JsonGenerator out = start(response, 200)) {
            out.writeRawValue(CanonicalJson.of(entry));
        }
    }

    private void writeVersions(HttpServletResponse response, List<ReplacedVersion> versions) throws IOException {
        try (JsonGenerator out = start(response, 200)) {
            out.writeStartObject();
            out.writeArrayFieldStart("versions");
            for (ReplacedVersion version : versions) {
                out.writeStartObject();
                out.writeNumberField("versionId", version.versionId());
                out.writeStringField("replacedAt", Timestamps.format(version.replacedAt()));
                out.writeStringField("replacedBy", version.replacedBy());
                out.writeFieldName("entry");
                out.writeRawValue(CanonicalJson.of(version.entry()));
                out.writeEndObject();
            }
            out.writeEndArray();
            out.writeEndObject();
        }
    }

    // ------------------------------------------------------------------ sync

    private void syncRoute(String method, String[] parts, HttpServletRequest request, HttpServletResponse response)
            throws IOException, WireJson.BadRequest {
        SyncService current = sync;
        if (current == null) {
            error(response, 503, "sync_unavailable", "the sync service is not running");
        } else if (parts.length == 2 && method.equals("POST")) {
            JsonNode body = WireJson.readObject(request.getInputStream(), SMALL_BODY);
            JsonNode deviceId = body.get("deviceId");
            if (deviceId == null || !deviceId.isTextual()) {
                throw new WireJson.BadRequest(400, "bad_request", "deviceId must be a string");
            }
            Optional<SyncAddress> address = Optional.empty();
            JsonNode host = body.get("host");
            JsonNode port = body.get("port");
            if (host != null || port != null) {
                if (host == null || !host.isTextual() || port == null || !port.canConvertToInt()) {
                    throw new WireJson.BadRequest(400, "bad_request", "host (a string) and port (an integer) "
                            + "go together");
                }
                address = Optional.of(new SyncAddress(host.asText(), port.intValue()));
            }
            SyncResult result = current.sync(deviceId.asText(), address);
            try (JsonGenerator out = start(response, 200)) {
                writeResult(out, result);
            }
        } else if (parts.length == 3 && parts[2].equals("history") && method.equals("GET")) {
            String device = request.getParameter("deviceId");
            int limit = intParameter(request, "limit", 100, 1, 500);
            List<SyncRecord> records = current.history(Optional.ofNullable(device), limit);
            try (JsonGenerator out = start(response, 200)) {
                out.writeStartObject();
                out.writeArrayFieldStart("syncs");
                for (SyncRecord record : records) {
                    out.writeStartObject();
                    out.writeStringField("deviceId", record.deviceId());
                    out.writeStringField("deviceName", record.deviceName());
                    out.writeStringField("direction", record.direction());
                    out.writeStringField("startedAt", Timestamps.format(record.startedAt()));
                    out.writeStringField("finishedAt", Timestamps.format(record.finishedAt()));
                    out.writeStringField("address", record.address());
                    out.writeNumberField("protocol", record.protocol());
                    out.writeFieldName("result");
                    writeResult(out, record.result());
                    out.writeEndObject();
                }
                out.writeEndArray();
                out.writeEndObject();
            }
        } else {
            error(response, 404, "not_found", "no such API path");
        }
    }

    private static void writeResult(JsonGenerator out, SyncResult result) throws IOException {
        out.writeStartObject();
        out.writeBooleanField("ok", result.ok());
        out.writeNumberField("sent", result.sent());
        out.writeNumberField("received", result.received());
        out.writeNumberField("rejected", result.rejected());
        out.writeNumberField("bytesSent", result.bytesSent());
        out.writeNumberField("bytesReceived", result.bytesReceived());
        if (result.error() != null) {
            out.writeStringField("error", result.error());
            out.writeStringField("message", result.message());
        }
        out.writeEndObject();
    }

    // ------------------------------------------------------------------ pairing

    private void pairingRoute(String method, String[] parts, HttpServletRequest request, HttpServletResponse response)
            throws IOException, WireJson.BadRequest {
        Pairing current = pairing;
        if (current == null) {
            error(response, 503, "pairing_unavailable", "pairing is not available on this node right now");
        } else if (parts.length > 3) {
            error(response, 404, "not_found", "no such API path");
        } else {
            PairingRoutes.Answer answer = PairingRoutes.route(current, method, parts.length == 3 ? parts[2] : "",
                    request);
            json(response, answer.status(), answer.body());
        }
    }

    // ------------------------------------------------------------------ peers

    private void peersRoute(String method, String[] parts, HttpServletRequest request, HttpServletResponse response)
            throws IOException, WireJson.BadRequest {
        PeerDirectory current = peers;
        if (current == null) {
            error(response, 503, "discovery_unavailable", "discovery is not running on this node (bundle "
                    + "moodhaven.discovery.mdns; its log says why); trusted devices still sync at a given address");
        } else if (parts.length > 3) {
            error(response, 404, "not_found", "no such API path");
        } else {
            PeersRoutes.Answer answer = PeersRoutes.route(current, sync, method, parts.length == 3 ? parts[2] : "",
                    request.getInputStream());
            json(response, answer.status(), answer.body());
        }
    }

    // ------------------------------------------------------------------ trusted devices

    private void trusted(String method, String[] parts, HttpServletResponse response)
            throws IOException, TrustStoreException {
        if (parts.length == 2 && method.equals("GET")) {
            try (JsonGenerator out = start(response, 200)) {
                out.writeStartArray();
                for (TrustedDevice device : trust.list()) {
                    out.writeStartObject();
                    out.writeStringField("deviceId", device.deviceId());
                    out.writeStringField("deviceName", device.deviceName());
                    out.writeStringField("publicKey", device.publicKey());
                    out.writeStringField("pairedAt", Timestamps.format(device.pairedAt()));
                    if (device.protocol() != null) {
                        out.writeNumberField("protocol", device.protocol());
                    }
                    if (device.lastAddress() != null) {
                        out.writeStringField("lastAddress", device.lastAddress());
                    }
                    out.writeEndObject();
                }
                out.writeEndArray();
            }
        } else if (parts.length == 3 && method.equals("DELETE")) {
            if (!trust.revoke(parts[2])) {
                error(response, 404, "not_found", "device " + parts[2] + " is not trusted");
                return;
            }
            json(response, 200, Map.of("revoked", parts[2], "message", REVOCATION_IS_LOCAL));
        } else {
            error(response, 405, "method_not_allowed", method + " is not supported here");
        }
    }

    // ------------------------------------------------------------------ helpers

    private JournalStore store() throws StoreException {
        JournalStore current = store;
        if (current == null) {
            throw new StoreException("no journal store is available right now; try again in a moment");
        }
        return current;
    }

    private interface Action {
        void run() throws IOException;
    }

    private static void only(String method, String allowed, String[] parts, int length, Action action)
            throws IOException {
        if (parts.length != length || !method.equals(allowed)) {
            throw new IllegalArgumentException(method + " " + String.join("/", parts) + " is not supported");
        }
        action.run();
    }

    private static int intParameter(HttpServletRequest request, String name, int fallback, int min, int max) {
        String value = request.getParameter(name);
        if (value == null || value.isEmpty()) {
            return fallback;
        }
        try {
            int parsed = Integer.parseInt(value);
            if (parsed >= min && parsed <= max) {
                return parsed;
            }
        } catch (NumberFormatException e) {
            // refused below
        }
        throw new IllegalArgumentException(name + " must be an integer from " + min + " to " + max);
    }

    private static JsonGenerator start(HttpServletResponse response, int status) throws IOException {
        response.setStatus(status);
        response.setContentType("application/json");
        response.setCharacterEncoding(StandardCharsets.UTF_8.name());
        OutputStream out = response.getOutputStream();
        return WireJson.MAPPER.getFactory().createGenerator(out);
    }

    private static void json(HttpServletResponse response, int status, Map<String, ?> body) throws IOException {
        try (JsonGenerator out = start(response, status)) {
            WireJson.MAPPER.writeValue(out, body);
        }
    }

    static void error(HttpServletResponse response, int status, String code, String message) throws IOException {
        json(response, status, Map.of("error", code, "message", message == null ? code : message));
    }
}
