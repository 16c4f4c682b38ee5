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
 * properties ({@value #PREFIX}*). This component writes the node's own settings
 * of the run (data folder, name, headless) to ConfigAdmin; every other flag wins
 * over {@code {data}/etc} through {@link FlagsOverConfiguration} and is never
 * stored. When the properties are absent (tests that configure the node
 * themselves), it does nothing.
 */
@Component(immediate = true)
public final class LauncherConfiguration {

    /** Prefix of the framework properties the launcher sets. */
    public static final String PREFIX = "moodhaven.launcher.";

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

        // The other flags are laid over {data}/etc by FlagsOverConfiguration as configurations are
        // delivered, never stored. ConfigAdmin calls plugins only for a configuration that exists,
        // so one a flag sets is made (empty: every value its default) when no file made it.
        for (String pid : CommandLineFlags.from(key -> context.getProperty(PREFIX + key)).pids()) {
            Configuration configuration = configAdmin.getConfiguration(pid, "?");
            if (configuration.getProperties() == null) {
                configuration.update(new Hashtable<>());
            }
        }
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
