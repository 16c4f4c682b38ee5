package org.moodhaven.itests;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.moodhaven.tools.Await;
import org.moodhaven.tools.NodeApi;
import org.moodhaven.tools.NodeProcess;

/**
 * A node of the distribution started headless with exactly the flags a test gives (unlike
 * {@link NodeProcess}, no {@code --sync-port} is added, so that {@code {data}/etc} decides the
 * port), as a service manager starts it; its output goes to a file the test can read.
 */
final class HeadlessNode implements AutoCloseable {

    private static final Duration START = Duration.ofSeconds(60);
    private static final Pattern API = Pattern.compile("Web UI and JSON API: http://127\\.0\\.0\\.1:(\\d+)/");
    private static final AtomicInteger RUNS = new AtomicInteger();

    final Path data;
    final NodeApi api;
    private final Process process;
    private final Path output;

    private HeadlessNode(Path data, Process process, Path output, NodeApi api) {
        this.data = data;
        this.process = process;
        this.output = output;
        this.api = api;
    }

    private static final HttpClient HTTP = HttpClient.newHttpClient();

    /**
     * Starts a node and waits until it is up: its API answers and {@code GET /api/health} says
     * 200 (every component satisfied, the store open, the sync server listening). The API alone
     * answers before the sync server has its port.
     *
     * @param data  the data folder
     * @param home  HOME and the temporary folder of the process
     * @param flags launcher flags besides {@code --data} and {@code --headless} ({@code --http-port 0} is added)
     */
    static HeadlessNode start(Path data, Path home, String... flags) throws Exception {
        Path tmp = Files.createDirectories(home.resolve("tmp"));
        Path output = home.resolve("node-" + RUNS.incrementAndGet() + ".out");
        List<String> command = new ArrayList<>(List.of(NodeProcess.DIST.resolve("bin").resolve("moodhaven").toString(),
                "--data", data.toString(), "--headless", "--http-port", "0"));
        command.addAll(List.of(flags));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(output.toFile());
        builder.environment().put("HOME", home.toString());
        builder.environment().put("JAVA_OPTS", "-Xmx256m -Djava.io.tmpdir=" + tmp);
        Process process = builder.start();
        try {
            int[] port = new int[1];
            Await.until("the node prints its web address", START, () -> {
                if (!process.isAlive()) {
                    throw new AssertionError("the node exited: " + Files.readString(output, StandardCharsets.UTF_8));
                }
                Matcher matcher = API.matcher(Files.readString(output, StandardCharsets.UTF_8));
                if (matcher.find()) {
                    port[0] = Integer.parseInt(matcher.group(1));
                    return true;
                }
                return false;
            });
            NodeApi api = new NodeApi(port[0], data);
            Await.until("the node's API answers", START, () -> {
                try {
                    api.deviceId();
                    return true;
                } catch (AssertionError | IOException notYet) {
                    return false;
                }
            });
            HttpRequest health = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port[0] + "/api/health"))
                    .GET().build();
            Await.until("GET /api/health answers 200", START, () -> HTTP.send(health,
                    HttpResponse.BodyHandlers.discarding()).statusCode() == 200);
            return new HeadlessNode(data, process, output, api);
        } catch (Exception | AssertionError e) {
            process.destroyForcibly();
            throw e;
        }
    }

    /** @return the sync port the node listens on now, as its API says */
    int syncPort() throws Exception {
        return api.syncPort();
    }

    /** @return what the node printed */
    String output() throws IOException {
        return Files.readString(output, StandardCharsets.UTF_8);
    }

    /** Stops the node as a service manager does (SIGTERM) and waits until it has exited. */
    void stop() throws Exception {
        process.destroy();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("the node did not stop within 60 s of SIGTERM: " + output());
        }
    }

    @Override
    public void close() throws Exception {
        if (process.isAlive()) {
            stop();
        }
    }
}
