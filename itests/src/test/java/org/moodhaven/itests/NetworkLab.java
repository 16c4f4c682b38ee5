package org.moodhaven.itests;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Assumptions;

/**
 * Hosts on one LAN, made of Linux network namespaces: each host is a namespace with one
 * veth interface ({@code 10.77.0.N/24}) whose other end is on a bridge in a hub namespace,
 * so multicast (mDNS) crosses between hosts as on a home network. Needs root and
 * iproute2; without them a developer's run skips, but in CI ({@code CI=true}) it fails.
 */
final class NetworkLab implements AutoCloseable {

    private final String prefix;
    private final String hub;
    private final List<String> namespaces = new ArrayList<>();

    private NetworkLab(String prefix) {
        this.prefix = prefix;
        this.hub = prefix + "hub";
    }

    /**
     * Makes the hub; skips the test (or fails it in CI) when namespaces cannot be made here.
     *
     * @return the lab, with no host yet
     */
    static NetworkLab create() throws IOException, InterruptedException {
        boolean ci = "true".equals(System.getenv("CI"));
        String why = unavailable();
        if (why != null) {
            if (ci) {
                throw new AssertionError("network namespace tests must run in CI, but " + why);
            }
            Assumptions.assumeTrue(false, "skipped: " + why + " (they run in CI, as root)");
        }
        NetworkLab lab = new NetworkLab("mh" + (ProcessHandle.current().pid() % 100_000));
        lab.run("ip", "netns", "add", lab.hub);
        lab.namespaces.add(lab.hub);
        lab.run("ip", "-n", lab.hub, "link", "add", "br0", "type", "bridge");
        lab.run("ip", "-n", lab.hub, "link", "set", "br0", "up");
        return lab;
    }

    private static String unavailable() throws InterruptedException {
        if (!"root".equals(System.getProperty("user.name"))) {
            return "they need root (network namespaces)";
        }
        try {
            Process probe = new ProcessBuilder("ip", "netns", "list").redirectErrorStream(true).start();
            probe.getInputStream().readAllBytes();
            if (!probe.waitFor(10, TimeUnit.SECONDS) || probe.exitValue() != 0) {
                return "'ip netns' does not work here";
            }
        } catch (IOException e) {
            return "iproute2 ('ip') is not installed";
        }
        return null;
    }

    /**
     * Adds a host on the LAN.
     *
     * @param n its number: address 10.77.0.n
     * @return the namespace's name
     */
    String host(int n) throws IOException, InterruptedException {
        return host(n, true);
    }

    /**
     * Adds a host whose multicast goes nowhere (a blackhole route for 224.0.0.0/4), as behind
     * a router or firewall that blocks it: mDNS runs, and neither sends nor hears anything.
     *
     * @param n its number: address 10.77.0.n
     * @return the namespace's name
     */
    String hostWithoutMulticast(int n) throws IOException, InterruptedException {
        return host(n, false);
    }

    private String host(int n, boolean multicast) throws IOException, InterruptedException {
        String namespace = prefix + "h" + n;
        String inside = prefix + "v" + n;
        String outside = prefix + "p" + n;
        run("ip", "netns", "add", namespace);
        namespaces.add(namespace);
        run("ip", "link", "add", inside, "type", "veth", "peer", "name", outside);
        run("ip", "link", "set", inside, "netns", namespace);
        run("ip", "link", "set", outside, "netns", hub);
        run("ip", "-n", hub, "link", "set", outside, "master", "br0");
        run("ip", "-n", hub, "link", "set", outside, "up");
        run("ip", "-n", namespace, "addr", "add", address(n) + "/24", "dev", inside);
        run("ip", "-n", namespace, "link", "set", "lo", "up");
        run("ip", "-n", namespace, "link", "set", inside, "up");
        if (multicast) {
            run("ip", "-n", namespace, "route", "add", "224.0.0.0/4", "dev", inside);
        } else {
            run("ip", "-n", namespace, "route", "add", "blackhole", "224.0.0.0/4");
        }
        return namespace;
    }

    /** @return host n's address */
    static String address(int n) {
        return "10.77.0." + n;
    }

    private void run(String... command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(30, TimeUnit.SECONDS) || process.exitValue() != 0) {
            throw new IOException(String.join(" ", command) + " failed: " + output);
        }
    }

    /** Deletes every namespace (their interfaces go with them). */
    @Override
    public void close() throws InterruptedException {
        for (String namespace : namespaces) {
            try {
                run("ip", "netns", "del", namespace);
            } catch (IOException e) {
                System.err.println("could not delete network namespace " + namespace + ": " + e.getMessage());
            }
        }
    }
}
