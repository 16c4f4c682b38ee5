package org.moodhaven.launcher;

import java.io.File;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

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

    /** The highest start level: the console's. */
    private static final int CONSOLE_LEVEL = 5;

    /** Where logback reads its configuration. */
    private static final String LOGBACK_CONFIGURATION = "logback.configurationFile";

    /** The data folder, for {@code conf/logback.xml}. */
    private static final String DATA_PROPERTY = "moodhaven.data";

    /** The level of the logging bundles (SLF4J, logback), started by the framework. */
    private static final int LOGGING_LEVEL = 2;

    /** Bundles up to this level (libraries, the framework's services) are started by the framework. */
    private static final int LIBRARY_LEVEL = 3;

    /** The SLF4J API's bundle. */
    private static final String SLF4J_BUNDLE = "slf4j.api";

    /** The bundle that reads the interactive console. */
    private static final String CONSOLE_BUNDLE = "org.apache.felix.gogo.jline";

    private Main() {
    }

    /**
     * @param args the command line; see {@link LauncherOptions#USAGE}
     */
    public static void main(String[] args) {
        if (args.length > 0 && args[0].equals("console")) {
            // bin/moodhaven console: attach to a running node instead of starting one.
            ConsoleClient.main(java.util.Arrays.copyOfRange(args, 1, args.length));
            return;
        }
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
        Optional<String> dataWas = DataFolder.makePrivate(data);
        createOwnerOnly(data.resolve("logs"));
        configureLogging(home, data);
        // SPI Fly reports through java.util.logging at INFO on the console; only its warnings matter there.
        java.util.logging.Logger spiFly = java.util.logging.Logger.getLogger("org.apache.aries.spifly");
        spiFly.setLevel(java.util.logging.Level.WARNING);

        Map<String, String> properties = frameworkProperties(options);
        // Logging lives inside the framework: the node bundle writes this to the log.
        dataWas.ifPresent(permissions -> properties.put(PREFIX + "data.permissionsWere", permissions));
        Framework framework = ServiceLoader.load(FrameworkFactory.class).iterator().next()
                .newFramework(properties);
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

        List<BundleFolder.BundleJar> jars = bundleJars(home);
        Map<String, Bundle> bundles = installBundles(framework.getBundleContext(), jars);
        framework.start();
        startBundles(framework, jars, bundles, options.headless(), err);
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

    /**
     * The node's log: logback reads {@code conf/logback.xml} (or the file an operator names in
     * {@value #LOGBACK_CONFIGURATION}) once, when the first logger is made, and finds the data
     * folder in {@value #DATA_PROPERTY}. Derby's own log is rotated too, by Derby: {@code
     * logs/derby-0.log} (the newest) to {@code derby-2.log}, 1 MiB each, unless the operator sends
     * it elsewhere with one of Derby's own properties.
     */
    private static void configureLogging(Path home, Path data) {
        setIfAbsent(LOGBACK_CONFIGURATION, home.resolve("conf").resolve("logback.xml").toString());
        setIfAbsent(DATA_PROPERTY, data.toAbsolutePath().toString());
        if (Stream.of("file", "method", "field", "style")
                .allMatch(way -> System.getProperty("derby.stream.error." + way) == null)) {
            System.setProperty("derby.stream.error.style", "rollingFile");
            // Derby expands %-sequences in the pattern (%g: the file's number); %% is a percent sign.
            String folder = data.resolve("logs").toAbsolutePath().toString().replace("%", "%%");
            setIfAbsent("derby.stream.error.rollingFile.pattern", folder + File.separator + "derby-%g.log");
            setIfAbsent("derby.stream.error.rollingFile.limit", Integer.toString(1024 * 1024));
            setIfAbsent("derby.stream.error.rollingFile.count", "3");
        }
    }

    private static void setIfAbsent(String key, String value) {
        if (System.getProperty(key) == null) {
            System.setProperty(key, value);
        }
    }

    private static List<BundleFolder.BundleJar> bundleJars(Path home) throws IOException {
        Map<String, BundleFolder.StartLevel> levels =
                BundleFolder.readLevels(home.resolve("conf").resolve("start-levels.properties"));
        return BundleFolder.scan(home.resolve("bundle"), levels);
    }

    /**
     * Installs the distribution's bundles, updating those whose jar changed and
     * removing those whose jar is gone, then sets every start level. Only the
     * libraries and the framework's services (up to {@link #LIBRARY_LEVEL}) are
     * marked for the framework to start; {@link #startBundles} starts the rest.
     *
     * @return the installed bundles by location
     */
    private static Map<String, Bundle> installBundles(BundleContext context, List<BundleFolder.BundleJar> jars)
            throws IOException, BundleException, InterruptedException {
        Map<String, Bundle> installed = new HashMap<>();
        for (Bundle bundle : context.getBundles()) {
            if (bundle.getBundleId() != 0) {
                installed.put(bundle.getLocation(), bundle);
            }
        }
        boolean changed = false;
        Set<String> wanted = new HashSet<>();
        Map<String, Bundle> bundles = new HashMap<>();
        for (BundleFolder.BundleJar jar : jars) {
            wanted.add(jar.location());
            Bundle bundle = installed.get(jar.location());
            if (bundle == null) {
                bundle = context.installBundle(jar.location());
            } else if (Files.getLastModifiedTime(jar.file()).toMillis() > bundle.getLastModified()) {
                bundle.update();
                changed = true;
            }
            bundles.put(jar.location(), bundle);
            BundleStartLevel startLevel = bundle.adapt(BundleStartLevel.class);
            startLevel.setStartLevel(jar.startLevel());
            if (jar.fragment()) {
                continue;
            }
            if (startedByFramework(jar)) {
                bundle.start(Bundle.START_ACTIVATION_POLICY);
            } else if (startLevel.isPersistentlyStarted()) {
                bundle.stop(); // a cache from an older version may say the framework starts it
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
        return bundles;
    }

    private static boolean startedByFramework(BundleFolder.BundleJar jar) {
        return jar.startLevel() <= LIBRARY_LEVEL && !jar.start().background();
    }

    /**
     * The framework starts the libraries and its services (levels 1 to
     * {@link #LIBRARY_LEVEL}); then the launcher starts the bundles marked
     * {@code background}, each in a thread of its own, and the rest in level
     * order: our components, then, once the background ones have started too,
     * the console. Jetty is marked so: it takes a
     * third of a second to start, nothing but the web UI waits for it (the
     * whiteboard picks up servlets whenever both are there), and a machine has
     * more than one core. The framework itself could not do this: raising its
     * start level waits for every bundle still starting, whatever its level.
     */
    private static void startBundles(Framework framework, List<BundleFolder.BundleJar> jars,
                                     Map<String, Bundle> bundles, boolean headless, PrintStream err)
            throws InterruptedException {
        if (!raiseStartLevel(framework, LOGGING_LEVEL)) {
            return; // stopped while starting
        }
        // Logging starts while the framework starts the libraries (nothing there logs through SLF4J).
        Thread logging = new Thread(() -> startLogging(framework, err), "moodhaven-start-logging");
        logging.setDaemon(true);
        logging.start();
        boolean started = raiseStartLevel(framework, LIBRARY_LEVEL);
        logging.join(TimeUnit.MINUTES.toMillis(1));
        if (!started || !raiseStartLevel(framework, CONSOLE_LEVEL)) {
            return;
        }
        List<Thread> starters = new ArrayList<>();
        for (BundleFolder.BundleJar jar : jars) {
            if (jar.start().background() && !jar.fragment()) {
                Bundle bundle = bundles.get(jar.location());
                Thread starter = new Thread(() -> start(framework, bundle, err), "moodhaven-start-" + jar.symbolicName());
                starter.setDaemon(true);
                starter.start();
                starters.add(starter);
            }
        }
        for (BundleFolder.BundleJar jar : jars) {
            if (jar.startLevel() == CONSOLE_LEVEL) {
                awaitAll(starters); // the prompt comes after everything the start-up prints
            }
            boolean noConsole = headless && jar.symbolicName().equals(CONSOLE_BUNDLE); // a service has no console
            if (!startedByFramework(jar) && !jar.start().background() && !jar.fragment() && !noConsole) {
                start(framework, bundles.get(jar.location()), err);
            }
        }
    }

    /**
     * Makes SLF4J bind and configure its provider now, before the bundles that log start. SLF4J
     * does it when the first logger is made, and logback takes a while (a third of a second) to
     * read its configuration; lines logged meanwhile by other threads (Jetty starts beside our
     * components) would be held back, then written with a warning on the console and under the
     * name of the thread that happened to finish the start.
     */
    private static void startLogging(Framework framework, PrintStream err) {
        for (Bundle bundle : framework.getBundleContext().getBundles()) {
            if (SLF4J_BUNDLE.equals(bundle.getSymbolicName())) {
                try {
                    bundle.loadClass("org.slf4j.LoggerFactory").getMethod("getILoggerFactory").invoke(null);
                } catch (ReflectiveOperationException | RuntimeException e) {
                    err.println("moodhaven: logging could not start: " + e);
                }
                return;
            }
        }
    }

    private static void awaitAll(List<Thread> threads) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(1);
        for (Thread thread : threads) {
            thread.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
        }
    }

    /** @return false if the framework stopped before it reached the level */
    private static boolean raiseStartLevel(Framework framework, int level) throws InterruptedException {
        CountDownLatch reached = new CountDownLatch(1);
        framework.adapt(FrameworkStartLevel.class).setStartLevel(level, event -> reached.countDown());
        while (!reached.await(1, TimeUnit.SECONDS)) {
            if ((framework.getState() & (Bundle.STARTING | Bundle.ACTIVE)) == 0) {
                return false;
            }
        }
        return true;
    }

    /** Starts a bundle for this run only (the framework does not start it on the next). */
    private static void start(Framework framework, Bundle bundle, PrintStream err) {
        try {
            bundle.start(Bundle.START_TRANSIENT | Bundle.START_ACTIVATION_POLICY);
        } catch (BundleException | IllegalStateException e) {
            if (framework.getState() == Bundle.ACTIVE) {
                err.println("moodhaven: " + bundle.getSymbolicName() + " did not start: " + e.getMessage());
            }
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
