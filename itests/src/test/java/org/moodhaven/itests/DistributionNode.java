package org.moodhaven.itests;

import java.io.File;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.moodhaven.tools.Await;

/**
 * A headless node started from any node folder (an unpacked release archive, an earlier
 * version's build), from another working folder, on free ports, without mDNS or syncs of its
 * own; {@code NodeProcess} only starts the build's own folder.
 */
final class DistributionNode implements AutoCloseable {
    private static final Duration WAIT = Duration.ofSeconds(90);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private final Process process;
    private final Path output;
    final int httpPort;

    private DistributionNode(Process process, Path output, int httpPort) {
        this.process = process;
        this.output = output;
        this.httpPort = httpPort;
    }

    static DistributionNode start(Path dist, Path workingFolder, Path data, String... flags) throws Exception {
        Path home = Files.createDirectories(data.resolveSibling(data.getFileName() + "-home"));
        Path tmp = Files.createDirectories(home.resolve("tmp"));
        Files.setPosixFilePermissions(home, PosixFilePermissions.fromString("rwx------"));
        List<String> command = new ArrayList<>(List.of(dist.resolve("bin/moodhaven").toString(), "--headless",
                "--data", data.toString(), "--http-port", "0", "--no-mdns", "--no-auto-sync"));
        command.addAll(List.of(flags));
        if (!command.contains("--sync-port")) {
            command.addAll(List.of("--sync-port", "0"));
        }
        Path output = home.resolve("output.txt");
        ProcessBuilder builder = new ProcessBuilder(command).directory(workingFolder.toFile())
                .redirectErrorStream(true).redirectOutput(output.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        builder.environment().put("HOME", home.toString());
        builder.environment().put("JAVA_OPTS", "-Xmx256m -Djava.io.tmpdir=" + tmp);
        Process process = builder.start();
        Pattern banner = Pattern.compile("Web UI and JSON API: http://127\\.0\\.0\\.1:(\\d+)/");
        int[] port = new int[1];
        try {
            Await.until("the node's banner", WAIT, () -> {
                if (!process.isAlive()) {
                    throw new AssertionError("the node ended with status " + process.exitValue() + ":\n"
                            + Files.readString(output));
                }
                Matcher matcher = banner.matcher(Files.readString(output));
                if (matcher.find()) {
                    port[0] = Integer.parseInt(matcher.group(1));
                    return true;
                }
                return false;
            });
        } catch (AssertionError | RuntimeException e) {
            process.destroyForcibly().waitFor();
            throw e;
        }
        return new DistributionNode(process, output, port[0]);
    }

    /** GET /api/health without a token, until it answers {@code status} (it is 503 while the node starts). */
    JsonNode awaitHealth(int status) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + "/api/health"))
                .GET().build();
        String[] last = {""};
        JsonNode[] body = new JsonNode[1];
        try {
            Await.until("GET /api/health answers " + status, WAIT, () -> {
                HttpResponse<String> response = HTTP.send(request,
                        HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
                last[0] = response.statusCode() + " " + response.body();
                if (response.statusCode() == status) {
                    body[0] = JSON.readTree(response.body());
                    return true;
                }
                return false;
            });
        } catch (AssertionError timedOut) {
            throw new AssertionError(timedOut.getMessage() + "; last answer: " + last[0] + "\nthe node printed:\n"
                    + Files.readString(output), timedOut);
        }
        return body[0];
    }

    /** SIGTERM, as systemd stops it; a clean stop. */
    void stop() throws Exception {
        process.destroy();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("the node did not stop on SIGTERM:\n" + Files.readString(output));
        }
    }

    @Override
    public void close() throws Exception {
        if (process.isAlive()) {
            process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        }
    }
}
