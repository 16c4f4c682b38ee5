package org.moodhaven.discovery.mdns.internal;

import java.io.IOException;
import java.net.InetAddress;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.moodhaven.api.discovery.Peer;
import org.moodhaven.api.discovery.PeerDirectory;
import org.moodhaven.api.discovery.PeerDirectoryException;
import org.moodhaven.api.event.EventTopics;
import org.moodhaven.api.identity.DeviceIdentity;
import org.moodhaven.api.identity.TrustStore;
import org.moodhaven.api.identity.TrustedDevice;
import org.moodhaven.api.node.NodeClock;
import org.moodhaven.api.node.NodeSettings;
import org.moodhaven.api.sync.SyncService;
import org.moodhaven.common.events.EventPoster;
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
 * Discovery over mDNS / DNS-SD with jmdns (PROTOCOL.md section 4): announces this
 * node as {@value MdnsLink#SERVICE_TYPE} on the bound sync port, with its deviceId,
 * its name (unless configured off), the sync protocol versions it accepts and, while
 * a pairing session is open, {@code pair=<port>}; browses for the other nodes, and
 * keeps the peers a person added by address in {@code peers.json}.
 * <p>
 * Announcements are hostile input: a malformed one is ignored whole, this node's own
 * is ignored, and a peer is marked trusted only because its deviceId is in the trust
 * list. One JmDNS instance runs per local address; the set of addresses is checked
 * again periodically, so a network that comes up later is used. All mDNS work runs
 * on one thread of its own; activation never waits for the network.
 */
@Component(service = {PeerDirectory.class, EventHandler.class}, immediate = true,
        configurationPid = JmdnsPeerDirectory.PID,
        property = {
            EventConstants.EVENT_TOPIC + "=" + EventTopics.PAIRING_STARTED,
            EventConstants.EVENT_TOPIC + "=" + EventTopics.PAIRING_ENDED,
            EventConstants.EVENT_TOPIC + "=" + EventTopics.TRUST_CHANGED,
            EventConstants.EVENT_TOPIC + "=" + EventTopics.TRUST_REVOKED
        })
@Designate(ocd = JmdnsPeerDirectory.Config.class)
public final class JmdnsPeerDirectory implements PeerDirectory, EventHandler {

    /** The configuration pid. */
    public static final String PID = "moodhaven.discovery.mdns";

    private static final Logger LOG = LoggerFactory.getLogger(JmdnsPeerDirectory.class);

    @ObjectClassDefinition(name = "MoodHaven discovery (mDNS)",
            description = "Announcing this node on the LAN and finding the others (PROTOCOL.md 4)")
    @interface Config {
        @AttributeDefinition(name = "Use mDNS",
                description = "Announce this node and browse for others by multicast DNS; when off "
                        + "(--no-mdns) only peers added by address are known")
        boolean mdnsEnabled() default true;

        @AttributeDefinition(name = "Announce the device name",
                description = "Put device_name in the announcement; anyone on the LAN can read it")
        boolean announceName() default true;

        @AttributeDefinition(name = "Announce protocol version 1",
                description = "Announce proto=1,2 rather than 2; set from --allow-legacy-v1, like the "
                        + "sync engine's allowLegacyV1")
        boolean allowLegacyV1() default false;

        @AttributeDefinition(name = "Addresses or interfaces",
                description = "Local IP addresses or interface names to use; empty for every IPv4 "
                        + "address of every interface that is up and not loopback")
        String[] interfaces() default {};

        @AttributeDefinition(name = "Network check interval (s)",
                description = "How often the local addresses are checked again, so that a network that "
                        + "comes up or goes away is followed")
        int rescanSeconds() default 30;

        @AttributeDefinition(name = "Most announcements",
                description = "Announcements kept at once; more are ignored, so a flood cannot fill memory")
        int maxAnnouncements() default 256;
    }

    private static final String MDNS_KEY = "mdns ";
    private static final String MANUAL_KEY = "manual ";

    private final Config config;
    private final String ownId;
    private final String ownName;
    private final TrustStore trust;
    private final NodeClock clock;
    private final int syncPort;
    private final EventPoster events = new EventPoster();
    /** Every jmdns call of ours (open, announce, text updates, close) runs here, one at a time. */
    private final ScheduledExecutorService network;

    /** Guarded by {@code this}. */
    private final ManualPeerFile manual;
    /** Guarded by {@code this}: what each link last saw of each service. */
    private final Map<SightingKey, Sighting> sightings = new HashMap<>();
    /** Guarded by {@code this}: what the last events said, to post only changes. */
    private final Map<String, Peer> published = new HashMap<>();
    /** Only on the network thread (and in deactivate, after it stopped). */
    private final Map<InetAddress, MdnsLink> links = new LinkedHashMap<>();
    /** Only on the network thread: problems already logged, so a periodic check does not repeat them. */
    private final Set<String> reported = new HashSet<>();
    private volatile Integer pairingPort;
    private volatile boolean closed;

    private record SightingKey(MdnsLink link, String service) {
    }

    private record Sighting(Announcement announcement, String host, int port, Instant seen) {
    }

    /**
     * Reads the peers added by address and starts mDNS in the background.
     *
     * @param config   the configuration
     * @param identity this device: what is announced, and never a peer of itself
     * @param trust    the trusted devices, to mark peers
     * @param sync     the sync server, whose bound port is announced
     * @param settings the data folder, for {@code peers.json}
     * @param clock    the node's clock, for when a peer was seen
     */
    @Activate
    public JmdnsPeerDirectory(Config config, @Reference(name = "identity") DeviceIdentity identity,
                              @Reference(name = "trust") TrustStore trust,
                              @Reference(name = "sync") SyncService sync,
                              @Reference(name = "settings") NodeSettings settings,
                              @Reference(name = "clock", policyOption = ReferencePolicyOption.GREEDY) NodeClock clock) {
        this.config = config;
        this.ownId = identity.deviceId();
        this.ownName = identity.deviceName();
        this.trust = trust;
        this.clock = clock;
        this.syncPort = sync.port();
        this.manual = new ManualPeerFile(settings.dataFolder().resolve(ManualPeerFile.FILE_NAME), ownId);
        manual.problems().forEach(problem -> LOG.warn("peers added by address: {}", problem));
        this.network = Executors.newSingleThreadScheduledExecutor(task -> {
            Thread thread = new Thread(task, "moodhaven-mdns");
            thread.setDaemon(true);
            return thread;
        });
        if (config.mdnsEnabled()) {
            network.scheduleWithFixedDelay(this::followNetwork, 0, Math.max(1, config.rescanSeconds()),
                    TimeUnit.SECONDS);
        } else {
            LOG.info("mDNS is off: this node does not announce itself, and knows peers only by address");
        }
    }

    /**
     * Announces and lists the peers added by address (after Event Admin is bound, so
     * consumers hear about them).
     *
     * @param admin Event Admin
     */
    @Reference(name = "events", cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    public void setEvents(EventAdmin admin) {
        events.bind(admin);
        synchronized (this) {
            republishManual();
        }
    }

    /**
     * @param admin Event Admin going away
     */
    public void unsetEvents(EventAdmin admin) {
        events.unbind(admin);
    }

    /**
     * Withdraws the announcements (the other nodes see this one go) and stops mDNS.
     *
     * @throws InterruptedException if interrupted while waiting for jmdns
     */
    @Deactivate
    public void deactivate() throws InterruptedException {
        closed = true;
        network.shutdownNow();
        if (!network.awaitTermination(10, TimeUnit.SECONDS)) {
            LOG.warn("mDNS work did not stop within 10 s");
        }
        // Each close sends goodbyes and waits a little for them: in parallel, so many links stop quickly.
        List<Thread> closing = new ArrayList<>();
        for (MdnsLink link : links.values()) {
            Thread thread = new Thread(link::close, "moodhaven-mdns-close");
            thread.setDaemon(true);
            thread.start();
            closing.add(thread);
        }
        for (Thread thread : closing) {
            thread.join(10_000);
        }
        links.clear();
    }

    // ------------------------------------------------------------------ PeerDirectory

    @Override
    public synchronized List<Peer> peers() {
        List<Peer> peers = new ArrayList<>();
        announcedIds().forEach(id -> announced(id).ifPresent(peers::add));
        peers.sort(Comparator.comparing((Peer p) -> p.deviceName() == null ? "" : p.deviceName())
                .thenComparing(Peer::deviceId));
        for (ManualPeerFile.Entry entry : manual.entries()) {
            peers.add(toPeer(entry));
        }
        return peers;
    }

    @Override
    public synchronized Optional<Peer> find(String deviceId) {
        if (deviceId == null) {
            return Optional.empty();
        }
        Optional<Peer> announced = announced(deviceId);
        if (announced.isPresent()) {
            return announced;
        }
        return manual.entries().stream().filter(e -> deviceId.equals(e.deviceId())).findFirst().map(this::toPeer);
    }

    @Override
    public Peer addManual(String host, int port, Optional<String> deviceId) throws PeerDirectoryException {
        Objects.requireNonNull(deviceId, "deviceId");
        String id = deviceId.orElse(null);
        Optional<String> problem = ManualPeerFile.problem(host, port, id, ownId);
        if (problem.isPresent()) {
            // "Cannot add this peer: " is what the web page takes off before it says "Not added: ".
            throw new IllegalArgumentException("Cannot add this peer: " + problem.get() + ".");
        }
        ManualPeerFile.Entry entry = new ManualPeerFile.Entry(host, port, id, clock.now());
        synchronized (this) {
            try {
                manual.put(entry);
            } catch (IOException e) {
                throw new PeerDirectoryException("could not save the peer: " + e.getMessage(), e);
            }
            Peer peer = toPeer(entry);
            publish(MANUAL_KEY + entry.key(), peer);
            LOG.info("peer added by address: {}{}", peer.address(), id == null ? "" : " (" + id + ")");
            return peer;
        }
    }

    @Override
    public boolean removeManual(String host, int port) throws PeerDirectoryException {
        if (host == null) {
            return false;
        }
        synchronized (this) {
            try {
                if (!manual.remove(host, port)) {
                    return false;
                }
            } catch (IOException e) {
                throw new PeerDirectoryException("could not save the peers: " + e.getMessage(), e);
            }
            publish(MANUAL_KEY + ManualPeerFile.Entry.key(host, port), null);
            return true;
        }
    }

    @Override
    public boolean multicastEnabled() {
        return config.mdnsEnabled();
    }

    // ------------------------------------------------------------------ events in

    /** Pairing opens and closes {@code pair=}; trust changes re-mark the peers. */
    @Override
    public void handleEvent(Event event) {
        try {
            switch (event.getTopic()) {
                case EventTopics.PAIRING_STARTED -> {
                    Integer port = port(event.getProperty(EventTopics.PAIRING_PORT));
                    if (port == null) {
                        LOG.warn("pairing started without a valid pairing port; not announced");
                        return;
                    }
                    pairingPort = port;
                    refreshAnnouncements();
                }
                case EventTopics.PAIRING_ENDED -> {
                    pairingPort = null;
                    refreshAnnouncements();
                }
                default -> {
                    synchronized (this) {
                        announcedIds().forEach(this::republishAnnounced);
                        republishManual();
                    }
                }
            }
        } catch (RuntimeException e) {
            LOG.warn("discovery could not handle {}", event.getTopic(), e);
        }
    }

    private static Integer port(Object value) {
        long port;
        if (value instanceof Integer || value instanceof Long || value instanceof Short) {
            port = ((Number) value).longValue();
        } else if (value instanceof String text && text.length() <= 5 && !text.isEmpty()
                && text.chars().allMatch(c -> c >= '0' && c <= '9')) {
            port = Long.parseLong(text);
        } else {
            return null;
        }
        return port >= 1 && port <= 65535 ? (int) port : null;
    }

    // ------------------------------------------------------------------ what this node announces

    /** The TXT record as it should be now. */
    Map<String, String> ownText() {
        List<Integer> protocols = config.allowLegacyV1() ? List.of(1, 2) : List.of(2);
        return new Announcement(ownId, config.announceName() ? ownName : null, protocols, pairingPort).toText();
    }

    private void refreshAnnouncements() {
        if (!config.mdnsEnabled() || closed) {
            return;
        }
        try {
            network.execute(() -> {
                Map<String, String> text = ownText();
                for (MdnsLink link : links.values()) {
                    try {
                        link.updateText(text);
                    } catch (RuntimeException e) {
                        LOG.warn("mDNS: cannot update the announcement on {}", link.address().getHostAddress(), e);
                    }
                }
            });
        } catch (java.util.concurrent.RejectedExecutionException e) {
            // stopping
        }
    }

    /** Opens mDNS on new local addresses and closes it on those that went away. */
    private void followNetwork() {
        try {
            Set<InetAddress> wanted = NetworkAddresses.select(config.interfaces(), problem -> {
                if (reported.add(problem)) {
                    LOG.warn("mDNS: {}", problem);
                }
            });
            for (InetAddress gone : new ArrayList<>(links.keySet())) {
                if (!wanted.contains(gone)) {
                    MdnsLink link = links.remove(gone);
                    link.close();
                    forget(link);
                    LOG.info("mDNS stopped on {}", gone.getHostAddress());
                }
            }
            for (InetAddress address : wanted) {
                if (closed || Thread.currentThread().isInterrupted()) {
                    return;
                }
                if (!links.containsKey(address)) {
                    open(address);
                }
            }
        } catch (RuntimeException e) {
            LOG.warn("mDNS: checking the network failed", e);
        }
    }

    private void open(InetAddress address) {
        String instance = "moodhaven-" + ownId;
        MdnsLink link = null;
        try {
            // Our own host name would tell the LAN who owns the machine; the deviceId is announced anyway.
            link = MdnsLink.open(address, instance, sightings());
            link.announce(instance, syncPort, ownText());
            links.put(address, link);
            reported.remove("open " + address);
            LOG.info("mDNS: announcing this node on {} (sync port {})", address.getHostAddress(), syncPort);
        } catch (IOException | RuntimeException e) {
            if (link != null) {
                link.close();
                forget(link);
            }
            if (reported.add("open " + address)) {
                LOG.warn("mDNS: cannot use {}: {}", address.getHostAddress(), e.toString());
            }
        }
    }

    // ------------------------------------------------------------------ what the links see

    private MdnsLink.Sightings sightings() {
        return new MdnsLink.Sightings() {
            @Override
            public void seen(MdnsLink link, String service, byte[] txt, int port, InetAddress address) {
                JmdnsPeerDirectory.this.seen(link, service, txt, port, address);
            }

            @Override
            public void gone(MdnsLink link, String service) {
                JmdnsPeerDirectory.this.gone(link, service);
            }
        };
    }

    synchronized void seen(MdnsLink link, String service, byte[] txt, int port, InetAddress address) {
        if (closed) {
            return;
        }
        if (txt == null || txt.length == 0 || (txt.length == 1 && txt[0] == 0)) {
            return; // jmdns reports a service before its TXT record has arrived: wait for it
        }
        SightingKey key = new SightingKey(link, service);
        Announcement announcement;
        try {
            announcement = Announcement.parse(txt);
            if (port < 1 || port > 65535) {
                throw new Announcement.Malformed("port " + port);
            }
            if (address == null) {
                return; // not resolved yet: another call follows when the address arrives
            }
        } catch (Announcement.Malformed e) {
            LOG.debug("mDNS: ignoring a malformed announcement: {}", e.getMessage());
            gone(link, service);
            return;
        }
        if (announcement.deviceId().equals(ownId)) {
            return;
        }
        if (!sightings.containsKey(key) && sightings.size() >= config.maxAnnouncements()) {
            LOG.debug("mDNS: ignoring an announcement beyond the {} kept", config.maxAnnouncements());
            return;
        }
        Sighting previous = sightings.put(key,
                new Sighting(announcement, address.getHostAddress(), port, clock.now()));
        if (previous != null && !previous.announcement().deviceId().equals(announcement.deviceId())) {
            republishAnnounced(previous.announcement().deviceId());
        }
        republishAnnounced(announcement.deviceId());
    }

    synchronized void gone(MdnsLink link, String service) {
        Sighting previous = sightings.remove(new SightingKey(link, service));
        if (previous != null) {
            republishAnnounced(previous.announcement().deviceId());
        }
    }

    private synchronized void forget(MdnsLink link) {
        Set<String> ids = new HashSet<>();
        sightings.entrySet().removeIf(entry -> {
            if (entry.getKey().link() == link) {
                ids.add(entry.getValue().announcement().deviceId());
                return true;
            }
            return false;
        });
        ids.forEach(this::republishAnnounced);
    }

    // ------------------------------------------------------------------ peers and events out

    private Set<String> announcedIds() {
        Set<String> ids = new HashSet<>();
        sightings.values().forEach(s -> ids.add(s.announcement().deviceId()));
        published.keySet().stream().filter(k -> k.startsWith(MDNS_KEY))
                .forEach(k -> ids.add(k.substring(MDNS_KEY.length())));
        return ids;
    }

    /** The newest sighting of a device, on any link. */
    private Optional<Peer> announced(String deviceId) {
        return sightings.values().stream()
                .filter(s -> s.announcement().deviceId().equals(deviceId))
                .max(Comparator.comparing(Sighting::seen))
                .map(s -> new Peer(deviceId, s.announcement().deviceName(), s.host(), s.port(),
                        s.announcement().protocols(), s.announcement().pairingPort(), Peer.Source.MDNS,
                        trust.find(deviceId).isPresent(), s.seen()));
    }

    private void republishAnnounced(String deviceId) {
        publish(MDNS_KEY + deviceId, announced(deviceId).orElse(null));
    }

    private void republishManual() {
        for (ManualPeerFile.Entry entry : manual.entries()) {
            publish(MANUAL_KEY + entry.key(), toPeer(entry));
        }
    }

    private Peer toPeer(ManualPeerFile.Entry entry) {
        Optional<TrustedDevice> trusted = entry.deviceId() == null ? Optional.empty() : trust.find(entry.deviceId());
        return new Peer(entry.deviceId(), trusted.map(TrustedDevice::deviceName).orElse(null), entry.host(),
                entry.port(), List.of(), null, Peer.Source.MANUAL, trusted.isPresent(), entry.addedAt());
    }

    /** Posts DISCOVERED when a peer appears or what is known of it changes, LOST when it goes. */
    private void publish(String key, Peer peer) {
        Peer before = peer == null ? published.remove(key) : published.put(key, peer);
        if (peer == null) {
            if (before != null) {
                events.post(EventTopics.PEER_LOST, properties(before, false));
            }
        } else if (before == null || !sameButTime(before, peer)) {
            events.post(EventTopics.PEER_DISCOVERED, properties(peer, true));
        }
    }

    private static boolean sameButTime(Peer a, Peer b) {
        return a.equals(new Peer(b.deviceId(), b.deviceName(), b.host(), b.port(), b.protocols(), b.pairingPort(),
                b.source(), b.trusted(), a.lastSeen()));
    }

    private static Map<String, Object> properties(Peer peer, boolean discovered) {
        Map<String, Object> properties = new HashMap<>();
        if (peer.deviceId() != null) {
            properties.put(EventTopics.DEVICE_ID, peer.deviceId());
        }
        properties.put(EventTopics.ADDRESS, peer.address().toString());
        properties.put(EventTopics.TRUSTED, peer.trusted());
        if (discovered && peer.deviceName() != null) {
            properties.put(EventTopics.DEVICE_NAME, peer.deviceName());
        }
        if (discovered && peer.pairingPort() != null) {
            properties.put(EventTopics.PAIRING_PORT, peer.pairingPort());
        }
        return properties;
    }
}
