package org.moodhaven.pairing.internal;

import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.moodhaven.api.crypto.CryptoProvider;
import org.moodhaven.api.discovery.Peer;
import org.moodhaven.api.discovery.PeerDirectory;
import org.moodhaven.api.event.EventTopics;
import org.moodhaven.api.identity.DeviceIdentity;
import org.moodhaven.api.identity.DeviceIds;
import org.moodhaven.api.identity.TrustStore;
import org.moodhaven.api.identity.TrustStoreException;
import org.moodhaven.api.identity.TrustedDevice;
import org.moodhaven.api.node.NodeClock;
import org.moodhaven.api.pairing.Pairing;
import org.moodhaven.api.pairing.PairingException;
import org.moodhaven.api.pairing.PairingOffer;
import org.moodhaven.api.pairing.PairingRequest;
import org.moodhaven.api.pairing.PairingStatus;
import org.moodhaven.api.pairing.PairingStatus.Role;
import org.moodhaven.api.pairing.PairingStatus.State;
import org.moodhaven.api.sync.SyncAddress;
import org.moodhaven.api.sync.SyncResult;
import org.moodhaven.api.sync.SyncService;
import org.moodhaven.common.events.EventPoster;
import org.moodhaven.common.logging.LogText;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.event.EventAdmin;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link Pairing} service: PROTOCOL.md section 5 on top of {@link PairingHost}
 * (this device shows the PIN) and {@link PairingGuest} (the PIN is typed here), with
 * the pairing server, the trust list, the events and the first sync.
 * <p>
 * Each side reveals its bound sync port in its identity ({@code syncPort}) and records
 * the other's sync address as its {@code lastAddress}: the host of the pairing connection
 * (where B's requests came from, on A; where A's server was reached, on B) with the port
 * the other revealed. So the first sync and the automatic ones find the other device
 * without discovery (multicast blocked, {@code --no-mdns}, a sync port that is not the
 * one PROTOCOL.md section 3 derives).
 * <p>
 * At most one pairing runs on a node at a time in each role. The PIN is shown to this
 * device's user only: it is never logged, posted in an event or written anywhere.
 */
@Component(service = Pairing.class, configurationPid = PairingService.PID)
@Designate(ocd = PairingService.Config.class)
public final class PairingService implements Pairing {

    /** The configuration pid. */
    public static final String PID = "moodhaven.pairing";

    private static final Logger LOG = LoggerFactory.getLogger(PairingService.class);
    private static final Duration PIN_LIFETIME = PairingHost.PIN_LIFETIME;

    @ObjectClassDefinition(name = "MoodHaven pairing", description = "Pairing with a PIN or QR code (PROTOCOL.md 5)")
    @interface Config {
        @AttributeDefinition(name = "Bind address",
                description = "Address the pairing server listens on while pairing; 0.0.0.0 for every interface")
        String bindAddress() default "0.0.0.0";

        @AttributeDefinition(name = "Advertised address",
                description = "The address put in the QR code and shown with the PIN; empty to use this "
                        + "machine's first LAN (IPv4, not loopback) address")
        String advertisedHost() default "";

        @AttributeDefinition(name = "Result wait (s)",
                description = "How long one result request waits for this device's user to decide")
        int resultWaitSeconds() default 60;

        @AttributeDefinition(name = "Request read limit (s)",
                description = "How long a connection to the pairing server may take to send its whole request "
                        + "(request line, headers and body); a slower or silent one is closed unanswered")
        int requestReadSeconds() default 5;
    }

    /** Pairing on this device as the one showing the PIN. */
    private static final class Hosting {
        final PairingHost host;
        final PairingServer server;
        final PairingOffer offer;
        /** Ends the PIN when it expires; runs only while this pairing is open. */
        java.util.concurrent.ScheduledFuture<?> expiryCheck;
        State ended;
        String message;
        /** The PIN expired with a device awaiting approval; the server stays until B heard. */
        boolean lapsed;

        /** The device this device's user approved or declined, once they did. */
        String decided;
        /** When this session started among this node's sessions (larger is later). */
        final long started;

        Hosting(PairingHost host, PairingServer server, PairingOffer offer, long started) {
            this.host = host;
            this.server = server;
            this.offer = offer;
            this.started = started;
        }
    }

    /** Pairing on this device as the one the PIN was typed into. */
    private static final class Guesting {
        final PairingRequest request;
        State state = State.AWAITING_APPROVAL;
        String message;
        volatile boolean cancelled;
        /** When this session started among this node's sessions (larger is later); set when it is kept. */
        long started;

        Guesting(PairingRequest request) {
            this.request = request;
        }
    }

    private final Config config;
    private final DeviceIdentity identity;
    private final TrustStore trust;
    private final EventPoster events = new EventPoster();
    private final SecureRandom random = new SecureRandom();
    private final ScheduledExecutorService scheduler;

    @Reference(policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY)
    private volatile CryptoProvider crypto;

    @Reference(policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY)
    private volatile NodeClock clock;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private volatile SyncService sync;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private volatile PeerDirectory directory;

    private Hosting hosting;
    private Guesting guesting;
    /** Sessions started so far, in either role: orders them without trusting a clock. */
    private long sessions;

    /**
     * @param config   the configuration
     * @param identity this device
     * @param trust    the trusted devices
     */
    @Activate
    public PairingService(Config config, @Reference DeviceIdentity identity, @Reference TrustStore trust) {
        this.config = config;
        this.identity = identity;
        this.trust = trust;
        this.scheduler = Executors.newSingleThreadScheduledExecutor(task -> {
            Thread thread = new Thread(task, "moodhaven-pairing");
            thread.setDaemon(true);
            return thread;
        });
    }

    @Deactivate
    void deactivate() {
        synchronized (this) {
            if (hosting != null && hosting.ended == null) {
                end(hosting, State.CANCELLED, "Pairing ended because the node is stopping.");
            }
            if (guesting != null) {
                guesting.cancelled = true;
            }
        }
        scheduler.shutdownNow();
    }

    /** Sets the dynamic references, as SCR does (for tests). */
    void bind(CryptoProvider crypto, NodeClock clock, SyncService sync) {
        this.crypto = crypto;
        this.clock = clock;
        this.sync = sync;
    }

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    void setEvents(EventAdmin admin) {
        events.bind(admin);
    }

    void unsetEvents(EventAdmin admin) {
        events.unbind(admin);
    }

    // ------------------------------------------------------------------ A: showing the PIN

    @Override
    public synchronized PairingOffer start() throws PairingException {
        if (hosting != null && hosting.ended == null && hosting.lapsed) {
            end(hosting, State.EXPIRED, hosting.message); // nothing left to tell B that it cannot learn otherwise
        }
        if (hosting != null && hosting.ended == null) {
            throw new PairingException(PairingException.ALREADY_OPEN, "A PIN is already shown on this device ("
                    + validFor(hosting.offer.expiresAt()) + "). Cancel it first to get a new PIN.");
        }
        CryptoProvider crypto = this.crypto;
        Pin pin = Pin.generate(crypto::randomBytes);
        PairingHost host = new PairingHost(pin, identity, ownSyncPort(),
                IdentityChecks.host(identity.deviceId(), trust::find), crypto, clock, random);
        InetAddress bind;
        try {
            bind = InetAddress.getByName(config.bindAddress().isBlank() ? "0.0.0.0" : config.bindAddress());
        } catch (IOException e) {
            throw new PairingException(PairingException.INTERNAL, "The pairing bind address in the settings, "
                    + config.bindAddress() + ", is not an address of this machine. Correct it, or set 0.0.0.0.");
        }
        PairingServer server;
        try {
            server = PairingServer.open(bind, host, this::answered, Duration.ofSeconds(config.resultWaitSeconds()),
                    Duration.ofSeconds(Math.max(1, config.requestReadSeconds())));
        } catch (IOException e) {
            LOG.warn("Cannot open the pairing server on {}: {}", bind.getHostAddress(), e.toString());
            throw new PairingException(PairingException.INTERNAL, "Cannot open the pairing server on "
                    + bind.getHostAddress() + ". Check the pairing bind address in the settings; the node's log "
                    + "says more.", null, e);
        }
        String advertised = advertisedHost(bind);
        String payload = new JsonObjectWriter().number("v", 2).string("host", advertised)
                .number("port", server.port()).string("deviceId", identity.deviceId()).string("pin", pin.digits())
                .string("fp", fingerprint(crypto, identity.publicKey())).text();
        QrCode qr = QrCode.of(payload);
        PairingOffer offer = new PairingOffer(pin.digits(), advertised, server.port(), identity.deviceId(), payload,
                qr.svg(), qr.text(), host.created().plus(PIN_LIFETIME));
        hosting = new Hosting(host, server, offer, ++sessions);
        hosting.expiryCheck = scheduler.scheduleWithFixedDelay(this::checkExpiry, 1, 1, TimeUnit.SECONDS);
        LOG.info("Pairing open on port {} until {}", server.port(), offer.expiresAt());
        post(EventTopics.PAIRING_STARTED, EventTopics.PAIRING_PORT, server.port(),
                EventTopics.EXPIRES_AT, offer.expiresAt().toString());
        return offer;
    }

    /** Called by the pairing server after each answer. */
    private void answered(String step, PairingOutcome<byte[]> outcome) {
        synchronized (this) {
            Hosting current = hosting;
            if (current == null || current.ended != null) {
                return;
            }
            if (outcome instanceof PairingOutcome.PinMismatch<byte[]> mismatch) {
                failedAttempt(current, PairingException.PIN_MISMATCH, "A device tried a wrong PIN.",
                        mismatch.remainingAttempts(), Optional.empty());
            } else if (outcome instanceof PairingOutcome.IdentityRefused<byte[]> refused) {
                failedAttempt(current, PairingException.IDENTITY_REFUSED,
                        "A device was refused: " + refused.problem().description() + ".",
                        refused.remainingAttempts(), Optional.empty());
            } else if (outcome instanceof PairingOutcome.Expired<byte[]>) {
                endLater(current, State.EXPIRED, ExpiryNotices.expired(current.host));
            } else if ("confirm".equals(step) && outcome instanceof PairingOutcome.Ok<byte[]>) {
                current.host.pendingApproval().ifPresent(pending -> {
                    PeerIdentity device = pending.device();
                    LOG.info("Device {} ({}) completed pairing and awaits approval", device.deviceId(),
                            device.deviceName());
                    post(EventTopics.PAIRING_AWAITING_APPROVAL, EventTopics.DEVICE_ID, device.deviceId(),
                            EventTopics.DEVICE_NAME, device.deviceName(), EventTopics.CODE, pending.checkCode());
                });
            } else if ("result".equals(step) && !(outcome instanceof PairingOutcome.Pending<byte[]>)
                    && current.host.state() != PairingHost.State.AWAITING_APPROVAL) {
                // B has its answer (approved or declined): nothing more to serve.
                State state = current.host.state() == PairingHost.State.APPROVED ? State.PAIRED : State.DECLINED;
                String who = current.decided == null ? "the other device" : quoted(current.decided);
                endLater(current, state, state == State.PAIRED ? "Paired with " + who + "."
                        : "You declined " + who + " on this device: nothing was trusted.");
            }
        }
    }

    private void failedAttempt(Hosting current, String reason, String message, int attemptsLeft,
            Optional<String> deviceId) {
        LOG.info("Pairing attempt failed ({}); {} left", reason, attemptsLeft);
        Map<String, Object> properties = new LinkedHashMap<>();
        properties.put(EventTopics.REASON, reason);
        properties.put(EventTopics.MESSAGE, message);
        properties.put(EventTopics.ATTEMPTS_LEFT, attemptsLeft);
        deviceId.ifPresent(id -> properties.put(EventTopics.DEVICE_ID, id));
        events.post(EventTopics.PAIRING_FAILED, properties);
        if (attemptsLeft == 0) {
            post(EventTopics.PAIRING_PIN_VOID, EventTopics.REASON, PairingException.PIN_VOID);
            endLater(current, State.PIN_VOID, "Three wrong PINs were tried: the PIN is void. Start pairing again "
                    + "for a new one.");
        }
    }

    @Override
    public synchronized Optional<PairingRequest> approve() throws PairingException {
        Hosting current = hosting;
        if (current == null) {
            return Optional.empty();
        }
        Optional<PendingApproval> pending;
        String who = current.host.pendingApproval().map(waiting -> quoted(waiting.device().deviceName()))
                .orElse("the device");
        try {
            // Trusted under the host's lock: no expiry or result step comes between.
            pending = current.ended != null ? Optional.empty()
                    : current.host.approve(approved -> trust.trust(trustEntry(approved.device(),
                            approved.syncAddress())));
        } catch (TrustStoreException | IllegalArgumentException e) {
            throw new PairingException(PairingException.INTERNAL, "Cannot save " + who + " as trusted: "
                    + e.getMessage() + ". Nothing changed: free some disk space or check the data folder, then "
                    + "approve again.", null, e);
        }
        if (pending.isEmpty()) {
            Optional<PairingException> late = ExpiryNotices.lateApproval(current.host);
            if (late.isPresent()) {
                throw late.get();
            }
            return Optional.empty();
        }
        PeerIdentity device = pending.get().device();
        current.decided = device.deviceName();
        current.server.decided();
        LOG.info("Paired with {} ({}); its sync address: {}", device.deviceId(), device.deviceName(),
                pending.get().syncAddress().map(SyncAddress::toString).orElse("not known"));
        post(EventTopics.PAIRING_PAIRED, EventTopics.DEVICE_ID, device.deviceId(),
                EventTopics.DEVICE_NAME, device.deviceName());
        // B fetches the answer with its next result request; close after that at the latest.
        scheduleEnd(current, State.PAIRED, "Paired with " + quoted(device.deviceName()) + ".");
        return Optional.of(new PairingRequest(device.deviceId(), device.deviceName(), pending.get().checkCode()));
    }

    @Override
    public synchronized boolean decline() {
        Hosting current = hosting;
        Optional<String> name = current == null ? Optional.empty()
                : current.host.pendingApproval().map(waiting -> waiting.device().deviceName());
        if (current == null || current.ended != null || !current.host.decline()) {
            return false;
        }
        current.decided = name.orElse(null);
        current.server.decided();
        String message = "You declined " + name.map(PairingService::quoted).orElse("the other device")
                + " on this device: nothing was trusted.";
        post(EventTopics.PAIRING_FAILED, EventTopics.REASON, PairingException.DECLINED,
                EventTopics.MESSAGE, message);
        scheduleEnd(current, State.DECLINED, message);
        return true;
    }

    @Override
    public synchronized void cancel() {
        if (hosting != null && hosting.ended == null) {
            hosting.host.decline();
            end(hosting, State.CANCELLED, "Pairing was cancelled on this device: nothing was trusted.");
        }
        if (guesting != null && !isEnded(guesting.state)) {
            guesting.cancelled = true;
            guesting.state = State.CANCELLED;
            guesting.message = "Pairing was cancelled on this device: nothing was trusted.";
        }
    }

    /** Closes the server once B had time to fetch its answer. */
    private void scheduleEnd(Hosting current, State state, String message) {
        scheduler.schedule(() -> {
            synchronized (this) {
                if (current.ended == null) {
                    end(current, state, message);
                }
            }
        }, config.resultWaitSeconds() + 5L, TimeUnit.SECONDS);
    }

    /** Ends outside the server's own request thread (closing the server waits for its requests). */
    private void endLater(Hosting current, State state, String message) {
        scheduler.execute(() -> {
            synchronized (this) {
                if (current.ended == null) {
                    end(current, state, message);
                }
            }
        });
    }

    private void end(Hosting current, State state, String message) {
        current.ended = state;
        current.message = message;
        current.server.close();
        current.expiryCheck.cancel(false);
        LOG.info("Pairing ended: {}", message);
        if (state == State.EXPIRED) {
            post(EventTopics.PAIRING_EXPIRED, EventTopics.MESSAGE, message);
        }
        post(EventTopics.PAIRING_ENDED, EventTopics.REASON, state.name().toLowerCase(java.util.Locale.ROOT),
                EventTopics.MESSAGE, message);
    }

    private void checkExpiry() {
        synchronized (this) {
            Hosting current = hosting;
            if (current == null || current.ended != null || current.host.state() != PairingHost.State.EXPIRED
                    || current.lapsed) {
                return;
            }
            if (current.host.lapsedApproval().isEmpty()) {
                end(current, State.EXPIRED, ExpiryNotices.expired(current.host));
                return;
            }
            // B is told by its result request, answered "expired" now or when it next asks;
            // the server closes then, or when B had time to ask.
            current.lapsed = true;
            current.message = ExpiryNotices.expired(current.host);
            current.server.decided();
            scheduleEnd(current, State.EXPIRED, current.message);
        }
    }

    // ------------------------------------------------------------------ B: typing the PIN

    @Override
    public PairingRequest accept(String host, int port, String pin, Optional<String> deviceId,
            Optional<String> fingerprint) throws PairingException {
        Pin typed;
        try {
            typed = Pin.of(pin == null ? "" : pin.strip());
        } catch (IllegalArgumentException e) {
            throw new PairingException(PairingException.INVALID, e.getMessage());
        }
        if (deviceId.isPresent() && !DeviceIds.isValid(deviceId.get())) {
            throw new PairingException(PairingException.INVALID, "A device id is 16 characters, each 0-9 or a-f, "
                    + "not \"" + LogText.escape(deviceId.get()) + "\": pick the device from the nearby ones, or type "
                    + "the id it shows.");
        }
        synchronized (this) {
            if (guesting != null && guesting.state == State.AWAITING_APPROVAL) {
                throw new PairingException(PairingException.ALREADY_OPEN, "This device is already waiting for "
                        + quoted(guesting.request.deviceName()) + " to approve it. Cancel that first.");
            }
        }
        PairingClient client = new PairingClient(host, port);
        CryptoProvider crypto = this.crypto;
        IdentityChecks checks = new IdentityChecks(identity.deviceId(), deviceId, fingerprint, trust::find);
        PairingGuest guest = new PairingGuest(typed, identity, ownSyncPort(), checks, crypto, random);
        PairedWithHost paired;
        try {
            byte[] round2 = guest.onRound1Answer(client.step("round1", guest.round1Request()));
            byte[] confirm = guest.onRound2Answer(client.step("round2", round2));
            paired = guest.onConfirmAnswer(client.step("confirm", confirm));
        } catch (PairingFailedException e) {
            PairingException failure = guestFailure(e);
            post(EventTopics.PAIRING_FAILED, EventTopics.REASON, failure.reason(), EventTopics.MESSAGE,
                    failure.getMessage());
            throw failure;
        } catch (PairingException e) {
            post(EventTopics.PAIRING_FAILED, EventTopics.REASON, e.reason(), EventTopics.MESSAGE, e.getMessage());
            throw e;
        }
        PeerIdentity device = paired.host();
        PairingRequest request = new PairingRequest(device.deviceId(), device.deviceName(), paired.checkCode());
        Guesting current = new Guesting(request);
        synchronized (this) {
            current.started = ++sessions;
            guesting = current;
        }
        post(EventTopics.PAIRING_AWAITING_APPROVAL, EventTopics.DEVICE_ID, device.deviceId(),
                EventTopics.DEVICE_NAME, device.deviceName(), EventTopics.CODE, paired.checkCode());
        byte[] resultBody;
        try {
            resultBody = guest.resultRequest();
        } catch (PairingFailedException e) {
            throw guestFailure(e);
        }
        Thread waiter = new Thread(() -> awaitApproval(current, client, resultBody, device, host),
                "moodhaven-pairing-result");
        waiter.setDaemon(true);
        waiter.start();
        return request;
    }

    /** B: asks A for its user's decision until it comes, the PIN's lifetime passes, or B cancels. */
    private void awaitApproval(Guesting current, PairingClient client, byte[] body, PeerIdentity device,
            String host) {
        Instant deadline = Instant.now().plus(PIN_LIFETIME);
        Duration wait = Duration.ofSeconds(config.resultWaitSeconds() + 15L);
        try {
            while (!current.cancelled) {
                if (client.result(body, wait)) {
                    paired(current, device, host);
                    return;
                }
                if (Instant.now().isAfter(deadline)) {
                    guestEnded(current, State.FAILED, quoted(device.deviceName()) + " did not decide in time: "
                            + "nothing was trusted. Start pairing again.");
                    return;
                }
            }
        } catch (PairingException e) {
            State state = PairingException.DECLINED.equals(e.reason()) ? State.DECLINED : State.FAILED;
            String message = ExpiryNotices.waitEnded(e, device.deviceName());
            guestEnded(current, state, message);
            post(EventTopics.PAIRING_FAILED, EventTopics.REASON, e.reason(), EventTopics.MESSAGE, message,
                    EventTopics.DEVICE_ID, device.deviceId());
        }
    }

    private void paired(Guesting current, PeerIdentity device, String host) {
        Optional<SyncAddress> address = device.syncAddress(Optional.of(host));
        synchronized (this) {
            if (current.cancelled) {
                return; // B's user cancelled meanwhile: B trusts nothing
            }
            try {
                trust.trust(trustEntry(device, address));
            } catch (TrustStoreException | IllegalArgumentException e) {
                guestEnded(current, State.FAILED, quoted(device.deviceName()) + " approved this device, but this "
                        + "device cannot save its list of trusted devices: " + e.getMessage() + ". Nothing was "
                        + "trusted here: free some disk space or check the data folder, then revoke this device on "
                        + quoted(device.deviceName()) + " and pair again.");
                return;
            }
            guestEnded(current, State.PAIRED, "Paired with " + quoted(device.deviceName()) + ".");
        }
        LOG.info("Paired with {} ({}); its sync address: {}", device.deviceId(), device.deviceName(),
                address.map(SyncAddress::toString).orElse("not known"));
        post(EventTopics.PAIRING_PAIRED, EventTopics.DEVICE_ID, device.deviceId(),
                EventTopics.DEVICE_NAME, device.deviceName());
        firstSync(device, host, address);
    }

    /**
     * The trust entry of a device just paired, with where its sync server is. A device that
     * did not reveal its sync port (one from before {@code syncPort}) keeps the last address
     * an earlier entry for it had, if it was paired before.
     */
    private TrustedDevice trustEntry(PeerIdentity device, Optional<SyncAddress> address) {
        TrustedDevice entry = device.toTrustedDevice(clock.now(), address);
        if (entry.lastAddress() != null) {
            return entry;
        }
        return trust.find(device.deviceId()).flatMap(TrustedDevice::lastAddressIfKnown)
                .map(entry::withLastAddress).orElse(entry);
    }

    /** This node's bound sync port, to reveal in pairing; empty while no sync server runs. */
    private OptionalInt ownSyncPort() {
        SyncService service = sync;
        int port = service == null ? -1 : service.port();
        return port >= 1 && port <= 65_535 ? OptionalInt.of(port) : OptionalInt.empty();
    }

    /**
     * B starts the first sync (PROTOCOL.md section 5): at the sync address discovery knows
     * for A; else at A's pairing host on the sync port A revealed ({@code syncPort}, also
     * recorded as A's {@code lastAddress}); else, for an A that did not reveal it, on the port
     * PROTOCOL.md section 3 derives from A's deviceId.
     */
    private void firstSync(PeerIdentity device, String host, Optional<SyncAddress> paired) {
        SyncService service = sync;
        if (service == null) {
            return;
        }
        PeerDirectory peers = directory;
        Optional<SyncAddress> address = Optional.ofNullable(peers).flatMap(found -> found.find(device.deviceId()))
                .map(Peer::address)
                .or(() -> paired)
                .or(() -> PeerIdentity.syncAddress(host, DeviceIds.defaultSyncPort(device.deviceId())));
        if (address.isEmpty()) {
            LOG.info("First sync with {}: no address is known for it", device.deviceId());
            return;
        }
        SyncResult result = service.sync(device.deviceId(), address);
        LOG.info("First sync with {} at {}: {}", device.deviceId(), address.get(),
                result.ok() ? "done" : result.message());
    }

    private synchronized void guestEnded(Guesting current, State state, String message) {
        if (!isEnded(current.state)) {
            current.state = state;
            current.message = message;
        }
    }

    private static PairingException guestFailure(PairingFailedException e) {
        return switch (e.reason()) {
            case KEY_CONFIRMATION_FAILED -> new PairingException(PairingException.PROTOCOL_ERROR,
                    "The other device's confirmation does not match: someone may be interfering on the network. "
                            + "Nothing was trusted; start pairing again.");
            case IDENTITY_REFUSED -> new PairingException(PairingException.IDENTITY_REFUSED,
                    "The other device was refused: " + e.getMessage() + ". Nothing was trusted.");
            default -> {
                LOG.info("The other device broke the pairing protocol: {}", LogText.escape(e.getMessage()));
                yield new PairingException(PairingException.PROTOCOL_ERROR, "The other device answered in a way "
                        + "this one does not understand. Check that both run a current MoodHaven, and start pairing "
                        + "again; nothing was trusted.");
            }
        };
    }

    // ------------------------------------------------------------------ both

    @Override
    public synchronized Optional<PairingStatus> status() {
        if (showsHosting()) {
            Hosting current = hosting;
            State state = current.ended != null ? current.ended : switch (current.host.state()) {
                case AWAITING_APPROVAL -> State.AWAITING_APPROVAL;
                case APPROVED -> State.PAIRED;
                case DECLINED -> State.DECLINED;
                case VOID -> State.PIN_VOID;
                case EXPIRED -> State.EXPIRED;
                default -> State.OPEN;
            };
            Optional<PairingRequest> request = current.host.pendingApproval().map(pending -> new PairingRequest(
                    pending.device().deviceId(), pending.device().deviceName(), pending.checkCode()));
            return Optional.of(new PairingStatus(Role.SHOWING_PIN, state,
                    state == State.OPEN || state == State.AWAITING_APPROVAL ? Optional.of(current.offer)
                            : Optional.empty(),
                    Math.max(0, PairingHost.MAX_FAILED_ATTEMPTS - current.host.failedAttempts()), request,
                    Optional.ofNullable(current.message), current.host.attemptFrom(), current.host.callers()));
        }
        if (guesting != null) {
            return Optional.of(new PairingStatus(Role.ENTERING_PIN, guesting.state, Optional.empty(), 0,
                    Optional.of(guesting.request), Optional.ofNullable(guesting.message)));
        }
        return Optional.empty();
    }

    /**
     * Which of the two sessions a status is about: a running one before an ended one (a PIN
     * still shown, or a wait for approval, is never hidden behind a finished session), else
     * the one that started last.
     */
    private boolean showsHosting() {
        if (hosting == null || guesting == null) {
            return hosting != null;
        }
        boolean hostRunning = hosting.ended == null;
        boolean guestRunning = !isEnded(guesting.state);
        return hostRunning != guestRunning ? hostRunning : hosting.started > guesting.started;
    }

    private static boolean isEnded(State state) {
        return state != State.OPEN && state != State.AWAITING_APPROVAL;
    }

    // ------------------------------------------------------------------ helpers

    private void post(String topic, Object... keysAndValues) {
        Map<String, Object> properties = new LinkedHashMap<>();
        for (int i = 0; i + 1 < keysAndValues.length; i += 2) {
            properties.put((String) keysAndValues[i], keysAndValues[i + 1]);
        }
        events.post(topic, properties);
    }

    /** A device's name as a message says it. */
    static String quoted(String deviceName) {
        return "\"" + deviceName + "\"";
    }

    /** How long a PIN that expires then is still valid, in words. */
    private String validFor(Instant expiresAt) {
        long seconds = Duration.between(clock.now(), expiresAt).toSeconds();
        if (seconds < 60) {
            return "valid for less than a minute";
        }
        long minutes = (seconds + 59) / 60;
        return "valid for " + minutes + " more " + (minutes == 1 ? "minute" : "minutes");
    }

    /** @return b64url (no padding) of SHA-256 of the raw public key: the QR code's {@code fp} */
    static String fingerprint(CryptoProvider crypto, byte[] publicKey) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(crypto.sha256(publicKey));
    }

    /** The address to show and put in the QR code. */
    private String advertisedHost(InetAddress bind) {
        if (!config.advertisedHost().isBlank()) {
            return config.advertisedHost().strip();
        }
        if (!bind.isAnyLocalAddress()) {
            return bind.getHostAddress();
        }
        try {
            for (NetworkInterface nic : Collections.list(NetworkInterface.getNetworkInterfaces())) {
                if (!nic.isUp() || nic.isLoopback()) {
                    continue;
                }
                for (InetAddress address : Collections.list(nic.getInetAddresses())) {
                    if (address instanceof Inet4Address && !address.isLoopbackAddress()
                            && !address.isLinkLocalAddress()) {
                        return address.getHostAddress();
                    }
                }
            }
        } catch (SocketException e) {
            LOG.warn("Cannot list network interfaces: {}", e.toString());
        }
        return InetAddress.getLoopbackAddress().getHostAddress();
    }
}
