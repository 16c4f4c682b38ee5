package org.moodhaven.shell.internal;

import static org.moodhaven.common.console.ConsoleProtocol.COMMAND;
import static org.moodhaven.common.console.ConsoleProtocol.END_OF_INPUT;
import static org.moodhaven.common.console.ConsoleProtocol.HELLO;
import static org.moodhaven.common.console.ConsoleProtocol.LINE;
import static org.moodhaven.common.console.ConsoleProtocol.MAX_COMMAND;

import java.io.EOFException;
import java.io.IOException;
import java.net.ProtocolException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;

import org.moodhaven.common.console.ConsoleProtocol;

/**
 * The frames of an attached console ({@code bin/moodhaven console}), the node's side: reads
 * the client's frames, with the length each type allows, and writes the node's. The format
 * is {@link ConsoleProtocol}'s, which the client in the launcher shares.
 * {@code UnixSocketConsoleTest} speaks this format to the node's side, and {@code ConsoleAttachIT} runs
 * the real client against a real node.
 */
final class ConsoleFrames implements AutoCloseable {

    /** Longest input line accepted: what {@link ConsoleInput} accepts from any console. */
    static final int MAX_LINE = ConsoleInput.MAX_LINE;

    private static final int MAX_HELLO = 64;

    /**
     * A frame from the client.
     *
     * @param type    its type
     * @param payload its bytes
     */
    record Frame(byte type, byte[] payload) {

        String text() {
            return new String(payload, StandardCharsets.UTF_8);
        }
    }

    private final SocketChannel channel;
    private final Object writing = new Object();
    private final Object reading = new Object();

    ConsoleFrames(SocketChannel channel) {
        this.channel = channel;
    }

    /**
     * @return the next frame from the client, or {@code null} when it closed the connection between frames
     * @throws ProtocolException if the frame is not one a client sends, or longer than its type allows
     * @throws IOException       if the connection fails or ends inside a frame
     */
    Frame read() throws IOException {
        synchronized (reading) {
            ByteBuffer header = ByteBuffer.allocate(5);
            if (!readFully(header, true)) {
                return null;
            }
            header.flip();
            byte type = header.get();
            int length = header.getInt();
            int limit = switch (type) {
                case HELLO -> MAX_HELLO;
                case COMMAND -> MAX_COMMAND;
                case LINE -> MAX_LINE;
                case END_OF_INPUT -> 0;
                default -> throw new ProtocolException("a frame of unknown type " + (type & 0xff));
            };
            if (length < 0 || length > limit) {
                throw new ProtocolException("a frame of type " + (char) type + " of " + length + " bytes (at most "
                        + limit + ")");
            }
            ByteBuffer payload = ByteBuffer.allocate(length);
            readFully(payload, false);
            return new Frame(type, payload.array());
        }
    }

    /** @return false at a clean end of the stream before the first byte (when allowed) */
    private boolean readFully(ByteBuffer buffer, boolean endAllowed) throws IOException {
        while (buffer.hasRemaining()) {
            if (channel.read(buffer) < 0) {
                if (endAllowed && buffer.position() == 0) {
                    return false;
                }
                throw new EOFException("the console client closed the connection inside a frame");
            }
        }
        return true;
    }

    void write(byte type, byte[] bytes, int offset, int length) throws IOException {
        ByteBuffer frame = ByteBuffer.allocate(5 + length);
        frame.put(type).putInt(length).put(bytes, offset, length).flip();
        synchronized (writing) {
            while (frame.hasRemaining()) {
                channel.write(frame);
            }
        }
    }

    void write(byte type, String text) throws IOException {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        write(type, bytes, 0, bytes.length);
    }

    void write(byte type, int value) throws IOException {
        write(type, new byte[] {(byte) value}, 0, 1);
    }

    /** Ends the client's side of reading: a session waiting for its next frame sees the end. */
    void shutdownInput() {
        try {
            channel.shutdownInput();
        } catch (IOException e) {
            // already closed
        }
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
