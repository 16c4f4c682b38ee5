package org.moodhaven.sync.internal;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.moodhaven.api.crypto.CryptoProvider;
import org.moodhaven.api.event.EventTopics;
import org.moodhaven.api.identity.DeviceIdentity;
import org.moodhaven.api.identity.DeviceIds;
import org.moodhaven.api.identity.TrustStore;
import org.moodhaven.api.identity.TrustStoreException;
import org.moodhaven.api.identity.TrustedDevice;
import org.moodhaven.api.node.NodeClock;
import org.moodhaven.api.node.NodeSettings;
import org.moodhaven.api.store.JournalStore;
import org.moodhaven.api.sync.SyncAddress;
import org.moodhaven.api.sync.SyncErrors;
import org.moodhaven.api.sync.SyncRecord;
import org.moodhaven.api.sync.SyncResult;
import org.moodhaven.api.sync.SyncService;
import org.moodhaven.common.events.EventPoster;
import org.moodhaven.common.logging.LogText;
import org.moodhaven.common.logging.RemoteLog;
import org.moodhaven.common.net.ConnectionProblem;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.event.Event;
import org.osgi.service.event.EventAdmin;
import org.osgi.service.event.EventConstants;
import org.osgi.service.event.EventHandler;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The sync transport: a TCP server on the sync port and the client side of
 * {@link #sync}. It limits what a stranger can hold (64 connections, 16 in their
 * handshake, 4 of those from one address and the last 4 kept for addresses where
 * trusted devices are known, 4 KiB frames until authenticated, time limits on every
 * phase), bounds the memory of all sessions together by a byte budget, runs one
 * session per device, closes a device's sessions the moment it is revoked (and checks
 * its trust again before each step that sends), rate-limits the log lines strangers
 * can cause, and keeps a history of recent syncs.
 * <p>
 * The store, the crypto provider and the clock are dynamic references: swapping
 * them does not stop the server; a session uses the ones current when it starts.
 */
@Component(service = {SyncService.class, EventHandler.class}, immediate = true,
        configurationPid = SyncEngine.PID,
        property = {EventConstants.EVENT_TOPIC + "=" + EventTopics.TRUST_REVOKED,
            EventConstants.EVENT_TOPIC + "=" + EventTopics.PEER_DISCOVERED,
            EventConstants.EVENT_TOPIC + "=" + EventTopics.PEER_LOST})
@Designate(ocd = SyncEngine.Config.class)
public final class SyncEngine implements SyncService, EventHandler {

    /** The configuration pid. */
    public static final String PID = "moodhaven.sync";

    private static final Logger LOG = LoggerFactory.getLogger(SyncEngine.class);

    /** The default most manifest items: what a node at -Xmx128m can hold within its budget (docs/reliability.md). */
    static final int MAX_MANIFEST_ITEMS = 500_000;

    /** The share of the largest heap that sync sessions may hold, unless configured. */
    static final int AUTO_BUDGET_PERCENT = 40;

    /** Refused HELLOs from an address: one line a minute, the rest counted. */
    private static final RemoteLog.Kind REFUSED_HELLO = new RemoteLog.Kind("refused HELLOs", 1, false);
    /** Failed syncs started by a device: a few lines a minute per address. */
    private static final RemoteLog.Kind FAILED_INCOMING = new RemoteLog.Kind("failed incoming syncs", 5, true);
    /** Completed syncs started by a device. */
    private static final RemoteLog.Kind COMPLETED_INCOMING = new RemoteLog.Kind("completed incoming syncs", 10, false);

    @ObjectClassDefinition(name = "MoodHaven sync", description = "The sync server and client (PROTOCOL.md 6)")
    @interface Config {
        @AttributeDefinition(name = "Sync port",
                description = "TCP port of the sync server; -1 for the port derived from the deviceId "
                        + "(44000-44999, PROTOCOL.md 3), 0 for any free port")
        int port() default -1;

        @AttributeDefinition(name = "Bind address",
                description = "Address the sync server listens on; empty for every interface")
        String bindAddress() default "";

        @AttributeDefinition(name = "Allow protocol version 1",
                description = "Accept and speak version 1 with devices whose trust entry says \"protocol\": 1. "
                        + "Version 1 protects nothing against anyone who has seen both public keys.")
        boolean allowLegacyV1() default false;

        @AttributeDefinition(name = "Handshake timeout (ms)",
                description = "The handshake must finish within this time of accept or connect")
        long handshakeTimeoutMillis() default 10_000;

        @AttributeDefinition(name = "Idle timeout (ms)",
                description = "A connection with no bytes moving either way for this long is closed")
        long idleTimeoutMillis() default 60_000;

        @AttributeDefinition(name = "Session timeout (ms)",
                description = "A session not finished this long after accept or connect is closed")
        long sessionTimeoutMillis() default 30 * 60_000;

        @AttributeDefinition(name = "Most connections", description = "Connections accepted at once")
        int maxConnections() default 64;

        @AttributeDefinition(name = "Most handshakes", description = "Connections still in their handshake at once")
        int maxHandshakes() default 16;

        @AttributeDefinition(name = "Most handshakes per address",
                description = "Connections from one source address still in their handshake at once, within "
                        + "\"Most handshakes\": a stricter local policy, so that one stranger cannot take every "
                        + "handshake slot; beyond it a new connection is closed at once")
        int maxHandshakesPerAddress() default 4;

        @AttributeDefinition(name = "Handshakes kept for known devices",
                description = "Of \"Most handshakes\", how many only addresses where a trusted device is known "
                        + "may take (its last address, where discovery sees it, or where it last connected from), "
                        + "so that strangers with many addresses cannot lock a known device out")
        int handshakesKeptForKnownDevices() default 4;

        @AttributeDefinition(name = "Most manifest items",
                description = "A peer's manifest with more items than this is a protocol error")
        int maxManifestItems() default MAX_MANIFEST_ITEMS;

        @AttributeDefinition(name = "Sync memory budget (MiB)",
                description = "Heap that all sync sessions together may hold for frames, manifests and entries; "
                        + "0 for " + AUTO_BUDGET_PERCENT + "% of the largest heap (-Xmx). A session that would go "
                        + "over it waits, then ends with \"internal\" instead of the node running out of memory")
        int memoryBudgetMiB() default 0;

        @AttributeDefinition(name = "Memory wait (ms)",
                description = "How long a session waits for others to give memory back before it ends")
        long memoryWaitMillis() default 20_000;

        @AttributeDefinition(name = "Full sync interval (hours)",
                description = "Declare have: null to a peer when the last such sync is older than this")
        int fullSyncIntervalHours() default 24;

        @AttributeDefinition(name = "History size", description = "Syncs kept in the history")
        int historySize() default 500;
    }

    private final Config config;
    private final DeviceIdentity identity;
    private final TrustStore trust;
    private final SyncHistory history;
    private final ServerSocket server;
    private final ExecutorService workers;
    private final ScheduledExecutorService watchdog;
    private final Thread acceptor;
    private final EventPoster events = new EventPoster();
    private final Set<Tracked> connections = ConcurrentHashMap.newKeySet();
    private final HandshakeSlots handshakes;
    private final KnownAddresses knownAddresses;
    private final MemoryBudget memory;
    private final RemoteLog remoteLog = new RemoteLog(LOG, System::nanoTime, 60_000, 64);
    /** Authenticated incoming sessions, by device: a second one is refused as busy. */
    private final Map<String, Tracked> incoming = new ConcurrentHashMap<>();
    /** Outgoing sessions, by device: this node never starts a second one. */
    private final Map<String, Tracked> outgoing = new ConcurrentHashMap<>();

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private volatile JournalStore store;

    @Reference(policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY)
    private volatile CryptoProvider crypto;

    @Reference(policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY)
    private volatile NodeClock clock;

    /**
     * Binds the sync port and starts serving.
     *
     * @param config   the configuration
     * @param identity this device
     * @param trust    the trusted devices
     * @param settings the data folder, for the history
     * @throws IOException if the port cannot be bound
     */
    @Activate
    public SyncEngine(Config config, @Reference DeviceIdentity identity, @Reference TrustStore trust,
                      @Reference NodeSettings settings) throws IOException {
        this.config = config;
        this.identity = identity;
        this.trust = trust;
        this.history = new SyncHistory(settings.dataFolder(), config.historySize());
        this.handshakes = new HandshakeSlots(config.maxHandshakes(), config.maxHandshakesPerAddress(),
                config.handshakesKeptForKnownDevices());
        this.knownAddresses = new KnownAddresses(trust::list);
        this.memory = new MemoryBudget(memoryBudgetBytes(config), config.memoryWaitMillis());
        int port = config.port() < 0 ? DeviceIds.defaultSyncPort(identity.deviceId()) : config.port();
        this.server = new ServerSocket();
        server.setReuseAddress(true);
        try {
            InetAddress bind = config.bindAddress().isBlank() ? null : InetAddress.getByName(config.bindAddress());
            server.bind(new InetSocketAddress(bind, port), 64);
        } catch (IOException e) {
            server.close();
            throw new IOException("cannot listen on sync port " + port + " (" + e.getMessage()
                    + "); another program or node may use it: choose another with --sync-port", e);
        }
        AtomicInteger threads = new AtomicInteger();
        // A little headroom: a finished connection frees its slot a moment before its thread returns.
        this.workers = new ThreadPoolExecutor(0, Math.max(1, config.maxConnections()) + 4, 30, TimeUnit.SECONDS,
                new SynchronousQueue<>(), task -> daemon(task, "moodhaven-sync-" + threads.incrementAndGet()));
        this.watchdog = java.util.concurrent.Executors.newSingleThreadScheduledExecutor(
                task -> daemon(task, "moodhaven-sync-watchdog"));
        long tick = Math.max(10, Math.min(500, Math.min(config.handshakeTimeoutMillis(),
                config.idleTimeoutMillis()) / 10));
        watchdog.scheduleWithFixedDelay(this::enforceTimeouts, tick, tick, TimeUnit.MILLISECONDS);
        watchdog.scheduleWithFixedDelay(remoteLog::flush, 5, 5, TimeUnit.SECONDS);
        this.acceptor = daemon(this::acceptLoop, "moodhaven-sync-accept");
        acceptor.start();
        LOG.info("sync server listening on port {}{}; sync memory budget {}", server.getLocalPort(),
                config.allowLegacyV1() ? " (protocol version 1 allowed for v1-only devices)" : "",
                MemoryBudget.mib(memory.capacity()));
    }

    private static long memoryBudgetBytes(Config config) {
        if (config.memoryBudgetMiB() > 0) {
            return config.memoryBudgetMiB() * 1024L * 1024L;
        }
        return Runtime.getRuntime().maxMemory() / 100 * AUTO_BUDGET_PERCENT;
    }

    private static Thread daemon(Runnable task, String name) {
        Thread thread = new Thread(task, name);
        thread.setDaemon(true);
        return thread;
    }

    @Deactivate
    void deactivate() throws InterruptedException {
        try {
            server.close();
        } catch (IOException e) {
            // closing anyway
        }
        connections.forEach(tracked -> tracked.connection.abort("the node is stopping"));
        watchdog.shutdownNow();
        workers.shutdownNow();
        acceptor.join(5_000);
        workers.awaitTermination(10, TimeUnit.SECONDS);
        remoteLog.flushAll();
        history.close();
    }

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    void setEvents(EventAdmin admin) {
        events.bind(admin);
    }

    void unsetEvents(EventAdmin admin) {
        events.unbind(admin);
    }

    @Override
    public int port() {
        return server.getLocalPort();
    }

    @Override
    public boolean isSyncing(String deviceId) {
        return incoming.containsKey(deviceId) || outgoing.containsKey(deviceId);
    }

    @Override
    public List<SyncRecord> history(Optional<String> deviceId, int limit) {
        return history.recent(deviceId, Math.max(0, limit));
    }

    /**
     * Closes every session with a device the moment it is revoked (or its key changes),
     * and follows where discovery sees trusted devices, for the handshake slots kept for
     * them (from its events: a reference to the directory would be circular, since the
     * directory announces this engine's port).
     */
    @Override
    public void handleEvent(Event event) {
        Object deviceId = event.getProperty(EventTopics.DEVICE_ID);
        if (EventTopics.PEER_DISCOVERED.equals(event.getTopic())) {
            if (deviceId instanceof String id && Boolean.TRUE.equals(event.getProperty(EventTopics.TRUSTED))
                    && event.getProperty(EventTopics.ADDRESS) instanceof String address) {
                knownAddresses.discovered(id, address);
            }
            return;
        }
        if (EventTopics.PEER_LOST.equals(event.getTopic())) {
            if (deviceId instanceof String id) {
                knownAddresses.lost(id);
            }
            return;
        }
        for (Tracked tracked : connections) {
            if (tracked.deviceId != null && tracked.deviceId.equals(deviceId)) {
                LOG.info("closing the session with {}: it was revoked", deviceId);
                tracked.connection.abort(SyncErrors.REVOKED);
            }
        }
    }

    // ------------------------------------------------------------------ client

    @Override
    public SyncResult sync(String deviceId, Optional<SyncAddress> address) {
        Optional<TrustedDevice> trusted = trust.find(deviceId);
        if (trusted.isEmpty()) {
            return SyncResult.failed(SyncErrors.UNKNOWN_DEVICE, "This node does not trust "
                    + DeviceWords.unnamed(deviceId) + ": pair with it first. The trusted devices are listed under "
                    + "Trusted devices (mh:trusted at the console).");
        }
        TrustedDevice device = trusted.get();
        SyncAddress target;
        try {
            target = address.orElseGet(() -> device.lastAddressIfKnown().map(SyncAddress::parse).orElse(null));
        } catch (IllegalArgumentException e) {
            target = null;
        }
        if (target == null) {
            return SyncResult.failed(SyncErrors.NO_ADDRESS, "This node does not know where "
                    + DeviceWords.of(device) + " is: give its address (host and sync port), or pair again.");
        }
        if (isSyncing(deviceId)) {
            return SyncResult.failed(SyncErrors.BUSY, alreadyRunning(device));
        }
        Tracked placeholder = new Tracked(null, Direction.OUTGOING, deviceId);
        if (outgoing.putIfAbsent(deviceId, placeholder) != null) {
            return SyncResult.failed(SyncErrors.BUSY, alreadyRunning(device));
        }
        Instant started = clock.now();
        events.post(EventTopics.SYNC_STARTED, Map.of(EventTopics.DEVICE_ID, deviceId,
                EventTopics.DIRECTION, SyncRecord.OUTGOING));
        Socket socket = new Socket();
        FramedConnection connection = null;
        Tracked tracked = null;
        int protocol = 0;
        try {
            socket.connect(new InetSocketAddress(target.host(), target.port()),
                    (int) Math.min(Integer.MAX_VALUE, config.handshakeTimeoutMillis()));
            connection = open(socket);
            tracked = new Tracked(connection, Direction.OUTGOING, deviceId);
            outgoing.put(deviceId, tracked);
            connections.add(tracked);
            // From here a revocation closes the connection; one that came while connecting is seen below.
            Handshake.Peer peer = Handshake.client(connection, handshakeContext(), device);
            protocol = peer.protocolVersion();
            trustCheck(device).requireTrusted();
            // The device has proved itself at this address: kept now, not only after DONE_ACK, so a
            // session that fails later (a protocol error, a full disk) still leaves where it is.
            recordAddress(deviceId, target);
            SyncSession.Outcome outcome = session(connection, SyncSession.Role.CLIENT, device, tracked);
            return finished(device, Direction.OUTGOING, started, target.toString(), protocol, connection, outcome);
        } catch (SyncFailure | IOException | RuntimeException e) {
            return failed(device, Direction.OUTGOING, started, target.toString(), protocol, connection, e);
        } finally {
            closeQuietly(socket);
            outgoing.remove(deviceId);
            if (tracked != null) {
                connections.remove(tracked);
            }
        }
    }

    private static String alreadyRunning(TrustedDevice device) {
        return "A sync with " + DeviceWords.of(device) + " is already running: try again when it has finished.";
    }

    private void recordAddress(String deviceId, SyncAddress address) {
        try {
            trust.recordAddress(deviceId, address.toString());
        } catch (TrustStoreException | RuntimeException e) {
            LOG.warn("could not record the address of {}: {}", deviceId, e.getMessage());
        }
    }

    // ------------------------------------------------------------------ server

    private void acceptLoop() {
        while (!server.isClosed()) {
            Socket socket;
            try {
                socket = server.accept();
            } catch (IOException e) {
                if (!server.isClosed()) {
                    LOG.warn("the sync server could not accept a connection: {}", e.getMessage());
                }
                continue;
            }
            if (connections.size() >= config.maxConnections()) {
                closeQuietly(socket); // beyond the limits: closed at once
                continue;
            }
            Optional<HandshakeSlots.Slot> slot = handshakes.tryTake(socket.getInetAddress(), knownAddresses::isKnown);
            if (slot.isEmpty()) {
                closeQuietly(socket); // every handshake slot, or every one this address may have, is taken
                continue;
            }
            try {
                FramedConnection connection = open(socket);
                Tracked tracked = new Tracked(connection, Direction.INCOMING, null);
                connections.add(tracked);
                try {
                    workers.execute(() -> serve(tracked, slot.get()));
                } catch (RejectedExecutionException e) {
                    slot.get().release();
                    connections.remove(tracked);
                    connection.close();
                }
            } catch (IOException e) {
                slot.get().release();
                closeQuietly(socket);
            }
        }
    }

    /** Serves one incoming connection; its handshake slot is released once the handshake has ended, however. */
    private void serve(Tracked tracked, HandshakeSlots.Slot handshakeSlot) {
        FramedConnection connection = tracked.connection;
        TrustedDevice device = null;
        Instant started = clock.now();
        int protocol = 0;
        try {
            Optional<Handshake.Peer> peer = Handshake.server(connection, handshakeContext(), incoming::containsKey,
                    deviceId -> claim(deviceId, tracked), deviceId -> unknownDevice(deviceId, connection));
            handshakeSlot.release();
            if (peer.isEmpty()) {
                return;
            }
            device = peer.get().device();
            protocol = peer.get().protocolVersion();
            trustCheck(device).requireTrusted();
            // Not a lastAddress: the source port of an incoming connection is ephemeral, and its source
            // host need not be where the device's server listens (a bind address, another interface, NAT).
            knownAddresses.authenticated(connection.remoteInetAddress());
            events.post(EventTopics.SYNC_STARTED, Map.of(EventTopics.DEVICE_ID, device.deviceId(),
                    EventTopics.DIRECTION, SyncRecord.INCOMING));
            SyncSession.Outcome outcome = session(connection, SyncSession.Role.SERVER, device, tracked);
            finished(device, Direction.INCOMING, started, connection.remoteAddress(), protocol, connection, outcome);
        } catch (SyncFailure | IOException | RuntimeException e) {
            if (device != null) {
                // The slot is free before anyone hears of the failure: a device told of it may retry at once.
                incoming.remove(device.deviceId(), tracked);
                failed(device, Direction.INCOMING, started, connection.remoteAddress(), protocol, connection, e);
            } else {
                LOG.debug("a connection from {} ended during its handshake: {}", connection.remoteAddress(),
                        e.getMessage());
            }
        } finally {
            handshakeSlot.release(); // before the close: a peer that sees the close finds its slot free
            if (tracked.deviceId != null) {
                incoming.remove(tracked.deviceId, tracked);
            }
            connections.remove(tracked);
            connection.close();
        }
    }

    /**
     * Takes a device's session slot once its AUTH has verified. The connection keeps
     * the deviceId from then on, so the slot is released however the connection ends,
     * even if the handshake fails after this (the server's AUTH cannot be written).
     */
    private boolean claim(String deviceId, Tracked tracked) {
        if (incoming.putIfAbsent(deviceId, tracked) != null) {
            return false;
        }
        tracked.deviceId = deviceId;
        return true;
    }

    /**
     * A HELLO from a device this node does not trust: one line and one event a minute
     * per source address, the rest counted; the claimed deviceId is the stranger's to
     * choose, so it is shown, escaped, but never the key of the limit.
     */
    private void unknownDevice(String deviceId, FramedConnection connection) {
        String shown = LogText.escape(deviceId);
        if (remoteLog.log(connection.remoteHost(), REFUSED_HELLO,
                "refused a sync from {} claiming device {}: it is not trusted (further refusals from this address "
                        + "are counted and reported once a minute)", connection.remoteHost(), shown)) {
            events.post(EventTopics.SYNC_UNKNOWN_DEVICE, Map.of(EventTopics.DEVICE_ID, shown));
        }
    }

    /** Whether a device is still trusted, with the key it authenticated with. */
    private SyncSession.TrustCheck trustCheck(TrustedDevice device) {
        return () -> {
            Optional<TrustedDevice> now = trust.find(device.deviceId());
            if (now.isEmpty() || !now.get().publicKey().equals(device.publicKey())) {
                throw new SyncFailure(SyncErrors.REVOKED, DeviceWords.of(device) + " was revoked on this device.");
            }
        };
    }

    // ------------------------------------------------------------------ both

    private SyncSession.Outcome session(FramedConnection connection, SyncSession.Role role, TrustedDevice device,
                                        Tracked tracked) throws SyncFailure, IOException {
        JournalStore current = store;
        if (current == null) {
            throw new SyncFailure(SyncErrors.INTERNAL, "no journal store is available right now");
        }
        SyncSession.Settings settings = new SyncSession.Settings(config.maxManifestItems(),
                Duration.ofHours(Math.max(1, config.fullSyncIntervalHours())));
        String direction = tracked.direction.word;
        SyncSession.Progress progress = new SyncSession.Progress() {
            @Override
            public void phase(String phase, long sent, long received) {
                events.post(EventTopics.SYNC_PROGRESS, Map.of(EventTopics.DEVICE_ID, device.deviceId(),
                        EventTopics.DIRECTION, direction, EventTopics.PHASE, phase, EventTopics.SENT, sent,
                        EventTopics.RECEIVED, received));
            }

            @Override
            public void completing() {
                incoming.remove(device.deviceId(), tracked);
            }
        };
        try (MemoryBudget.Lease lease = memory.open()) {
            SyncSession session = new SyncSession(connection, role, device.deviceId(), current, settings,
                    clock.now(), progress, lease, trustCheck(device));
            return session.run();
        } catch (ProtocolViolation violation) {
            tellPeer(connection, SyncErrors.PROTOCOL_ERROR, violation.getMessage());
            throw violation;
        } catch (PeerReportedError peerError) {
            throw peerError; // the peer is closing already
        } catch (SyncFailure failure) {
            if (failure.reason().equals(SyncErrors.INTERNAL)) {
                tellPeer(connection, SyncErrors.INTERNAL, "the node could not complete the sync");
            }
            throw failure;
        }
    }

    /** ERROR, encrypted, after the handshake; best effort, since the connection closes next. */
    private static void tellPeer(FramedConnection connection, String code, String message) {
        try {
            connection.writeSealed(Messages.error(code, message));
            connection.flush();
        } catch (IOException | RuntimeException e) {
            // the connection is going anyway
        }
    }

    private SyncResult finished(TrustedDevice device, Direction direction, Instant started, String address,
                                int protocol, FramedConnection connection, SyncSession.Outcome outcome) {
        SyncResult result = new SyncResult(true, outcome.sent(), outcome.received(), outcome.rejected(),
                connection.bytesOut(), connection.bytesIn(), null, null);
        history.add(new SyncRecord(device.deviceId(), device.deviceName(), direction.word, started, clock.now(),
                address, protocol, result));
        String line = "{} sync with {} ({}) complete: sent {}, received {}, rejected {}; {} bytes out, {} in";
        Object[] args = {direction.word, device.deviceId(), address, outcome.sent(), outcome.received(),
            outcome.rejected(), result.bytesSent(), result.bytesReceived()};
        if (direction == Direction.INCOMING) {
            remoteLog.log(connection.remoteHost(), COMPLETED_INCOMING, line, args);
        } else {
            LOG.info(line, args);
        }
        Map<String, Object> properties = new HashMap<>();
        properties.put(EventTopics.DEVICE_ID, device.deviceId());
        properties.put(EventTopics.DIRECTION, direction.word);
        properties.put(EventTopics.SENT, outcome.sent());
        properties.put(EventTopics.RECEIVED, outcome.received());
        properties.put(EventTopics.REJECTED, outcome.rejected());
        properties.put(EventTopics.BYTES_SENT, result.bytesSent());
        properties.put(EventTopics.BYTES_RECEIVED, result.bytesReceived());
        events.post(EventTopics.SYNC_COMPLETED, properties);
        return result;
    }

    private SyncResult failed(TrustedDevice device, Direction direction, Instant started, String address,
                              int protocol, FramedConnection connection, Exception error) {
        String reason;
        String message;
        String aborted = connection == null ? null : connection.abortReason();
        String who = DeviceWords.of(device);
        if (aborted != null) {
            reason = aborted.equals(SyncErrors.REVOKED) ? SyncErrors.REVOKED : SyncErrors.TIMEOUT;
            message = aborted.equals(SyncErrors.REVOKED) ? who + " was revoked during the sync."
                    : "The sync with " + who + " was stopped: " + aborted + ".";
        } else if (error instanceof SyncFailure failure) {
            reason = failure.reason();
            message = failure.getMessage();
        } else if (error instanceof IOException io) {
            // The socket's read timeout is the idle limit: it often fires just before the watchdog would.
            reason = error instanceof SocketTimeoutException ? SyncErrors.TIMEOUT : SyncErrors.CONNECTION;
            message = connectionLost(who, address, ConnectionProblem.of(io), connection != null);
            LOG.debug("sync with {} at {}: {}", device.deviceId(), address, io.toString());
        } else {
            reason = SyncErrors.INTERNAL;
            message = "Something went wrong on this node during the sync with " + who + ". Try again; the node's "
                    + "log says more.";
            LOG.error("sync with {} failed unexpectedly", device.deviceId(), error);
        }
        SyncResult result = new SyncResult(false, 0, 0, 0, connection == null ? 0 : connection.bytesOut(),
                connection == null ? 0 : connection.bytesIn(), reason, message);
        history.add(new SyncRecord(device.deviceId(), device.deviceName(), direction.word, started, clock.now(),
                address, protocol, result));
        String line = "{} sync with {} ({}) failed: {}: {}";
        Object[] args = {direction.word, device.deviceId(), address, reason, message};
        if (direction == Direction.INCOMING && connection != null) {
            remoteLog.log(connection.remoteHost(), FAILED_INCOMING, line, args);
        } else {
            LOG.warn(line, args);
        }
        events.post(EventTopics.SYNC_FAILED, Map.of(EventTopics.DEVICE_ID, device.deviceId(),
                EventTopics.DIRECTION, direction.word, EventTopics.REASON, reason, EventTopics.MESSAGE, message));
        return result;
    }

    /**
     * A connection that could not be made ({@code connected} false) or broke during the
     * sync, said in words with what to check.
     */
    static String connectionLost(String who, String address, ConnectionProblem problem, boolean connected) {
        if (connected) {
            return problem == ConnectionProblem.TIMED_OUT
                    ? who + " (" + address + ") stopped answering during the sync. Try again."
                    : "The connection to " + who + " (" + address + ") broke off during the sync. Try again.";
        }
        String advice = switch (problem) {
            case REFUSED -> "Check that MoodHaven is running there and that this is its sync port.";
            case TIMED_OUT -> "Check that it is on and on the same network as this device.";
            case UNKNOWN_HOST -> "Give its address (host and sync port), or pair again.";
            case NO_ROUTE -> "Check that both devices are on the same network.";
            default -> "Check that it is running and on the same network as this device.";
        };
        return problem.cannotReach(who, address) + " " + advice;
    }

    private FramedConnection open(Socket socket) throws IOException {
        socket.setTcpNoDelay(true);
        socket.setSoTimeout((int) Math.min(Integer.MAX_VALUE, config.idleTimeoutMillis()));
        return new FramedConnection(socket);
    }

    private Handshake.Context handshakeContext() {
        return new Handshake.Context(identity, trust, crypto, config.allowLegacyV1());
    }

    /** Closes connections past a time limit; their threads then fail and report why. */
    private void enforceTimeouts() {
        long now = System.nanoTime();
        for (Tracked tracked : connections) {
            FramedConnection connection = tracked.connection;
            long age = TimeUnit.NANOSECONDS.toMillis(now - connection.openedNanos());
            long idle = TimeUnit.NANOSECONDS.toMillis(now - connection.lastActivityNanos());
            if (!connection.handshakeComplete() && age > config.handshakeTimeoutMillis()) {
                connection.abort("the handshake did not finish within " + seconds(config.handshakeTimeoutMillis()));
            } else if (idle > config.idleTimeoutMillis()) {
                connection.abort("nothing moved for " + seconds(config.idleTimeoutMillis()));
            } else if (age > config.sessionTimeoutMillis()) {
                connection.abort("it did not finish within " + seconds(config.sessionTimeoutMillis()));
            }
        }
    }

    /** A time limit in words: "30 seconds", "2 minutes". */
    static String seconds(long millis) {
        long seconds = Math.max(1, (millis + 999) / 1000);
        return seconds % 60 == 0 && seconds >= 120 ? seconds / 60 + " minutes"
                : seconds + (seconds == 1 ? " second" : " seconds");
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException e) {
            // closing anyway
        }
    }

    /** Which side started a session. */
    private enum Direction {
        OUTGOING(SyncRecord.OUTGOING), INCOMING(SyncRecord.INCOMING);

        private final String word;

        Direction(String word) {
            this.word = word;
        }
    }

    /** A live connection the watchdog and revocations can reach. */
    private static final class Tracked {
        private final FramedConnection connection;
        private final Direction direction;
        private volatile String deviceId;

        Tracked(FramedConnection connection, Direction direction, String deviceId) {
            this.connection = connection;
            this.direction = direction;
            this.deviceId = deviceId;
        }
    }

    /** For tests: the collaborators a running node injects. */
    void bind(JournalStore newStore, CryptoProvider newCrypto, NodeClock newClock) {
        this.store = newStore;
        this.crypto = newCrypto;
        this.clock = newClock;
    }

    /** @return the number of live connections, for tests */
    int connectionCount() {
        return connections.size();
    }

    /** @return the number of connections in their handshake, for tests */
    int handshakeCount() {
        return handshakes.taken();
    }

    /** @return the bytes the sessions hold of the memory budget now, for tests */
    long memoryReserved() {
        return memory.reserved();
    }

    /** @return the number of source addresses with a connection in its handshake, for tests */
    int handshakeAddressCount() {
        return handshakes.addresses();
    }
}
