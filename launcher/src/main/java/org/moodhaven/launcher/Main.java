package org.moodhaven.launcher;

import java.io.IOException;
import java.io.PrintStream;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleException;
import org.osgi.framework.Constants;
import org.osgi.framework.FrameworkEvent;
import org.osgi.framework.launch.Framework;
import org.osgi.framework.launch.FrameworkFactory;
import org.osgi.framework.startlevel.BundleStartLevel;
import org.osgi.framework.startlevel.FrameworkStartLevel;
import org.osgi.framework.wiring.FrameworkWiring;

/**
 * Starts a node: Felix with every jar of the distribution's {@code bundle}
 * folder. The bundle cache lives in the data folder and is kept between runs
 * (a warm start is faster); jars that changed since are updated and jars that
 * went away are uninstalled, so the cache never runs stale code.
 */
public final class Main {

    /** Framework properties the node bundle turns into configuration. */
    static final String PREFIX = "moodhaven.launcher.";

    private static final int CONSOLE_LEVEL = 5;

    /** The bundle that reads the interactive console. */
    private static final String CONSOLE_BUNDLE = "org.apache.felix.gogo.jline";

    private Main() {
    }

    /**
     * @param args the command line; see {@link LauncherOptions#USAGE}
     */
    public static void main(String[] args) {
        LauncherOptions options;
        try {
            options = LauncherOptions.parse(args, Path.of(System.getProperty("user.home")));
        } catch (IllegalArgumentException e) {
            System.err.println("moodhaven: " + e.getMessage());
            System.err.println(LauncherOptions.USAGE);
            System.exit(2);
            return;
        }
        if (options.help()) {
            System.out.println(LauncherOptions.USAGE);
            return;
        }
        try {
            System.exit(run(options, home(), System.err));
        } catch (Exception e) {
            System.err.println("moodhaven: cannot start: " + e.getMessage());
            System.exit(1);
        }
    }

    static int run(LauncherOptions options, Path home, PrintStream err) throws Exception {
        Path data = options.dataFolder();
        requireFreeLoopbackPort(options.httpPort());
        createOwnerOnly(data);
        createOwnerOnly(data.resolve("logs"));
        configureLogging(data);
        // SPI Fly reports through java.util.logging at INFO on the console; only its warnings matter there.
        java.util.logging.Logger spiFly = java.util.logging.Logger.getLogger("org.apache.aries.spifly");
        spiFly.setLevel(java.util.logging.Level.WARNING);

        Framework framework = ServiceLoader.load(FrameworkFactory.class).iterator().next()
                .newFramework(frameworkProperties(options));
        try {
            framework.init();
        } catch (BundleException e) {
            if (String.valueOf(e.getMessage()).contains("lock")) {
                throw new IllegalStateException("another node is already running with the data folder " + data
                        + "; stop it first, or use another --data folder", e);
            }
            throw e;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> stopQuietly(framework, stopped), "moodhaven-shutdown"));

        installBundles(framework.getBundleContext(), home, options.headless());
        framework.start();
        framework.adapt(FrameworkStartLevel.class).setStartLevel(CONSOLE_LEVEL);
        FrameworkEvent end = framework.waitForStop(0);
        stopped.countDown();
        java.lang.ref.Reference.reachabilityFence(spiFly); // java.util.logging keeps loggers only weakly
        if (end.getType() == FrameworkEvent.ERROR) {
            err.println("moodhaven: the node stopped with an error: " + end.getThrowable());
            return 1;
        }
        return 0;
    }

    private static Map<String, String> frameworkProperties(LauncherOptions options) {
        Path data = options.dataFolder();
        Map<String, String> properties = new HashMap<>();
        properties.put(Constants.FRAMEWORK_STORAGE, data.resolve("cache").toString());
        properties.put(Constants.FRAMEWORK_STORAGE_CLEAN, "none");
        properties.put(Constants.FRAMEWORK_BEGINNING_STARTLEVEL, "1");
        properties.put("felix.log.level", "1");
        // Never write the console history to a file: nothing typed at the console is kept on disk.
        properties.put("gosh.args", "--nohistory");
        properties.put(PREFIX + "data", data.toString());
        options.name().ifPresent(name -> properties.put(PREFIX + "name", name));
        properties.put(PREFIX + "headless", Boolean.toString(options.headless()));
        options.syncPort().ifPresent(port -> properties.put(PREFIX + "sync.port", Integer.toString(port)));
        properties.put(PREFIX + "sync.allowLegacyV1", Boolean.toString(options.allowLegacyV1()));
        properties.put(PREFIX + "mdns.enabled", Boolean.toString(options.mdns()));
        properties.put(PREFIX + "sync.auto", Boolean.toString(options.autoSync()));
        properties.put(PREFIX + "mdns.announceName", Boolean.toString(options.mdnsName()));
        if (!options.mdnsInterfaces().isEmpty()) {
            properties.put(PREFIX + "mdns.interfaces", String.join(",", options.mdnsInterfaces()));
        }
        // The web UI and JSON API listen on the loopback interface only: they can change the trust list.
        properties.put("org.apache.felix.http.host", "127.0.0.1");
        properties.put("org.osgi.service.http.port", Integer.toString(options.httpPort()));
        properties.put("org.apache.felix.http.enable", "true");
        return properties;
    }

    /** SLF4J's simple provider reads system properties once, when the first logger is made. */
    private static void configureLogging(Path data) {
        setIfAbsent("org.slf4j.simpleLogger.logFile", data.resolve("logs").resolve("moodhaven.log").toString());
        setIfAbsent("org.slf4j.simpleLogger.defaultLogLevel", "info");
        setIfAbsent("org.slf4j.simpleLogger.showDateTime", "true");
        setIfAbsent("org.slf4j.simpleLogger.dateTimeFormat", "yyyy-MM-dd'T'HH:mm:ss.SSSXXX");
        setIfAbsent("org.slf4j.simpleLogger.levelInBrackets", "true");
        setIfAbsent("org.slf4j.simpleLogger.showShortLogName", "true");
        setIfAbsent("derby.stream.error.file", data.resolve("logs").resolve("derby.log").toString());
    }

    private static void setIfAbsent(String key, String value) {
        if (System.getProperty(key) == null) {
            System.setProperty(key, value);
        }
    }

    /**
     * Installs the distribution's bundles, updating those whose jar changed and
     * removing those whose jar is gone, then sets every start level.
     */
    private static void installBundles(BundleContext context, Path home, boolean headless) throws IOException,
            BundleException, InterruptedException {
        Map<String, Integer> levels = BundleFolder.readLevels(home.resolve("conf").resolve("start-levels.properties"));
        List<BundleFolder.BundleJar> jars = BundleFolder.scan(home.resolve("bundle"), levels);
        Map<String, Bundle> installed = new HashMap<>();
        for (Bundle bundle : context.getBundles()) {
            if (bundle.getBundleId() != 0) {
                installed.put(bundle.getLocation(), bundle);
            }
        }
        boolean changed = false;
        Set<String> wanted = new HashSet<>();
        for (BundleFolder.BundleJar jar : jars) {
            wanted.add(jar.location());
            Bundle bundle = installed.get(jar.location());
            if (bundle == null) {
                bundle = context.installBundle(jar.location());
            } else if (Files.getLastModifiedTime(jar.file()).toMillis() > bundle.getLastModified()) {
                bundle.update();
                changed = true;
            }
            bundle.adapt(BundleStartLevel.class).setStartLevel(jar.startLevel());
            if (headless && jar.symbolicName().equals(CONSOLE_BUNDLE)) {
                bundle.stop(); // a service has no console to read; the commands stay registered
            } else if (!jar.fragment()) {
                bundle.start(Bundle.START_ACTIVATION_POLICY);
            }
        }
        for (Map.Entry<String, Bundle> old : installed.entrySet()) {
            if (!wanted.contains(old.getKey())) {
                old.getValue().uninstall();
                changed = true;
            }
        }
        if (changed) {
            CountDownLatch refreshed = new CountDownLatch(1);
            context.getBundle(0).adapt(FrameworkWiring.class).refreshBundles(null, event -> refreshed.countDown());
            refreshed.await(60, TimeUnit.SECONDS);
        }
    }

    private static void stopQuietly(Framework framework, CountDownLatch stopped) {
        if (stopped.getCount() == 0) {
            return;
        }
        try {
            framework.stop();
            framework.waitForStop(30_000);
        } catch (BundleException | InterruptedException e) {
            // The JVM is going down anyway; Derby's log makes the store recover on the next start.
        }
    }

    /**
     * Jetty only logs when it cannot bind, and the node would run without its web UI;
     * a person who asked for that port should hear about it at once instead.
     */
    private static void requireFreeLoopbackPort(int port) {
        if (port == 0) {
            return;
        }
        try (java.net.ServerSocket probe = new java.net.ServerSocket()) {
            probe.bind(new java.net.InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), port));
        } catch (IOException e) {
            throw new IllegalStateException("port " + port + " on 127.0.0.1 (for the web UI and JSON API) is in use "
                    + "by another program or node; choose another with --http-port (0 picks a free one)", e);
        }
    }

    private static void createOwnerOnly(Path folder) throws IOException {
        if (!Files.isDirectory(folder)) {
            Files.createDirectories(folder);
            if (Files.getFileStore(folder).supportsFileAttributeView("posix")) {
                Files.setPosixFilePermissions(folder, PosixFilePermissions.fromString("rwx------"));
            }
        }
    }

    /** The distribution folder: {@code moodhaven.home}, or the parent of the folder holding this jar. */
    private static Path home() throws URISyntaxException {
        String configured = System.getProperty("moodhaven.home");
        if (configured != null) {
            return Path.of(configured);
        }
        Path jar = Path.of(Main.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        return jar.getParent().getParent();
    }
}
