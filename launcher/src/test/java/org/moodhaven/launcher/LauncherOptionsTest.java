package org.moodhaven.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;

class LauncherOptionsTest {

    private static final Path HOME = Path.of("/home/someone");

    @Test
    void defaultsToTheHomeFolderAndTheConsole() {
        LauncherOptions options = LauncherOptions.parse(new String[0], HOME);
        assertEquals(HOME.resolve(".moodhaven"), options.dataFolder());
        assertEquals(Optional.empty(), options.name());
        assertFalse(options.headless());
        assertEquals(Optional.empty(), options.syncPort());
        assertEquals(8080, options.httpPort());
        assertFalse(options.allowLegacyV1());
        assertTrue(options.mdns());
        assertTrue(options.mdnsName());
        assertEquals(java.util.List.of(), options.mdnsInterfaces());
        assertTrue(options.autoSync());
    }

    @Test
    void noAutoSyncLeavesOnlySyncsOnDemand() {
        assertFalse(LauncherOptions.parse(new String[] {"--no-auto-sync"}, HOME).autoSync());
        assertTrue(LauncherOptions.USAGE.contains("--no-auto-sync"));
    }

    @Test
    void readsTheDiscoveryFlags() {
        LauncherOptions options = LauncherOptions.parse(
                new String[] {"--no-mdns", "--no-mdns-name", "--mdns-interfaces", "eth0, 192.168.1.20"}, HOME);
        assertFalse(options.mdns());
        assertFalse(options.mdnsName());
        assertEquals(java.util.List.of("eth0", "192.168.1.20"), options.mdnsInterfaces());
        assertThrows(IllegalArgumentException.class,
                () -> LauncherOptions.parse(new String[] {"--mdns-interfaces", "eth0,,wlan0"}, HOME));
    }

    @Test
    void readsEveryFlag() {
        LauncherOptions options = LauncherOptions.parse(
                new String[] {"--data", "/tmp/node-a", "--name", "Ken's laptop", "--headless", "--sync-port", "0",
                        "--http-port", "8181", "--allow-legacy-v1"}, HOME);
        assertEquals(Path.of("/tmp/node-a"), options.dataFolder());
        assertEquals(Optional.of(0), options.syncPort());
        assertEquals(8181, options.httpPort());
        assertTrue(options.allowLegacyV1());
        assertEquals(Optional.of("Ken's laptop"), options.name());
        assertTrue(options.headless());
    }

    @Test
    void refusesUnknownFlagsAndMissingValuesWithAMessage() {
        IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class,
                () -> LauncherOptions.parse(new String[] {"--colour"}, HOME));
        assertEquals("unknown option --colour", unknown.getMessage());
        IllegalArgumentException missing = assertThrows(IllegalArgumentException.class,
                () -> LauncherOptions.parse(new String[] {"--data"}, HOME));
        assertEquals("--data needs a value", missing.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> LauncherOptions.parse(new String[] {"--name", "--headless"}, HOME));
        IllegalArgumentException badPort = assertThrows(IllegalArgumentException.class,
                () -> LauncherOptions.parse(new String[] {"--sync-port", "70000"}, HOME));
        assertEquals("--sync-port needs a port number from 0 to 65535, not 70000", badPort.getMessage());
    }

    @Test
    void startLevelsMatchExactNamesBeforeTheLongestPattern() {
        Map<String, BundleFolder.StartLevel> levels = Map.of(
                "org.objectweb.asm*", BundleFolder.parseLevel("a", "1"),
                "org.apache.felix.gogo*", BundleFolder.parseLevel("b", "5"),
                "org.apache.felix.gogo.runtime", BundleFolder.parseLevel("c", " 3 background "));
        assertEquals(new BundleFolder.StartLevel(1, false), BundleFolder.levelOf("org.objectweb.asm.commons", levels));
        assertEquals(new BundleFolder.StartLevel(3, true), BundleFolder.levelOf("org.apache.felix.gogo.runtime", levels));
        assertEquals(new BundleFolder.StartLevel(5, false), BundleFolder.levelOf("org.apache.felix.gogo.jline", levels));
        assertEquals(BundleFolder.DEFAULT_LEVEL, BundleFolder.levelOf("moodhaven.journal", levels).level());
    }

    @Test
    void aStartLevelThatIsNotANumberAndBackgroundIsRefusedByName() {
        for (String value : new String[] {"three", "3 later", "3 background now", "0", ""}) {
            IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
                    () -> BundleFolder.parseLevel("org.example", value));
            assertEquals("start level of org.example must be a number, optionally followed by 'background'; it is '"
                    + value + "'", refused.getMessage());
        }
    }
}
