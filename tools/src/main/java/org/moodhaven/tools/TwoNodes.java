package org.moodhaven.tools;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import org.moodhaven.api.entry.CanonicalJson;
import org.moodhaven.api.entry.Entry;

/**
 * A node process with its data folder, its JSON API and its sync port, started
 * headless on free ports, as the multi-process tests use it.
 */
public final class TwoNodes {

    private static final Duration START = Duration.ofSeconds(60);
    private static final ObjectMapper JSON = new ObjectMapper();

    private TwoNodes() {
    }

    /** One running node. */
    public static final class Node implements AutoCloseable {
        public final String name;
        public final Path data;
        public final Path home;
        public NodeProcess process;
        public NodeApi api;
        public String deviceId;
        public int syncPort;

        public Node(Path folder, String name) throws IOException {
            this.name = name;
            this.data = folder.resolve(name + "-data");
            this.home = Files.createDirectories(folder.resolve(name + "-home"));
        }

        /** Starts (or restarts) the node and waits until its API answers. */
        public Node startWithJvmOptions(String jvmFlags, String... flags) throws Exception {
            launch(jvmFlags, flags);
            return awaitReady();
        }

        /** Starts the node's process without waiting, so several nodes can start at once. */
        public Node launch(String jvmFlags, String... flags) throws Exception {
            // Tests and benchmarks decide when nodes sync: no automatic syncs, no multicast.
            String[] defaults = {"--name", name, "--headless", "--sync-port", "0", "--http-port", "0",
                "--no-auto-sync", "--no-mdns"};
            String[] all = new String[defaults.length + flags.length];
            System.arraycopy(defaults, 0, all, 0, defaults.length);
            System.arraycopy(flags, 0, all, defaults.length, flags.length);
            process = NodeProcess.startWithJvmOptions(data, home, jvmFlags, all);
            return this;
        }

        /** Waits until a launched node's API answers. */
        public Node awaitReady() throws Exception {
            int httpPort = Integer.parseInt(process.expect("Web UI and JSON API: http://127\\.0\\.0\\.1:(\\d+)/",
                    START).group(1));
            api = new NodeApi(httpPort, data);
            // The banner follows the HTTP server; the API's servlet may be deployed a moment later.
            Await.until(name + "'s API answers", START, () -> {
                try {
                    api.deviceId();
                    return true;
                } catch (AssertionError notYet) {
                    return false;
                }
            });
            deviceId = api.deviceId();
            syncPort = api.syncPort();
            return this;
        }

        public Node start(String... flags) throws Exception {
            return startWithJvmOptions("", flags);
        }

        /** Makes this node trust others, as pairing would, by writing trusted_devices.json. */
        public void trust(Node... others) throws IOException {
            trust(null, others);
        }

        public void trust(Integer protocol, Node... others) throws IOException {
            ArrayNode devices = JSON.createArrayNode();
            for (Node other : others) {
                JsonNode device = JSON.readTree(other.data.resolve("device.json").toFile());
                ObjectNode entry = devices.addObject();
                entry.put("deviceId", device.get("deviceId").asText());
                entry.put("deviceName", device.get("deviceName").asText());
                entry.put("publicKey", device.get("publicKey").asText());
                entry.put("pairedAt", "2026-11-25T10:00:00.000Z");
                if (protocol != null) {
                    entry.put("protocol", protocol);
                }
            }
            Path temp = data.resolve("trusted_devices.json.edit");
            Files.writeString(temp, devices.toPrettyString());
            Files.move(temp, data.resolve("trusted_devices.json"), java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        }

        public void post(Entry entry) throws IOException, InterruptedException {
            api.post("/api/entries", CanonicalJson.of(entry));
        }

        /** Syncs with another node (this one is the client), directly or through a port such as a proxy's. */
        public JsonNode syncWith(Node other, int port) throws IOException, InterruptedException {
            return api.sync(other.deviceId, port);
        }

        public JsonNode syncWith(Node other) throws IOException, InterruptedException {
            return syncWith(other, other.syncPort);
        }

        /** The newest record of this node's sync history. */
        public JsonNode lastSync() throws IOException, InterruptedException {
            return api.get("/api/sync/history?limit=1").get("syncs").get(0);
        }

        public void kill() throws InterruptedException {
            process.kill();
        }

        /** Stops the node as a service manager would (SIGTERM): a clean shutdown. */
        public void stop() throws InterruptedException {
            process.terminate();
        }

        @Override
        public void close() throws InterruptedException {
            if (process != null) {
                process.close();
            }
        }
    }
}
