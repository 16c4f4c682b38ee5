package org.moodhaven.common.console;

/**
 * The wire format of an attached console ({@code bin/moodhaven console}), shared by the
 * node's side (the shell bundle) and the client (the launcher). Each frame is a type byte, a
 * 4-byte big-endian length and that many bytes. The client says {@link #HELLO}, the node
 * answers {@link #WELCOME} (or {@link #DENIED} and closes); then, for each {@link #COMMAND},
 * the node sends what the command prints ({@link #OUT}, {@link #ERR}), asks for a line when
 * the command reads one ({@link #READ}, answered by {@link #LINE} or {@link #END_OF_INPUT}),
 * and ends with {@link #DONE}. The client speaks first and only when asked, so one thread on
 * each side is enough.
 */
public final class ConsoleProtocol {

    /** What a client of this version says first. */
    public static final String HELLO_TEXT = "moodhaven-console 1";

    // From the client.
    /** Payload: {@link #HELLO_TEXT}. */
    public static final byte HELLO = 'H';
    /** Payload: one command line, UTF-8. */
    public static final byte COMMAND = 'C';
    /** Payload: the line asked for, UTF-8, without its line end. */
    public static final byte LINE = 'L';
    /** The client's input has ended (Ctrl-D, or the end of a pipe); no payload. */
    public static final byte END_OF_INPUT = 'Z';

    // From the node.
    /** Payload: the line the client greets the person with. */
    public static final byte WELCOME = 'W';
    /** Payload: why the node refuses or closes the console; the node closes it next. */
    public static final byte DENIED = 'D';
    /** Payload: bytes for the client's standard output. */
    public static final byte OUT = 'O';
    /** Payload: bytes for the client's standard error. */
    public static final byte ERR = 'E';
    /** Payload: one byte, 1 to read a line with echo, 0 without (a password). */
    public static final byte READ = 'R';
    /** Payload: one byte, 0 when the command succeeded, 1 when it failed. */
    public static final byte DONE = 'X';

    /** Longest command line the node accepts. */
    public static final int MAX_COMMAND = 64 * 1024;

    private ConsoleProtocol() {
    }
}
