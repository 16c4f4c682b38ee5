package org.moodhaven.itests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.moodhaven.itests.deployed.MarkerActivator;
import org.moodhaven.tools.Await;

/**
 * {@code {data}/deploy} (issue 13): a bundle dropped there while a headless node runs is installed
 * and started, a newer jar replaces it, a deleted one is uninstalled, and a deployed bundle stays
 * installed across a restart. The bundle is built here: {@link MarkerActivator} alone, which keeps
 * a file named after the running version in the data folder.
 */
class DeployFolderIT {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final String JAR = "marker.jar";

    @TempDir
    Path folder;

    @Test
    void aBundleDroppedIntoDeployIsStartedReplacedAndRemovedWhileTheNodeRuns() throws Exception {
        Path data = folder.resolve("data");
        try (HeadlessNode node = HeadlessNode.start(data, folder.resolve("home"), "--sync-port", "0", "--no-mdns",
                "--no-auto-sync")) {
            Path deploy = data.resolve("deploy");
            drop(deploy, "1.0.0");
            Await.until("version 1.0.0 runs", WAIT, () -> Files.exists(marker(data, "1.0.0")));

            drop(deploy, "2.0.0");
            Await.until("version 2.0.0 runs instead of 1.0.0", WAIT,
                    () -> Files.exists(marker(data, "2.0.0")) && !Files.exists(marker(data, "1.0.0")));

            Files.delete(deploy.resolve(JAR));
            Await.until("the bundle is stopped once its jar is gone", WAIT,
                    () -> !Files.exists(marker(data, "2.0.0")));
        }
    }

    @Test
    void aDeployedBundleSurvivesARestart() throws Exception {
        Path data = folder.resolve("data");
        Path home = folder.resolve("home");
        String installedAs;
        try (HeadlessNode node = HeadlessNode.start(data, home, "--sync-port", "0", "--no-mdns", "--no-auto-sync")) {
            drop(data.resolve("deploy"), "1.0.0");
            Await.until("version 1.0.0 runs", WAIT, () -> Files.exists(marker(data, "1.0.0")));
            installedAs = Files.readString(marker(data, "1.0.0"));
            node.stop();
        }
        assertFalse(Files.exists(marker(data, "1.0.0")), "the bundle was stopped with the node");

        try (HeadlessNode node = HeadlessNode.start(data, home, "--sync-port", "0", "--no-mdns", "--no-auto-sync")) {
            Await.until("version 1.0.0 runs again", WAIT, () -> Files.exists(marker(data, "1.0.0")));
            assertEquals(installedAs, Files.readString(marker(data, "1.0.0")),
                    "the same installation (bundle id), not uninstalled at start and installed again");
        }
    }

    private static Path marker(Path data, String version) {
        return data.resolve("deployed-" + version + ".running");
    }

    /** Builds the bundle at a version and moves it into the folder whole, as a careful person copies a jar. */
    private void drop(Path deploy, String version) throws IOException {
        Manifest manifest = new Manifest();
        manifest.getMainAttributes().putValue("Manifest-Version", "1.0");
        manifest.getMainAttributes().putValue("Bundle-ManifestVersion", "2");
        manifest.getMainAttributes().putValue("Bundle-SymbolicName", "org.moodhaven.itests.deployed");
        manifest.getMainAttributes().putValue("Bundle-Version", version);
        manifest.getMainAttributes().putValue("Bundle-Activator", MarkerActivator.class.getName());
        manifest.getMainAttributes().putValue("Import-Package", "org.osgi.framework");
        Path jar = folder.resolve("marker-" + version + ".jar");
        String entry = MarkerActivator.class.getName().replace('.', '/') + ".class";
        try (OutputStream file = Files.newOutputStream(jar); JarOutputStream out = new JarOutputStream(file, manifest);
             InputStream activator = MarkerActivator.class.getClassLoader().getResourceAsStream(entry)) {
            out.putNextEntry(new JarEntry(entry));
            activator.transferTo(out);
            out.closeEntry();
        }
        Files.move(jar, deploy.resolve(JAR), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}
