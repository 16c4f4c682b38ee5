package org.moodhaven.sync.internal;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

import org.moodhaven.api.discovery.Peer;
import org.moodhaven.api.discovery.PeerDirectory;
import org.moodhaven.api.event.EventTopics;
import org.moodhaven.api.identity.TrustStore;
import org.moodhaven.api.identity.TrustedDevice;
import org.moodhaven.api.node.NodeClock;
import org.moodhaven.api.sync.SyncAddress;
import org.moodhaven.api.sync.SyncErrors;
import org.moodhaven.api.sync.SyncRecord;
import org.moodhaven.api.sync.SyncResult;
import org.moodhaven.api.sync.SyncService;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.event.Event;
import org.osgi.service.event.EventConstants;
import org.osgi.service.event.EventHandler;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts syncs by itself (PROTOCOL.md section 8): when discovery reports a trusted
 * device and the last sync with it is at least {@code discoveryGap} old; every
 * {@code interval} with each trusted device whose address is known (discovered, added
 * by hand, or its {@code lastAddress}); and a few seconds after a local change
 * (debounced), with each of those. Never while a session with that device runs in
 * either direction. The first sync after pairing is the pairing service's.
 * <p>
 * Entries that a sync brought from one device are a change here too, for every other
 * trusted device: they are passed on after the same delay, to all but the device they
 * came from (which holds them already), so an entry written on A reaches C through B
 * in seconds when A and C are not paired. A device due after a change that is busy
 * syncing at that moment is tried again after another delay, since the running
 * session may have read this node's manifest before the change.
 * <p>
 * Syncs run one at a time on one thread: a node has few devices, and a slow or
 * unreachable one only delays the others by its timeouts.
 */
@Component(service = EventHandler.class, immediate = true, configurationPid = AutoSync.PID, property = {
        EventConstants.EVENT_TOPIC + "=" + EventTopics.PEER_DISCOVERED,
        EventConstants.EVENT_TOPIC + "=" + EventTopics.ENTRIES_CHANGED_LOCALLY,
        EventConstants.EVENT_TOPIC + "=" + EventTopics.SYNC_COMPLETED})
@Designate(ocd = AutoSync.Config.class)
public final class AutoSync implements EventHandler {

    /** The configuration pid. */
    public static final String PID = "moodhaven.sync.auto";

    private static final Logger LOG = LoggerFactory.getLogger(AutoSync.class);

    @ObjectClassDefinition(name = "MoodHaven automatic sync", description = "When a node syncs by itself "
            + "(PROTOCOL.md 8)")
    @interface Config {
        @AttributeDefinition(name = "Enabled", description = "Sync by itself; off leaves only syncs on demand")
        boolean enabled() default true;

        @AttributeDefinition(name = "Interval (ms)",
                description = "How often to sync with every trusted device whose address is known")
        long intervalMillis() default 5 * 60_000;

        @AttributeDefinition(name = "After a change (ms)",
                description = "How long after a local change, or a sync that brought entries, to sync with the "
                        + "other trusted devices; changes meanwhile wait together and do not start the delay again")
        long afterChangeMillis() default 3_000;

        @AttributeDefinition(name = "Discovery gap (ms)",
                description = "A trusted device that is discovered is synced with if the last sync with it is "
                        + "at least this old")
        long discoveryGapMillis() default 30_000;
    }

    private final Config config;
    private final SyncService sync;
    private final TrustStore trust;
    private final ScheduledExecutorService scheduler;
    /** When this component last started a sync with a device: a discovery burst starts one. */
    private final Map<String, Instant> started = new ConcurrentHashMap<>();
    /** The devices to sync with when {@link #afterChange} fires. Guarded by {@code this}. */
    private final Set<String> dueAfterChange = new LinkedHashSet<>();
    private ScheduledFuture<?> afterChange;

    @Reference(policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY)
    private volatile NodeClock clock;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private volatile PeerDirectory directory;

    /**
     * @param config the configuration
     * @param sync   the sync service
     * @param trust  the trusted devices
     */
    @Activate
    public AutoSync(Config config, @Reference SyncService sync, @Reference TrustStore trust) {
        this.config = config;
        this.sync = sync;
        this.trust = trust;
        this.scheduler = Executors.newSingleThreadScheduledExecutor(task -> {
            Thread thread = new Thread(task, "moodhaven-autosync");
            thread.setDaemon(true);
            return thread;
        });
        if (config.enabled() && config.intervalMillis() > 0) {
            scheduler.scheduleWithFixedDelay(this::syncAllReachable, config.intervalMillis(),
                    config.intervalMillis(), TimeUnit.MILLISECONDS);
        }
    }

    /** Sets the dynamic references, as SCR does (for tests). */
    void bind(NodeClock clock, PeerDirectory directory) {
        this.clock = clock;
        this.directory = directory;
    }

    @Deactivate
    void deactivate() {
        scheduler.shutdownNow();
    }

    @Override
    public void handleEvent(Event event) {
        if (!config.enabled()) {
            return;
        }
        try {
            if (EventTopics.PEER_DISCOVERED.equals(event.getTopic())) {
                Object deviceId = event.getProperty(EventTopics.DEVICE_ID);
                if (deviceId instanceof String id && Boolean.TRUE.equals(event.getProperty(EventTopics.TRUSTED))) {
                    scheduler.execute(() -> syncIfDue(id));
                }
            } else if (EventTopics.ENTRIES_CHANGED_LOCALLY.equals(event.getTopic())) {
                scheduleAfterChange(trustedDeviceIds(Optional.empty()));
            } else if (EventTopics.SYNC_COMPLETED.equals(event.getTopic())
                    && event.getProperty(EventTopics.RECEIVED) instanceof Number received && received.longValue() > 0
                    && event.getProperty(EventTopics.DEVICE_ID) instanceof String sender) {
                scheduleAfterChange(trustedDeviceIds(Optional.of(sender)));
            }
        } catch (RejectedExecutionException stopping) {
            // deactivated meanwhile
        }
    }

    /** Every trusted device but the one the change came from. */
    private Set<String> trustedDeviceIds(Optional<String> except) {
        Set<String> ids = new LinkedHashSet<>();
        for (TrustedDevice device : trust.list()) {
            if (except.isEmpty() || !except.get().equals(device.deviceId())) {
                ids.add(device.deviceId());
            }
        }
        return ids;
    }

    /**
     * Syncs the delay after the first change not yet synced: the devices of every change
     * in the meantime are synced with together. The delay is not started again by later
     * changes, or a device written to more often than the delay would never sync (a
     * writer at an entry a second kept every device waiting for the 5-minute round).
     */
    private synchronized void scheduleAfterChange(Set<String> deviceIds) {
        if (deviceIds.isEmpty()) {
            return;
        }
        dueAfterChange.addAll(deviceIds);
        if (afterChange == null) {
            afterChange = scheduler.schedule(this::syncDueAfterChange, config.afterChangeMillis(),
                    TimeUnit.MILLISECONDS);
        }
    }

    private void syncDueAfterChange() {
        Set<String> due;
        synchronized (this) {
            due = new LinkedHashSet<>(dueAfterChange);
            dueAfterChange.clear();
            afterChange = null; // a change from now on starts the next delay
        }
        Set<String> busy = new LinkedHashSet<>();
        for (String deviceId : due) {
            Optional<SyncAddress> address = trust.find(deviceId).flatMap(this::address);
            if (address.isPresent() && !syncWith(deviceId, address.get(), "after a change")) {
                busy.add(deviceId);
            }
        }
        scheduleAfterChange(busy);
    }

    /** A trusted device was discovered: sync unless a sync with it is recent or running. */
    private void syncIfDue(String deviceId) {
        Optional<TrustedDevice> device = trust.find(deviceId);
        if (device.isEmpty()) {
            return;
        }
        Instant now = clock.now();
        Optional<Instant> last = lastSync(deviceId);
        if (last.isPresent() && Duration.between(last.get(), now).toMillis() < config.discoveryGapMillis()) {
            return;
        }
        address(device.get()).ifPresent(address -> syncWith(deviceId, address, "discovered"));
    }

    /** Syncs with every trusted device whose address is known. */
    private void syncAllReachable() {
        for (TrustedDevice device : trust.list()) {
            address(device).ifPresent(address -> syncWith(device.deviceId(), address, "scheduled"));
        }
    }

    /**
     * Syncs with a device unless a session with it is running.
     *
     * @return false if it was not synced with because a session with it was running
     */
    private boolean syncWith(String deviceId, SyncAddress address, String why) {
        if (sync.isSyncing(deviceId)) {
            return false;
        }
        started.put(deviceId, clock.now());
        try {
            SyncResult result = sync.sync(deviceId, Optional.of(address));
            if (SyncErrors.BUSY.equals(result.error())) {
                return false;
            }
            if (result.ok()) {
                LOG.debug("Automatic sync ({}) with {}: sent {}, received {}", why, deviceId, result.sent(),
                        result.received());
            } else {
                LOG.info("Automatic sync ({}) with {} at {} failed: {}", why, deviceId, address, result.message());
            }
        } catch (RuntimeException e) {
            LOG.warn("Automatic sync with {} failed: {}", deviceId, e.toString());
        }
        return true;
    }

    /** The device's address: where discovery last saw it, else the last address a sync with it used. */
    private Optional<SyncAddress> address(TrustedDevice device) {
        PeerDirectory peers = directory;
        Optional<SyncAddress> discovered = peers == null ? Optional.empty()
                : peers.find(device.deviceId()).map(Peer::address);
        if (discovered.isPresent()) {
            return discovered;
        }
        return device.lastAddressIfKnown().flatMap(text -> {
            try {
                return Optional.of(SyncAddress.parse(text));
            } catch (IllegalArgumentException e) {
                return Optional.empty();
            }
        });
    }

    /** The latest of: a sync this component started, and the last sync in the history, either direction. */
    private Optional<Instant> lastSync(String deviceId) {
        Optional<Instant> recorded = sync.history(Optional.of(deviceId), 1).stream().findFirst()
                .map(SyncRecord::finishedAt);
        Optional<Instant> own = Optional.ofNullable(started.get(deviceId));
        if (recorded.isEmpty()) {
            return own;
        }
        if (own.isEmpty()) {
            return recorded;
        }
        return Optional.of(recorded.get().isAfter(own.get()) ? recorded.get() : own.get());
    }
}
