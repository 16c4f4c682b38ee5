package org.moodhaven.shell.internal;

import java.io.IOException;
import java.io.OutputStream;

/**
 * What a command prints in an attached console, sent to the client as frames of one type
 * ({@link ConsoleFrames#OUT} or {@link ConsoleFrames#ERR}) of at most {@value #CHUNK} bytes:
 * buffered, so that a listing is a few frames rather than one per {@code print}, and sent
 * when the command ends or asks for input.
 */
final class FrameOutputStream extends OutputStream {

    static final int CHUNK = 8 * 1024;

    private final ConsoleFrames frames;
    private final byte type;
    private final byte[] buffer = new byte[CHUNK];
    private int length;
    private boolean written;

    FrameOutputStream(ConsoleFrames frames, byte type) {
        this.frames = frames;
        this.type = type;
    }

    @Override
    public synchronized void write(int b) throws IOException {
        if (length == buffer.length) {
            flush();
        }
        buffer[length++] = (byte) b;
        written = true;
    }

    @Override
    public synchronized void write(byte[] bytes, int offset, int count) throws IOException {
        while (count > 0) {
            if (length == buffer.length) {
                flush();
            }
            int part = Math.min(count, buffer.length - length);
            System.arraycopy(bytes, offset, buffer, length, part);
            length += part;
            offset += part;
            count -= part;
            written = true;
        }
    }

    @Override
    public synchronized void flush() throws IOException {
        if (length > 0) {
            int count = length;
            length = 0;
            frames.write(type, buffer, 0, count);
        }
    }

    /** @return whether anything was written since the last call (the error stream: whether the command failed) */
    synchronized boolean takeWritten() {
        boolean was = written;
        written = false;
        return was;
    }
}
