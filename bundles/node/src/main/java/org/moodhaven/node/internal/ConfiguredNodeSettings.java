package org.moodhaven.node.internal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;

import org.moodhaven.api.node.NodeSettings;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/**
 * The node's settings, from configuration pid {@value #PID} (written by
 * {@link LauncherConfiguration} from the command line). Required: until it
 * exists no component that keeps files starts, so nothing is ever written to a
 * default folder by accident.
 */
@Component(service = NodeSettings.class, configurationPid = ConfiguredNodeSettings.PID,
        configurationPolicy = ConfigurationPolicy.REQUIRE)
@Designate(ocd = ConfiguredNodeSettings.Config.class)
public final class ConfiguredNodeSettings implements NodeSettings {

    /** The configuration pid. */
    public static final String PID = "moodhaven.node";

    @ObjectClassDefinition(name = "MoodHaven node", description = "Settings of the node as a whole")
    @interface Config {
        @AttributeDefinition(name = "Data folder",
                description = "Absolute path of the folder holding identity, trust, database and logs")
        String data();

        @AttributeDefinition(name = "Device name",
                description = "Name shown to peers; empty keeps the name in device.json (or the host name)")
        String name() default "";

        @AttributeDefinition(name = "Headless", description = "Run without an interactive console")
        boolean headless() default false;
    }

    private final Path dataFolder;
    private final Optional<String> deviceName;
    private final boolean headless;

    /**
     * Creates the data folder (owner-only) and its {@code logs} folder if needed.
     *
     * @param config the configuration
     */
    @Activate
    public ConfiguredNodeSettings(Config config) {
        this.dataFolder = Path.of(config.data()).toAbsolutePath().normalize();
        this.deviceName = config.name() == null || config.name().isBlank()
                ? Optional.empty() : Optional.of(config.name().strip());
        this.headless = config.headless();
        createOwnerOnly(dataFolder);
        createOwnerOnly(dataFolder.resolve("logs"));
    }

    private static void createOwnerOnly(Path folder) {
        try {
            if (!Files.isDirectory(folder)) {
                Files.createDirectories(folder);
                if (Files.getFileStore(folder).supportsFileAttributeView("posix")) {
                    Files.setPosixFilePermissions(folder, PosixFilePermissions.fromString("rwx------"));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the data folder " + folder
                    + "; check the path given with --data and its permissions", e);
        }
    }

    @Override
    public Path dataFolder() {
        return dataFolder;
    }

    @Override
    public Optional<String> deviceName() {
        return deviceName;
    }

    @Override
    public boolean headless() {
        return headless;
    }
}
