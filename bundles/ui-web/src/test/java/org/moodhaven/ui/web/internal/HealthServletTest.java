package org.moodhaven.ui.web.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;

import jakarta.servlet.http.HttpServletRequest;

import org.junit.jupiter.api.Test;
import org.moodhaven.api.store.JournalStore;
import org.moodhaven.api.store.StoreException;
import org.moodhaven.api.sync.SyncService;
import org.osgi.framework.dto.BundleDTO;
import org.osgi.service.component.runtime.ServiceComponentRuntime;
import org.osgi.service.component.runtime.dto.ComponentConfigurationDTO;
import org.osgi.service.component.runtime.dto.ComponentDescriptionDTO;
import org.osgi.service.component.runtime.dto.ReferenceDTO;
import org.osgi.service.component.runtime.dto.UnsatisfiedReferenceDTO;

/** {@code GET /api/health}: what a service manager or a monitoring script reads of a node. */
class HealthServletTest {

    /** The components of a fake runtime, each with the state of its one configuration. */
    private final Map<ComponentDescriptionDTO, ComponentConfigurationDTO> components = new LinkedHashMap<>();
    private final List<ComponentDescriptionDTO> disabled = new ArrayList<>();

    private final ServiceComponentRuntime scr = (ServiceComponentRuntime) Proxy.newProxyInstance(
            getClass().getClassLoader(), new Class<?>[] {ServiceComponentRuntime.class},
            (proxy, m, args) -> switch (m.getName()) {
                case "getComponentDescriptionDTOs" -> List.copyOf(components.keySet());
                case "getComponentConfigurationDTOs" -> List.of(components.get((ComponentDescriptionDTO) args[0]));
                case "isComponentEnabled" -> !disabled.contains((ComponentDescriptionDTO) args[0]);
                default -> throw new UnsupportedOperationException(m.getName());
            });

    private boolean storeFails;
    private final JournalStore store = (JournalStore) Proxy.newProxyInstance(getClass().getClassLoader(),
            new Class<?>[] {JournalStore.class}, (proxy, m, args) -> switch (m.getName()) {
                case "name" -> "derby";
                case "highestSeq" -> {
                    if (storeFails) {
                        throw new StoreException("the database cannot be opened: disk full\n\tat stack.Frame");
                    }
                    yield 7L;
                }
                default -> throw new UnsupportedOperationException(m.getName());
            });

    private int syncPort = 44_123;
    private final SyncService sync = (SyncService) Proxy.newProxyInstance(getClass().getClassLoader(),
            new Class<?>[] {SyncService.class}, (proxy, m, args) -> switch (m.getName()) {
                case "port" -> syncPort;
                default -> throw new UnsupportedOperationException(m.getName());
            });

    private ComponentDescriptionDTO component(String name, int state) {
        ComponentDescriptionDTO description = new ComponentDescriptionDTO();
        description.name = name;
        description.bundle = new BundleDTO();
        description.bundle.symbolicName = "moodhaven.test";
        ReferenceDTO reference = new ReferenceDTO();
        reference.name = "crypto";
        reference.interfaceName = "org.moodhaven.api.crypto.CryptoProvider";
        description.references = new ReferenceDTO[] {reference};
        ComponentConfigurationDTO configuration = new ComponentConfigurationDTO();
        configuration.state = state;
        configuration.unsatisfiedReferences = new UnsatisfiedReferenceDTO[0];
        components.put(description, configuration);
        return description;
    }

    private FakeHttp.Answer get(JournalStore store, SyncService sync, String... headers) throws Exception {
        return send(FakeHttp.request("GET", "/api/health", null, null, headers), store, sync, "127.0.0.1");
    }

    private FakeHttp.Answer send(HttpServletRequest request, JournalStore store, SyncService sync, String remote)
            throws Exception {
        HttpServletRequest from = (HttpServletRequest) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {HttpServletRequest.class}, (proxy, m, args) -> m.getName().equals("getRemoteAddr")
                        ? remote : m.invoke(request, args));
        FakeHttp.Answer answer = new FakeHttp.Answer();
        new HealthServlet(scr, store, sync).service(from, answer.response);
        return answer;
    }

    private static JsonNode json(FakeHttp.Answer answer) throws Exception {
        assertEquals("application/json", answer.contentType);
        return WireJson.MAPPER.readTree(answer.body.toByteArray());
    }

    private static List<String> reasons(FakeHttp.Answer answer) throws Exception {
        List<String> reasons = new ArrayList<>();
        json(answer).get("reasons").forEach(reason -> reasons.add(reason.asText()));
        return reasons;
    }

    @Test
    void aWorkingNodeIsUpWithoutAToken() throws Exception {
        component("org.moodhaven.journal.internal.EncryptedJournal", ComponentConfigurationDTO.ACTIVE);
        component("org.moodhaven.crypto.jdk.internal.JdkCryptoProvider", ComponentConfigurationDTO.SATISFIED);

        FakeHttp.Answer answer = get(store, sync);

        assertEquals(200, answer.status);
        assertEquals("up", json(answer).get("status").asText());
        assertEquals(List.of(), reasons(answer));
        assertEquals("no-store", answer.header("Cache-Control"));
    }

    @Test
    void anOptInComponentWithoutItsConfigurationAndADisabledOneDoNotCount() throws Exception {
        component("org.moodhaven.store.memory.internal.MemoryJournalStore",
                ComponentConfigurationDTO.UNSATISFIED_CONFIGURATION);
        disabled.add(component("org.example.Disabled", ComponentConfigurationDTO.UNSATISFIED_REFERENCE));

        assertEquals(200, get(store, sync).status);
    }

    @Test
    void aComponentWaitingForAServiceMakesItDownAndSaysWhichService() throws Exception {
        component("org.moodhaven.journal.internal.EncryptedJournal", ComponentConfigurationDTO.ACTIVE);
        ComponentDescriptionDTO waiting = component("org.moodhaven.store.derby.internal.DerbyJournalStore",
                ComponentConfigurationDTO.UNSATISFIED_REFERENCE);
        UnsatisfiedReferenceDTO missing = new UnsatisfiedReferenceDTO();
        missing.name = "crypto";
        missing.target = "(moodhaven.crypto.provider=bc)";
        components.get(waiting).unsatisfiedReferences = new UnsatisfiedReferenceDTO[] {missing};

        FakeHttp.Answer answer = get(store, sync);

        assertEquals(503, answer.status);
        assertEquals("down", json(answer).get("status").asText());
        assertEquals(List.of("component org.moodhaven.store.derby.internal.DerbyJournalStore (bundle moodhaven.test) "
                + "is not satisfied: it waits for crypto (org.moodhaven.api.crypto.CryptoProvider matching "
                + "(moodhaven.crypto.provider=bc))"), reasons(answer));
    }

    @Test
    void aComponentThatFailedToStartGivesTheFirstLineOfItsFailure() throws Exception {
        ComponentDescriptionDTO failed = component("org.moodhaven.sync.internal.SyncEngine",
                ComponentConfigurationDTO.FAILED_ACTIVATION);
        components.get(failed).failure = "java.io.IOException: cannot listen on sync port 44000 (Address already "
                + "in use)\n\tat org.moodhaven.sync.internal.SyncEngine.<init>(SyncEngine.java:224)\n";

        List<String> reasons = reasons(get(store, null));

        assertEquals(List.of("component org.moodhaven.sync.internal.SyncEngine (bundle moodhaven.test) failed to "
                + "start: java.io.IOException: cannot listen on sync port 44000 (Address already in use)",
                "the sync server is not running (no sync service)"), reasons);
    }

    @Test
    void aFailureWrappedBySCRGivesWhatTheComponentThrew() throws Exception {
        ComponentDescriptionDTO failed = component("org.moodhaven.sync.internal.SyncEngine",
                ComponentConfigurationDTO.FAILED_ACTIVATION);
        components.get(failed).failure = "java.lang.reflect.InvocationTargetException\n"
                + "\tat java.base/jdk.internal.reflect.NativeConstructorAccessorImpl.newInstance0(Native Method)\n"
                + "Caused by: java.io.IOException: cannot listen on sync port 44000 (Address already in use)\n"
                + "\tat org.moodhaven.sync.internal.SyncEngine.<init>(SyncEngine.java:224)\n"
                + "Caused by: java.net.BindException: Address already in use\n";

        assertEquals(List.of("component org.moodhaven.sync.internal.SyncEngine (bundle moodhaven.test) failed to "
                + "start: java.io.IOException: cannot listen on sync port 44000 (Address already in use)"),
                reasons(get(store, sync)));
    }

    @Test
    void aMissingOrFailingStoreAndASyncServerWithoutAPortMakeItDown() throws Exception {
        assertEquals(List.of("no journal store is available (the store bundle is stopped, or its component is not "
                + "satisfied)"), reasons(get(null, sync)));

        storeFails = true;
        syncPort = -1;
        FakeHttp.Answer answer = get(store, sync);
        assertEquals(503, answer.status);
        assertEquals(List.of("the journal store \"derby\" cannot be read: org.moodhaven.api.store.StoreException: "
                + "the database cannot be opened: disk full (logs/moodhaven.log has the details)",
                "the sync server does not listen on any port"), reasons(answer));
    }

    @Test
    void manyProblemsGiveABoundedAnswer() throws Exception {
        for (int i = 0; i < 500; i++) {
            ComponentDescriptionDTO failed = component("org.example.Broken" + i + "x".repeat(1000),
                    ComponentConfigurationDTO.FAILED_ACTIVATION);
            components.get(failed).failure = "y".repeat(100_000);
        }

        List<String> reasons = reasons(get(store, sync));

        assertEquals(NodeHealth.MAX_REASONS, reasons.size());
        assertTrue(reasons.stream().allMatch(reason -> reason.length() <= NodeHealth.MAX_REASON_LENGTH + 1), "cut");
        assertEquals("and 451 more problems (scr:list at the console shows every component)", reasons.get(49));
    }

    @Test
    void onlyRequestsToTheNodesLoopbackAddressAreAnswered() throws Exception {
        component("org.moodhaven.journal.internal.EncryptedJournal", ComponentConfigurationDTO.ACTIVE);

        // A page that rebinds its DNS name to 127.0.0.1 names another host.
        FakeHttp.Answer rebound = get(store, sync, "Host", "evil.example:" + FakeHttp.PORT);
        assertEquals(403, rebound.status);
        assertEquals("forbidden_host", json(rebound).get("error").asText());
        assertFalse(answerSays(rebound, "up"));

        FakeHttp.Answer fromTheLan = send(FakeHttp.request("GET", "/api/health", null, null), store, sync,
                "192.168.1.20");
        assertEquals(403, fromTheLan.status);
        assertEquals("forbidden_address", json(fromTheLan).get("error").asText());

        assertEquals(200, send(FakeHttp.request("GET", "/api/health", null, null), store, sync, "0:0:0:0:0:0:0:1")
                .status);
        assertEquals(405, send(FakeHttp.request("POST", "/api/health", null, null), store, sync, "127.0.0.1")
                .status);
    }

    @Test
    void onlyLiteralLoopbackAddressesCount() {
        assertTrue(HealthServlet.isLoopback("127.0.0.1"));
        assertTrue(HealthServlet.isLoopback("127.8.9.10"));
        assertTrue(HealthServlet.isLoopback("::1"));
        assertTrue(HealthServlet.isLoopback("[::1]"));
        assertFalse(HealthServlet.isLoopback("localhost"), "a name is never looked up");
        assertFalse(HealthServlet.isLoopback("10.0.0.1"));
        assertFalse(HealthServlet.isLoopback("fe80::1"));
        assertFalse(HealthServlet.isLoopback(""));
        assertFalse(HealthServlet.isLoopback(null));
    }

    private static boolean answerSays(FakeHttp.Answer answer, String status) {
        return answer.text().contains("\"status\":\"" + status + "\"");
    }
}
