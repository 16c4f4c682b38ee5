package org.moodhaven.ui.web.internal;

import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import jakarta.servlet.Servlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.moodhaven.api.store.JournalStore;
import org.moodhaven.api.sync.SyncService;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.component.runtime.ServiceComponentRuntime;
import org.osgi.service.servlet.whiteboard.propertytypes.HttpWhiteboardServletPattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code GET /api/health}, for a service manager or a monitoring script on the node's
 * machine: 200 {@code {"status": "up", "reasons": []}} when the node does its work, 503
 * {@code {"status": "down", "reasons": [...]}} with what is wrong otherwise
 * ({@link NodeHealth}). It needs no token, so it says nothing private (no entry, device
 * or key), and like the rest of the API it answers only requests that reach the node on
 * its loopback address and name it so ({@link RequestGuard#checkPlaceOf}). The exact
 * pattern wins over {@link ApiServlet}'s {@code /api/*}. It depends on neither the store
 * nor the sync service, so it can say when they are missing.
 */
@Component(service = Servlet.class)
@HttpWhiteboardServletPattern("/api/health")
public final class HealthServlet extends HttpServlet {

    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(HealthServlet.class);

    private final transient ServiceComponentRuntime scr;
    /** The last answer, so the log says when the node goes down or comes back, not at every request. */
    private transient volatile List<String> lastProblems = List.of();

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private transient volatile JournalStore store;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private transient volatile SyncService sync;

    /**
     * @param scr the component runtime, whose components the answer checks
     */
    @Activate
    public HealthServlet(@Reference ServiceComponentRuntime scr) {
        this.scr = scr;
    }

    /** For tests: the services a running node would bind. */
    HealthServlet(ServiceComponentRuntime scr, JournalStore store, SyncService sync) {
        this(scr);
        this.store = store;
        this.sync = sync;
    }

    @Override
    protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
        response.setHeader("Cache-Control", "no-store");
        response.setHeader("X-Content-Type-Options", "nosniff");
        if (!isLoopback(request.getRemoteAddr())) {
            ApiServlet.error(response, 403, "forbidden_address", "the health of a node is answered on its own "
                    + "machine only");
            return;
        }
        RequestGuard.Refusal refusal = RequestGuard.checkPlaceOf(request);
        if (refusal != null) {
            ApiServlet.error(response, refusal.status, refusal.code, refusal.message);
            return;
        }
        if (!"GET".equals(request.getMethod())) {
            ApiServlet.error(response, 405, "method_not_allowed", request.getMethod() + " is not supported here");
            return;
        }
        List<String> problems = NodeHealth.problems(scr, store, sync);
        logChange(problems);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("status", problems.isEmpty() ? "up" : "down");
        body.put("reasons", problems);
        response.setStatus(problems.isEmpty() ? 200 : 503);
        response.setContentType("application/json");
        response.setCharacterEncoding(StandardCharsets.UTF_8.name());
        WireJson.MAPPER.writeValue(response.getOutputStream(), body);
    }

    private void logChange(List<String> problems) {
        List<String> before = lastProblems;
        lastProblems = List.copyOf(problems);
        if (!problems.isEmpty() && !problems.equals(before)) {
            LOG.warn("health: down: {}", String.join("; ", problems));
        } else if (problems.isEmpty() && !before.isEmpty()) {
            LOG.info("health: up again");
        }
    }

    /** The server listens on 127.0.0.1 only; this holds even behind a forwarder that would change that. */
    static boolean isLoopback(String address) {
        if (address == null || address.isEmpty()) {
            return false;
        }
        // Only a literal address (as the container's getRemoteAddr gives it), which InetAddress parses
        // without a DNS lookup: IPv4 dotted digits, or IPv6 (it holds a colon).
        if (address.indexOf(':') < 0 && !address.matches("\\d{1,3}(\\.\\d{1,3}){3}")) {
            return false;
        }
        try {
            String literal = address.startsWith("[") && address.endsWith("]")
                    ? address.substring(1, address.length() - 1) : address;
            return InetAddress.getByName(literal).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }
}
