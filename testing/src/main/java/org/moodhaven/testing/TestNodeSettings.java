package org.moodhaven.testing;

import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

import org.moodhaven.api.node.NodeSettings;

/**
 * Node settings for unit tests, which construct components directly instead of
 * through ConfigAdmin.
 *
 * @param dataFolder the data folder, usually a JUnit temporary folder
 * @param deviceName the device name, as if given with {@code --name}
 * @param headless   whether the node runs without an interactive console
 */
public record TestNodeSettings(Path dataFolder, Optional<String> deviceName, boolean headless)
        implements NodeSettings {

    /**
     * @param dataFolder the data folder, usually a JUnit temporary folder
     * @param deviceName the device name, as if given with {@code --name}
     * @param headless   whether the node runs without an interactive console
     * @throws NullPointerException if the folder or the optional name is {@code null}
     */
    public TestNodeSettings {
        Objects.requireNonNull(dataFolder, "dataFolder");
        Objects.requireNonNull(deviceName, "deviceName");
    }

    /**
     * Settings of a headless node without a device name: what the tests need.
     *
     * @param dataFolder the data folder, usually a JUnit temporary folder
     * @throws NullPointerException if the folder is {@code null}
     */
    public TestNodeSettings(Path dataFolder) {
        this(dataFolder, Optional.empty(), true);
    }
}
