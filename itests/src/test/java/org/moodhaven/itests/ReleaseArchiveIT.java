package org.moodhaven.itests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.moodhaven.tools.NodeApi;
import org.moodhaven.tools.NodeProcess;

/**
 * The release archive as a person gets it (issue 13): {@code moodhaven-<version>.tar.gz}
 * unpacked into a folder of its own, far from the build, holds what it should and runs a
 * headless node in a new data folder, whose {@code GET /api/health} answers without a
 * token; its systemd unit passes {@code systemd-analyze verify}.
 */
class ReleaseArchiveIT {

    @TempDir
    static Path folder;
    /** The unpacked archive's top folder, moodhaven-VERSION. */
    private static Path unpacked;

    @BeforeAll
    static void unpack() throws Exception {
        unpacked = unpackArchive(folder.resolve("opt"));
    }

    /** Unpacks the build's release archive into {@code into} with tar, as a person would. */
    static Path unpackArchive(Path into) throws Exception {
        Path target = NodeProcess.DIST.toAbsolutePath().getParent();
        List<Path> archives;
        try (Stream<Path> files = Files.list(target)) {
            archives = files.filter(f -> f.getFileName().toString().matches("moodhaven-.+\\.tar\\.gz")).toList();
        }
        assertEquals(1, archives.size(), "one release archive beside the folder in " + target + ": " + archives);
        Path archive = archives.get(0);
        Files.createDirectories(into);
        run(List.of("tar", "xzf", archive.toString(), "-C", into.toString()), into, Duration.ofSeconds(60));
        String name = archive.getFileName().toString().replace(".tar.gz", "");
        Path top = into.resolve(name);
        assertTrue(Files.isDirectory(top), "the archive unpacks into " + name + "/");
        return top;
    }

    @Test
    void theArchiveHoldsTheNodeAReadmeTheServiceUnitAndNoClassArchiveOfTheBuild() {
        for (String file : List.of("bin/moodhaven", "lib/moodhaven.launcher.jar", "lib/class-archive.sh",
                "conf/start-levels.properties", "conf/logback.xml", "README.md", "licences/README.md",
                "systemd/moodhaven.service", "systemd/moodhaven.sysusers")) {
            assertTrue(Files.isRegularFile(unpacked.resolve(file)), file + " is in the archive");
        }
        assertTrue(Files.isExecutable(unpacked.resolve("bin/moodhaven")), "bin/moodhaven can be run");
        assertFalse(Files.exists(unpacked.resolve("lib/moodhaven.jsa")),
                "the build's class archive fits only the build's folder: not shipped");
    }

    @Test
    void everyShippedJarComesWithItsLicence() throws IOException {
        String listed = Files.readString(unpacked.resolve("licences/README.md"));
        List<String> without = new ArrayList<>();
        Pattern jarName = Pattern.compile("(.+?)-\\d.*\\.jar");
        for (String folderName : List.of("bundle", "lib")) {
            try (Stream<Path> jars = Files.list(unpacked.resolve(folderName))) {
                for (Path jar : jars.filter(j -> j.toString().endsWith(".jar")).toList()) {
                    String file = jar.getFileName().toString();
                    if (file.startsWith("moodhaven.")) {
                        continue; // MoodHaven's own
                    }
                    Matcher name = jarName.matcher(file);
                    assertTrue(name.matches(), file);
                    Path licences = unpacked.resolve("licences").resolve(name.group(1));
                    boolean hasFiles;
                    try (Stream<Path> inside = Files.isDirectory(licences) ? Files.list(licences) : Stream.empty()) {
                        hasFiles = inside.findAny().isPresent();
                    }
                    if (!hasFiles && !listed.contains("`" + name.group(1) + "-*.jar`")) {
                        without.add(folderName + "/" + file);
                    }
                }
            }
        }
        assertEquals(List.of(), without, "jars without a licence in licences/ (collected, or named in its README)");
        assertTrue(Files.readString(unpacked.resolve("licences/derby/LICENSE")).contains("Apache License"),
                "Derby's licence, embedded by moodhaven.derby.embedded");
    }

    @Test
    void aNodeStartsHeadlessFromTheUnpackedArchiveInANewFolderAndSaysItIsUp() throws Exception {
        Path elsewhere = Files.createDirectories(folder.resolve("somewhere-else"));
        Path data = folder.resolve("new-data");
        // A copy of its own, with the build's class archive in it, made for the build's folder: a
        // class archive that does not fit is ignored (docs/running.md, "The class archive").
        Path node = unpackArchive(folder.resolve("with-a-stale-class-archive"));
        Path buildsArchive = NodeProcess.DIST.resolve("lib/moodhaven.jsa");
        if (Files.isRegularFile(buildsArchive)) {
            Files.copy(buildsArchive, node.resolve("lib/moodhaven.jsa"));
        }
        TreeSet<String> shippedFiles = listing(node);
        try (DistributionNode running = DistributionNode.start(node, elsewhere, data, "--name", "Unpacked")) {
            assertTrue(Files.isRegularFile(data.resolve("device.json")), "a new identity in the new data folder");
            JsonNode health = running.awaitHealth(200);
            assertEquals("up", health.get("status").asText(), health.toString());
            assertEquals(0, health.get("reasons").size(), health.toString());
            assertEquals(List.of("reasons", "status"), fieldNames(health), "nothing else, nothing private");

            // A second node on the first one's sync port: it starts, but cannot sync, and says so.
            int syncPort = new NodeApi(running.httpPort, data).syncPort();
            try (DistributionNode clash = DistributionNode.start(unpacked, elsewhere, folder.resolve("clash-data"), "--name", "Clash",
                    "--sync-port", String.valueOf(syncPort))) {
                JsonNode down = clash.awaitHealth(503);
                assertEquals("down", down.get("status").asText());
                assertTrue(down.get("reasons").toString().contains("cannot listen on sync port " + syncPort),
                        down.toString());
                assertTrue(down.get("reasons").toString().contains("the sync server is not running"), down.toString());
            }
            running.stop();
        }
        assertEquals(shippedFiles, listing(node), "the node writes into its data folder only, never its own");
    }

    @Test
    void theSystemdUnitVerifiesWithExecStartAtTheUnpackedCopy() throws Exception {
        boolean hasSystemd = new File("/usr/bin/systemd-analyze").canExecute()
                || new File("/bin/systemd-analyze").canExecute();
        if (!hasSystemd && "true".equals(System.getenv("CI"))) {
            throw new AssertionError("this test must run in CI, but systemd-analyze is missing (.ci/run installs "
                    + "the systemd package)");
        }
        assumeTrue(hasSystemd, "skipped: no systemd-analyze here (it runs in CI)");

        String unit = Files.readString(unpacked.resolve("systemd/moodhaven.service"));
        for (String line : List.of("User=moodhaven", "StateDirectory=moodhaven", "Restart=on-failure",
                "NoNewPrivileges=yes", "ProtectSystem=strict", "ProtectHome=yes", "PrivateTmp=yes")) {
            assertTrue(unit.lines().anyMatch(line::equals), "the unit says " + line);
        }
        String execStart = "ExecStart=/opt/moodhaven/bin/moodhaven --headless --data /var/lib/moodhaven";
        assertTrue(unit.lines().anyMatch(execStart::equals), "headless, on the state directory");
        Path units = Files.createDirectories(folder.resolve("units"));
        Path copy = units.resolve("moodhaven.service");
        Files.writeString(copy, unit.replace("/opt/moodhaven/bin/moodhaven",
                unpacked.resolve("bin/moodhaven").toString()));

        Result verified = run(List.of("systemd-analyze", "verify", copy.toString()), units, Duration.ofSeconds(60));
        assertEquals(0, verified.status(), verified.output());
        assertEquals("", verified.output().strip(), "no warning about the unit");
    }

    private static List<String> fieldNames(JsonNode node) {
        List<String> names = new ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        names.sort(null);
        return names;
    }

    private static TreeSet<String> listing(Path top) throws IOException {
        try (Stream<Path> files = Files.walk(top)) {
            TreeSet<String> names = new TreeSet<>();
            files.forEach(f -> names.add(top.relativize(f) + (Files.isDirectory(f) ? "/" : " " + f.toFile().length())));
            return names;
        }
    }

    record Result(int status, String output) {
    }

    static Result run(List<String> command, Path directory, Duration timeout) throws Exception {
        Path output = Files.createTempFile("output", ".txt");
        try {
            return runTo(command, directory, timeout, output);
        } finally {
            Files.deleteIfExists(output);
        }
    }

    private static Result runTo(List<String> command, Path directory, Duration timeout, Path output) throws Exception {
        Process process = new ProcessBuilder(command).directory(directory.toFile()).redirectErrorStream(true)
                .redirectOutput(output.toFile()).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .start();
        if (!process.waitFor(timeout.toSeconds(), TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor();
            throw new AssertionError("still running after " + timeout + ": " + command + "\n" + Files.readString(output));
        }
        return new Result(process.exitValue(), Files.readString(output));
    }
}
