package org.moodhaven.api.node;

import java.nio.file.Path;
import java.util.Optional;

import org.osgi.annotation.versioning.ProviderType;

/**
 * Settings of the node as a whole, from the launcher's command line
 * (through ConfigAdmin). Components that keep files take their folder from here.
 */
@ProviderType
public interface NodeSettings {

    /**
     * @return the data folder (identity, trust, database, logs); it exists
     */
    Path dataFolder();

    /**
     * @return the device name given on the command line ({@code --name}), if any
     */
    Optional<String> deviceName();

    /**
     * @return whether the node runs without an interactive console
     */
    boolean headless();
}
