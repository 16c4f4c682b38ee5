package org.moodhaven.launcher;

import static org.moodhaven.common.console.ConsoleProtocol.COMMAND;
import static org.moodhaven.common.console.ConsoleProtocol.DENIED;
import static org.moodhaven.common.console.ConsoleProtocol.DONE;
import static org.moodhaven.common.console.ConsoleProtocol.END_OF_INPUT;
import static org.moodhaven.common.console.ConsoleProtocol.ERR;
import static org.moodhaven.common.console.ConsoleProtocol.HELLO;
import static org.moodhaven.common.console.ConsoleProtocol.HELLO_TEXT;
import static org.moodhaven.common.console.ConsoleProtocol.LINE;
import static org.moodhaven.common.console.ConsoleProtocol.MAX_COMMAND;
import static org.moodhaven.common.console.ConsoleProtocol.OUT;
import static org.moodhaven.common.console.ConsoleProtocol.READ;
import static org.moodhaven.common.console.ConsoleProtocol.WELCOME;

import java.io.BufferedReader;
import java.io.Console;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.net.ConnectException;
import java.net.ProtocolException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.moodhaven.common.console.ShortSocketPath;

/**
 * {@code bin/moodhaven console --data DIR [COMMAND...]}: attaches to the running node of a
 * data folder through the Unix socket {@value #SOCKET_NAME} the node keeps there (the shell
 * bundle's {@code UnixSocketConsole}), like Karaf's {@code bin/client}. With a command, runs
 * it, prints exactly what it prints (no prompt, banner or terminal codes) and exits with
 * {@value #FAILED} if it failed; without one, a person types commands at a {@code g!} prompt
 * until {@code exit} or Ctrl-D, and passwords are read with the echo off.
 *
 * <p>The wire format is {@link org.moodhaven.common.console.ConsoleProtocol}, the shell bundle's
 * too: a type byte, a 4-byte big-endian length, the payload. {@code ConsoleClientTest} runs this client against a
 * scripted node and the itests against the real one.
 */
public final class ConsoleClient {

    /** The socket's name in the data folder (the node's {@code UnixSocketConsole.SOCKET_NAME}). */
    static final String SOCKET_NAME = "console.sock";

    /** Exit status: the command ran and succeeded, or the person detached. */
    static final int OK = 0;
    /** Exit status: the command failed (it threw, or reported an error). */
    static final int FAILED = 1;
    /** Exit status: the command line of {@code console} itself is wrong. */
    static final int USAGE = 2;
    /** Exit status: no node could be reached (none runs there, or it refused this user). */
    static final int UNREACHABLE = 3;

    /** The usage text of {@code moodhaven console}. */
    static final String HELP = """
            Usage: moodhaven console [--data DIR] [COMMAND...]

            Attaches to the node running with the data folder DIR (default ~/.moodhaven), as the user who
            runs it. With a COMMAND (e.g. lb, or mh:status), runs it, prints its output and exits: 0 when
            it succeeded, 1 when it failed, 3 when no node runs there. Without one, opens a console: type
            commands at the g! prompt, "help" lists them, "exit" or Ctrl-D detaches (the node keeps running;
            mh:shutdown stops it).""";

    /** Longest frame the node sends: its output chunks are 8 KiB, its messages short. */
    private static final int MAX_FRAME = 1024 * 1024;
    private static final String PROMPT = "g! ";

    private final SocketChannel channel;
    private final Keyboard keyboard;
    private final PrintStream out;
    private final PrintStream err;
    /** The terminal already ended the line of a password; the node's own line end is one too many. */
    private boolean lineEnded;

    private ConsoleClient(SocketChannel channel, Keyboard keyboard, PrintStream out, PrintStream err) {
        this.channel = channel;
        this.keyboard = keyboard;
        this.out = out;
        this.err = err;
    }

    /**
     * @param args what follows the word {@code console} on the command line
     */
    public static void main(String[] args) {
        Console terminal = System.console();
        Keyboard keyboard = terminal != null ? new TerminalKeyboard(terminal) : new StreamKeyboard(System.in);
        System.exit(run(args, Path.of(System.getProperty("user.home")), keyboard, System.out, System.err));
    }

    /**
     * @param args     what follows the word {@code console}
     * @param userHome the home folder, for the default data folder
     * @param keyboard where commands (interactive) and the lines a command asks for come from
     * @param out      the standard output
     * @param err      the standard error
     * @return the exit status: {@link #OK}, {@link #FAILED}, {@link #USAGE} or {@link #UNREACHABLE}
     */
    static int run(String[] args, Path userHome, Keyboard keyboard, PrintStream out, PrintStream err) {
        Path data = userHome.resolve(".moodhaven");
        List<String> command = new ArrayList<>();
        List<String> rest = new ArrayList<>(List.of(args));
        while (!rest.isEmpty() && command.isEmpty()) {
            String word = rest.remove(0);
            switch (word) {
                case "--help", "-h" -> {
                    out.println(HELP);
                    return OK;
                }
                case "--data" -> {
                    if (rest.isEmpty() || rest.get(0).isBlank()) {
                        err.println("moodhaven console: --data needs a folder");
                        err.println(HELP);
                        return USAGE;
                    }
                    data = Path.of(rest.remove(0));
                }
                case "--" -> {
                    command.addAll(rest);
                    rest.clear();
                }
                default -> {
                    if (word.startsWith("--")) {
                        err.println("moodhaven console: unknown option " + word);
                        err.println(HELP);
                        return USAGE;
                    }
                    command.add(word);
                }
            }
        }
        command.addAll(rest);
        data = data.toAbsolutePath().normalize();
        String line = commandLine(command);
        if (line.getBytes(StandardCharsets.UTF_8).length > MAX_COMMAND) {
            err.println("moodhaven console: the command is longer than " + MAX_COMMAND + " bytes");
            return USAGE;
        }
        SocketChannel channel;
        try {
            channel = connect(data);
        } catch (IOException e) {
            err.println("moodhaven console: " + e.getMessage());
            return UNREACHABLE;
        }
        ConsoleClient client = new ConsoleClient(channel, keyboard, out, err);
        try (channel) {
            String welcome = client.greet();
            if (welcome == null) {
                return UNREACHABLE;
            }
            if (!command.isEmpty()) {
                return client.execute(line);
            }
            out.println("Attached to " + welcome + ".");
            out.println("Type \"help\" for the commands, \"exit\" or Ctrl-D to detach (the node keeps running; "
                    + "\"mh:shutdown\" stops it).");
            return client.interact();
        } catch (IOException e) {
            out.flush();
            err.println("moodhaven console: the connection to the node ended: " + e.getMessage());
            return UNREACHABLE;
        }
    }

    /**
     * The command line the node runs. One word is a whole command line as typed at the
     * {@code g!} prompt, so {@code console --data DIR 'lb | grep crypto'} pipes at the node;
     * several are a command and its arguments, each passed as it is: one holding a space or a
     * character Gogo reads as syntax (a filter such as {@code (moodhaven.crypto.provider=bc)})
     * is quoted for Gogo.
     */
    static String commandLine(List<String> words) {
        if (words.size() == 1) {
            return words.get(0);
        }
        StringBuilder line = new StringBuilder();
        for (String word : words) {
            if (line.length() > 0) {
                line.append(' ');
            }
            if (!word.isEmpty() && word.chars().noneMatch(c -> Character.isWhitespace(c)
                    || "\"'\\;|&<>(){}[]$#=`~".indexOf(c) >= 0)) {
                line.append(word);
                continue;
            }
            line.append('"');
            for (char c : word.toCharArray()) {
                if (c == '"' || c == '\\' || c == '$') {
                    line.append('\\');
                }
                line.append(c);
            }
            line.append('"');
        }
        return line.toString();
    }

    private static SocketChannel connect(Path data) throws IOException {
        Path socket = data.resolve(SOCKET_NAME);
        String start = "start one with: bin/moodhaven --data " + data + " --headless";
        if (!Files.isDirectory(data)) {
            throw new IOException("no node runs with the data folder " + data + ": there is no such folder");
        }
        if (!Files.exists(socket, LinkOption.NOFOLLOW_LINKS)) {
            if (!Files.isReadable(data) || !Files.isExecutable(data)) {
                throw new IOException("cannot look into the data folder " + data + ": " + ownerHint(data));
            }
            throw new IOException("no node runs with the data folder " + data + " (it has no " + SOCKET_NAME + "); "
                    + start);
        }
        try (ShortSocketPath path = ShortSocketPath.to(socket)) {
            return SocketChannel.open(UnixDomainSocketAddress.of(path.path()));
        } catch (ConnectException e) {
            throw new IOException("no node runs with the data folder " + data + " (nothing answers on "
                    + socket + "; the node that made it has ended); " + start, e);
        } catch (AccessDeniedException e) {
            throw new IOException("cannot open " + socket + ": " + ownerHint(data), e);
        } catch (IOException e) {
            String message = String.valueOf(e.getMessage());
            if (message.contains("ermission denied")) {
                throw new IOException("cannot open " + socket + ": " + ownerHint(data), e);
            }
            throw new IOException("cannot reach the node of " + data + " through " + socket + ": " + message, e);
        }
    }

    private static String ownerHint(Path data) {
        try {
            String owner = Files.getOwner(data).getName();
            return "the console is only for the user who runs the node (" + owner + "); run it as that user, "
                    + "e.g. sudo -u " + owner + " bin/moodhaven console --data " + data;
        } catch (IOException | UnsupportedOperationException e) {
            return "the console is only for the user who runs the node; run it as that user";
        }
    }

    /** @return the node's greeting, or {@code null} when it refused (after saying why) */
    private String greet() throws IOException {
        send(HELLO, HELLO_TEXT.getBytes(StandardCharsets.US_ASCII));
        Frame answer = receive();
        if (answer.type == WELCOME) {
            return answer.text();
        }
        if (answer.type == DENIED) {
            err.println("moodhaven console: the node refused: " + answer.text());
            return null;
        }
        throw new ProtocolException("the node answered with a frame of type " + (answer.type & 0xff));
    }

    private int interact() throws IOException {
        while (true) {
            out.print(PROMPT);
            out.flush();
            String line = keyboard.readLine(true);
            if (line == null) {
                out.println();
                return OK;
            }
            String command = line.strip();
            if (command.isEmpty()) {
                continue;
            }
            if (command.equals("exit") || command.equals("quit") || command.equals("logout")) {
                return OK;
            }
            if (command.getBytes(StandardCharsets.UTF_8).length > MAX_COMMAND) {
                err.println("The command is longer than " + MAX_COMMAND + " bytes; it was not sent.");
                continue;
            }
            execute(command);
        }
    }

    /** Runs one command: prints what it prints, answers what it asks. @return its exit status */
    private int execute(String command) throws IOException {
        send(COMMAND, command.getBytes(StandardCharsets.UTF_8));
        while (true) {
            Frame frame = receive();
            switch (frame.type) {
                case OUT -> {
                    int skip = lineEnded && frame.payload.length > 0 && frame.payload[0] == '\n' ? 1 : 0;
                    lineEnded = false;
                    out.write(frame.payload, skip, frame.payload.length - skip);
                    out.flush();
                }
                case ERR -> {
                    out.flush();
                    write(err, frame.payload);
                }
                case READ -> answer(frame.payload.length == 1 && frame.payload[0] == 1);
                case DONE -> {
                    out.flush();
                    err.flush();
                    return frame.payload.length == 1 && frame.payload[0] == 0 ? OK : FAILED;
                }
                case DENIED -> {
                    out.flush();
                    err.println("moodhaven console: " + frame.text());
                    throw new EOFException("the node closed the console");
                }
                default -> throw new ProtocolException("the node sent a frame of type " + (frame.type & 0xff)
                        + " during a command");
            }
        }
    }

    private void answer(boolean echo) throws IOException {
        out.flush();
        String line = keyboard.readLine(echo);
        lineEnded = !echo && keyboard.endsPasswordLine();
        if (line == null) {
            send(END_OF_INPUT, new byte[0]);
            return;
        }
        byte[] bytes = line.getBytes(StandardCharsets.UTF_8);
        try {
            send(LINE, bytes);
        } finally {
            Arrays.fill(bytes, (byte) 0);
        }
    }

    private static void write(PrintStream stream, byte[] bytes) {
        stream.write(bytes, 0, bytes.length);
        stream.flush();
    }

    private void send(byte type, byte[] payload) throws IOException {
        ByteBuffer frame = ByteBuffer.allocate(5 + payload.length);
        frame.put(type).putInt(payload.length).put(payload).flip();
        try {
            while (frame.hasRemaining()) {
                channel.write(frame);
            }
        } finally {
            Arrays.fill(frame.array(), (byte) 0); // it may hold a password
        }
    }

    private Frame receive() throws IOException {
        ByteBuffer header = ByteBuffer.allocate(5);
        readFully(header);
        header.flip();
        byte type = header.get();
        int length = header.getInt();
        if (length < 0 || length > MAX_FRAME) {
            throw new ProtocolException("the node sent a frame of " + length + " bytes");
        }
        ByteBuffer payload = ByteBuffer.allocate(length);
        readFully(payload);
        return new Frame(type, payload.array());
    }

    private void readFully(ByteBuffer buffer) throws IOException {
        while (buffer.hasRemaining()) {
            if (channel.read(buffer) < 0) {
                throw new EOFException("the node closed the console (it may be stopping)");
            }
        }
    }

    private record Frame(byte type, byte[] payload) {

        String text() {
            return new String(payload, StandardCharsets.UTF_8);
        }
    }

    /** Where the lines a person types come from. */
    interface Keyboard {

        /**
         * @param echo false to read a password: without showing it
         * @return the line without its line end, or {@code null} at the end of the input
         * @throws IOException if reading fails
         */
        String readLine(boolean echo) throws IOException;

        /** @return whether reading a password ended the line on the screen (a terminal does) */
        default boolean endsPasswordLine() {
            return false;
        }
    }

    /** A terminal: a password is read with the echo off. */
    private static final class TerminalKeyboard implements Keyboard {

        private final Console console;

        TerminalKeyboard(Console console) {
            this.console = console;
        }

        @Override
        public boolean endsPasswordLine() {
            return true;
        }

        @Override
        public String readLine(boolean echo) {
            if (echo) {
                return console.readLine();
            }
            char[] password = console.readPassword();
            if (password == null) {
                return null;
            }
            try {
                return CharBuffer.wrap(password).toString();
            } finally {
                Arrays.fill(password, '\0');
            }
        }
    }

    /** A pipe or file (a script, a test): read as it comes; there is no echo to turn off. */
    static final class StreamKeyboard implements Keyboard {

        private final BufferedReader reader;

        StreamKeyboard(InputStream in) {
            this.reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
        }

        @Override
        public String readLine(boolean echo) throws IOException {
            return reader.readLine();
        }
    }
}
