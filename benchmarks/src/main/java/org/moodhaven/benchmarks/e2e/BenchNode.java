package org.moodhaven.benchmarks.e2e;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import org.moodhaven.tools.GcLog;
import org.moodhaven.tools.NodeApi;
import org.moodhaven.tools.NodeProcess;
import org.moodhaven.tools.ProcessStatus;

/**
 * A node of the benchmark: a real process from the distribution, headless, with
 * {@code -Xmx256m}, a GC log (for its peak heap), and ports chosen up front so its
 * start-up can be timed from the moment the process is created to the moment its
 * JSON API answers with the sync service running.
 */
final class BenchNode implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** Where each node writes a JFR recording of its run ({@code --profile}), or null for none. */
    static Path profileFolder;

    final String name;
    final Path data;
    final Path home;
    final int httpPort;
    final int syncPort;
    NodeProcess process;
    NodeApi api;
    String deviceId;

    BenchNode(Path folder, String name) throws IOException {
        this.name = name;
        this.data = Files.createDirectories(folder.resolve(name + "-data"));
        this.home = Files.createDirectories(folder.resolve(name + "-home"));
        this.httpPort = freePort();
        this.syncPort = freePort();
    }

    /**
     * Starts the node and waits for its API.
     *
     * @return milliseconds from creating the process to the API answering with sync running
     */
    double start() throws Exception {
        String jvmFlags = GcLog.option(data.resolve("gc.log"));
        if (profileFolder != null) {
            Path recording = profileFolder.resolve(name + "-" + System.currentTimeMillis() + ".jfr");
            jvmFlags += " -XX:FlightRecorderOptions:stackdepth=256 -XX:StartFlightRecording=settings=profile,filename=" + recording;
        }
        // The node writes a new token at each start. The last start's token would only make the
        // loop below create an HTTP client (a thread and a selector) every 5 ms for the whole start
        // of a warm node, taking CPU from the node it times.
        Files.deleteIfExists(data.resolve("api-token"));
        long started = System.nanoTime();
        process = NodeProcess.startWithJvmOptions(data, home, jvmFlags,
                "--headless", "--no-auto-sync", "--no-mdns", "--name", name,
                "--http-port", Integer.toString(httpPort),
                "--sync-port", Integer.toString(syncPort));
        long deadline = started + Duration.ofMinutes(2).toNanos();
        NodeApi answering = null;
        while (true) {
            if (System.nanoTime() > deadline || !process.isAlive()) {
                throw new IllegalStateException(name + " did not start; it printed:\n" + process.transcript());
            }
            if (answering == null && Files.exists(data.resolve("api-token"))) {
                answering = new NodeApi(httpPort, data);
            }
            if (answering != null) {
                try {
                    JsonNode identity = answering.get("/api/identity");
                    if (identity.get("syncPort").asInt() == syncPort) {
                        api = answering;
                        deviceId = identity.get("deviceId").asText();
                        return (System.nanoTime() - started) / 1e6;
                    }
                } catch (IOException | AssertionError notYet) {
                    // not answering yet
                }
            }
            Thread.onSpinWait();
            java.util.concurrent.locks.LockSupport.parkNanos(5_000_000);
        }
    }

    /** Stops the node cleanly (SIGTERM), keeping its data and bundle cache. */
    void stop() throws InterruptedException {
        process.terminate();
    }

    /** Trusts the other nodes (writes trusted_devices.json, as a person could). */
    void trust(List<BenchNode> others) throws IOException {
        ArrayNode devices = JSON.createArrayNode();
        for (BenchNode other : others) {
            JsonNode device = JSON.readTree(other.data.resolve("device.json").toFile());
            ObjectNode entry = devices.addObject();
            entry.put("deviceId", device.get("deviceId").asText());
            entry.put("deviceName", device.get("deviceName").asText());
            entry.put("publicKey", device.get("publicKey").asText());
            entry.put("pairedAt", "2026-11-25T10:00:00.000Z");
        }
        Files.writeString(data.resolve("trusted_devices.json"), devices.toPrettyString());
    }

    /** @return the CPU time the node's process has used so far (all its threads), in seconds */
    double cpuSeconds() {
        return cpuSeconds(ProcessHandle.of(process.pid()).orElseThrow());
    }

    /** @return the CPU time a process has used so far, in seconds */
    static double cpuSeconds(ProcessHandle process) {
        return process.info().totalCpuDuration().orElseThrow().toNanos() / 1e9;
    }

    /** @return the highest resident set size the node's process reached, in MiB (VmHWM) */
    double peakRssMiB() throws IOException {
        return ProcessStatus.peakRssMiB(process.pid());
    }

    /** @return the most heap the node used, in MiB: the largest heap before a collection in its GC log */
    double peakHeapMiB() throws IOException {
        return GcLog.peakHeapMiB(data.resolve("gc.log"));
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    @Override
    public void close() throws InterruptedException {
        if (process != null && process.isAlive()) {
            process.terminate();
        }
    }
}
