package org.moodhaven.launcher;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The launcher's command line. Each flag becomes configuration inside the node
 * (see {@code LauncherConfiguration} in the node bundle).
 *
 * @param dataFolder the data folder
 * @param name       the device name, if given
 * @param headless   run without an interactive console
 * @param help       only print the usage
 */
public record LauncherOptions(Path dataFolder, Optional<String> name, boolean headless, boolean help) {

    /** The usage text printed by {@code --help} and after a wrong flag. */
    public static final String USAGE = """
            Usage: moodhaven [options]

            Starts a MoodHaven node: keeps your encrypted journal and syncs it with your own devices on the LAN.

            Options:
              --data DIR     data folder: identity, trusted devices, database, logs (default ~/.moodhaven)
              --name NAME    device name shown to your other devices (default: the name in device.json,
                             or the host name for a new node)
              --headless     run as a service, without the interactive console
              --help         show this help

            JAVA_OPTS adds options for the Java VM (default -Xmx256m).""";

    /**
     * @param args     the command line
     * @param userHome the home folder, for the default data folder
     * @return the options
     * @throws IllegalArgumentException with a message for the person if a flag is wrong
     */
    public static LauncherOptions parse(String[] args, Path userHome) {
        Path data = userHome.resolve(".moodhaven");
        String name = null;
        boolean headless = false;
        boolean help = false;
        List<String> rest = new ArrayList<>(List.of(args));
        while (!rest.isEmpty()) {
            String flag = rest.remove(0);
            switch (flag) {
                case "--data" -> data = Path.of(value(flag, rest));
                case "--name" -> name = value(flag, rest);
                case "--headless" -> headless = true;
                case "--help", "-h" -> help = true;
                default -> throw new IllegalArgumentException("unknown option " + flag);
            }
        }
        return new LauncherOptions(data.toAbsolutePath().normalize(), Optional.ofNullable(name), headless, help);
    }

    private static String value(String flag, List<String> rest) {
        if (rest.isEmpty() || rest.get(0).startsWith("--")) {
            throw new IllegalArgumentException(flag + " needs a value");
        }
        String value = rest.remove(0);
        if (value.isBlank()) {
            throw new IllegalArgumentException(flag + " needs a value");
        }
        return value;
    }
}
