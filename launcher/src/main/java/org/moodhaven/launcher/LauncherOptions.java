package org.moodhaven.launcher;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The launcher's command line. Each flag becomes configuration inside the node
 * (see {@code LauncherConfiguration} in the node bundle).
 *
 * @param dataFolder    the data folder
 * @param name          the device name, if given
 * @param syncPort      the sync port, if given (0 for any free port)
 * @param httpPort      the port of the web UI and JSON API on 127.0.0.1
 * @param allowLegacyV1 accept protocol version 1 from devices configured for it
 * @param headless      run without an interactive console
 * @param help          only print the usage
 * @param mdns          announce this node and browse for others by mDNS ({@code --no-mdns} turns it off)
 * @param mdnsName      put the device name in the mDNS announcement ({@code --no-mdns-name} turns it off)
 * @param mdnsInterfaces the local addresses or interface names mDNS uses; empty for every IPv4 one
 * @param autoSync      sync with trusted devices by itself (PROTOCOL.md 8; {@code --no-auto-sync} turns it off)
 */
public record LauncherOptions(Path dataFolder, Optional<String> name, Optional<Integer> syncPort, int httpPort,
                              boolean allowLegacyV1, boolean headless, boolean help, boolean mdns,
                              boolean mdnsName, List<String> mdnsInterfaces, boolean autoSync) {

    /**
     * @throws NullPointerException if a list or optional is missing
     */
    public LauncherOptions {
        mdnsInterfaces = List.copyOf(mdnsInterfaces);
    }

    /** The default port of the web UI and JSON API. */
    public static final int DEFAULT_HTTP_PORT = 8080;

    /** The usage text printed by {@code --help} and after a wrong flag. */
    public static final String USAGE = """
            Usage: moodhaven [options]
                   moodhaven console [--data DIR] [COMMAND...]   (attach to a running node; console --help)

            Starts a MoodHaven node: keeps your encrypted journal and syncs it with your own devices on the LAN.

            Options:
              --data DIR     data folder: identity, trusted devices, database, logs (default ~/.moodhaven)
              --name NAME    device name shown to your other devices (default: the name in device.json,
                             or the host name for a new node)
              --sync-port N  TCP port for syncing with your devices (default: 44000-44999, derived from
                             this device's id; 0 picks any free port)
              --http-port N  port of the web UI and JSON API, on 127.0.0.1 only (default 8080; 0 picks any)
              --allow-legacy-v1
                             accept sync protocol version 1 from devices marked "protocol": 1 in
                             trusted_devices.json; version 1 is not secure (see docs/security.md)
              --no-mdns      do not announce this node on the LAN nor look for others by multicast DNS;
                             devices are then reached only by address (see docs/discovery.md)
              --no-mdns-name announce this node without its device name (anyone on the LAN can read it)
              --mdns-interfaces LIST
                             comma-separated local addresses or interface names for mDNS, e.g. eth0
                             (default: every IPv4 address of every interface that is up)
              --no-auto-sync sync only when asked (mh:sync, the web UI, the API), never by itself
              --headless     run as a service, without the interactive console
              --help         show this help

            Every setting is also in a file of DIR/etc (written at the first start, applied while the node
            runs; see docs/running.md). The flags above win over those files for this run only and are
            never written to them. Bundle jars copied into DIR/deploy are installed while the node runs.

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
        Integer syncPort = null;
        int httpPort = DEFAULT_HTTP_PORT;
        boolean allowLegacyV1 = false;
        boolean headless = false;
        boolean help = false;
        boolean mdns = true;
        boolean mdnsName = true;
        List<String> mdnsInterfaces = List.of();
        boolean autoSync = true;
        List<String> rest = new ArrayList<>(List.of(args));
        while (!rest.isEmpty()) {
            String flag = rest.remove(0);
            switch (flag) {
                case "--data" -> data = Path.of(value(flag, rest));
                case "--name" -> name = value(flag, rest);
                case "--sync-port" -> syncPort = port(flag, value(flag, rest));
                case "--http-port" -> httpPort = port(flag, value(flag, rest));
                case "--allow-legacy-v1" -> allowLegacyV1 = true;
                case "--headless" -> headless = true;
                case "--no-mdns" -> mdns = false;
                case "--no-mdns-name" -> mdnsName = false;
                case "--mdns-interfaces" -> mdnsInterfaces = interfaces(flag, value(flag, rest));
                case "--no-auto-sync" -> autoSync = false;
                case "--help", "-h" -> help = true;
                default -> throw new IllegalArgumentException("unknown option " + flag);
            }
        }
        return new LauncherOptions(data.toAbsolutePath().normalize(), Optional.ofNullable(name),
                Optional.ofNullable(syncPort), httpPort, allowLegacyV1, headless, help, mdns, mdnsName,
                mdnsInterfaces, autoSync);
    }

    private static List<String> interfaces(String flag, String value) {
        List<String> items = new ArrayList<>();
        for (String item : value.split(",", -1)) {
            String name = item.strip();
            if (name.isEmpty() || name.length() > 64 || !name.chars().allMatch(c -> c > ' ' && c < 127)) {
                throw new IllegalArgumentException(flag + " needs addresses or interface names separated by "
                        + "commas, not " + value);
            }
            items.add(name);
        }
        return items;
    }

    private static int port(String flag, String value) {
        try {
            int port = Integer.parseInt(value);
            if (port >= 0 && port <= 65535) {
                return port;
            }
        } catch (NumberFormatException e) {
            // refused below
        }
        throw new IllegalArgumentException(flag + " needs a port number from 0 to 65535, not " + value);
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
