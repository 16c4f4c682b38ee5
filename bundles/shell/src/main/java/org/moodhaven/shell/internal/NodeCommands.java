package org.moodhaven.shell.internal;

import java.util.List;
import java.util.Optional;

import org.apache.felix.service.command.Descriptor;
import org.moodhaven.api.identity.DeviceIdentity;
import org.moodhaven.api.identity.DeviceIds;
import org.moodhaven.api.identity.TrustStore;
import org.moodhaven.api.journal.Journal;
import org.moodhaven.api.journal.JournalStatus;
import org.moodhaven.api.node.NodeSettings;
import org.moodhaven.api.pairing.Pairing;
import org.moodhaven.api.pairing.PairingStatus;
import org.moodhaven.api.store.JournalStore;
import org.moodhaven.api.store.StoreException;
import org.moodhaven.api.sync.SyncRecord;
import org.moodhaven.api.sync.SyncService;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleException;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;

/**
 * Commands about the node as a whole: {@code mh:id}, {@code mh:status} and {@code mh:shutdown}
 * (not {@code mh:stop}: Felix's {@code stop} of a bundle keeps its short name).
 * The services are dynamic references, so the commands stay available and
 * report the implementation in use right now, across swaps.
 */
@Component(service = NodeCommands.class, property = {
        "osgi.command.scope=mh",
        "osgi.command.function=id",
        "osgi.command.function=status",
        "osgi.command.function=shutdown"})
public final class NodeCommands {

    private final BundleContext context;

    @Reference(policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY)
    private volatile DeviceIdentity identity;

    @Reference(policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY)
    private volatile NodeSettings settings;

    @Reference(policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY)
    private volatile Journal journal;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private volatile JournalStore store;

    @Reference(policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY)
    private volatile TrustStore trust;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private volatile SyncService sync;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private volatile Pairing pairing;

    /**
     * @param context the bundle context, to stop the node
     */
    @Activate
    public NodeCommands(BundleContext context) {
        this.context = context;
    }

    /**
     * @return what happens next
     * @throws CommandFailure with a message for the person when the command cannot do it
     */
    @Descriptor("Stop the node cleanly\n"
            + "   (the same as Ctrl-D at the prompt of a node started in a terminal)")
    public String shutdown() throws CommandFailure {
        return CommandFailure.run(() -> {
            context.getBundle(0).stop();
            return "Stopping the node.";
        });
    }

    /**
     * @return the identity of this device, as in device.json
     */
    @Descriptor("Show this device's identity: deviceId, name, public key, sync port\n"
            + "   (as in device.json)")
    public String id() {
        DeviceIdentity self = identity;
        return "deviceId   " + self.deviceId()
                + "\nname       " + self.deviceName()
                + "\npublicKey  " + self.publicKeyBase64()
                + "\ncreated    " + Texts.time(self.created())
                + "\nsync port  " + syncPort(self);
    }

    private String syncPort(DeviceIdentity self) {
        SyncService current = sync;
        return current != null ? Integer.toString(current.port())
                : DeviceIds.defaultSyncPort(self.deviceId()) + " (the default for this deviceId; sync is not running)";
    }

    /** A PIN shown on this device: until when, and who holds or tried it (docs/pairing.md). */
    private static void appendPairing(StringBuilder out, PairingStatus status) {
        out.append("\npairing    ").append(status.state() == PairingStatus.State.AWAITING_APPROVAL
                ? "a device awaits your approval (mh:approve or mh:decline)" : "open, waiting for a device");
        status.offer().ifPresent(offer -> out.append("; pairing port ").append(offer.port())
                .append(", PIN valid until ").append(Texts.time(offer.expiresAt())));
        PairingCommands.attemptHolder(status).ifPresent(line -> out.append("\n  ").append(line));
        String tried = PairingCommands.triedBy(status);
        if (!tried.isEmpty()) {
            out.append("\n  ").append(tried);
        }
    }

    /**
     * @return the state of the node
     * @throws CommandFailure with a message for the person when the command cannot do it
     */
    @Descriptor("Show the node's state: identity, journal, the store and crypto provider\n"
            + "   in use, trusted devices, recent syncs, a pairing in progress")
    public String status() throws CommandFailure {
        return CommandFailure.run(() -> {
            DeviceIdentity self = identity;
            JournalStatus journalStatus = journal.status();
            JournalStore currentStore = store;
            List<String> trustProblems = trust.problems();
            StringBuilder out = new StringBuilder();
            out.append("device     ").append(self.deviceName()).append(" (").append(self.deviceId()).append(")\n");
            out.append("data       ").append(settings.dataFolder()).append('\n');
            out.append("journal    ").append(journalStatus.unlocked() ? "unlocked"
                    : journalStatus.empty() ? "locked, no entries yet (mh:unlock chooses its password)" : "locked")
                    .append('\n');
            out.append("store      ").append(journalStatus.store()).append('\n');
            out.append("store id   ").append(journalStatus.storeId()).append('\n');
            if (currentStore != null) {
                out.append("entries    ").append(currentStore.count()).append(" (highest seq ")
                        .append(currentStore.highestSeq()).append(")\n");
            }
            out.append("crypto     ").append(journalStatus.crypto()).append('\n');
            out.append("trusted    ").append(trust.list().size()).append(" device(s)");
            SyncService currentSync = sync;
            if (currentSync == null) {
                out.append("\nsync       not running: see logs/moodhaven.log (the sync port may be in use by "
                        + "another program; pick one with --sync-port)");
            } else {
                out.append("\nsync port  ").append(currentSync.port());
                for (SyncRecord record : currentSync.history(Optional.empty(), 3)) {
                    out.append("\n  ").append(Texts.time(record.finishedAt())).append("  ")
                            .append(record.direction())
                            .append("  ").append(record.deviceId()).append("  ")
                            .append(record.result().ok() ? "ok, sent " + record.result().sent() + ", received "
                                    + record.result().received() : "failed: " + record.result().error());
                }
            }
            for (String problem : trustProblems) {
                out.append("\n  warning: ").append(problem);
            }
            Pairing currentPairing = pairing;
            if (currentPairing != null) {
                currentPairing.status().filter(s -> s.role() == PairingStatus.Role.SHOWING_PIN && !s.ended())
                        .ifPresent(s -> appendPairing(out, s));
            }
            return out.toString();
        });
    }
}
