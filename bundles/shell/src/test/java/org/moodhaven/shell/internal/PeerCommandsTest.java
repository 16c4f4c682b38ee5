package org.moodhaven.shell.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.moodhaven.api.discovery.Peer;
import org.moodhaven.api.sync.SyncRecord;
import org.moodhaven.api.sync.SyncResult;
import org.moodhaven.testing.discovery.InMemoryPeerDirectory;
import org.moodhaven.testing.sync.RecordedSyncs;

class PeerCommandsTest {

    private static final String TRUSTED = "9a4f0b2c1d3e5f60";
    private static final String STRANGER = "0123456789abcdef";

    /** The times as the person reads them: in their own zone, to the second. */
    private static final String SEEN = Texts.time(InMemoryPeerDirectory.NOW);
    private static final String SYNCED = Texts.time(Instant.parse("2026-03-18T09:59:01Z"));

    private final InMemoryPeerDirectory directory = new InMemoryPeerDirectory(Set.of(TRUSTED));
    private final RecordedSyncs syncs = new RecordedSyncs();
    private final PeerCommands commands = new PeerCommands();

    @BeforeEach
    void bind() {
        commands.setPeers(directory);
        commands.setSync(syncs);
    }

    @Test
    void listsAnnouncedAndManualPeersWithTrustPairingPortAndLastSync() throws Exception {
        directory.announced.add(new Peer(TRUSTED, "Ken's laptop", "192.168.1.20", 44123, List.of(2), null,
                Peer.Source.MDNS, true, InMemoryPeerDirectory.NOW));
        directory.announced.add(new Peer(STRANGER, "Phone", "192.168.1.30", 44200, List.of(1, 2), 40123,
                Peer.Source.MDNS, false, InMemoryPeerDirectory.NOW));
        commands.addpeer("10.0.0.5:45999");
        syncs.history.add(new SyncRecord(TRUSTED, "Ken's laptop", SyncRecord.OUTGOING,
                Instant.parse("2026-03-18T09:59:00Z"), Instant.parse("2026-03-18T09:59:01Z"), "192.168.1.20:44123", 2,
                new SyncResult(true, 1, 2, 0, 100, 200, null, null)));

        String table = commands.peers();
        List<String> lines = table.lines().toList();
        assertEquals(4, lines.size(), table);
        assertTrue(lines.get(0).startsWith("DEVICE ID"), table);
        assertTrue(lines.get(1).matches(TRUSTED + " +Ken's laptop +192\\.168\\.1\\.20:44123 +mdns +yes +- +"
                + SEEN + " +" + SYNCED + " ok"), table);
        assertTrue(lines.get(2).matches(STRANGER + " +Phone +192\\.168\\.1\\.30:44200 +mdns +no +40123 +"
                + SEEN + " +-"), table);
        assertTrue(lines.get(3).matches("- +- +10\\.0\\.0\\.5:45999 +manual +no +- +" + SEEN + " +-"),
                table);
    }

    @Test
    void aTrustedPeerNeverSyncedSaysSo() throws Exception {
        commands.addpeer("10.0.0.5:45999", TRUSTED);
        assertTrue(commands.peers().lines().skip(1).findFirst().orElseThrow()
                .matches(".* manual +yes +- +" + SEEN + " +never"), commands.peers());
    }

    @Test
    void aLongOrWideNameDoesNotMoveTheColumns() throws Exception {
        directory.announced.add(new Peer(STRANGER, "A very long device name that goes on and on", "192.168.1.30",
                44200, List.of(2), null, Peer.Source.MDNS, false, InMemoryPeerDirectory.NOW));
        directory.announced.add(new Peer(TRUSTED, "\uD83D\uDE00 phone", "192.168.1.31", 44200, List.of(2), null,
                Peer.Source.MDNS, true, InMemoryPeerDirectory.NOW));
        commands.setSync(null);
        commands.unsetSync(syncs);
        List<String> lines = commands.peers().lines().toList();
        int column = lines.get(0).indexOf("ADDRESS");
        assertEquals(column, lines.get(1).indexOf("192.168.1.30"), String.join("\n", lines));
        assertEquals(column, lines.get(2).codePointCount(0, lines.get(2).indexOf("192.168.1.31")),
                String.join("\n", lines));
        assertTrue(lines.get(1).contains("A very long device na..."), lines.get(1));
    }

    @Test
    void noPeersSaysWhatToDo() throws Exception {
        assertTrue(commands.peers().contains("mh:add-peer <host>:<sync port>"), commands.peers());
        directory.multicast = false;
        String off = commands.peers();
        assertTrue(off.startsWith(PeerCommands.MULTICAST_OFF), off);
        assertTrue(off.contains("--no-mdns") && off.contains("peers added by address still sync"), off);
    }

    @Test
    void addsAndRemovesAPeerByAddress() throws Exception {
        String added = commands.addpeer("[fe80::1]:45999", STRANGER);
        assertTrue(added.startsWith("Added peer [fe80::1]:45999 (" + STRANGER + ")"), added);
        assertTrue(added.contains("pair with it"), added);
        assertEquals("fe80::1", directory.manual.get(0).host());

        String trusted = commands.addpeer("192.168.1.20:44123", TRUSTED);
        assertTrue(trusted.contains("mh:sync " + TRUSTED + " 192.168.1.20 44123"), trusted);

        assertTrue(commands.removepeer("[fe80::1]:45999").startsWith("Removed peer [fe80::1]:45999."));
        assertEquals(1, directory.manual.size());
        String again = commands.removepeer("[fe80::1]:45999");
        assertTrue(again.startsWith("No peer was added at [fe80::1]:45999; nothing changed."), again);
    }

    @Test
    void refusalsAreMessagesForThePerson() {
        assertEquals("Expected host:port, got 192.168.1.20.",
                assertThrows(CommandFailure.class, () -> commands.addpeer("192.168.1.20")).getMessage());
        assertEquals("Cannot add this peer: a device id is 16 characters, each 0-9 or a-f.",
                assertThrows(CommandFailure.class, () -> commands.addpeer("h:1", "XYZ")).getMessage());
        directory.failWrites = true;
        assertEquals("Could not save the peer: disk full.",
                assertThrows(CommandFailure.class, () -> commands.addpeer("h:1")).getMessage());
        assertEquals("Could not save the peers: disk full.",
                assertThrows(CommandFailure.class, () -> commands.removepeer("h:1")).getMessage());
    }

    @Test
    void withoutDiscoveryEveryCommandSaysSo() {
        commands.unsetPeers(directory);
        for (String message : List.of(
                assertThrows(CommandFailure.class, commands::peers).getMessage(),
                assertThrows(CommandFailure.class, () -> commands.addpeer("h:1")).getMessage(),
                assertThrows(CommandFailure.class, () -> commands.removepeer("h:1")).getMessage())) {
            assertTrue(message.startsWith("Discovery is not running on this node"), message);
            assertTrue(message.contains("mh:sync <deviceId> <host> <port>"), message);
        }
    }

    @Test
    void aGreedyRebindKeepsTheNewDirectory() throws Exception {
        InMemoryPeerDirectory better = new InMemoryPeerDirectory(Set.of());
        better.multicast = false;
        commands.setPeers(better);
        commands.unsetPeers(directory);
        assertTrue(commands.peers().startsWith(PeerCommands.MULTICAST_OFF));
    }

    @Test
    void theHyphenatedNamesTakeTheSameArguments() throws Exception {
        PeerCommandAliases.AddPeer add = new PeerCommandAliases.AddPeer(commands);
        PeerCommandAliases.RemovePeer remove = new PeerCommandAliases.RemovePeer(commands);
        assertTrue(String.valueOf(add.execute(null, List.of("127.0.0.1:45999"))).startsWith("Added peer"));
        assertTrue(String.valueOf(add.execute(null, List.of("127.0.0.1:45998", STRANGER))).contains(STRANGER));
        assertEquals(Optional.of(STRANGER), directory.manual.get(1).deviceIdIfKnown());
        assertTrue(assertThrows(CommandFailure.class, () -> add.execute(null, List.of())).getMessage()
                .startsWith("Usage: mh:add-peer"));
        assertTrue(String.valueOf(remove.execute(null, List.of("127.0.0.1:45999"))).startsWith("Removed peer"));
        assertTrue(assertThrows(CommandFailure.class, () -> remove.execute(null, List.of("a:1", "b:2")))
                .getMessage().startsWith("Usage: mh:remove-peer"));
        assertFalse(directory.manual.stream().anyMatch(p -> p.port() == 45999));
    }
}
