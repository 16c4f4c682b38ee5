package org.moodhaven.itests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.moodhaven.tools.NodeProcess;

/**
 * The acceptance of the foundation, as a newcomer walks it: a node started from
 * the distribution shows its identity, takes a password without it being an
 * argument, stores entries encrypted (no plaintext anywhere it writes), and reads
 * them back after a restart only with the right password.
 */
class ConsoleSessionIT {

    private static final Duration START = Duration.ofSeconds(60);
    private static final Duration STEP = Duration.ofSeconds(30);
    private static final String PASSWORD = "a long and private pass phrase";

    @TempDir
    Path folder;

    @Test
    void entriesAreStoredEncryptedAndReadBackAfterARestartOnlyWithTheRightPassword() throws Exception {
        Path data = folder.resolve("data");
        Path home = Files.createDirectories(folder.resolve("home"));
        String marker = "plaintext-marker-" + UUID.randomUUID();
        FileTime started = FileTime.from(Instant.now());
        String entryId;

        try (NodeProcess node = NodeProcess.start(data, home, "--name", "Console test")) {
            node.expect("MoodHaven node \"Console test\" \\(([0-9a-f]{16})\\)", START);
            node.type("mh:id");
            String deviceId = node.expect("deviceId +([0-9a-f]{16})", STEP).group(1);
            JsonNode deviceJson = new ObjectMapper().readTree(data.resolve("device.json").toFile());
            assertEquals(deviceJson.get("deviceId").asText(), deviceId);
            node.expect("name +Console test", STEP);
            node.expect("publicKey +" + deviceJson.get("publicKey").asText(), STEP);
            assertEquals("rw-------", PosixFilePermissions.toString(
                    Files.getPosixFilePermissions(data.resolve("peer_key.bin"))));

            node.type("mh:unlock", PASSWORD, "not the same");
            node.expect("The two passwords differ", STEP);
            node.type("mh:unlock", PASSWORD, PASSWORD);
            node.expect("Journal unlocked with its new password", STEP);
            node.type("mh:write --mood 5", "Dear diary, " + marker, "second line " + marker, ".");
            entryId = node.expect("Saved entry ([A-Za-z0-9_-]+) \\(mood 5", STEP).group(1);
            node.type("mh:show " + entryId);
            node.expect("Dear diary, " + marker, STEP);
            assertEquals(0, node.exit());
        }

        List<Path> leaks = new ArrayList<>();
        leaks.addAll(filesContaining(data, marker, null));
        leaks.addAll(filesContaining(home, marker, null));
        leaks.addAll(filesContaining(Path.of(System.getProperty("java.io.tmpdir")), marker, started));
        leaks.addAll(filesContaining(data, PASSWORD, null));
        leaks.addAll(filesContaining(home, PASSWORD, null));
        assertEquals(List.of(), leaks, "no plaintext or password in any file the node wrote");
        assertTrue(Files.size(data.resolve("logs").resolve("moodhaven.log")) > 0, "the node logged to its data folder");
        assertFalse(Files.exists(home.resolve(".gogo.history")), "no console history is kept");

        try (NodeProcess node = NodeProcess.start(data, home)) {
            node.expect("MoodHaven node \"Console test\"", START);
            node.type("mh:unlock", "not the password");
            node.expect("Wrong password", STEP);
            node.type("mh:entries");
            node.expect(entryId + ".*\\[locked", STEP);

            node.type("mh:lock", "mh:unlock", PASSWORD);
            node.expect("Journal unlocked", STEP);
            node.type("mh:show " + entryId);
            node.expect("Dear diary, " + marker, STEP);
            node.expect("second line " + marker, STEP);
            assertEquals(0, node.exit());
        }
    }

    @Test
    void deletingDeviceJsonAloneKeepsTheDeviceId() throws Exception {
        Path data = folder.resolve("data");
        Path home = Files.createDirectories(folder.resolve("home"));
        String first;
        try (NodeProcess node = NodeProcess.start(data, home, "--headless")) {
            first = node.expect("MoodHaven node .* \\(([0-9a-f]{16})\\)", START).group(1);
            node.kill();
        }
        Files.delete(data.resolve("device.json"));
        try (NodeProcess node = NodeProcess.start(data, home, "--headless")) {
            String again = node.expect("MoodHaven node .* \\(([0-9a-f]{16})\\)", START).group(1);
            assertEquals(first, again);
        }
        assertTrue(Files.readString(data.resolve("device.json")).contains(first));
    }

    /**
     * The banner's hint works where a person types it: {@code help mh} lists the commands at
     * the node's own console and in a console attached to it, and a command's help reads whole,
     * with no line wider than an 80-column terminal.
     */
    @Test
    void helpMhListsTheCommandsAtTheNodesConsoleAndAnAttachedOne() throws Exception {
        Path data = folder.resolve("data");
        Path home = Files.createDirectories(folder.resolve("home"));
        try (NodeProcess node = NodeProcess.start(data, home, "--name", "Help test")) {
            node.expect("Type \"help mh\" for the commands", START);
            node.type("help mh");
            node.expect("MoodHaven's commands", STEP);
            node.expect("mh:unlock +open the journal", STEP);
            node.expect("mh:shutdown +stop the node", STEP);
            node.type("help mh:status");
            node.expect("status - Show the node's state", STEP);
            node.expect("in use, trusted devices, recent syncs, a pairing in progress", STEP);

            List<String> attached = new ArrayList<>(List.of(NodeProcess.DIST.resolve("bin").resolve("moodhaven")
                    .toString(), "console", "--data", data.toString(), "help", "mh"));
            Path out = folder.resolve("attached.out");
            Process console = new ProcessBuilder(attached).redirectErrorStream(true).redirectOutput(out.toFile())
                    .start();
            console.getOutputStream().close();
            assertTrue(console.waitFor(STEP.toSeconds(), TimeUnit.SECONDS),
                    "bin/moodhaven console help mh ended");
            String listing = Files.readString(out);
            assertEquals(0, console.exitValue(), listing);
            for (String command : List.of("mh:unlock", "mh:entries", "mh:pair", "mh:add-peer", "mh:synclog",
                    "mh:settings", "mh:status", "mh:shutdown")) {
                assertTrue(listing.contains(command), command + " in\n" + listing);
            }
            assertEquals(List.of(), listing.lines().filter(line -> line.length() > 80).toList(),
                    "lines wider than 80 columns");
            assertEquals(0, node.exit());
        }
    }

    /** Files under {@code root} (modified after {@code since}, if given) whose bytes contain {@code text}. */
    private static List<Path> filesContaining(Path root, String text, FileTime since) throws IOException {
        byte[] needle = text.getBytes(StandardCharsets.UTF_8);
        List<Path> found = new ArrayList<>();
        if (!Files.isDirectory(root)) {
            return found;
        }
        try (Stream<Path> files = Files.walk(root)) {
            for (Path file : (Iterable<Path>) files::iterator) {
                try {
                    if (!Files.isRegularFile(file) || !Files.isReadable(file)
                            || (since != null && Files.getLastModifiedTime(file).compareTo(since) < 0)
                            || Files.size(file) > 512L * 1024 * 1024) {
                        continue;
                    }
                    if (indexOf(Files.readAllBytes(file), needle) >= 0) {
                        found.add(file);
                    }
                } catch (IOException e) {
                    // a file that vanished or cannot be read was not written by this node
                }
            }
        } catch (java.io.UncheckedIOException e) {
            // a folder of another user's in /tmp; not ours
        }
        return found;
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

}
