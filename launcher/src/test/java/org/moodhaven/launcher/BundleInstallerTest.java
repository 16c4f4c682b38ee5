package org.moodhaven.launcher;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BundleInstallerTest {

    @TempDir
    Path folder;

    @Test
    void aBundleInstalledFromTheDeployFolderIsLeftToFileInstall() {
        Path deploy = folder.resolve("data").resolve("deploy");
        File jar = deploy.resolve("marker.jar").toFile();

        // FileInstall's locations: File.toURI, "file:/tmp/..."; the launcher's own: Path.toUri, "file:///tmp/...".
        assertTrue(BundleInstaller.isDeployed(jar.toURI().toString(), deploy), jar.toURI().toString());
        assertTrue(BundleInstaller.isDeployed(jar.toPath().toUri().toString(), deploy));
    }

    @Test
    void theDistributionsOwnBundlesAndOtherLocationsAreNot() {
        Path deploy = folder.resolve("data").resolve("deploy");

        assertFalse(BundleInstaller.isDeployed(folder.resolve("moodhaven").resolve("bundle").resolve("x.jar").toUri().toString(),
                deploy));
        assertFalse(BundleInstaller.isDeployed(folder.resolve("data").resolve("deployed.jar").toUri().toString(), deploy),
                "a sibling whose name starts the same");
        assertFalse(BundleInstaller.isDeployed("mvn:org.example/x/1.0", deploy));
        assertFalse(BundleInstaller.isDeployed("not a uri at all", deploy));
    }
}
