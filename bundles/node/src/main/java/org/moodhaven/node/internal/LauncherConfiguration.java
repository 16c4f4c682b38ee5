package org.moodhaven.node.internal;

import java.io.IOException;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.Map;

import org.osgi.framework.BundleContext;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns the launcher's command line into configuration. The launcher cannot
 * share classes with bundles, so it hands the flags over as framework
 * properties ({@value #PREFIX}*); this component writes them to ConfigAdmin,
 * where every component reads its configuration from. When the properties are
 * absent (tests that configure the node themselves), it does nothing.
 */
@Component(immediate = true)
public final class LauncherConfiguration {

    /** Prefix of the framework properties the launcher sets. */
    public static final String PREFIX = "moodhaven.launcher.";

    /** The sync engine's configuration pid (the node bundle does not depend on the sync bundle). */
    static final String SYNC_PID = "moodhaven.sync";

    /** The discovery's configuration pid (likewise not a dependency of this bundle). */
    static final String DISCOVERY_PID = "moodhaven.discovery.mdns";
    static final String AUTO_SYNC_PID = "moodhaven.sync.auto";

    private static final Logger LOG = LoggerFactory.getLogger(LauncherConfiguration.class);

    /**
     * @param context the bundle context, to read framework properties
     * @param configAdmin where configuration is written
     * @throws IOException if ConfigAdmin cannot store the configuration
     */
    @Activate
    public LauncherConfiguration(BundleContext context, @Reference ConfigurationAdmin configAdmin)
            throws IOException {
        String data = context.getProperty(PREFIX + "data");
        if (data == null) {
            return;
        }
        String permissionsWere = context.getProperty(PREFIX + "data.permissionsWere");
        if (permissionsWere != null) {
            // The launcher made the folder private before anything was written into it; it has no log.
            LOG.warn("data folder {} had permissions {}; set to rwx------ so that no other user can read it",
                    data, permissionsWere);
        }
        Hashtable<String, Object> node = new Hashtable<>();
        node.put("data", data);
        node.put("name", valueOr(context, "name", ""));
        node.put("headless", Boolean.parseBoolean(valueOr(context, "headless", "false")));
        write(configAdmin, ConfiguredNodeSettings.PID, node);

        // Only what the command line says is written; other settings of the sync stay as configured.
        Configuration sync = configAdmin.getConfiguration(SYNC_PID, "?");
        Hashtable<String, Object> syncValues = sync.getProperties() == null ? new Hashtable<>()
                : copy(sync.getProperties());
        String port = context.getProperty(PREFIX + "sync.port");
        if (port == null) {
            syncValues.remove("port");
        } else {
            syncValues.put("port", Integer.parseInt(port));
        }
        syncValues.put("allowLegacyV1", Boolean.parseBoolean(valueOr(context, "sync.allowLegacyV1", "false")));
        write(configAdmin, SYNC_PID, syncValues);

        // Discovery announces the protocol versions the sync engine accepts, so it gets the same flag.
        Configuration discovery = configAdmin.getConfiguration(DISCOVERY_PID, "?");
        Hashtable<String, Object> discoveryValues = discovery.getProperties() == null ? new Hashtable<>()
                : copy(discovery.getProperties());
        discoveryValues.put("allowLegacyV1", syncValues.get("allowLegacyV1"));
        discoveryValues.put("mdnsEnabled", Boolean.parseBoolean(valueOr(context, "mdns.enabled", "true")));
        discoveryValues.put("announceName", Boolean.parseBoolean(valueOr(context, "mdns.announceName", "true")));
        String interfaces = context.getProperty(PREFIX + "mdns.interfaces");
        if (interfaces == null) {
            discoveryValues.remove("interfaces");
        } else {
            discoveryValues.put("interfaces", interfaces.split(","));
        }
        write(configAdmin, DISCOVERY_PID, discoveryValues);

        // Automatic sync: only whether it is on comes from the command line (--no-auto-sync).
        Configuration auto = configAdmin.getConfiguration(AUTO_SYNC_PID, "?");
        Hashtable<String, Object> autoValues = auto.getProperties() == null ? new Hashtable<>()
                : copy(auto.getProperties());
        autoValues.put("enabled", Boolean.parseBoolean(valueOr(context, "sync.auto", "true")));
        write(configAdmin, AUTO_SYNC_PID, autoValues);
    }

    private static Hashtable<String, Object> copy(Dictionary<String, Object> properties) {
        Hashtable<String, Object> copy = new Hashtable<>();
        for (java.util.Enumeration<String> keys = properties.keys(); keys.hasMoreElements(); ) {
            String key = keys.nextElement();
            if (!key.equals("service.pid") && !key.equals("service.bundleLocation")) {
                copy.put(key, properties.get(key));
            }
        }
        return copy;
    }

    private static String valueOr(BundleContext context, String key, String fallback) {
        String value = context.getProperty(PREFIX + key);
        return value == null ? fallback : value;
    }

    /**
     * Writes a configuration only when it differs, so an unchanged restart does not
     * cycle every component that depends on it.
     */
    static void write(ConfigurationAdmin configAdmin, String pid, Map<String, Object> values) throws IOException {
        Configuration configuration = configAdmin.getConfiguration(pid, "?");
        Dictionary<String, Object> properties = new Hashtable<>(values);
        if (configuration.updateIfDifferent(properties)) {
            LOG.info("configuration {} set from the command line", pid);
        }
    }
}
