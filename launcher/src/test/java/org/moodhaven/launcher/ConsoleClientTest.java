package org.moodhaven.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code bin/moodhaven console} before and without a node: what it sends, and what it says when there is none. */
class ConsoleClientTest {

    @TempDir
    Path folder;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    @Test
    void oneWordIsACommandLineAndSeveralAreACommandWithItsArguments() {
        assertEquals("lb | grep crypto", ConsoleClient.commandLine(List.of("lb | grep crypto")));
        assertEquals("stop 33", ConsoleClient.commandLine(List.of("stop", "33")));
        assertEquals("mh:settings moodhaven.journal crypto.target \"(moodhaven.crypto.provider=bc)\"",
                ConsoleClient.commandLine(List.of("mh:settings", "moodhaven.journal", "crypto.target",
                        "(moodhaven.crypto.provider=bc)")));
        assertEquals("mh:addpeer \"a \\\"b\\\" \\$c\"", ConsoleClient.commandLine(List.of("mh:addpeer", "a \"b\" $c")));
    }

    @Test
    void noNodeIsSaidWithHowToStartOneAndExitsThree() throws Exception {
        Path data = Files.createDirectories(folder.resolve("data"));
        assertEquals(ConsoleClient.UNREACHABLE, run("--data", data.toString(), "lb"));
        assertTrue(err().contains("no node runs with the data folder " + data), err());
        assertTrue(err().contains("bin/moodhaven --data " + data + " --headless"), err());
        assertEquals("", out.toString(StandardCharsets.UTF_8));
    }

    @Test
    void aSocketNobodyListensOnIsANodeThatEnded() throws Exception {
        Path data = Files.createDirectories(folder.resolve("data"));
        try (ServerSocketChannel ended = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            ended.bind(UnixDomainSocketAddress.of(data.resolve(ConsoleClient.SOCKET_NAME)));
        }
        assertEquals(ConsoleClient.UNREACHABLE, run("--data", data.toString(), "lb"));
        assertTrue(err().contains("nothing answers on " + data.resolve(ConsoleClient.SOCKET_NAME)), err());
    }

    @Test
    void aWrongOptionIsAUsageError() {
        assertEquals(ConsoleClient.USAGE, run("--verbose", "lb"));
        assertTrue(err().contains("unknown option --verbose"), err());
        assertEquals(ConsoleClient.USAGE, run("--data"));
        assertEquals(ConsoleClient.OK, run("--help"));
    }

    private int run(String... args) {
        out.reset();
        err.reset();
        return ConsoleClient.run(args, folder, new ConsoleClient.StreamKeyboard(new ByteArrayInputStream(new byte[0])),
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    private String err() {
        return err.toString(StandardCharsets.UTF_8);
    }
}
