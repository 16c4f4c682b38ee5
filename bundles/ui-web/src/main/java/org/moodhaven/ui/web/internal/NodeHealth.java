package org.moodhaven.ui.web.internal;

import java.util.ArrayList;
import java.util.List;

import org.moodhaven.api.store.JournalStore;
import org.moodhaven.api.sync.SyncService;
import org.osgi.service.component.runtime.ServiceComponentRuntime;
import org.osgi.service.component.runtime.dto.ComponentConfigurationDTO;
import org.osgi.service.component.runtime.dto.ComponentDescriptionDTO;
import org.osgi.service.component.runtime.dto.UnsatisfiedReferenceDTO;

/**
 * Whether the node does its work, as {@code GET /api/health} answers it: every enabled
 * component that has its configuration is satisfied (a component waiting for a
 * configuration it was never given, such as the opt-in memory store, does not count), a
 * journal store answers, and the sync server listens. Each problem is one reason, in
 * words an operator can act on; the reasons name components and services, never an
 * entry, a device or a key.
 */
final class NodeHealth {

    /** Reasons kept, so that a node with many broken bundles still answers a small body. */
    static final int MAX_REASONS = 50;
    /** Characters kept of one reason (a failure's first line can be long). */
    static final int MAX_REASON_LENGTH = 300;

    private NodeHealth() {
    }

    /**
     * @param scr   the component runtime
     * @param store the journal store in use, or {@code null} when there is none
     * @param sync  the sync service, or {@code null} when there is none
     * @return why the node is not healthy; empty when it is
     */
    static List<String> problems(ServiceComponentRuntime scr, JournalStore store, SyncService sync) {
        List<String> reasons = new ArrayList<>();
        for (ComponentDescriptionDTO description : scr.getComponentDescriptionDTOs()) {
            // Disabled by its author (an opt-in) or by a person at the console (scr:disable): meant so.
            if (!scr.isComponentEnabled(description)) {
                continue;
            }
            for (ComponentConfigurationDTO configuration : scr.getComponentConfigurationDTOs(description)) {
                componentProblem(description, configuration, reasons);
            }
        }
        if (store == null) {
            reasons.add("no journal store is available (the store bundle is stopped, or its component is not "
                    + "satisfied)");
        } else {
            try {
                store.highestSeq();
            } catch (Exception e) {
                reasons.add("the journal store \"" + store.name() + "\" cannot be read: " + firstLine(e.toString())
                        + " (logs/moodhaven.log has the details)");
            }
        }
        if (sync == null) {
            reasons.add("the sync server is not running (no sync service)");
        } else if (sync.port() <= 0) {
            reasons.add("the sync server does not listen on any port");
        }
        return bounded(reasons);
    }

    private static void componentProblem(ComponentDescriptionDTO description, ComponentConfigurationDTO configuration,
                                         List<String> reasons) {
        String component = "component " + description.name + " (bundle " + description.bundle.symbolicName + ")";
        switch (configuration.state) {
            case ComponentConfigurationDTO.SATISFIED, ComponentConfigurationDTO.ACTIVE,
                    ComponentConfigurationDTO.UNSATISFIED_CONFIGURATION -> {
                // working, or waiting for a configuration it was never given
            }
            case ComponentConfigurationDTO.UNSATISFIED_REFERENCE -> {
                List<String> missing = new ArrayList<>();
                if (configuration.unsatisfiedReferences != null) {
                    for (UnsatisfiedReferenceDTO reference : configuration.unsatisfiedReferences) {
                        missing.add(reference.name + " (" + interfaceOf(description, reference.name)
                                + (reference.target == null ? "" : " matching " + reference.target) + ")");
                    }
                }
                reasons.add(component + " is not satisfied: it waits for " + String.join(", ", missing));
            }
            case ComponentConfigurationDTO.FAILED_ACTIVATION -> reasons.add(component + " failed to start: "
                    + (configuration.failure == null ? "no reason given" : rootCause(configuration.failure)));
            default -> reasons.add(component + " is in state " + configuration.state);
        }
    }

    private static String interfaceOf(ComponentDescriptionDTO description, String reference) {
        if (description.references != null) {
            for (var declared : description.references) {
                if (reference.equals(declared.name)) {
                    return declared.interfaceName;
                }
            }
        }
        return "a service";
    }

    /**
     * What a failure's stack trace says went wrong: its first line, unless that is the
     * InvocationTargetException SCR wraps a constructor's exception in (it says nothing);
     * then the first "Caused by:" line, what the component threw (its own causes go deeper).
     */
    static String rootCause(String stackTrace) {
        String first = firstLine(stackTrace);
        if (!first.startsWith("java.lang.reflect.InvocationTargetException")) {
            return first;
        }
        for (String line : stackTrace.split("\n")) {
            String stripped = line.strip();
            if (stripped.startsWith("Caused by: ")) {
                return stripped.substring("Caused by: ".length());
            }
        }
        return first;
    }

    /** A stack trace's first line: the exception and its message. */
    static String firstLine(String text) {
        int end = text.indexOf('\n');
        return (end < 0 ? text : text.substring(0, end)).strip();
    }

    private static List<String> bounded(List<String> reasons) {
        List<String> kept = new ArrayList<>();
        for (String reason : reasons) {
            if (kept.size() == MAX_REASONS - 1 && reasons.size() > MAX_REASONS) {
                kept.add("and " + (reasons.size() - kept.size()) + " more problems (scr:list at the console shows "
                        + "every component)");
                break;
            }
            kept.add(reason.length() <= MAX_REASON_LENGTH ? reason : reason.substring(0, MAX_REASON_LENGTH) + "…");
        }
        return kept;
    }
}
