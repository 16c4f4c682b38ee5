package org.moodhaven.launcher;

import java.io.File;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.osgi.framework.Bundle;
import org.osgi.framework.BundleException;
import org.osgi.framework.Constants;
import org.osgi.framework.FrameworkEvent;
import org.osgi.framework.launch.Framework;
import org.osgi.framework.launch.FrameworkFactory;
import org.osgi.framework.startlevel.FrameworkStartLevel;

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
    static final int LIBRARY_LEVEL = 3;

    /** Configuration files a person edits, applied by FileInstall while the node runs. */
    static final String ETC = "etc";

    /** Bundle jars FileInstall installs, updates and uninstalls while the node runs. */
    static final String DEPLOY = "deploy";

    /** ConfigAdmin's own store (felix.cm.dir). */
    static final String CONFIG_STORE = "configadmin";

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
        Path etc = data.resolve(ETC);
        createOwnerOnly(etc);
        createOwnerOnly(data.resolve(DEPLOY));
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
        ConfigurationFiles.writeMissing(etc, jars);
        Map<String, Bundle> bundles = BundleInstaller.install(framework.getBundleContext(), jars, data.resolve(DEPLOY));
        framework.start();
        startBundles(framework, jars, bundles, options.headless(), etc, err);
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
        // Only the flags given: each wins over {data}/etc for this run, and a flag not given leaves
        // the file's value (the node bundle overlays them; nothing is written to etc/).
        options.syncPort().ifPresent(port -> properties.put(PREFIX + "sync.port", Integer.toString(port)));
        if (options.allowLegacyV1()) {
            properties.put(PREFIX + "sync.allowLegacyV1", "true");
        }
        if (!options.mdns()) {
            properties.put(PREFIX + "mdns.enabled", "false");
        }
        if (!options.autoSync()) {
            properties.put(PREFIX + "sync.auto", "false");
        }
        if (!options.mdnsName()) {
            properties.put(PREFIX + "mdns.announceName", "false");
        }
        if (!options.mdnsInterfaces().isEmpty()) {
            properties.put(PREFIX + "mdns.interfaces", String.join(",", options.mdnsInterfaces()));
        }
        // The web UI and JSON API listen on the loopback interface only: they can change the trust list.
        properties.put("org.apache.felix.http.host", "127.0.0.1");
        properties.put("org.osgi.service.http.port", Integer.toString(options.httpPort()));
        properties.put("org.apache.felix.http.enable", "true");
        // ConfigAdmin's own store beside the data, not in cache/ (which a person may delete).
        properties.put("felix.cm.dir", data.resolve(CONFIG_STORE).toString());
        // FileInstall: {data}/etc/*.cfg into ConfigAdmin, {data}/deploy/*.jar installed and started,
        // both watched every second. Comma-separated folders each get a watcher of their own.
        properties.put("felix.fileinstall.dir", data.resolve(ETC) + "," + data.resolve(DEPLOY));
        properties.put("felix.fileinstall.filter", ".*\\.(cfg|jar)");
        properties.put("felix.fileinstall.poll", "1000");
        properties.put("felix.fileinstall.noInitialDelay", "true");
        properties.put("felix.fileinstall.start.level", Integer.toString(BundleFolder.DEFAULT_LEVEL));
        properties.put("felix.fileinstall.bundles.new.start", "true");
        properties.put("felix.fileinstall.log.level", "3");
        return properties;
    }

    /**
     * The node's log: logback reads {@code {data}/etc/logback.xml} (or the file an operator names in
     * {@value #LOGBACK_CONFIGURATION}), copied from the distribution's {@code conf/logback.xml} at the
     * first start and never written again, and finds the data folder in {@value #DATA_PROPERTY}. The
     * file asks logback to read it again when it changes, so levels change while the node runs.
     * Derby's own log is rotated too, by Derby: {@code logs/derby-0.log} (the newest) to {@code derby-2.log}, 1 MiB each, unless the operator sends
     * it elsewhere with one of Derby's own properties.
     */
    private static void configureLogging(Path home, Path data) throws IOException {
        if (System.getProperty(LOGBACK_CONFIGURATION) == null) {
            Path configuration = data.resolve(ETC).resolve("logback.xml");
            if (!Files.exists(configuration)) {
                Path temp = data.resolve(ETC).resolve(".logback.xml.new");
                Files.copy(home.resolve("conf").resolve("logback.xml"), temp, StandardCopyOption.REPLACE_EXISTING);
                Files.move(temp, configuration, StandardCopyOption.ATOMIC_MOVE);
            }
            System.setProperty(LOGBACK_CONFIGURATION, configuration.toAbsolutePath().toString());
        }
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
     * The framework starts the libraries and its services (levels 1 to
     * {@link #LIBRARY_LEVEL}); then the launcher starts the bundles marked
     * {@code background}, each in a thread of its own, waits for FileInstall to
     * apply {@code etc/}, and starts the rest in level order: our components, then,
     * once the background ones have started too, the console. Jetty is marked so: it
     * takes a third of a second to start, nothing but the web UI waits for it (the
     * whiteboard picks up servlets whenever both are there), and a machine has
     * more than one core. The framework itself could not do this: raising its
     * start level waits for every bundle still starting, whatever its level.
     */
    private static void startBundles(Framework framework, List<BundleFolder.BundleJar> jars,
                                     Map<String, Bundle> bundles, boolean headless, Path etc, PrintStream err)
            throws InterruptedException {
        if (!raiseStartLevel(framework, LOGGING_LEVEL)) {
            return; // stopped while starting
        }
        // Logging is ready before the framework's services start: the node bundle starts with them
        // (its ConfigurationPlugin must be there before our other bundles) and logs through SLF4J;
        // a line logged while logback reads its file would be replayed with a warning on the console.
        startLogging(framework, err);
        if (!raiseStartLevel(framework, LIBRARY_LEVEL)) {
            return;
        }
        // The background bundles (Jetty) start while FileInstall applies etc/: they read no
        // configuration of ours, and have the most to do.
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
        ConfigurationFiles.awaitApplied(framework.getBundleContext(), etc, err);
        if (!raiseStartLevel(framework, CONSOLE_LEVEL)) {
            return;
        }
        for (BundleFolder.BundleJar jar : jars) {
            if (jar.startLevel() == CONSOLE_LEVEL) {
                awaitAll(starters); // the prompt comes after everything the start-up prints
            }
            boolean noConsole = headless && jar.symbolicName().equals(CONSOLE_BUNDLE); // a service has no console
            if (!BundleInstaller.startedByFramework(jar) && !jar.start().background() && !jar.fragment() && !noConsole) {
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
