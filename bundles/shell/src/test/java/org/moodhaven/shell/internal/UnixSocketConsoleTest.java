package org.moodhaven.shell.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;

import org.apache.felix.gogo.runtime.CommandProcessorImpl;
import org.apache.felix.gogo.runtime.threadio.ThreadIOImpl;
import org.apache.felix.service.command.CommandSession;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.moodhaven.common.console.ConsoleProtocol;
import org.moodhaven.common.console.ShortSocketPath;

/**
 * The node's side of the attachable console, spoken to frame by frame as the launcher's
 * client speaks: a command's output and whether it failed, a line it asks for, the socket's
 * permissions, a stale socket and a data folder deeper than a socket address.
 */
class UnixSocketConsoleTest {

    /** Commands for the test, in scope {@code t}. */
    public static final class TestCommands {
        public String ok() {
            return "fine";
        }

        public String fail() throws CommandFailure {
            throw CommandFailure.of("it did not work; try again");
        }

        public String ask(CommandSession session) throws IOException {
            System.out.print("Name: ");
            String name = new BufferedReader(new InputStreamReader(session.getKeyboard(), StandardCharsets.UTF_8))
                    .readLine();
            return "Hello " + name;
        }

        public String start(String id) {
            return id.equals("1") ? "" : "Bundle ID '" + id + "'  is invalid.\n";
        }
    }

    @TempDir
    Path folder;

    private ThreadIOImpl threadIO;
    private CommandProcessorImpl processor;
    private final List<UnixSocketConsole> consoles = new ArrayList<>();

    @BeforeEach
    void gogo() {
        threadIO = new ThreadIOImpl();
        threadIO.start();
        processor = new CommandProcessorImpl(threadIO);
        TestCommands commands = new TestCommands();
        for (String function : new String[] {"ok", "fail", "ask", "start"}) {
            processor.addCommand("t", commands, function);
        }
    }

    @AfterEach
    void close() {
        consoles.forEach(UnixSocketConsole::close);
        threadIO.stop();
    }

    @Test
    void aCommandsOutputAndWhetherItFailedReachTheClient() throws Exception {
        Path data = Files.createDirectories(folder.resolve("data"));
        UnixSocketConsole console = open(data);
        assertEquals("rw-------", PosixFilePermissions.toString(
                Files.getPosixFilePermissions(console.socket(), LinkOption.NOFOLLOW_LINKS)));
        try (Client client = Client.attach(console.socket())) {
            assertEquals("test node", client.welcome);
            Client.Result ok = client.run("t:ok", null);
            assertEquals(new Client.Result("fine\n", "", 0), ok);
            Client.Result fail = client.run("t:fail", null);
            assertEquals(1, fail.status(), fail.toString());
            assertEquals("It did not work; try again.\n", fail.err());
            Client.Result asked = client.run("t:ask", "Ada");
            assertEquals(new Client.Result("Name: Hello Ada\n", "", 0), asked);
            Client.Result unknown = client.run("nothing-of-the-kind", null);
            assertEquals(1, unknown.status(), unknown.toString());
            assertTrue(unknown.err().startsWith("Command not found: nothing-of-the-kind (\"help\" lists the commands"),
                    "what happened and what to do next, without an exception's class name: " + unknown);
            Client.Result felixLike = client.run("start 99", null);
            assertEquals(new Client.Result("", "Bundle ID '99'  is invalid.\n", 1), felixLike,
                    "Felix's start reports a failure only in its result");
            assertEquals(new Client.Result("", "", 0), client.run("start 1", null), "and success as nothing at all");
        }
        console.close();
        assertFalse(Files.exists(console.socket(), LinkOption.NOFOLLOW_LINKS), "the socket goes with the node");
    }

    @Test
    void aSocketLeftByANodeThatEndedIsReplaced() throws Exception {
        Path data = Files.createDirectories(folder.resolve("data"));
        try (ServerSocketChannel killed = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            killed.bind(UnixDomainSocketAddress.of(data.resolve(UnixSocketConsole.SOCKET_NAME)));
        } // closed without removing its file, as a killed process leaves it
        assertTrue(Files.exists(data.resolve(UnixSocketConsole.SOCKET_NAME), LinkOption.NOFOLLOW_LINKS));
        UnixSocketConsole console = open(data);
        assertTrue(console.listening());
        try (Client client = Client.attach(console.socket())) {
            assertEquals(0, client.run("t:ok", null).status());
        }
    }

    @Test
    void aFileInTheWayIsLeftAloneAndTheNodeRunsWithoutAConsole() throws Exception {
        Path data = Files.createDirectories(folder.resolve("data"));
        Files.writeString(data.resolve(UnixSocketConsole.SOCKET_NAME), "a person's notes");
        UnixSocketConsole console = open(data);
        assertFalse(console.listening());
        assertEquals("a person's notes", Files.readString(data.resolve(UnixSocketConsole.SOCKET_NAME)));
    }

    @Test
    void aDataFolderDeeperThanASocketAddressStillHasItsConsole() throws Exception {
        Path data = folder;
        while (data.toString().length() < 150) {
            data = data.resolve("a-deep-folder");
        }
        Files.createDirectories(data);
        UnixSocketConsole console = open(data);
        assertTrue(console.listening());
        assertEquals(data.resolve(UnixSocketConsole.SOCKET_NAME), console.socket());
        assertTrue(Files.exists(console.socket(), LinkOption.NOFOLLOW_LINKS), "the socket is in the data folder");
        try (ShortSocketPath path = ShortSocketPath.to(console.socket());
             Client client = Client.attach(path.path())) {
            assertTrue(path.linked());
            assertEquals("fine\n", client.run("t:ok", null).out());
        }
    }

    private UnixSocketConsole open(Path data) {
        UnixSocketConsole console = new UnixSocketConsole(processor, data, () -> "test node");
        consoles.add(console);
        return console;
    }

    /** The launcher's client, reduced to what the tests need. */
    private static final class Client implements AutoCloseable {

        record Result(String out, String err, int status) {
        }

        private final SocketChannel channel;
        private String welcome;

        private Client(SocketChannel channel) {
            this.channel = channel;
        }

        static Client attach(Path socket) throws IOException {
            Client client = new Client(SocketChannel.open(UnixDomainSocketAddress.of(socket)));
            client.send(ConsoleProtocol.HELLO, ConsoleProtocol.HELLO_TEXT);
            byte[][] frame = client.receive();
            assertEquals(ConsoleProtocol.WELCOME, frame[0][0]);
            client.welcome = new String(frame[1], StandardCharsets.UTF_8);
            return client;
        }

        Result run(String command, String answer) throws IOException {
            send(ConsoleProtocol.COMMAND, command);
            StringBuilder out = new StringBuilder();
            StringBuilder err = new StringBuilder();
            while (true) {
                byte[][] frame = receive();
                String text = new String(frame[1], StandardCharsets.UTF_8);
                switch (frame[0][0]) {
                    case ConsoleProtocol.OUT -> out.append(text);
                    case ConsoleProtocol.ERR -> err.append(text);
                    case ConsoleProtocol.READ -> {
                        if (answer == null) {
                            send(ConsoleProtocol.END_OF_INPUT, "");
                        } else {
                            send(ConsoleProtocol.LINE, answer);
                        }
                    }
                    case ConsoleProtocol.DONE -> {
                        return new Result(out.toString(), err.toString(), frame[1][0]);
                    }
                    default -> throw new AssertionError("a frame of type " + (char) frame[0][0]);
                }
            }
        }

        private void send(byte type, String text) throws IOException {
            byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
            ByteBuffer frame = ByteBuffer.allocate(5 + bytes.length).put(type).putInt(bytes.length).put(bytes);
            frame.flip();
            while (frame.hasRemaining()) {
                channel.write(frame);
            }
        }

        private byte[][] receive() throws IOException {
            ByteBuffer header = ByteBuffer.allocate(5);
            readFully(header);
            header.flip();
            byte type = header.get();
            ByteBuffer payload = ByteBuffer.allocate(header.getInt());
            readFully(payload);
            return new byte[][] {{type}, payload.array()};
        }

        private void readFully(ByteBuffer buffer) throws IOException {
            while (buffer.hasRemaining()) {
                if (channel.read(buffer) < 0) {
                    throw new IOException("the node closed the console");
                }
            }
        }

        @Override
        public void close() throws IOException {
            channel.close();
        }
    }
}
