package org.moodhaven.itests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.moodhaven.tools.Await;

/**
 * {@code {data}/etc} (issue 13): a node headless from the distribution writes a commented file per
 * component at its first start, applies an edit while it runs, and lets a flag win for one run
 * without writing it there.
 */
class ConfigurationFilesIT {

    private static final Duration WAIT = Duration.ofSeconds(30);

    @TempDir
    Path folder;

    @Test
    void aConfigurationFileEditedWhileTheNodeRunsTakesEffect() throws Exception {
        Path data = folder.resolve("data");
        try (HeadlessNode node = HeadlessNode.start(data, folder.resolve("home"), "--no-mdns", "--no-auto-sync")) {
            Path sync = data.resolve("etc").resolve("moodhaven.sync.cfg");
            String generated = Files.readString(sync, StandardCharsets.UTF_8);
            assertTrue(generated.contains("# Sync port (Integer)\n") && generated.contains("\n#port = -1\n"),
                    "the port is there, commented out, under its name and with its default: " + generated);
            assertTrue(generated.endsWith("\n"), "a generated file ends with a newline");
            int before = node.syncPort();

            int port = freePort();
            assertTrue(port != before);
            Files.writeString(sync, "port = " + port + "\n", StandardCharsets.UTF_8, StandardOpenOption.APPEND);

            try {
                Await.until("the node listens on the port of the edited file", WAIT,
                        () -> node.syncPort() == port && accepts(port));
            } catch (AssertionError e) {
                // Once seen on a CI run only: say what the node and its log said, for whoever looks next.
                Path log = data.resolve("logs").resolve("moodhaven.log");
                throw new AssertionError(e.getMessage() + "; port " + port + ", the API says " + node.syncPort()
                        + "\nthe node printed:\n" + node.output() + "\nits log ends:\n"
                        + (Files.exists(log) ? tail(Files.readString(log, StandardCharsets.UTF_8), 6000) : "(none)"), e);
            }
            assertFalse(accepts(before), "the old port is closed");
        }
    }

    private static String tail(String text, int chars) {
        return text.length() <= chars ? text : text.substring(text.length() - chars);
    }

    @Test
    void aFlagWinsForOneRunAndIsNeverWrittenToEtc() throws Exception {
        Path data = folder.resolve("data");
        Path home = folder.resolve("home");
        Path etc = Files.createDirectories(data.resolve("etc"));
        int filePort = freePort();
        String written = "# a person's own file\nport = " + filePort + "\n";
        Files.writeString(etc.resolve("moodhaven.sync.cfg"), written, StandardCharsets.UTF_8);

        int flagPort = freePort();
        Map<String, String> afterFlags;
        try (HeadlessNode node = HeadlessNode.start(data, home, "--sync-port", Integer.toString(flagPort),
                "--no-mdns", "--no-auto-sync", "--allow-legacy-v1")) {
            assertEquals(flagPort, node.syncPort(), "the flag wins over the file");
            afterFlags = contents(etc);
        }
        assertEquals(written, afterFlags.get("moodhaven.sync.cfg"), "the person's file is as they wrote it");
        for (Map.Entry<String, String> file : afterFlags.entrySet()) {
            for (String line : file.getValue().split("\n")) {
                assertTrue(line.isEmpty() || line.startsWith("#") || file.getKey().equals("logback.xml")
                        || file.getKey().equals(".generated") // which bundles the files were made for
                        || line.equals("port = " + filePort), "no flag is written to " + file.getKey() + ": " + line);
            }
        }

        try (HeadlessNode node = HeadlessNode.start(data, home, "--no-mdns", "--no-auto-sync")) {
            assertEquals(filePort, node.syncPort(), "without the flag, the file's port");
            assertEquals(afterFlags, contents(etc), "a start without flags writes nothing either");
        }
    }

    private static Map<String, String> contents(Path etc) throws IOException {
        Map<String, String> contents = new TreeMap<>();
        try (Stream<Path> files = Files.list(etc)) {
            for (Path file : files.toList()) {
                contents.put(file.getFileName().toString(), Files.readString(file, StandardCharsets.UTF_8));
            }
        }
        return contents;
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    private static boolean accepts(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1000);
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
