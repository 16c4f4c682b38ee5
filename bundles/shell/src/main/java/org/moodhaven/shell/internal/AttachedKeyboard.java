package org.moodhaven.shell.internal;

import java.io.IOException;
import java.io.InputStream;
import java.net.ProtocolException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import org.moodhaven.common.console.ConsoleProtocol;

/**
 * The keyboard of an attached console: when a command reads and nothing is left of the
 * last line, asks the client for the next one ({@link ConsoleFrames#READ}). The client
 * reads nothing ahead, so what a person types for one command never reaches another; and
 * a password is asked for with the echo off ({@link #readLineWithoutEcho}), which only the
 * client, owning the terminal, can do.
 */
final class AttachedKeyboard extends InputStream {

    private static final byte[] NOTHING = new byte[0];

    private final ConsoleFrames frames;
    private final Runnable flushOutput;
    private byte[] line = NOTHING;
    private int position;
    private boolean ended;

    /**
     * @param frames      the connection to the client
     * @param flushOutput sends what the command printed so far (its prompt) before asking
     */
    AttachedKeyboard(ConsoleFrames frames, Runnable flushOutput) {
        this.frames = frames;
        this.flushOutput = flushOutput;
    }

    /**
     * Forgets what the last command left unread and the end of input it may have met: Ctrl-D
     * at a terminal ends one answer, not the console.
     */
    synchronized void startCommand() {
        Arrays.fill(line, (byte) 0);
        line = NOTHING;
        position = 0;
        ended = false;
    }

    @Override
    public synchronized int read() throws IOException {
        if (!fill()) {
            return -1;
        }
        return line[position++] & 0xff;
    }

    @Override
    public synchronized int read(byte[] buffer, int offset, int length) throws IOException {
        if (length == 0) {
            return 0;
        }
        if (!fill()) {
            return -1;
        }
        int count = Math.min(length, line.length - position);
        System.arraycopy(line, position, buffer, offset, count);
        position += count;
        return count;
    }

    @Override
    public synchronized int available() {
        return line.length - position;
    }

    /**
     * Asks the client for a line it reads with the echo off.
     *
     * @return the line, or {@code null} when part of an earlier line is still unread (the
     *         caller then reads that, as typed ahead)
     * @throws IOException if the client's input has ended or the connection failed
     */
    synchronized char[] readLineWithoutEcho() throws IOException {
        if (position < line.length) {
            return null;
        }
        byte[] bytes = request(false);
        if (bytes == null) {
            throw new IOException("the console was closed");
        }
        try {
            CharBuffer chars = StandardCharsets.UTF_8.decode(ByteBuffer.wrap(bytes));
            char[] password = Arrays.copyOfRange(chars.array(), chars.position(), chars.limit());
            Arrays.fill(chars.array(), '\0');
            return password;
        } finally {
            Arrays.fill(bytes, (byte) 0);
        }
    }

    /** @return false at the end of the client's input */
    private boolean fill() throws IOException {
        if (position < line.length) {
            return true;
        }
        if (ended) {
            return false;
        }
        Arrays.fill(line, (byte) 0); // what was typed may have been secret
        byte[] bytes = request(true);
        if (bytes == null) {
            ended = true;
            line = NOTHING;
            position = 0;
            return false;
        }
        line = Arrays.copyOf(bytes, bytes.length + 1);
        line[bytes.length] = '\n';
        Arrays.fill(bytes, (byte) 0);
        position = 0;
        return true;
    }

    /** @return the line's bytes, or {@code null} at the end of the client's input */
    private byte[] request(boolean echo) throws IOException {
        flushOutput.run();
        frames.write(ConsoleProtocol.READ, echo ? 1 : 0);
        ConsoleFrames.Frame answer = frames.read();
        if (answer == null) {
            throw new IOException("the console was closed");
        }
        return switch (answer.type()) {
            case ConsoleProtocol.LINE -> answer.payload();
            case ConsoleProtocol.END_OF_INPUT -> null;
            default -> throw new ProtocolException("the console client sent a frame of type " + (char) answer.type()
                    + " while a line was asked for");
        };
    }
}
