package org.moodhaven.itests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.moodhaven.tools.Await;
import org.moodhaven.tools.NodeProcess;

/**
 * {@code bin/moodhaven console --data DIR [COMMAND...]} against a headless node of the real
 * distribution (issue 13, item 4): one command prints exactly its output and says by its exit
 * status whether it worked; Felix's {@code stop} and {@code start} work under their short
 * names; the socket is owner-only; a data folder deeper than a socket address can be still
 * has its console; a node that is not there is said so.
 *
 * <p>The shared node's data folder is deliberately longer than the 108 bytes of a Unix socket
 * address, so every test here also holds that such a folder works.
 */
class ConsoleAttachIT {

    private static final Duration WAIT = Duration.ofSeconds(60);
    /** The longest path a Unix socket address holds on Linux, with its terminating zero. */
    private static final int SOCKET_PATH_LIMIT = 108;

    @TempDir
    static Path folder;

    private static Path data;
    private static NodeProcess node;

    /** What one run of the console client did. */
    private record Run(int exit, String out, String err) {
        @Override
        public String toString() {
            return "exit " + exit + "\n--- stdout:\n" + out + "--- stderr:\n" + err;
        }
    }

    @BeforeAll
    static void startHeadlessNodeInADeepFolder() throws Exception {
        Path deep = folder;
        while (deep.resolve("data").toString().length() <= SOCKET_PATH_LIMIT + 20) {
            deep = deep.resolve("a-folder-of-a-home-server");
        }
        data = deep.resolve("data");
        Files.createDirectories(data.getParent());
        node = startHeadless(data, "Console node");
    }

    @AfterAll
    static void stopNode() throws Exception {
        if (node != null) {
            node.close();
        }
    }

    @Test
    void lbListsTheBundlesOfTheHeadlessNodeAndNothingElse() throws Exception {
        Run run = console(data, "", "lb");
        assertEquals(0, run.exit(), run.toString());
        assertEquals("", run.err(), run.toString());
        List<String> lines = run.out().lines().toList();
        assertTrue(lines.get(0).startsWith("START LEVEL"), "the listing itself, first line first: " + run);
        assertTrue(lines.get(1).matches("\\s+ID\\|State\\s+\\|Level\\|Name"), run.toString());
        assertTrue(run.out().contains("|Active     |    0|System Bundle"), run.toString());
        long active = lines.stream().filter(line -> line.matches("\\s*\\d+\\|Active\\s+\\|.*")).count();
        assertTrue(active >= 30, "every bundle of the node, active: " + run);
        assertFalse(run.out().contains("\u001b"), "no terminal codes: " + run);
        assertFalse(run.out().contains("g!"), "no prompt: " + run);
        assertFalse(run.out().contains("Attached to") || run.out().contains("data in"), "no banner: " + run);

        Run symbolic = console(data, "", "lb", "-s");
        assertTrue(symbolic.out().contains("moodhaven.crypto.jdk"), symbolic.toString());
    }

    @Test
    void stopAndStartUnderTheirShortNamesSwapTheCryptoProvider() throws Exception {
        String id = bundleId("moodhaven.crypto.jdk");
        awaitStatus("crypto     JDK");

        Run stop = console(data, "", "stop", id);
        assertEquals(0, stop.exit(), stop.toString());
        assertEquals("", stop.out() + stop.err(), "Felix's stop says nothing when it worked: " + stop);
        awaitStatus("crypto     BouncyCastle");

        Run start = console(data, "", "start", id);
        assertEquals(0, start.exit(), start.toString());
        awaitStatus("crypto     JDK");

        Run byName = console(data, "", "stop", "moodhaven.crypto.jdk");
        assertEquals(0, byName.exit(), byName.toString());
        awaitStatus("crypto     BouncyCastle");
        assertEquals(0, console(data, "", "start", id).exit());
        awaitStatus("crypto     JDK");
    }

    @Test
    void mhSettingsSetsAKeyInItsFileInEtcAndRemovesItAgain() throws Exception {
        Path file = data.resolve("etc").resolve("moodhaven.crypto.bc.cfg");
        String generated = Files.readString(file);
        awaitStatus("crypto     JDK");

        Run set = console(data, "", "mh:settings", "moodhaven.crypto.bc", "service.ranking", "500");
        assertEquals(0, set.exit(), set.toString());
        assertTrue(set.out().startsWith("Set service.ranking = 500"), set.toString());
        assertTrue(Files.readString(file).contains("\nservice.ranking = I\"500\"\n"), "an Integer, as ranking needs: "
                + Files.readString(file));
        awaitStatus("crypto     BouncyCastle");
        Run listed = console(data, "", "mh:settings", "moodhaven.crypto.bc");
        assertTrue(listed.out().contains("service.ranking = 500"), listed.toString());

        Run notANumber = console(data, "", "mh:settings", "moodhaven.crypto.bc", "service.ranking", "high");
        assertEquals(1, notANumber.exit(), notANumber.toString());
        assertTrue(notANumber.err().contains("is an Integer"), notANumber.toString());

        Run removed = console(data, "", "mh:settings", "--remove", "moodhaven.crypto.bc", "service.ranking");
        assertEquals(0, removed.exit(), removed.toString());
        assertEquals(generated, Files.readString(file), "the file as the node wrote it, comments and all");
        awaitStatus("crypto     JDK");

        Run noFile = console(data, "", "mh:settings", "moodhaven.store.memory", "service.ranking", "1");
        assertEquals(1, noFile.exit(), noFile.toString());
        assertTrue(noFile.err().contains("opt-in"), noFile.toString());
    }

    @Test
    void aFailingCommandExitsNonZeroWithItsMessageOnStandardError() throws Exception {
        Run notABundle = console(data, "", "start", "99999");
        assertEquals(1, notABundle.exit(), notABundle.toString());
        assertTrue(notABundle.err().contains("99999") && notABundle.err().contains("invalid"), notABundle.toString());
        assertEquals("", notABundle.out(), notABundle.toString());

        Run unknown = console(data, "", "no-such-command");
        assertEquals(1, unknown.exit(), unknown.toString());
        assertTrue(unknown.err().contains("Command not found: no-such-command"), unknown.toString());

        assertEquals(0, console(data, "", "mh:lock").exit());
        Run locked = console(data, "", "mh:write");
        assertEquals(1, locked.exit(), locked.toString());
        assertTrue(locked.err().contains("unlock it first"), locked.toString());

        Run wrongOption = console(data, "", "--verbose", "lb");
        assertEquals(2, wrongOption.exit(), wrongOption.toString());
        assertTrue(wrongOption.err().contains("unknown option --verbose"), wrongOption.toString());
    }

    @Test
    void aCommandReadsWhatIsTypedAfterIt() throws Exception {
        Run unlock = console(data, NodeTestSupport.PASSWORD + "\n" + NodeTestSupport.PASSWORD + "\n", "mh:unlock");
        assertEquals(0, unlock.exit(), unlock.toString());
        assertTrue(unlock.out().contains("Journal unlocked"), unlock.toString());
        awaitStatus("journal    unlocked");
        assertEquals(0, console(data, "", "mh:lock").exit());
    }

    @Test
    void aPersonTypesCommandsAtThePromptAndDetachesWithExit() throws Exception {
        Run session = console(data, "mh:id\nno-such-command\nexit\n");
        assertEquals(0, session.exit(), session.toString());
        assertTrue(session.out().startsWith("Attached to MoodHaven node \"Console node\""), session.toString());
        assertTrue(session.out().contains("g! "), session.toString());
        assertTrue(session.out().contains("name       Console node"), session.toString());
        assertTrue(session.err().contains("Command not found: no-such-command"), session.toString());
        assertTrue(node.isAlive(), "detaching leaves the node running");
    }

    @Test
    void theSocketIsOwnerOnlyAndItsDataFolderDeeperThanASocketAddress() throws Exception {
        Path socket = data.resolve("console.sock");
        assertTrue(socket.toString().getBytes(StandardCharsets.UTF_8).length > SOCKET_PATH_LIMIT, socket.toString());
        assertEquals("rw-------", PosixFilePermissions.toString(
                Files.getPosixFilePermissions(socket, LinkOption.NOFOLLOW_LINKS)));
        assertEquals(0, console(data, "", "mh:status").exit());
    }

    @Test
    void noNodeRunningIsSaidAndAStaleSocketIsRemovedAtTheNextStart(@TempDir Path own) throws Exception {
        Run nothing = console(own.resolve("never-started"), "", "lb");
        assertEquals(3, nothing.exit(), nothing.toString());
        assertTrue(nothing.err().contains("no node runs with the data folder"), nothing.toString());
        assertEquals("", nothing.out(), nothing.toString());

        Path killedData = own.resolve("killed");
        NodeProcess killed = startHeadless(killedData, "Killed node");
        killed.kill(); // as a power cut: the socket file stays behind
        assertTrue(Files.exists(killedData.resolve("console.sock"), LinkOption.NOFOLLOW_LINKS));
        Run stale = console(killedData, "", "lb");
        assertEquals(3, stale.exit(), stale.toString());
        assertTrue(stale.err().contains("no node runs with the data folder " + killedData), stale.toString());
        assertTrue(stale.err().contains("--headless"), "says how to start one: " + stale);

        try (NodeProcess again = startHeadless(killedData, "Killed node")) {
            Run lb = console(killedData, "", "lb");
            assertEquals(0, lb.exit(), lb.toString());

            Run shutdown = console(killedData, "", "mh:shutdown");
            assertEquals(0, shutdown.exit(), shutdown.toString());
            assertEquals("Stopping the node.", shutdown.out().strip(), shutdown.toString());
            Await.until("the node stops after mh:shutdown", WAIT, () -> !again.isAlive());
            assertFalse(Files.exists(killedData.resolve("console.sock"), LinkOption.NOFOLLOW_LINKS),
                    "a node that stops removes its socket");
        }
    }

    private static NodeProcess startHeadless(Path data, String name) throws Exception {
        Path home = Files.createDirectories(data.resolveSibling(data.getFileName() + "-home"));
        NodeProcess started = NodeProcess.start(data, home, "--name", name, "--headless", "--no-mdns");
        started.expect("MoodHaven node", WAIT);
        // The console comes up with the shell bundle, after the banner: ask until it answers.
        Await.until("the console of " + data + " answers", WAIT, () -> console(data, "", "mh:id").exit() == 0);
        return started;
    }

    private static String bundleId(String symbolicName) throws Exception {
        Run lb = console(data, "", "lb", "-s");
        Matcher id = Pattern.compile("(?m)^\\s*(\\d+)\\|\\w+\\s*\\|\\s*\\d+\\|" + Pattern.quote(symbolicName) + " ")
                .matcher(lb.out());
        assertTrue(id.find(), lb.toString());
        return id.group(1);
    }

    private static void awaitStatus(String line) throws Exception {
        Await.until("mh:status shows " + line, WAIT, () -> console(data, "", "mh:status").out().contains(line));
    }

    /** Runs {@code bin/moodhaven console --data DIR COMMAND...} with what to type on its standard input. */
    private static Run console(Path data, String input, String... command) throws IOException, InterruptedException {
        List<String> line = new ArrayList<>(List.of(NodeProcess.DIST.resolve("bin").resolve("moodhaven").toString(),
                "console", "--data", data.toString()));
        line.addAll(List.of(command));
        Path out = Files.createTempFile(folder, "console-", ".out");
        Path err = Files.createTempFile(folder, "console-", ".err");
        Process process = new ProcessBuilder(line).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        process.getOutputStream().write(input.getBytes(StandardCharsets.UTF_8));
        process.getOutputStream().close();
        if (!process.waitFor(WAIT.toSeconds(), TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("bin/moodhaven console " + String.join(" ", command) + " did not end");
        }
        Run run = new Run(process.exitValue(), Files.readString(out), Files.readString(err));
        Files.delete(out);
        Files.delete(err);
        return run;
    }
}
