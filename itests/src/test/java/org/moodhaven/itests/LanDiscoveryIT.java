package org.moodhaven.itests;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Matcher;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.moodhaven.api.identity.DeviceIds;
import org.moodhaven.tools.NodeProcess;

/**
 * Nodes on a LAN of network namespaces (real multicast, {@link NetworkLab}), started and
 * used only through their consoles, as the acceptance asks: they find each other
 * by mDNS, pair with the PIN typed and approved at the consoles, converge, and converge
 * again after later changes on either side without any command; revoking stops the
 * syncs; a node whose multicast is blocked still syncs with a peer added by address.
 */
class LanDiscoveryIT {

    private static final Duration START = Duration.ofSeconds(60);
    private static final Duration STEP = Duration.ofSeconds(30);
    /** Discovery, then the automatic sync a few seconds after a change. */
    private static final Duration CONVERGE = Duration.ofSeconds(60);
    private static final String PASSWORD = "correct horse battery staple";

    @TempDir
    Path folder;

    private NetworkLab lab;
    private NodeProcess a;
    private NodeProcess b;
    private NodeProcess c;

    @BeforeEach
    void network() throws Exception {
        lab = NetworkLab.create();
    }

    @AfterEach
    void stop() throws Exception {
        for (NodeProcess node : new NodeProcess[] {a, b, c}) {
            if (node != null) {
                node.close();
            }
        }
        if (lab != null) {
            lab.close();
        }
    }

    private NodeProcess start(int host, String name, String... flags) throws Exception {
        return start(lab.host(host), name, flags);
    }

    private NodeProcess start(String namespace, String name, String... flags) throws Exception {
        Path data = folder.resolve(name + "-data");
        Path home = Files.createDirectories(folder.resolve(name + "-home"));
        String[] args = new String[flags.length + 4];
        args[0] = "--name";
        args[1] = name;
        args[2] = "--http-port";
        args[3] = "0";
        System.arraycopy(flags, 0, args, 4, flags.length);
        NodeProcess node = NodeProcess.startInNamespace(namespace, data, home, args);
        node.expect("MoodHaven node \"" + name + "\"", START);
        node.type("mh:unlock", PASSWORD, PASSWORD); // a new journal: its password, typed twice
        node.expect("Journal unlocked", STEP);
        return node;
    }

    private static String deviceId(NodeProcess node) throws Exception {
        node.type("mh:id");
        return node.expect("deviceId +([0-9a-f]{16})", STEP).group(1);
    }

    private static String write(NodeProcess node, String text) throws Exception {
        node.type("mh:write --mood 3", text, ".");
        return node.expect("Saved entry ([A-Za-z0-9_-]+) ", STEP).group(1);
    }

    /** Asks again until the console shows what is expected: for what happens by itself meanwhile. */
    private static Matcher eventually(NodeProcess node, String command, String pattern, Duration timeout)
            throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            node.type(command);
            try {
                return node.expect(pattern, Duration.ofSeconds(2));
            } catch (AssertionError notYet) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("'" + command + "' never showed /" + pattern + "/ within " + timeout
                            + "; the node printed:\n" + node.transcript());
                }
            }
        }
    }

    /** What one command prints: everything up to a marker echoed after it. */
    private static String output(NodeProcess node, String command) throws Exception {
        int before = node.transcript().length();
        String marker = "end-of-output-" + System.nanoTime();
        node.type(command, "echo " + marker);
        node.expect(marker, STEP);
        String after = node.transcript().substring(before);
        return after.substring(0, after.lastIndexOf(marker));
    }

    /** A shows a PIN, the other types it, A's person compares the codes and approves. */
    private static void pair(NodeProcess showing, String showingId, NodeProcess typing) throws Exception {
        showing.type("mh:pair");
        Matcher offer = showing.expect("PIN: ([0-9]{6}) +\\(this device: [0-9a-f]{16} at ([0-9.]+), pairing port "
                + "([0-9]+)\\)", STEP);
        typing.type("mh:accept " + offer.group(2) + " " + offer.group(3) + " " + offer.group(1) + " " + showingId);
        String codeOnTyping = typing.expect("Check code: ([0-9]{4})", STEP).group(1);
        String codeOnShowing = showing.expect("Check code: ([0-9]{4})", STEP).group(1);
        assertEquals(codeOnShowing, codeOnTyping, "both consoles show the same check code");
        showing.type("y");
        showing.expect("Paired with", STEP);
        typing.expect("Paired with", STEP);
    }

    @Test
    void nodesFindEachOtherPairConvergeAndKeepConvergingByThemselves() throws Exception {
        a = start(1, "alpha");
        b = start(2, "beta");
        String alpha = deviceId(a);
        String beta = deviceId(b);
        String first = write(a, "written on alpha before pairing");

        // Each sees the other on the LAN, by multicast alone.
        eventually(b, "mh:peers", alpha, CONVERGE);
        eventually(a, "mh:peers", beta, CONVERGE);

        pair(a, alpha, b);
        // B's first sync after pairing brings what A had.
        eventually(b, "mh:show " + first, "written on alpha before pairing", CONVERGE);

        // Later changes on either side arrive without any command.
        String second = write(a, "a later change on alpha");
        eventually(b, "mh:show " + second, "a later change on alpha", CONVERGE);
        String third = write(b, "a change on beta");
        eventually(a, "mh:show " + third, "a change on beta", CONVERGE);

        // Revocation stops A from syncing with B; the console says it is local.
        a.type("mh:revoke " + beta);
        a.expect("Revocation is local", STEP);
        String afterRevoke = write(b, "written on beta after the revocation");
        eventually(b, "mh:synclog", "(?i)" + alpha + ".*(refused|not.trust|unknown|reject)", CONVERGE);
        a.type("mh:show " + afterRevoke);
        a.expect("(?i)no entry|not found|unknown", STEP);

        // A node leaving the LAN is lost from the others' lists.
        assertEquals(0, a.exit(), "alpha stops cleanly");
        a = null;
        long deadline = System.nanoTime() + CONVERGE.toNanos();
        while (output(b, "mh:peers").contains(alpha)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("beta still lists alpha after it stopped:\n" + output(b, "mh:peers"));
            }
        }
    }

    @Test
    void withMulticastBlockedAPeerAddedByAddressStillSyncs() throws Exception {
        a = start(1, "alpha");
        c = start(lab.hostWithoutMulticast(3), "gamma");
        String alpha = deviceId(a);
        String entry = write(a, "reached without multicast");

        c.type("mh:add-peer " + NetworkLab.address(1) + ":" + DeviceIds.defaultSyncPort(alpha) + " " + alpha);
        c.expect(alpha, STEP);
        pair(a, alpha, c);

        eventually(c, "mh:show " + entry, "reached without multicast", CONVERGE);
    }
}
