package org.moodhaven.tools.soak;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.moodhaven.tools.GcLog;
import org.moodhaven.tools.NodeProcess;
import org.moodhaven.tools.ProcessStatus;

/**
 * One of the soak's three nodes: a real process from the distribution with its own data
 * and home folders, its JSON API, its GC log, and what Linux reports of it.
 */
final class SoakNode implements AutoCloseable {

    private static final Duration START = Duration.ofSeconds(90);

    final String name;
    final Path data;
    final Path home;
    final Path gcLog;
    final int syncPort;
    NodeProcess process;
    SoakApi api;
    String deviceId;
    byte[] publicKey;

    SoakNode(Path work, String name) throws IOException {
        this.name = name;
        this.data = work.resolve(name + "-data");
        this.home = Files.createDirectories(work.resolve(name + "-home"));
        this.gcLog = home.resolve("gc.log");
        this.syncPort = freePort();
    }

    /**
     * Starts the node: auto-sync on (the default), mDNS off, the sync port given, its GC log
     * in its home folder (so it is not counted with the node's own logs).
     *
     * @param console whether it keeps its interactive console (for the operator's commands)
     */
    void launch(boolean console) throws IOException {
        List<String> flags = new ArrayList<>(List.of("--name", name, "--no-mdns", "--sync-port",
                Integer.toString(syncPort), "--http-port", "0"));
        if (!console) {
            flags.add("--headless");
        }
        process = NodeProcess.startWithJvmOptions(data, home, GcLog.option(gcLog), flags.toArray(String[]::new));
    }

    /** Waits until the launched node's API answers, and learns its identity. */
    void awaitReady() throws Exception {
        int httpPort = Integer.parseInt(process.expect("Web UI and JSON API: http://127\\.0\\.0\\.1:(\\d+)/", START)
                .group(1));
        api = new SoakApi(httpPort, data, Duration.ofSeconds(30));
        long deadline = System.nanoTime() + START.toNanos();
        while (true) {
            try {
                SoakApi.Answer identity = api.get("/api/identity");
                if (identity.ok()) {
                    deviceId = identity.body().get("deviceId").asText();
                    break;
                }
            } catch (IOException notYet) {
                // the servlet is deployed a moment after the banner
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(name + "'s API did not answer within " + START);
            }
            TimeUnit.MILLISECONDS.sleep(100); // polling the API until it answers, with a deadline
        }
        publicKey = java.util.Base64.getUrlDecoder().decode(new com.fasterxml.jackson.databind.ObjectMapper()
                .readTree(data.resolve("device.json").toFile()).get("publicKey").asText());
    }

    long pid() {
        return process.pid();
    }

    double rssMiB() throws IOException {
        return ProcessStatus.rssMiB(pid());
    }

    /**
     * @return the node's live threads, without the threads of the console's own command
     *         pipelines (gogo's "session-N-thread-M": made for each command typed, kept 60 s
     *         after; a node run as a service has none)
     */
    int threads() throws IOException {
        return (int) ProcessStatus.threadNames(pid()).stream().filter(name -> !name.startsWith("session-")).count();
    }

    int fileDescriptors() throws IOException {
        return ProcessStatus.openFileDescriptors(pid());
    }

    /** @return the bytes of every file under {@code {data}/logs} */
    long logBytes() throws IOException {
        Path logs = data.resolve("logs");
        if (!Files.isDirectory(logs)) {
            return 0;
        }
        long total = 0;
        try (Stream<Path> files = Files.walk(logs)) {
            for (Path file : (Iterable<Path>) files::iterator) {
                try {
                    if (Files.isRegularFile(file)) {
                        total += Files.size(file);
                    }
                } catch (IOException rotatedAway) {
                    // a file rotated away between the listing and its size
                }
            }
        }
        return total;
    }

    /** @return the node's log files (a rotated log has several) */
    List<Path> logFiles() throws IOException {
        Path logs = data.resolve("logs");
        if (!Files.isDirectory(logs)) {
            return List.of();
        }
        try (Stream<Path> files = Files.walk(logs)) {
            return files.filter(Files::isRegularFile).sorted().toList();
        }
    }

    boolean alive() {
        return process != null && process.isAlive();
    }

    @Override
    public void close() throws InterruptedException {
        if (process != null && process.isAlive()) {
            process.terminate();
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
