package org.moodhaven.shell.internal;

import java.io.IOException;
import java.io.PrintStream;
import java.net.ProtocolException;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.function.Supplier;

import org.apache.felix.service.command.CommandProcessor;
import org.apache.felix.service.command.CommandSession;
import org.apache.felix.service.command.Converter;
import org.moodhaven.common.console.ConsoleProtocol;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One attached console: a Gogo session whose keyboard, output and errors travel over the
 * client's connection. It runs the commands the client sends one at a time, as the node's
 * own console does: what a command prints, then its result formatted by Gogo, or its
 * failure on the error stream. A command failed when it threw, or when it wrote to the error
 * stream (Felix's own commands report a bundle that did not start that way).
 */
final class AttachedSession implements Runnable {

    /**
     * Gogo's commands that need the node's own terminal (JLine's line reader or screen): in
     * an attached console they would fail with a Java exception; they are refused with why.
     */
    static final Set<String> TERMINAL_ONLY = Set.of("history", "less", "nano", "tmux", "ttop", "keymap", "widget",
            "setopt", "unsetopt", "complete", "clear");

    /**
     * Felix's bundle commands that return nothing when they succeed and, when they fail, the
     * problem as text ({@code start 99} returns "Bundle ID '99' is invalid."): in an attached
     * console that text goes to the error stream and the command counts as failed, so that
     * {@code bin/moodhaven console --data DIR start 99} exits non-zero.
     */
    static final Set<String> SILENT_WHEN_DONE = Set.of("start", "stop", "update", "uninstall", "resolve");

    private static final Logger LOG = LoggerFactory.getLogger(AttachedSession.class);

    private final ConsoleFrames frames;
    private final CommandProcessor processor;
    private final Supplier<String> greeting;
    private final FrameOutputStream out;
    private final FrameOutputStream err;
    private final PrintStream printOut;
    private final PrintStream printErr;
    private final AttachedKeyboard keyboard;

    AttachedSession(ConsoleFrames frames, CommandProcessor processor, Supplier<String> greeting) {
        this.frames = frames;
        this.processor = processor;
        this.greeting = greeting;
        this.out = new FrameOutputStream(frames, ConsoleProtocol.OUT);
        this.err = new FrameOutputStream(frames, ConsoleProtocol.ERR);
        this.printOut = new PrintStream(out, false, StandardCharsets.UTF_8);
        this.printErr = new PrintStream(err, false, StandardCharsets.UTF_8);
        this.keyboard = new AttachedKeyboard(frames, this::flush);
    }

    @Override
    public void run() {
        try (frames) {
            ConsoleFrames.Frame hello = frames.read();
            if (hello == null) {
                return;
            }
            if (hello.type() != ConsoleProtocol.HELLO || !hello.text().equals(ConsoleProtocol.HELLO_TEXT)) {
                frames.write(ConsoleProtocol.DENIED, "this node's console speaks " + ConsoleProtocol.HELLO_TEXT
                        + " and the client does not: attach with the bin/moodhaven of the node's own version");
                return;
            }
            frames.write(ConsoleProtocol.WELCOME, greeting.get());
            serve();
        } catch (ProtocolException e) {
            LOG.warn("an attached console sent {}; it is closed", e.getMessage());
        } catch (IOException e) {
            LOG.debug("an attached console ended: {}", e.toString());
        }
    }

    private void serve() throws IOException {
        CommandSession session = processor.createSession(keyboard, printOut, printErr);
        try {
            // As at the node's own console: Gogo's scripting commands first, then every scope.
            session.put("SCOPE", "gogo:*");
            while (true) {
                ConsoleFrames.Frame frame = frames.read();
                if (frame == null) {
                    return;
                }
                if (frame.type() != ConsoleProtocol.COMMAND) {
                    throw new ProtocolException("a frame of type " + (char) frame.type() + " where a command belongs");
                }
                boolean failed = execute(session, frame.text());
                flush();
                frames.write(ConsoleProtocol.DONE, failed ? 1 : 0);
            }
        } finally {
            session.close();
        }
    }

    /** @return whether the command failed */
    private boolean execute(CommandSession session, String line) {
        keyboard.startCommand();
        err.takeWritten();
        String name = line.strip().split("\\s+", 2)[0];
        String bare = name.startsWith("gogo:") ? name.substring("gogo:".length()) : name;
        if (TERMINAL_ONLY.contains(bare)) {
            printErr.println(bare + " needs the node's own terminal: it works at the console of a node started "
                    + "without --headless, not in an attached one");
            return true;
        }
        try {
            Object result = session.execute(line);
            session.put("_", result);
            String felixName = name.startsWith("felix:") ? name.substring("felix:".length()) : name;
            if (SILENT_WHEN_DONE.contains(felixName) && result instanceof String problem && !problem.isBlank()) {
                printErr.println(problem.strip());
                return true;
            }
            if (result != null && !Boolean.FALSE.equals(session.get(".Gogo.format"))) {
                CharSequence formatted = session.format(result, Converter.INSPECT);
                if (formatted.length() > 0) { // Felix's stop returns "" when it worked: nothing to print
                    printOut.println(formatted);
                }
            }
            printErr.flush();
            return err.takeWritten();
        } catch (Exception e) {
            session.put("exception", e);
            printErr.println(problemText(e));
            return true;
        }
    }

    /**
     * What a person reads when a command fails: the exception's message (a CommandFailure's is
     * written for them; Gogo's own, such as "Cannot coerce ...", say enough without the class
     * name), a hint where Gogo found no such command, the exception itself when it has no message.
     */
    static String problemText(Exception e) {
        String message = e.getMessage();
        if (message == null || message.isBlank()) {
            return e.toString();
        }
        // Gogo's runtime exception, named, not imported: the shell bundle needs only Gogo's API.
        if (e.getClass().getSimpleName().equals("CommandNotFoundException")) {
            return message + " (\"help\" lists the commands; MoodHaven's are mh:..., e.g. \"help mh:status\")";
        }
        return message;
    }

    private void flush() {
        printOut.flush();
        printErr.flush();
    }

    /** Lets a session waiting for its next command see the end; one running a command finishes it first. */
    void end() {
        frames.shutdownInput();
    }

    /** Closes the connection at once. */
    void close() {
        try {
            frames.close();
        } catch (IOException e) {
            // closed already
        }
    }
}
