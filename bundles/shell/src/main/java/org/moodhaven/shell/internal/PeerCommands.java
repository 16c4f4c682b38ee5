package org.moodhaven.shell.internal;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

import org.apache.felix.service.command.Descriptor;
import org.moodhaven.api.discovery.Peer;
import org.moodhaven.api.discovery.PeerDirectory;
import org.moodhaven.api.sync.SyncAddress;
import org.moodhaven.api.sync.SyncRecord;
import org.moodhaven.api.sync.SyncService;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;

/**
 * Commands about the nodes this one can reach: {@code mh:peers}, {@code mh:addpeer}
 * and {@code mh:removepeer} ({@code mh:add-peer} and {@code mh:remove-peer} are the
 * same commands, see {@link PeerCommandAliases}).
 * <p>
 * Discovery and sync are optional and dynamic: without the discovery bundle the
 * commands stay and say so, rather than vanishing from the console.
 */
@Component(service = PeerCommands.class, property = {
        "osgi.command.scope=mh",
        "osgi.command.function=peers",
        "osgi.command.function=addpeer",
        "osgi.command.function=removepeer"})
public final class PeerCommands {

    static final String NO_DISCOVERY = "discovery is not running on this node (bundle moodhaven.discovery.mdns; "
            + "logs/moodhaven.log says why), so no peers are listed or added. Trusted devices still sync at a "
            + "given address: mh:sync <deviceId> <host> <port>";
    static final String MULTICAST_OFF = "Multicast discovery is off (--no-mdns); peers added by address still sync.";

    private static final int NAME_WIDTH = 24;

    private final AtomicReference<PeerDirectory> directory = new AtomicReference<>();
    private final AtomicReference<SyncService> sync = new AtomicReference<>();

    @Reference(name = "peers", cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    void setPeers(PeerDirectory peers) {
        directory.set(peers);
    }

    void unsetPeers(PeerDirectory peers) {
        // A greedy rebind binds the better service before it unbinds this one.
        directory.compareAndSet(peers, null);
    }

    @Reference(name = "sync", cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    void setSync(SyncService service) {
        sync.set(service);
    }

    void unsetSync(SyncService service) {
        sync.compareAndSet(service, null);
    }

    /**
     * @return the peers as a table, with what to do when there are none
     * @throws CommandFailure if discovery is not running
     */
    @Descriptor("List the nodes found on the LAN (mDNS) and those added by address,\n"
            + "   with trust and last sync")
    public String peers() throws CommandFailure {
        PeerDirectory current = directory();
        List<Peer> peers = current.peers();
        StringBuilder out = new StringBuilder();
        if (!current.multicastEnabled()) {
            out.append(MULTICAST_OFF).append('\n');
        }
        if (peers.isEmpty()) {
            out.append(current.multicastEnabled()
                    ? "No peers yet: nodes on this LAN appear here once they announce themselves. If one does not "
                    + "(multicast blocked, another subnet), add it with mh:add-peer <host>:<sync port> (mh:id on "
                    + "it shows its sync port)."
                    : "No peers added by address yet: mh:add-peer <host>:<sync port> adds one (mh:id on it shows "
                    + "its sync port).");
            return out.toString();
        }
        int addressWidth = "ADDRESS".length();
        for (Peer peer : peers) {
            addressWidth = Math.max(addressWidth, peer.address().toString().length());
        }
        String row = "%-16s  %-" + NAME_WIDTH + "s  %-" + addressWidth + "s  %-6s  %-7s  %-7s  %-19s  %s%n";
        out.append(String.format(row, "DEVICE ID", "NAME", "ADDRESS", "SOURCE", "TRUSTED", "PAIRING", "LAST SEEN",
                "LAST SYNC"));
        SyncService syncing = sync.get();
        for (Peer peer : peers) {
            out.append(String.format(row, peer.deviceId() == null ? "-" : peer.deviceId(),
                    Texts.pad(peer.deviceName() == null ? "-" : peer.deviceName(), NAME_WIDTH),
                    peer.address(), peer.source() == Peer.Source.MDNS ? "mdns" : "manual",
                    peer.trusted() ? "yes" : "no",
                    peer.pairingPort() == null ? "-" : peer.pairingPort().toString(),
                    Texts.time(peer.lastSeen()), lastSync(peer, syncing)));
        }
        return out.toString().stripTrailing();
    }

    private static String lastSync(Peer peer, SyncService syncing) {
        if (!peer.trusted() || peer.deviceId() == null || syncing == null) {
            return "-";
        }
        List<SyncRecord> last = syncing.history(Optional.of(peer.deviceId()), 1);
        if (last.isEmpty()) {
            return "never";
        }
        SyncRecord record = last.get(0);
        return Texts.time(record.finishedAt())
                + (record.result().ok() ? " ok" : " failed (" + record.result().error() + ")");
    }

    /**
     * @param address the peer's sync address
     * @return what happened and what to do next
     * @throws CommandFailure if the address is refused or the list cannot be saved
     */
    @Descriptor("Add a peer by address, for networks where mDNS does not reach it\n"
            + "   (also: mh:add-peer)")
    public String addpeer(@Descriptor("host:port of its sync server ([v6-address]:port for IPv6)") String address)
            throws CommandFailure {
        return add(address, Optional.empty());
    }

    /**
     * @param address  the peer's sync address
     * @param deviceId the deviceId expected there
     * @return what happened and what to do next
     * @throws CommandFailure if the address or deviceId is refused or the list cannot be saved
     */
    @Descriptor("Add a peer by address with the deviceId expected there\n"
            + "   (also: mh:add-peer)")
    public String addpeer(@Descriptor("host:port of its sync server ([v6-address]:port for IPv6)") String address,
                          @Descriptor("its deviceId (mh:id on it shows it)") Object deviceId) throws CommandFailure {
        return add(address, Optional.of(Texts.deviceId(deviceId)));
    }

    private String add(String address, Optional<String> deviceId) throws CommandFailure {
        PeerDirectory current = directory();
        return CommandFailure.run(() -> {
            SyncAddress parsed = SyncAddress.parse(address);
            Peer peer = current.addManual(parsed.host(), parsed.port(), deviceId);
            StringBuilder out = new StringBuilder("Added peer ").append(peer.address());
            peer.deviceIdIfKnown().ifPresent(id -> out.append(" (").append(id).append(')'));
            out.append("; it is kept across restarts. ");
            if (peer.trusted()) {
                out.append("It is trusted, so it syncs by itself; mh:sync ").append(peer.deviceId()).append(' ')
                        .append(parsed.host()).append(' ').append(parsed.port()).append(" syncs now.");
            } else {
                out.append("It is not trusted yet: pair with it to sync (mh:pair on one device, mh:accept on "
                        + "the other).");
            }
            return out.toString();
        });
    }

    /**
     * @param address the address it was added with
     * @return what happened
     * @throws CommandFailure if the address is not host:port or the list cannot be saved
     */
    @Descriptor("Forget a peer added by address (also: mh:remove-peer)")
    public String removepeer(@Descriptor("host:port, as mh:peers shows it") String address) throws CommandFailure {
        PeerDirectory current = directory();
        return CommandFailure.run(() -> {
            SyncAddress parsed = SyncAddress.parse(address);
            if (!current.removeManual(parsed.host(), parsed.port())) {
                return "No peer was added at " + parsed + "; nothing changed. mh:peers lists them (peers found "
                        + "by mDNS cannot be removed: they go when they stop announcing).";
            }
            return "Removed peer " + parsed + ". Trust is unchanged: mh:revoke <deviceId> stops trusting a device.";
        });
    }

    private PeerDirectory directory() throws CommandFailure {
        PeerDirectory current = directory.get();
        if (current == null) {
            throw CommandFailure.of(NO_DISCOVERY);
        }
        return current;
    }
}
