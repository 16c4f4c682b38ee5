package org.moodhaven.shell.internal;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

import jdk.net.ExtendedSocketOptions;
import jdk.net.UnixDomainPrincipal;

import org.apache.felix.service.command.CommandProcessor;
import org.moodhaven.api.identity.DeviceIdentity;
import org.moodhaven.api.node.NodeSettings;
import org.moodhaven.common.console.ConsoleProtocol;
import org.moodhaven.common.console.ShortSocketPath;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The attachable console: {@code bin/moodhaven console --data DIR} reaches the running node
 * of a data folder through the Unix socket {@value #SOCKET_NAME} in it, and gets a Gogo
 * session there ({@link AttachedSession}). Only the user who runs the node gets in, three
 * times over: the data folder is owner-only, the socket is made owner-only (0600), and each
 * connection's peer user, as the kernel reports it ({@code SO_PEERCRED}), must be the
 * socket's owner. There is no network port.
 *
 * <p>A socket file left by a node that was killed is removed at start; one that something
 * still answers on is left alone (the framework's lock already keeps a second node off a
 * data folder, so that would be another program). A data folder too deep for a socket
 * address is reached through a short link ({@link ShortSocketPath}). When the console
 * cannot be offered, the node runs without it and its log says why.
 */
@Component(immediate = true)
public final class UnixSocketConsole {

    /** The socket's name in the data folder. */
    public static final String SOCKET_NAME = "console.sock";

    /** Attached consoles at once; more are refused (each holds a thread). */
    static final int MAX_CONSOLES = 8;

    private static final Logger LOG = LoggerFactory.getLogger(UnixSocketConsole.class);
    private static final long CLOSE_WAIT_MILLIS = 5_000;
    /** The file type bits of a Unix mode, and those of a socket. */
    private static final int TYPE_MASK = 0170000;
    private static final int SOCKET_TYPE = 0140000;

    private final CommandProcessor processor;
    private final Path socket;
    private final Supplier<String> greeting;
    private final Set<AttachedSession> sessions = ConcurrentHashMap.newKeySet();
    private final Set<Thread> threads = ConcurrentHashMap.newKeySet();
    private final AtomicInteger counter = new AtomicInteger();
    private final ServerSocketChannel server;
    private final UserPrincipal owner;
    private final Thread acceptor;
    private volatile boolean closing;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private volatile DeviceIdentity identity;

    /**
     * Opens the socket and starts accepting consoles.
     *
     * @param processor the Gogo command processor the sessions come from
     * @param settings  the node's settings, for the data folder
     */
    @Activate
    public UnixSocketConsole(@Reference CommandProcessor processor, @Reference NodeSettings settings) {
        this(processor, settings.dataFolder(), null);
    }

    /**
     * @param processor  the Gogo command processor
     * @param dataFolder the data folder
     * @param greeting   the line a console is greeted with, or {@code null} for the node's identity
     */
    UnixSocketConsole(CommandProcessor processor, Path dataFolder, Supplier<String> greeting) {
        this.processor = processor;
        this.socket = dataFolder.resolve(SOCKET_NAME);
        this.greeting = greeting != null ? greeting : () -> identityLine(dataFolder);
        ServerSocketChannel opened = null;
        UserPrincipal user = null;
        try {
            opened = open();
            user = Files.getOwner(socket, LinkOption.NOFOLLOW_LINKS);
        } catch (IOException | RuntimeException e) {
            LOG.warn("the attachable console (bin/moodhaven console) is not available: {}", e.getMessage());
            closeQuietly(opened);
            opened = null;
        }
        this.server = opened;
        this.owner = user;
        if (server == null) {
            this.acceptor = null;
            return;
        }
        this.acceptor = new Thread(this::accept, "moodhaven-console-accept");
        acceptor.setDaemon(true);
        acceptor.start();
        LOG.info("console: attach with bin/moodhaven console --data {} (socket {}, user {} only)", dataFolder,
                socket, owner.getName());
    }

    /** @return whether consoles can attach (false when the socket could not be made; the log says why) */
    boolean listening() {
        return server != null && server.isOpen();
    }

    /** @return the socket's path */
    Path socket() {
        return socket;
    }

    private ServerSocketChannel open() throws IOException {
        ServerSocketChannel channel = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        try {
            try (SocketChannel unconnected = SocketChannel.open(StandardProtocolFamily.UNIX)) {
                if (!unconnected.supportedOptions().contains(ExtendedSocketOptions.SO_PEERCRED)) {
                    throw new IOException("this system cannot tell which user connects to a Unix socket "
                            + "(SO_PEERCRED), so no console is offered on it");
                }
            }
            removeStale();
            try (ShortSocketPath path = ShortSocketPath.to(socket)) {
                channel.bind(UnixDomainSocketAddress.of(path.path()));
            }
            // The data folder (0700) keeps others out meanwhile; this is the second lock.
            Files.setPosixFilePermissions(socket, PosixFilePermissions.fromString("rw-------"));
            return channel;
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    /** Removes a socket file left by a node that ended without removing it (killed, or a power cut). */
    private void removeStale() throws IOException {
        if (!Files.exists(socket, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        Object mode = Files.getAttribute(socket, "unix:mode", LinkOption.NOFOLLOW_LINKS);
        if (!(mode instanceof Integer bits) || (bits & TYPE_MASK) != SOCKET_TYPE) {
            throw new IOException(socket + " is in the way and is not a socket: move it elsewhere and restart the "
                    + "node");
        }
        try (ShortSocketPath path = ShortSocketPath.to(socket);
             SocketChannel probe = SocketChannel.open(UnixDomainSocketAddress.of(path.path()))) {
            throw new IOException("another program answers on " + socket + " (another node cannot use this data "
                    + "folder while this one runs); stop it, delete the socket and restart the node");
        } catch (java.net.ConnectException e) {
            Files.deleteIfExists(socket); // nothing listens: left by a node that ended
            LOG.info("removed the console socket {} left by a node that ended", socket);
        }
    }

    private void accept() {
        while (server.isOpen()) {
            SocketChannel channel;
            try {
                channel = server.accept();
            } catch (ClosedChannelException e) { // closed by close(), AsynchronousCloseException included
                return;
            } catch (IOException e) {
                LOG.warn("the console socket {} failed: {}; consoles cannot attach until the node restarts", socket,
                        e.toString());
                return;
            }
            admit(channel);
        }
    }

    private void admit(SocketChannel channel) {
        ConsoleFrames frames = new ConsoleFrames(channel);
        try {
            UnixDomainPrincipal peer = channel.getOption(ExtendedSocketOptions.SO_PEERCRED);
            if (!owner.equals(peer.user())) {
                LOG.warn("refused a console from user {}: only {}, who runs this node, may attach",
                        peer.user().getName(), owner.getName());
                deny(frames, "this node's console is only for the user who runs it (" + owner.getName() + "); "
                        + "run the command as that user, e.g. sudo -u " + owner.getName() + " bin/moodhaven console "
                        + "--data " + socket.getParent());
                return;
            }
            if (closing) {
                deny(frames, "the node is stopping");
                return;
            }
            if (sessions.size() >= MAX_CONSOLES) {
                deny(frames, MAX_CONSOLES + " consoles are attached to this node already; detach one (exit) "
                        + "and try again");
                return;
            }
        } catch (IOException | RuntimeException e) {
            LOG.debug("a console connection failed at once: {}", e.toString());
            closeQuietly(frames);
            return;
        }
        AttachedSession session = new AttachedSession(frames, processor, greeting);
        sessions.add(session);
        Thread thread = new Thread(() -> {
            try {
                session.run();
            } finally {
                sessions.remove(session);
                threads.remove(Thread.currentThread());
            }
        }, "moodhaven-console-" + counter.incrementAndGet());
        thread.setDaemon(true);
        threads.add(thread);
        thread.start();
    }

    private static void deny(ConsoleFrames frames, String why) {
        try (frames) {
            frames.write(ConsoleProtocol.DENIED, why);
        } catch (IOException e) {
            // the client went away first
        }
    }

    private String identityLine(Path dataFolder) {
        DeviceIdentity self = identity;
        return self == null ? "MoodHaven node, data in " + dataFolder
                : "MoodHaven node \"" + self.deviceName() + "\" (" + self.deviceId() + "), data in " + dataFolder;
    }

    /**
     * Stops accepting, lets each console finish the command it runs (a few seconds at most),
     * closes them and removes the socket.
     */
    @Deactivate
    public void close() {
        if (server == null) {
            return;
        }
        closing = true;
        closeQuietly(server);
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(CLOSE_WAIT_MILLIS);
        try {
            acceptor.join(CLOSE_WAIT_MILLIS); // no console is admitted after this
            sessions.forEach(AttachedSession::end);
            for (Thread thread : threads) {
                long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
                if (left > 0) {
                    thread.join(left);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        sessions.forEach(AttachedSession::close);
        try {
            Files.deleteIfExists(socket);
        } catch (IOException e) {
            LOG.warn("could not remove the console socket {}: {}; the next start removes it", socket, e.toString());
        }
    }

    private static void closeQuietly(AutoCloseable closeable) {
        if (closeable == null) {
            return;
        }
        try {
            closeable.close();
        } catch (Exception e) {
            // closing what failed
        }
    }
}
