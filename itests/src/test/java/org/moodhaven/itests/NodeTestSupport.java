package org.moodhaven.itests;

import static org.ops4j.pax.exam.CoreOptions.bundle;
import static org.ops4j.pax.exam.CoreOptions.cleanCaches;
import static org.ops4j.pax.exam.CoreOptions.frameworkProperty;
import static org.ops4j.pax.exam.CoreOptions.frameworkStartLevel;
import static org.ops4j.pax.exam.CoreOptions.junitBundles;
import static org.ops4j.pax.exam.CoreOptions.systemProperty;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;

import javax.inject.Inject;

import org.junit.After;

import org.apache.felix.service.command.CommandProcessor;
import org.apache.felix.service.command.CommandSession;
import org.moodhaven.launcher.BundleFolder;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.FrameworkUtil;
import org.osgi.framework.ServiceReference;
import org.osgi.util.tracker.ServiceTracker;

/**
 * Runs a node inside Pax Exam's Felix with exactly the bundles and start levels
 * of the distribution, configured the way the launcher configures it (through
 * the {@code moodhaven.launcher.*} framework properties), in a fresh data folder.
 */
public abstract class NodeTestSupport {

    /** The password the tests unlock their journals with. */
    protected static final String PASSWORD = "correct horse battery staple";

    /**
     * @param journal the node's journal
     * @return what a person types after mh:unlock: the password, twice while the journal holds no entries yet
     *         (that unlock chooses its password)
     */
    protected static String passwordTyped(org.moodhaven.api.journal.Journal journal) {
        return journal.status().empty() ? PASSWORD + "\n" + PASSWORD + "\n" : PASSWORD + "\n";
    }

    private static final Duration WAIT = Duration.ofSeconds(30);

    @Inject
    protected BundleContext context;

    /** Open until the test ends: a service let go of may be disposed (and a new one made) by SCR. */
    private final List<ServiceTracker<?, ?>> trackers = new ArrayList<>();

    /** Closes the trackers the test opened. */
    @After
    public void releaseServices() {
        trackers.forEach(ServiceTracker::close);
        trackers.clear();
    }

    /**
     * @return the distribution's bundles, a fresh data folder, and no interactive console
     * @throws IOException if the distribution cannot be read
     */
    @Configuration
    public Option[] config() throws IOException {
        Path dist = Path.of(System.getProperty("moodhaven.dist"));
        Path data = Files.createTempDirectory("moodhaven-itest-");
        List<Option> options = new ArrayList<>();
        options.add(cleanCaches(true));
        options.add(junitBundles());
        options.add(frameworkStartLevel(6));
        options.add(frameworkProperty("moodhaven.launcher.data").value(data.toString()));
        options.add(frameworkProperty("moodhaven.launcher.name").value("Pax Exam node"));
        options.add(frameworkProperty("moodhaven.launcher.headless").value("true"));
        options.add(frameworkProperty("gosh.args").value("--nointeractive --noshutdown --nohistory"));
        options.add(frameworkProperty("moodhaven.launcher.sync.port").value("0"));
        options.add(frameworkProperty("org.apache.felix.http.host").value("127.0.0.1"));
        options.add(frameworkProperty("org.osgi.service.http.port").value("0"));
        // FileInstall watches the data folder's etc/ and deploy/ as the launcher sets it (never ./load).
        options.add(frameworkProperty("felix.fileinstall.dir")
                .value(data.resolve("etc") + "," + data.resolve("deploy")));
        options.add(frameworkProperty("felix.fileinstall.filter").value(".*\\.(cfg|jar)"));
        options.add(frameworkProperty("felix.cm.dir").value(data.resolve("configadmin").toString()));
        options.add(systemProperty("derby.stream.error.file").value(data.resolve("derby.log").toString()));
        // The bundles' logback: warnings and errors on the console (this JVM's own logging is slf4j-simple's).
        options.add(systemProperty("logback.configurationFile")
                .value(NodeTestSupport.class.getResource("/logback-pax-exam.xml").toString()));
        var levels = BundleFolder.readLevels(dist.resolve("conf").resolve("start-levels.properties"));
        for (BundleFolder.BundleJar jar : BundleFolder.scan(dist.resolve("bundle"), levels)) {
            options.add(bundle(jar.location()).startLevel(jar.startLevel()).start(!jar.fragment()));
        }
        return options.toArray(Option[]::new);
    }

    /**
     * Waits for a service, as a person waits for the node to finish starting.
     *
     * @param type   the service type
     * @param filter an extra LDAP filter, or {@code null}
     * @param <T>    the service type
     * @return the best-ranked matching service
     * @throws Exception if none appears within the wait
     */
    protected <T> T await(Class<T> type, String filter) throws Exception {
        String full = "(objectClass=" + type.getName() + ")";
        if (filter != null) {
            full = "(&" + full + filter + ")";
        }
        ServiceTracker<T, T> tracker = new ServiceTracker<>(context, context.createFilter(full), null);
        tracker.open();
        trackers.add(tracker);
        T service = tracker.waitForService(WAIT.toMillis());
        if (service == null) {
            throw new AssertionError("no " + full + " within " + WAIT);
        }
        ServiceReference<T> best = tracker.getServiceReference();
        return tracker.getService(best);
    }

    /**
     * Waits until a condition holds, checking it whenever a service event happens
     * and at least every 50 ms (ConfigAdmin and SCR act asynchronously).
     *
     * @param what      described in the failure
     * @param condition the condition
     * @throws InterruptedException if interrupted
     */
    protected void awaitTrue(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        Object signal = new Object();
        org.osgi.framework.ServiceListener listener = event -> {
            synchronized (signal) {
                signal.notifyAll();
            }
        };
        context.addServiceListener(listener);
        try {
            while (!condition.getAsBoolean()) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new AssertionError("timed out waiting until " + what);
                }
                synchronized (signal) {
                    signal.wait(Math.min(50, Math.max(1, left / 1_000_000)));
                }
            }
        } finally {
            context.removeServiceListener(listener);
        }
    }

    /**
     * Runs a console command the way a person would type it.
     *
     * @param command the command line
     * @param input   what the person types when the command asks (a password, text), or ""
     * @return what the command printed and returned
     * @throws Exception if the command fails
     */
    protected String execute(String command, String input) throws Exception {
        CommandProcessor processor = await(CommandProcessor.class, null);
        // SCR registers each command component on its own schedule: wait for this one's.
        String name = command.strip().split("\\s+", 2)[0];
        if (name.contains(":")) {
            String[] scoped = name.split(":", 2);
            String filter = "(&(osgi.command.scope=" + scoped[0] + ")(osgi.command.function=" + scoped[1] + "))";
            awaitTrue("the command " + name, () -> {
                try {
                    return context.getServiceReferences((String) null, filter) != null;
                } catch (org.osgi.framework.InvalidSyntaxException e) {
                    throw new IllegalArgumentException(e);
                }
            });
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        try (CommandSession session = processor.createSession(
                new ByteArrayInputStream(input.getBytes(StandardCharsets.UTF_8)), out, out)) {
            Object result = session.execute(command);
            out.flush();
            String printed = bytes.toString(StandardCharsets.UTF_8);
            return result == null ? printed : printed + session.format(result, 1);
        }
    }

    /**
     * Runs a command that must fail, as the console shows it.
     *
     * @param command the command line
     * @param input   what the person types when asked
     * @return the message the person sees
     * @throws Exception if the command does not fail
     */
    protected String executeFailing(String command, String input) throws Exception {
        try {
            String output = execute(command, input);
            throw new AssertionError(command + " did not fail; it printed " + output);
        } catch (AssertionError e) {
            throw e;
        } catch (Exception e) {
            return e.getMessage();
        }
    }

    /**
     * @param symbolicName a bundle's symbolic name
     * @return the installed bundle
     */
    protected Bundle installed(String symbolicName) {
        for (Bundle bundle : context.getBundles()) {
            if (symbolicName.equals(bundle.getSymbolicName())) {
                return bundle;
            }
        }
        throw new AssertionError("no bundle " + symbolicName);
    }

    /**
     * @return the bundle of this test's probe
     */
    protected Bundle probe() {
        return FrameworkUtil.getBundle(getClass());
    }
}
