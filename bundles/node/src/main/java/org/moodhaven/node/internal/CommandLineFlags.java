package org.moodhaven.node.internal;

import java.util.Dictionary;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Function;

/**
 * The launcher's flags of this run, as configuration values by pid. The launcher hands over only
 * the flags a person gave (framework properties {@value LauncherConfiguration#PREFIX}*), so a
 * flag not given leaves the value of {@code {data}/etc} alone.
 */
final class CommandLineFlags {

    /** The sync engine's configuration pid (the node bundle does not depend on the sync bundle). */
    static final String SYNC_PID = "moodhaven.sync";

    /** The discovery's configuration pid (likewise not a dependency of this bundle). */
    static final String DISCOVERY_PID = "moodhaven.discovery.mdns";

    /** Automatic sync's configuration pid. */
    static final String AUTO_SYNC_PID = "moodhaven.sync.auto";

    private final Map<String, Map<String, Object>> byPid;

    private CommandLineFlags(Map<String, Map<String, Object>> byPid) {
        this.byPid = byPid;
    }

    /**
     * @param property a framework property by its name after the prefix, or null when not set
     * @return the flags given
     * @throws NumberFormatException if the launcher handed over a port that is not a number
     */
    static CommandLineFlags from(Function<String, String> property) {
        Map<String, Map<String, Object>> byPid = new HashMap<>();
        String port = property.apply("sync.port");
        if (port != null) {
            put(byPid, SYNC_PID, "port", Integer.parseInt(port));
        }
        if ("true".equals(property.apply("sync.allowLegacyV1"))) {
            put(byPid, SYNC_PID, "allowLegacyV1", true);
            // Discovery announces the protocol versions the sync engine accepts, so it gets the same flag.
            put(byPid, DISCOVERY_PID, "allowLegacyV1", true);
        }
        if ("false".equals(property.apply("mdns.enabled"))) {
            put(byPid, DISCOVERY_PID, "mdnsEnabled", false);
        }
        if ("false".equals(property.apply("mdns.announceName"))) {
            put(byPid, DISCOVERY_PID, "announceName", false);
        }
        String interfaces = property.apply("mdns.interfaces");
        if (interfaces != null) {
            put(byPid, DISCOVERY_PID, "interfaces", interfaces.split(","));
        }
        if ("false".equals(property.apply("sync.auto"))) {
            put(byPid, AUTO_SYNC_PID, "enabled", false);
        }
        return new CommandLineFlags(byPid);
    }

    private static void put(Map<String, Map<String, Object>> byPid, String pid, String key, Object value) {
        byPid.computeIfAbsent(pid, p -> new HashMap<>()).put(key, value);
    }

    /** @return the pids a flag of this run sets something of */
    java.util.Set<String> pids() {
        return byPid.keySet();
    }

    /**
     * Lays the flags over a configuration's properties as they are delivered.
     *
     * @param pid        the configuration's pid
     * @param properties its properties, changed in place
     */
    void overlay(String pid, Dictionary<String, Object> properties) {
        Map<String, Object> flags = byPid.get(pid);
        if (flags != null) {
            flags.forEach(properties::put);
        }
    }
}
