package org.moodhaven.itests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.moodhaven.tools.Await;
import org.moodhaven.tools.NodeProcess;
import org.moodhaven.tools.TwoNodes;

/**
 * What bounds a node's process whatever arrives (issue 12): its log takes a capped amount
 * of disk, it exits when it runs out of memory, and its data folder is private.
 */
class NodeHardeningIT {

    private static final Duration WAIT = Duration.ofSeconds(60);

    /** Small enough that a test fills several files in a few seconds. */
    private static final int MAX_FILE_BYTES = 16 * 1024;
    private static final int OLD_FILES = 2;
    /** One line past the size may land before the file is rolled; no line here is longer. */
    private static final int LONGEST_LINE = 1024;

    @TempDir
    Path folder;

    @Test
    void theLogRotatesBySizeAndItsFilesStayUnderTheCap() throws Exception {
        try (TwoNodes.Node node = new TwoNodes.Node(folder, "logs").startWithJvmOptions(
                "-Dmoodhaven.log.maxFileSize=" + MAX_FILE_BYTES / 1024 + "KB -Dmoodhaven.log.oldFiles=" + OLD_FILES)) {
            Path logs = node.data.resolve("logs");
            String firstLine = Files.readAllLines(logs.resolve("moodhaven.log"), StandardCharsets.UTF_8).get(0);

            // Each peer added by address is a line in the log: add (and replace) them until the
            // node's first line has gone with the oldest file, as a long life would make it go.
            int port = 0;
            int added = 0;
            while (logText(logs).contains(firstLine)) {
                assertTrue(added < 5_000, "after " + added + " lines the node's first line is still in its log: "
                        + sizes(logs));
                for (int i = 0; i < 50; i++, added++) {
                    port = 40_000 + added % 50;
                    node.api.post("/api/peers", "{\"host\": \"127.0.0.1\", \"port\": " + port + "}");
                }
            }

            Map<String, Long> files = sizes(logs);
            List<String> expected = new ArrayList<>(List.of("moodhaven.log"));
            for (int i = 1; i <= OLD_FILES; i++) {
                expected.add("moodhaven." + i + ".log");
            }
            assertEquals(new TreeSet<>(expected), files.keySet(), "the current file and " + OLD_FILES
                    + " old ones: " + files);
            long total = 0;
            for (Map.Entry<String, Long> file : files.entrySet()) {
                assertTrue(file.getValue() <= MAX_FILE_BYTES + LONGEST_LINE, "a file past its size: " + files);
                total += file.getValue();
            }
            assertTrue(total <= (OLD_FILES + 1L) * (MAX_FILE_BYTES + LONGEST_LINE), "the total is capped: " + files);
            assertTrue(total >= OLD_FILES * MAX_FILE_BYTES, "the old files are full ones: " + files);
            List<String> current = Files.readAllLines(logs.resolve("moodhaven.log"), StandardCharsets.UTF_8);
            assertTrue(current.get(current.size() - 1).endsWith("peer added by address: 127.0.0.1:" + port),
                    "the newest line is at the end of moodhaven.log: " + current.get(current.size() - 1));
            assertTrue(current.get(0).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}(Z|[+-]\\d\\d:\\d\\d) "
                    + "\\[[^]]+] \\[INFO] JmdnsPeerDirectory - .*"), "the line format is kept: " + current.get(0));
        }
    }

    @Test
    void aNodeThatRunsOutOfMemoryExitsWhateverJavaOptsSay() throws Exception {
        // 8 MiB is far too little for a node: it runs out of memory while it starts. Before
        // -XX:+ExitOnOutOfMemoryError the threads that hit it died and the node hung, half started.
        Result result = run(List.of(NodeProcess.DIST.resolve("bin").resolve("moodhaven").toString(),
                "--data", folder.resolve("data").toString(), "--headless", "--sync-port", "0", "--http-port", "0"),
                "-Xmx8m -XX:-ExitOnOutOfMemoryError");
        assertEquals(3, result.status(), "the JVM's status for an exit on OutOfMemoryError:\n" + result.output());
        assertTrue(result.output().contains("Terminating due to java.lang.OutOfMemoryError"), result.output());
    }

    @Test
    void anExistingDataFolderOpenToOthersIsMadeOwnerOnly() throws Exception {
        TwoNodes.Node node = new TwoNodes.Node(folder, "private");
        Files.createDirectories(node.data);
        Files.setPosixFilePermissions(node.data, PosixFilePermissions.fromString("rwxr-xr-x"));
        String line = "data folder " + node.data + " had permissions rwxr-xr-x; set to rwx------";
        Path log = node.data.resolve("logs").resolve("moodhaven.log");
        try (node) {
            node.start();
            assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(node.data)));
            Await.until("the log says what was changed", WAIT, () -> Files.readString(log).contains(line));
            node.stop();

            node.start(); // already private: nothing to say
            assertEquals(1, Files.readString(log).split(Pattern.quote(line), -1).length - 1,
                    "said once, when it changed:\n" + Files.readString(log));
        }
    }

    @Test
    void aDataFolderThatCannotBeMadePrivateStopsTheStartWithWhatToDo() throws Exception {
        requireOrSkip("root".equals(System.getProperty("user.name")), "needs root, to start the node as another user");
        // Another user's folder, open to everyone, as a shared or mistyped --data would be.
        Files.setPosixFilePermissions(folder, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path shared = Files.createDirectories(folder.resolve("shared"));
        Files.setPosixFilePermissions(shared, PosixFilePermissions.fromString("rwxr-xr-x"));
        // A copy of the distribution the other user can read, wherever the checkout lives.
        Path dist = copyDistribution(folder.resolve("dist"));
        List<String> asNobody = List.of("setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups");
        List<String> canRead = new ArrayList<>(asNobody);
        canRead.addAll(List.of("test", "-r", dist.resolve("lib").resolve("moodhaven.launcher.jar").toString()));
        requireOrSkip(run(canRead, "").status() == 0, "the user nobody cannot run setpriv or read " + dist);

        List<String> command = new ArrayList<>(asNobody);
        command.addAll(List.of(dist.resolve("bin").resolve("moodhaven").toString(),
                "--data", shared.toString(), "--headless", "--sync-port", "0", "--http-port", "0"));
        Result result = run(command, "");
        assertEquals(1, result.status(), result.output());
        assertTrue(result.output().contains("moodhaven: cannot start: the data folder " + shared
                + " has permissions rwxr-xr-x and belongs to user root"), result.output());
        assertTrue(result.output().contains("choose another --data folder"), result.output());
        try (Stream<Path> inside = Files.list(shared)) {
            assertEquals(List.of(), inside.toList(), "nothing was written into it");
        }
    }

    private record Result(int status, String output) {
    }

    /** Skips on a developer's machine without what the test needs; in CI ({@code CI=true}) fails instead. */
    private static void requireOrSkip(boolean met, String why) {
        if (!met && "true".equals(System.getenv("CI"))) {
            throw new AssertionError("this test must run in CI, but it " + why);
        }
        assumeTrue(met, "skipped: it " + why + " (it runs in CI, as root)");
    }

    /** Copies the distribution's folders, readable and runnable by everyone, into {@code target}. */
    private static Path copyDistribution(Path target) throws IOException {
        Path source = NodeProcess.DIST.toAbsolutePath();
        try (Stream<Path> files = Files.walk(source)) {
            for (Path file : files.toList()) {
                Path copy = target.resolve(source.relativize(file).toString());
                if (Files.isDirectory(file)) {
                    Files.createDirectories(copy);
                } else {
                    Files.copy(file, copy, java.nio.file.StandardCopyOption.COPY_ATTRIBUTES);
                }
                Files.setPosixFilePermissions(copy, PosixFilePermissions.fromString(
                        Files.isDirectory(file) || Files.isExecutable(file) ? "rwxr-xr-x" : "rw-r--r--"));
            }
        }
        return target;
    }

    /** Runs a command to its end (at most a minute) with the given JAVA_OPTS. */
    private Result run(List<String> command, String javaOptions) throws IOException, InterruptedException {
        Path output = Files.createTempFile(folder, "output", ".txt");
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(output.toFile()).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        builder.environment().put("HOME", folder.toString());
        builder.environment().put("JAVA_OPTS", javaOptions);
        Process process = builder.start();
        if (!process.waitFor(WAIT.toSeconds(), TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor();
            throw new AssertionError("still running after " + WAIT + ": " + command + "\n" + Files.readString(output));
        }
        return new Result(process.exitValue(), Files.readString(output));
    }

    private static String logText(Path logs) throws IOException {
        StringBuilder text = new StringBuilder();
        for (String name : sizes(logs).keySet()) {
            text.append(Files.readString(logs.resolve(name), StandardCharsets.UTF_8));
        }
        return text.toString();
    }

    /** The node's log files (not Derby's) and their sizes. */
    private static Map<String, Long> sizes(Path logs) throws IOException {
        Map<String, Long> sizes = new TreeMap<>();
        try (Stream<Path> files = Files.list(logs)) {
            for (Path file : files.filter(f -> f.getFileName().toString().startsWith("moodhaven")).toList()) {
                sizes.put(file.getFileName().toString(), Files.size(file));
            }
        }
        return sizes;
    }
}
