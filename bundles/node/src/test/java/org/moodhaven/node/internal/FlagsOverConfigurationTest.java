package org.moodhaven.node.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Hashtable;
import java.util.Map;

import org.junit.jupiter.api.Test;

class FlagsOverConfigurationTest {

    @Test
    void aFlagGivenWinsOverTheFilesValue() {
        FlagsOverConfiguration plugin = new FlagsOverConfiguration(CommandLineFlags.from(Map.of(
                "sync.port", "45123", "sync.allowLegacyV1", "true", "mdns.enabled", "false",
                "mdns.interfaces", "eth0,wlan0", "sync.auto", "false")::get));

        Hashtable<String, Object> sync = fromFile("moodhaven.sync", "port", "44100", "historySize", "10");
        plugin.modifyConfiguration(null, sync);
        assertEquals(45123, sync.get("port"));
        assertEquals(true, sync.get("allowLegacyV1"));
        assertEquals("10", sync.get("historySize"), "what no flag says stays as the file has it");

        Hashtable<String, Object> discovery = fromFile("moodhaven.discovery.mdns", "mdnsEnabled", "true");
        plugin.modifyConfiguration(null, discovery);
        assertEquals(false, discovery.get("mdnsEnabled"));
        assertEquals(true, discovery.get("allowLegacyV1"), "discovery announces what the sync engine accepts");
        assertArrayEquals(new String[] {"eth0", "wlan0"}, (String[]) discovery.get("interfaces"));

        Hashtable<String, Object> auto = fromFile("moodhaven.sync.auto");
        plugin.modifyConfiguration(null, auto);
        assertEquals(false, auto.get("enabled"));
    }

    @Test
    void aFlagNotGivenLeavesTheFilesValue() {
        // What the launcher hands over when no flag is given: nothing, not "false" or "true".
        FlagsOverConfiguration plugin = new FlagsOverConfiguration(CommandLineFlags.from(Map.<String, String>of()::get));

        Hashtable<String, Object> sync = fromFile("moodhaven.sync", "port", "44100", "allowLegacyV1", "true");
        Hashtable<String, Object> discovery = fromFile("moodhaven.discovery.mdns", "mdnsEnabled", "false",
                "announceName", "false");
        Hashtable<String, Object> auto = fromFile("moodhaven.sync.auto", "enabled", "false");
        Map<String, Object> syncBefore = Map.copyOf(sync);
        Map<String, Object> discoveryBefore = Map.copyOf(discovery);
        Map<String, Object> autoBefore = Map.copyOf(auto);
        plugin.modifyConfiguration(null, sync);
        plugin.modifyConfiguration(null, discovery);
        plugin.modifyConfiguration(null, auto);

        assertEquals(syncBefore, Map.copyOf(sync));
        assertEquals(discoveryBefore, Map.copyOf(discovery));
        assertEquals(autoBefore, Map.copyOf(auto));
    }

    @Test
    void anotherComponentsConfigurationIsLeftAlone() {
        FlagsOverConfiguration plugin = new FlagsOverConfiguration(CommandLineFlags.from(Map.of(
                "sync.port", "45123")::get));
        Hashtable<String, Object> journal = fromFile("moodhaven.journal", "port", "1");

        plugin.modifyConfiguration(null, journal);

        assertEquals("1", journal.get("port"));
    }

    private static Hashtable<String, Object> fromFile(String pid, String... keysAndValues) {
        Hashtable<String, Object> properties = new Hashtable<>();
        properties.put("service.pid", pid);
        for (int i = 0; i < keysAndValues.length; i += 2) {
            properties.put(keysAndValues[i], keysAndValues[i + 1]);
        }
        return properties;
    }
}
