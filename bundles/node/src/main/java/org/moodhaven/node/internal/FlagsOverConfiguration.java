package org.moodhaven.node.internal;

import java.util.Dictionary;

import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceReference;
import org.osgi.service.cm.ConfigurationPlugin;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;

/**
 * Makes a flag of the command line win over {@code {data}/etc} for one run without ever being
 * written anywhere: ConfigAdmin calls this plugin each time it hands a configuration to a
 * component (Felix SCR reads the processed properties), and it lays the flags over the stored
 * values. The stored configuration, and so the file FileInstall keeps in step with it, stays as
 * the person wrote it; the next run without the flag has the file's value again.
 *
 * <p>The node bundle starts with the framework's services (start level 3), before the bundles
 * whose configuration it changes, so no component ever sees its configuration without the flags.
 */
@Component(service = ConfigurationPlugin.class, immediate = true,
        property = {ConfigurationPlugin.CM_RANKING + ":Integer=0",
            ConfigurationPlugin.CM_TARGET + "=" + CommandLineFlags.SYNC_PID,
            ConfigurationPlugin.CM_TARGET + "=" + CommandLineFlags.DISCOVERY_PID,
            ConfigurationPlugin.CM_TARGET + "=" + CommandLineFlags.AUTO_SYNC_PID})
public final class FlagsOverConfiguration implements ConfigurationPlugin {

    private final CommandLineFlags flags;

    /**
     * @param context the bundle context, to read the launcher's framework properties
     */
    @Activate
    public FlagsOverConfiguration(BundleContext context) {
        this(CommandLineFlags.from(key -> context.getProperty(LauncherConfiguration.PREFIX + key)));
    }

    FlagsOverConfiguration(CommandLineFlags flags) {
        this.flags = flags;
    }

    @Override
    public void modifyConfiguration(ServiceReference<?> reference, Dictionary<String, Object> properties) {
        Object pid = properties.get("service.pid");
        if (pid instanceof String configurationPid) {
            flags.overlay(configurationPid, properties);
        }
    }
}
