package org.moodhaven.shell.internal;

import org.moodhaven.api.identity.DeviceIdentity;
import org.moodhaven.api.node.NodeSettings;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Greets the person at the console once the node's identity is ready, and
 * records the same in the log for a headless node.
 */
@Component(immediate = true)
public final class ConsoleBanner {

    private static final Logger LOG = LoggerFactory.getLogger(ConsoleBanner.class);

    /**
     * @param identity this device
     * @param settings the node's settings
     */
    @Activate
    public ConsoleBanner(@Reference DeviceIdentity identity, @Reference NodeSettings settings) {
        String banner = "MoodHaven node \"" + identity.deviceName() + "\" (" + identity.deviceId() + ")"
                + ", data in " + settings.dataFolder();
        LOG.info(banner);
        // The banner is for the person at the console (or the service manager's log), so it goes to stdout.
        System.out.println();
        System.out.println(banner);
        if (!settings.headless()) {
            System.out.println("Type \"help mh\" for the commands, \"mh:unlock\" to open your journal, "
                    + "\"mh:shutdown\" (or Ctrl-D) to stop the node.");
        }
    }
}
