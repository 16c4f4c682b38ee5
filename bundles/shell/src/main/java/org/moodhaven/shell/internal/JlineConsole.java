package org.moodhaven.shell.internal;

import java.io.IOException;
import java.io.PrintWriter;
import java.util.Arrays;

import org.apache.felix.service.command.CommandSession;
import org.jline.terminal.Attributes;
import org.jline.terminal.Terminal;
import org.jline.utils.NonBlockingReader;

/**
 * Console input through the JLine terminal of Gogo's interactive shell. Kept in
 * its own class because JLine is an optional import: a node without the
 * interactive shell never loads it.
 */
final class JlineConsole {

    /** The session variable where Gogo's JLine shell keeps its terminal. */
    private static final String TERMINAL = ".terminal";

    private JlineConsole() {
    }

    /**
     * @return the line with echo off, or {@code null} when the session has no JLine terminal
     */
    static char[] readLineWithoutEcho(CommandSession session) throws IOException {
        Terminal terminal = terminal(session);
        if (terminal == null) {
            return null;
        }
        Attributes original = terminal.getAttributes();
        Attributes silent = new Attributes(original);
        silent.setLocalFlag(Attributes.LocalFlag.ECHO, false);
        terminal.setAttributes(silent);
        try {
            return read(terminal);
        } finally {
            terminal.setAttributes(original);
        }
    }

    /**
     * @return the line, or {@code null} when the session has no JLine terminal
     */
    static char[] readLine(CommandSession session) throws IOException {
        Terminal terminal = terminal(session);
        return terminal == null ? null : read(terminal);
    }

    private static Terminal terminal(CommandSession session) {
        Object value = session.get(TERMINAL);
        return value instanceof Terminal terminal ? terminal : null;
    }

    private static char[] read(Terminal terminal) throws IOException {
        PrintWriter writer = terminal.writer();
        writer.flush();
        NonBlockingReader reader = terminal.reader();
        char[] buffer = new char[64];
        int length = 0;
        try {
            while (true) {
                int c = reader.read();
                if (c == -1 || c == NonBlockingReader.EOF) {
                    if (length == 0) {
                        throw new IOException("the console was closed");
                    }
                    break;
                }
                if (c == '\n') {
                    break;
                }
                if (c == '\r') {
                    continue; // a piped console may send CR LF
                }
                if (length == buffer.length) {
                    if (length >= ConsoleInput.MAX_LINE) {
                        throw new IOException("the line is too long");
                    }
                    char[] larger = Arrays.copyOf(buffer, length * 2);
                    Arrays.fill(buffer, '\0');
                    buffer = larger;
                }
                buffer[length++] = (char) c;
            }
            return Arrays.copyOf(buffer, length);
        } finally {
            Arrays.fill(buffer, '\0');
        }
    }
}
