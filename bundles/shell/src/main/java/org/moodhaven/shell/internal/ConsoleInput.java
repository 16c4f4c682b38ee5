package org.moodhaven.shell.internal;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import org.apache.felix.service.command.CommandSession;

/**
 * Reads what a command asks the person for (a password, the text of an entry)
 * straight from the console, never from the command line, so secrets and
 * journal text never reach a shell history file. On a real terminal the
 * password is read with echo off, and so it is in an attached console
 * ({@link AttachedKeyboard}), whose client owns the terminal.
 */
final class ConsoleInput {

    /** The line that ends a multi-line text. */
    static final String END_OF_TEXT = ".";

    /** Longest line accepted, in characters; longer input is refused rather than buffered without bound. */
    static final int MAX_LINE = 1 << 20;

    /** JLine is an optional import: without Gogo's interactive shell it is absent. */
    private static final boolean JLINE_AVAILABLE = canLoad("org.jline.terminal.Terminal");

    private final CommandSession session;

    ConsoleInput(CommandSession session) {
        this.session = session;
    }

    /**
     * @param prompt shown before reading
     * @return the password; the caller clears it after use
     * @throws IOException if the console is closed before a line arrives
     */
    char[] readPassword(String prompt) throws IOException {
        prompt(prompt);
        char[] password;
        if (session.getKeyboard() instanceof AttachedKeyboard attached) {
            // An attached console (bin/moodhaven console): its client turns the echo off.
            password = attached.readLineWithoutEcho();
        } else {
            password = JLINE_AVAILABLE ? JlineConsole.readLineWithoutEcho(session) : null;
        }
        if (password == null) {
            password = readLine(session.getKeyboard());
        }
        console().println();
        return password;
    }

    /**
     * @param prompt shown before reading
     * @return one line the person typed, without its line end
     * @throws IOException if the console is closed first
     */
    String readAnswer(String prompt) throws IOException {
        prompt(prompt);
        char[] line = JLINE_AVAILABLE ? JlineConsole.readLine(session) : null;
        if (line == null) {
            line = readLine(session.getKeyboard());
        }
        return new String(line).strip();
    }

    /**
     * Reads lines until one holds only {@value #END_OF_TEXT}.
     *
     * @param prompt shown before reading
     * @return the text, lines joined with {@code \n}
     * @throws IOException if the console is closed first
     */
    String readText(String prompt) throws IOException {
        prompt(prompt);
        StringBuilder text = new StringBuilder();
        while (true) {
            char[] line = JLINE_AVAILABLE ? JlineConsole.readLine(session) : null;
            if (line == null) {
                line = readLine(session.getKeyboard());
            }
            String value = new String(line);
            if (value.equals(END_OF_TEXT)) {
                return text.toString();
            }
            if (text.length() > 0) {
                text.append('\n');
            }
            text.append(value);
            if (text.length() > MAX_LINE) {
                throw new IOException("the text is too long");
            }
        }
    }

    private static boolean canLoad(String className) {
        try {
            Class.forName(className, false, ConsoleInput.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException | LinkageError e) {
            return false;
        }
    }

    /**
     * @param line a line to show before asking, e.g. what the answer is for
     */
    void println(String line) {
        console().println(line);
    }

    private void prompt(String prompt) {
        PrintStream out = console();
        out.print(prompt);
        out.flush();
    }

    private PrintStream console() {
        return session.getConsole();
    }

    /**
     * Reads one line byte by byte: a buffered reader would swallow the commands that
     * follow in a piped console.
     */
    static char[] readLine(InputStream in) throws IOException {
        byte[] buffer = new byte[128];
        int length = 0;
        try {
            while (true) {
                int b = in.read();
                if (b == -1) {
                    if (length == 0) {
                        throw new IOException("the console was closed");
                    }
                    break;
                }
                if (b == '\n') {
                    break;
                }
                if (length == buffer.length) {
                    if (length >= MAX_LINE) {
                        throw new IOException("the line is too long");
                    }
                    byte[] larger = Arrays.copyOf(buffer, length * 2);
                    Arrays.fill(buffer, (byte) 0);
                    buffer = larger;
                }
                buffer[length++] = (byte) b;
            }
            if (length > 0 && buffer[length - 1] == '\r') {
                length--;
            }
            java.nio.CharBuffer chars = StandardCharsets.UTF_8.decode(java.nio.ByteBuffer.wrap(buffer, 0, length));
            char[] line = new char[chars.remaining()];
            chars.get(line);
            Arrays.fill(chars.array(), '\0');
            return line;
        } finally {
            Arrays.fill(buffer, (byte) 0);
        }
    }
}
