package org.moodhaven.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigurationFilesTest {

    private static final String JOURNAL_METATYPE = """
            <?xml version="1.0" encoding="UTF-8"?>
            <metatype:MetaData xmlns:metatype="http://www.osgi.org/xmlns/metatype/v1.2.0">
              <OCD id="org.example.Journal$Config" name="MoodHaven journal" description="The password-encrypted journal">
                <AD id="maxKeys" type="Integer" name="Most keys per unlock" description="How many distinct salts get a key derived per unlock" default="32"/>
              </OCD>
              <Designate pid="moodhaven.journal"><Object ocdref="org.example.Journal$Config"/></Designate>
            </metatype:MetaData>
            """;

    private static final String JOURNAL_COMPONENT = """
            <?xml version="1.0" encoding="UTF-8"?>
            <scr:component xmlns:scr="http://www.osgi.org/xmlns/scr/v1.4.0" name="org.example.Journal" configuration-pid="moodhaven.journal">
              <reference name="$001" interface="org.moodhaven.api.node.NodeSettings" parameter="1"/>
              <reference name="crypto" interface="org.moodhaven.api.crypto.CryptoProvider" field="crypto"/>
              <implementation class="org.example.Journal"/>
            </scr:component>
            """;

    private static final String MEMORY_METATYPE = """
            <?xml version="1.0" encoding="UTF-8"?>
            <metatype:MetaData xmlns:metatype="http://www.osgi.org/xmlns/metatype/v1.2.0">
              <OCD id="memory" name="MoodHaven memory store" description="Entries in memory">
                <AD id="service.ranking" type="Integer" name="Service ranking" description="Higher wins" default="0"/>
              </OCD>
              <Designate pid="moodhaven.store.memory"><Object ocdref="memory"/></Designate>
            </metatype:MetaData>
            """;

    private static final String MEMORY_COMPONENT = """
            <?xml version="1.0" encoding="UTF-8"?>
            <scr:component xmlns:scr="http://www.osgi.org/xmlns/scr/v1.4.0" name="org.example.Memory"
                configuration-pid="moodhaven.store.memory" configuration-policy="require">
              <implementation class="org.example.Memory"/>
            </scr:component>
            """;

    @TempDir
    Path folder;

    @Test
    void everyAttributeIsWrittenCommentedOutUnderItsNameDescriptionAndDefault() throws Exception {
        Path etc = Files.createDirectory(folder.resolve("etc"));
        List<BundleFolder.BundleJar> jars = List.of(bundle("moodhaven.journal",
                "OSGI-INF/metatype/journal.xml", JOURNAL_METATYPE, "OSGI-INF/journal.xml", JOURNAL_COMPONENT));

        assertEquals(List.of(etc.resolve("moodhaven.journal.cfg")), ConfigurationFiles.writeMissing(etc, jars));

        String text = Files.readString(etc.resolve("moodhaven.journal.cfg"));
        assertTrue(text.startsWith("# MoodHaven journal (configuration moodhaven.journal)\n"
                + "# The password-encrypted journal\n"), text);
        assertTrue(text.contains("\n# Most keys per unlock (Integer)\n"
                + "# How many distinct salts get a key derived per unlock\n#maxKeys = 32\n"), text);
        assertTrue(text.contains("(moodhaven.crypto.provider=bc)") && text.contains("\n#crypto.target = \n"),
                "the reference a person may point elsewhere: " + text);
        assertFalse(text.contains("$001"), "a constructor's parameter is no setting: " + text);
        assertTrue(text.endsWith("\n"), "ends with a newline");
        for (String line : text.split("\n")) {
            assertTrue(line.isEmpty() || line.startsWith("#"), "every line a comment: " + line);
        }
    }

    @Test
    void aFileThatExistsIsNeverWrittenAgain() throws Exception {
        Path etc = Files.createDirectory(folder.resolve("etc"));
        List<BundleFolder.BundleJar> jars = List.of(bundle("moodhaven.journal",
                "OSGI-INF/metatype/journal.xml", JOURNAL_METATYPE, "OSGI-INF/journal.xml", JOURNAL_COMPONENT));
        ConfigurationFiles.writeMissing(etc, jars);
        String edited = "crypto.target = (moodhaven.crypto.provider=bc)\n";
        Files.writeString(etc.resolve("moodhaven.journal.cfg"), edited);

        assertEquals(List.of(), ConfigurationFiles.writeMissing(etc, jars));
        assertEquals(edited, Files.readString(etc.resolve("moodhaven.journal.cfg")));
    }

    @Test
    void aFileAPersonDeletedIsWrittenAgainAtTheNextStart() throws Exception {
        Path etc = Files.createDirectory(folder.resolve("etc"));
        List<BundleFolder.BundleJar> jars = List.of(bundle("moodhaven.journal",
                "OSGI-INF/metatype/journal.xml", JOURNAL_METATYPE, "OSGI-INF/journal.xml", JOURNAL_COMPONENT));
        ConfigurationFiles.writeMissing(etc, jars);
        String generated = Files.readString(etc.resolve("moodhaven.journal.cfg"));
        assertEquals(List.of(), ConfigurationFiles.writeMissing(etc, jars), "nothing to write");

        Files.delete(etc.resolve("moodhaven.journal.cfg"));

        assertEquals(List.of(etc.resolve("moodhaven.journal.cfg")), ConfigurationFiles.writeMissing(etc, jars));
        assertEquals(generated, Files.readString(etc.resolve("moodhaven.journal.cfg")));
    }

    @Test
    void anOptInComponentGetsAnExampleThatDoesNotTurnItOn() throws Exception {
        Path etc = Files.createDirectory(folder.resolve("etc"));
        List<BundleFolder.BundleJar> jars = List.of(bundle("moodhaven.store.memory",
                "OSGI-INF/metatype/memory.xml", MEMORY_METATYPE, "OSGI-INF/memory.xml", MEMORY_COMPONENT));

        assertEquals(List.of(etc.resolve("moodhaven.store.memory.cfg.example")),
                ConfigurationFiles.writeMissing(etc, jars));
        assertTrue(Files.readString(etc.resolve("moodhaven.store.memory.cfg.example")).replace("\n# ", " ")
                .contains("copy this file to moodhaven.store.memory.cfg"));
        assertTrue(Files.readString(etc.resolve("moodhaven.store.memory.cfg.example"))
                .contains("\n#service.ranking = I\"0\"\n"), "typed: the registry counts only an Integer");
    }

    @Test
    void theRunsOwnSettingsAndOtherBundlesGetNoFile() throws Exception {
        Path etc = Files.createDirectory(folder.resolve("etc"));
        String node = JOURNAL_METATYPE.replace("moodhaven.journal", "moodhaven.node");
        List<BundleFolder.BundleJar> jars = List.of(
                bundle("moodhaven.node", "OSGI-INF/metatype/node.xml", node),
                bundle("org.apache.felix.fileinstall", "OSGI-INF/metatype/fi.xml", JOURNAL_METATYPE));

        assertEquals(List.of(), ConfigurationFiles.writeMissing(etc, jars));
    }

    private BundleFolder.BundleJar bundle(String symbolicName, String... entries) throws IOException {
        Path jar = folder.resolve(symbolicName + ".jar");
        Manifest manifest = new Manifest();
        manifest.getMainAttributes().putValue("Manifest-Version", "1.0");
        manifest.getMainAttributes().putValue("Bundle-SymbolicName", symbolicName);
        try (OutputStream file = Files.newOutputStream(jar); JarOutputStream out = new JarOutputStream(file, manifest)) {
            for (int i = 0; i < entries.length; i += 2) {
                out.putNextEntry(new JarEntry(entries[i]));
                out.write(entries[i + 1].strip().getBytes(StandardCharsets.UTF_8));
                out.closeEntry();
            }
        }
        return new BundleFolder.BundleJar(jar, symbolicName, false, new BundleFolder.StartLevel(4, false));
    }
}
