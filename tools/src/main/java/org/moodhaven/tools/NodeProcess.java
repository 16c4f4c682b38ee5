package org.moodhaven.tools;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A real node process started from the distribution's {@code bin/moodhaven},
 * driven through its console as a person would type into it. Its home and
 * temporary folders are the test's own, so a test can look at everything the
 * node wrote.
 */
public final class NodeProcess implements AutoCloseable {

    /** The distribution folder the build leaves. */
    public static final Path DIST = Path.of(System.getProperty("moodhaven.dist", "../distribution/target/moodhaven"));

    private final Process process;
    private final OutputStream console;
    private final List<String> lines = new ArrayList<>();
    private final Thread reader;
    private int consumed;

    private NodeProcess(Process process) {
        this.process = process;
        this.console = process.getOutputStream();
        this.reader = new Thread(this::readOutput, "node-output-" + process.pid());
        reader.setDaemon(true);
        reader.start();
    }

    /**
     * @param data the data folder
     * @param home the HOME and temporary folder of the process
     * @param args further launcher flags
     * @return the started process (not yet ready; {@link #expect} the banner)
     * @throws IOException if it cannot be started
     */
    public static NodeProcess start(Path data, Path home, String... args) throws IOException {
        return startWithJvmOptions(data, home, "", args);
    }

    /**
     * @param data     the data folder
     * @param home     the HOME and temporary folder of the process
     * @param jvmFlags more options for the Java VM (e.g. a clock offset), or ""
     * @param args     further launcher flags
     * @return the started process
     * @throws IOException if it cannot be started
     */
    public static NodeProcess startWithJvmOptions(Path data, Path home, String jvmFlags, String... args)
            throws IOException {
        Path tmp = Files.createDirectories(home.resolve("tmp"));
        List<String> command = new ArrayList<>(List.of(DIST.resolve("bin").resolve("moodhaven").toString(),
                "--data", data.toString()));
        command.addAll(List.of(args));
        // Tests never rely on fixed ports being free: any free port unless the test picks one.
        if (!command.contains("--http-port")) {
            command.addAll(List.of("--http-port", "0"));
        }
        if (!command.contains("--sync-port")) {
            command.addAll(List.of("--sync-port", "0"));
        }
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().put("HOME", home.toString());
        builder.environment().put("JAVA_OPTS", "-Xmx256m -Djava.io.tmpdir=" + tmp + " " + jvmFlags);
        return new NodeProcess(builder.start());
    }

    /**
     * Starts a node inside a network namespace ({@code ip netns exec NAME}), with exactly
     * the flags given: a namespace has its own ports, so nothing is added.
     *
     * @param namespace the network namespace
     * @param data      the data folder
     * @param home      the HOME and temporary folder of the process
     * @param args      launcher flags
     * @return the started process (the VM's: {@code ip netns exec} and the start script exec it)
     * @throws IOException if it cannot be started
     */
    public static NodeProcess startInNamespace(String namespace, Path data, Path home, String... args)
            throws IOException {
        Path tmp = Files.createDirectories(home.resolve("tmp"));
        List<String> command = new ArrayList<>(List.of("ip", "netns", "exec", namespace,
                DIST.resolve("bin").resolve("moodhaven").toString(), "--data", data.toString()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().put("HOME", home.toString());
        builder.environment().put("JAVA_OPTS", "-Xmx256m -Djava.io.tmpdir=" + tmp);
        return new NodeProcess(builder.start());
    }

    private void readOutput() {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(),
                StandardCharsets.UTF_8))) {
            String line;
            while ((line = in.readLine()) != null) {
                synchronized (lines) {
                    lines.add(line);
                    lines.notifyAll();
                }
            }
        } catch (IOException e) {
            // the process ended
        } finally {
            synchronized (lines) {
                lines.add(null);
                lines.notifyAll();
            }
        }
    }

    /**
     * Types lines at the console.
     *
     * @param text one or more lines
     * @throws IOException if the console is closed
     */
    public void type(String... text) throws IOException {
        for (String line : text) {
            console.write((line + "\n").getBytes(StandardCharsets.UTF_8));
        }
        console.flush();
    }

    /**
     * Waits for an output line (after those already consumed) that matches.
     *
     * @param pattern a regular expression found in the line
     * @param timeout how long to wait
     * @return the match
     * @throws InterruptedException if interrupted
     */
    public Matcher expect(String pattern, Duration timeout) throws InterruptedException {
        Pattern compiled = Pattern.compile(pattern);
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (lines) {
            while (true) {
                while (consumed < lines.size()) {
                    String line = lines.get(consumed++);
                    if (line == null) {
                        consumed--;
                        throw new AssertionError("the node ended before printing /" + pattern + "/; it printed:\n"
                                + transcript());
                    }
                    Matcher matcher = compiled.matcher(line);
                    if (matcher.find()) {
                        return matcher;
                    }
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new AssertionError("no /" + pattern + "/ within " + timeout + "; the node printed:\n"
                            + transcript());
                }
                lines.wait(TimeUnit.NANOSECONDS.toMillis(left) + 1);
            }
        }
    }

    /**
     * @return everything the node printed so far
     */
    public String transcript() {
        synchronized (lines) {
            StringBuilder out = new StringBuilder();
            for (String line : lines) {
                if (line != null) {
                    out.append(line).append('\n');
                }
            }
            return out.toString();
        }
    }

    /** @return the node's process id (the Java VM's: the start script replaces itself with it) */
    public long pid() {
        return process.pid();
    }

    /** @return whether the node's process still runs */
    public boolean isAlive() {
        return process.isAlive();
    }

    /** Kills the process at once (SIGKILL), as a power cut or {@code kill -9} would. */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
    }

    /** Asks the node to stop (SIGTERM), as a service manager does, and waits for it. */
    public void terminate() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("the node did not stop on SIGTERM; it printed:\n" + transcript());
        }
    }

    /**
     * Stops the node cleanly with {@code mh:shutdown}, as a person would.
     *
     * @return the exit code
     */
    public int exit() throws IOException, InterruptedException {
        type("mh:shutdown");
        console.close();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("the node did not stop after exit; it printed:\n" + transcript());
        }
        return process.exitValue();
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            kill();
        }
    }
}
