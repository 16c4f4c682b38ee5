package org.moodhaven.itests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.moodhaven.api.entry.CanonicalJson;
import org.moodhaven.testing.EntryGenerator;
import org.moodhaven.tools.NodeApi;
import org.moodhaven.tools.NodeProcess;
import org.moodhaven.tools.PeerIdentity;

/**
 * Updating a node (docs/running.md, "Update to a new version"): the new version's release
 * archive, unpacked beside the old one, started on the data folder the previous version made
 * and used, keeps the identity, the journal, the trusted devices and the peers added by
 * address, and the device name given to the old one.
 *
 * <p>The previous version is commit {@value #PREVIOUS} (the last one before issue 13), built
 * from git ({@code git archive} of the commit, then {@code mvn package}), the way a person
 * who ran it had it. A commit never changes, so neither does its build: it is kept in
 * {@code ~/.cache/moodhaven/} and built only the first time (about a minute and a half on 2
 * cores), or taken from {@code -Dupgrade.previous.dist=FOLDER}.
 */
class UpgradeIT {

    /** The last commit before issue 13 (archive, configuration files, deploy folder, Jetty 12). */
    static final String PREVIOUS = "5bfc3c2";
    private static final Duration BUILD = Duration.ofMinutes(8);
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path folder;

    @Test
    void theNewVersionKeepsTheDataTrustAndSettingsOfThePreviousOne() throws Exception {
        Path previous = previousVersion();
        Path current = ReleaseArchiveIT.unpackArchive(folder.resolve("opt"));
        // As docs/running.md installs it: the node's folder behind a link, re-pointed at an update.
        Path link = Files.createSymbolicLink(folder.resolve("opt").resolve("moodhaven"), previous);
        Path data = folder.resolve("data");
        Path elsewhere = Files.createDirectories(folder.resolve("elsewhere"));
        EntryGenerator entries = EntryGenerator.standard();
        PeerIdentity phone = PeerIdentity.generate("Phone");

        JsonNode identityBefore;
        String salt;
        List<String> entriesBefore;
        try (DistributionNode old = DistributionNode.start(link, elsewhere, data, "--name", "Home server")) {
            NodeApi api = new NodeApi(old.httpPort, data);
            for (int i = 0; i < 5; i++) {
                api.post("/api/entries", CanonicalJson.of(entries.entry(i)));
            }
            api.post("/api/entries", CanonicalJson.of(entries.version(2, 1))); // an edit: a replaced version
            ArrayNode trusted = JSON.createArrayNode();
            trusted.add(phone.trustEntry(Instant.parse("2026-11-25T10:00:00Z")));
            Files.writeString(data.resolve("trusted_devices.json"), trusted.toPrettyString());
            api.post("/api/peers", "{\"host\": \"192.168.1.20\", \"port\": 44702}");
            identityBefore = api.get("/api/identity");
            salt = api.get("/api/journal").get("salt").asText();
            entriesBefore = entryLines(api);
            assertEquals(5, entriesBefore.size());
            old.stop();
        }

        // The link now names the new version: every bundle has the location it had, and a new jar
        // (whose file time is the build's fixed one, like the old jar's).
        Files.delete(link);
        Files.createSymbolicLink(link, current);
        checkKept(link, elsewhere, data, identityBefore, salt, entriesBefore, entries, phone);
        // Started from the folder itself, not the link: the same bundles at new locations.
        checkKept(current, elsewhere, data, identityBefore, salt, entriesBefore, entries, phone);
    }

    /** Starts the new version on the data folder and checks that all the previous one left is there. */
    private static void checkKept(Path node, Path elsewhere, Path data, JsonNode identityBefore, String salt,
                                  List<String> entriesBefore, EntryGenerator entries, PeerIdentity phone)
            throws Exception {
        // No --name: the name given to the old version stays. A /api/health that answers 200 is the
        // new version's: the previous one had none (401 without a token).
        try (DistributionNode updated = DistributionNode.start(node, elsewhere, data)) {
            JsonNode health = updated.awaitHealth(200);
            assertEquals("up", health.get("status").asText());
            NodeApi api = new NodeApi(updated.httpPort, data);
            JsonNode identity = api.get("/api/identity");
            assertEquals(identityBefore.get("deviceId"), identity.get("deviceId"), "the same device");
            assertEquals(identityBefore.get("publicKey"), identity.get("publicKey"), "the same key");
            assertEquals("Home server", identity.get("deviceName").asText());
            assertEquals(salt, api.get("/api/journal").get("salt").asText(), "the journal's salt");
            assertEquals(entriesBefore, entryLines(api), "every entry, byte for byte");
            assertEquals(1, api.get("/api/entries/" + entries.id(2) + "/versions").get("versions").size(),
                    "the earlier version of the edited entry");
            JsonNode trust = api.get("/api/trusted");
            assertEquals(1, trust.size(), trust.toString());
            assertEquals(phone.deviceId(), trust.get(0).get("deviceId").asText(), "the trusted device");
            assertTrue(api.get("/api/peers").toString().contains("\"host\":\"192.168.1.20\""),
                    "the peer added by address: " + api.get("/api/peers"));
            updated.stop();
        }
    }

    private static List<String> entryLines(NodeApi api) throws IOException, InterruptedException {
        List<String> lines = new ArrayList<>();
        api.get("/api/entries?limit=1000").get("entries").forEach(entry -> lines.add(entry.toString()));
        return lines;
    }

    /** The previous version's node folder, built once from git. */
    static synchronized Path previousVersion() throws Exception {
        String given = System.getProperty("upgrade.previous.dist");
        if (given != null && !given.isBlank()) {
            return Path.of(given);
        }
        Path cache = Path.of(System.getProperty("user.home"), ".cache", "moodhaven", "previous-" + PREVIOUS);
        Path dist = cache.resolve("moodhaven");
        if (Files.isRegularFile(cache.resolve("complete"))) {
            return dist;
        }
        Path repository = NodeProcess.DIST.toAbsolutePath().normalize().getParent().getParent().getParent();
        Path source = Files.createTempDirectory("moodhaven-" + PREVIOUS);
        try {
            Path archive = source.resolve("source.tar");
            build(List.of("git", "-C", repository.toString(), "archive", "--format=tar", "-o", archive.toString(),
                    PREVIOUS), source, "git archive of the previous version (does this clone have commit " + PREVIOUS
                    + "? a shallow clone has not: -Dupgrade.previous.dist=FOLDER names a build of it)");
            build(List.of("tar", "xf", archive.toString()), source, "unpacking its source");
            // Only the node folder; no tests, no class archive (it would fit the temporary folder only).
            build(List.of("mvn", "-B", "-q", "package", "-Dmaven.test.skip=true", "-Dmaven.antrun.skip=true",
                    "-pl", "distribution", "-am"), source, "building the previous version");
            deleteTree(cache);
            Files.createDirectories(cache);
            copyTree(source.resolve("distribution/target/moodhaven"), dist);
            Files.writeString(cache.resolve("complete"), PREVIOUS + "\n");
            return dist;
        } finally {
            deleteTree(source);
        }
    }

    private static void build(List<String> command, Path directory, String what) throws Exception {
        ReleaseArchiveIT.Result result = ReleaseArchiveIT.run(command, directory, BUILD);
        if (result.status() != 0) {
            throw new AssertionError(what + " failed (" + command + ", status " + result.status() + "):\n"
                    + result.output());
        }
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> files = Files.walk(from)) {
            for (Path file : files.toList()) {
                Path copy = to.resolve(from.relativize(file).toString());
                if (Files.isDirectory(file)) {
                    Files.createDirectories(copy);
                } else {
                    Files.copy(file, copy, StandardCopyOption.COPY_ATTRIBUTES);
                }
            }
        }
    }

    private static void deleteTree(Path top) throws IOException {
        if (!Files.exists(top)) {
            return;
        }
        try (Stream<Path> files = Files.walk(top)) {
            for (Path file : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(file);
            }
        }
    }
}
