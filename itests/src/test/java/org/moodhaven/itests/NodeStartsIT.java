package org.moodhaven.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.Test;
import org.junit.runner.RunWith;
import org.moodhaven.api.crypto.CryptoProvider;
import org.moodhaven.api.identity.DeviceIdentity;
import org.moodhaven.api.journal.Journal;
import org.moodhaven.api.node.NodeSettings;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.Bundle;
import org.osgi.framework.Constants;
import org.osgi.service.component.runtime.ServiceComponentRuntime;
import org.osgi.service.component.runtime.dto.ComponentConfigurationDTO;
import org.osgi.service.component.runtime.dto.ComponentDescriptionDTO;

/** A node built from the distribution starts whole: every bundle active, every component satisfied. */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class NodeStartsIT extends NodeTestSupport {

    /** Enabled only when an operator configures it (so a node never writes to memory by accident). */
    private static final String OPT_IN_COMPONENT = "org.moodhaven.store.memory.internal.MemoryJournalStore";

    @Test
    public void everyBundleIsActiveAndEveryComponentIsSatisfied() throws Exception {
        await(Journal.class, null);
        await(org.apache.felix.service.command.CommandProcessor.class, null);
        List<String> notActive = new ArrayList<>();
        for (Bundle bundle : context.getBundles()) {
            boolean fragment = bundle.getHeaders().get(Constants.FRAGMENT_HOST) != null;
            if (!fragment && bundle.getState() != Bundle.ACTIVE) {
                notActive.add(bundle.getSymbolicName() + " state " + bundle.getState());
            }
        }
        assertEquals("bundles not active", List.of(), notActive);

        ServiceComponentRuntime scr = await(ServiceComponentRuntime.class, null);
        // SCR satisfies components as the services they need appear, which goes on after
        // the journal and the console are up: wait for every one, then report any left.
        try {
            awaitTrue("every component satisfied", () -> componentProblems(scr).isEmpty());
        } catch (AssertionError timedOut) {
            // reported below, with the components and their states
        }
        assertEquals("components not satisfied", List.of(), componentProblems(scr));
        long ours = scr.getComponentDescriptionDTOs().stream()
                .filter(description -> description.bundle.symbolicName.startsWith("moodhaven.")).count();
        assertTrue("found our components", ours >= 12);
    }

    /** Our components that are neither satisfied nor active (nor waiting for their opt-in). */
    private static List<String> componentProblems(ServiceComponentRuntime scr) {
        List<String> problems = new ArrayList<>();
        for (ComponentDescriptionDTO description : scr.getComponentDescriptionDTOs()) {
            if (!description.bundle.symbolicName.startsWith("moodhaven.")) {
                continue;
            }
            if (!scr.isComponentEnabled(description)) {
                problems.add(description.name + " is disabled");
            }
            for (ComponentConfigurationDTO configuration : scr.getComponentConfigurationDTOs(description)) {
                boolean waitingForOptIn = description.name.equals(OPT_IN_COMPONENT)
                        && configuration.state == ComponentConfigurationDTO.UNSATISFIED_CONFIGURATION;
                if (!waitingForOptIn && configuration.state != ComponentConfigurationDTO.ACTIVE
                        && configuration.state != ComponentConfigurationDTO.SATISFIED) {
                    problems.add(description.name + " is in state " + configuration.state
                            + (configuration.failure == null ? "" : ": " + configuration.failure));
                }
            }
        }
        return problems;
    }

    @Test
    public void theIdentityMatchesDeviceJsonAndTheKeyIsOwnerOnly() throws Exception {
        DeviceIdentity identity = await(DeviceIdentity.class, null);
        Path data = await(NodeSettings.class, null).dataFolder();
        String deviceJson = Files.readString(data.resolve("device.json"));
        assertTrue(deviceJson, deviceJson.contains("\"deviceId\" : \"" + identity.deviceId() + "\""));
        assertTrue(deviceJson, deviceJson.contains("\"publicKey\" : \"" + identity.publicKeyBase64() + "\""));
        assertTrue(deviceJson, deviceJson.contains("\"deviceName\" : \"Pax Exam node\""));
        assertEquals("rw-------", java.nio.file.attribute.PosixFilePermissions.toString(
                Files.getPosixFilePermissions(data.resolve("peer_key.bin"))));
        assertEquals(2, context.getServiceReferences(CryptoProvider.class, null).size());
    }
}
