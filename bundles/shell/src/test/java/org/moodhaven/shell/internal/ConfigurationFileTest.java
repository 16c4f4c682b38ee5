package org.moodhaven.shell.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** mh:settings changes a {@code .cfg} file as a person would with an editor, keeping what the node wrote. */
class ConfigurationFileTest {

    private static final String GENERATED = """
            # MoodHaven crypto provider (BouncyCastle) (configuration moodhaven.crypto.bc)
            #
            # Service ranking (Integer)
            # Higher wins among crypto providers
            #service.ranking = 50

            # Crypto target
            #crypto.target = (moodhaven.crypto.provider=jdk)
            """;

    @TempDir
    Path etc;

    @Test
    void aSettingGoesUnderItsCommentedDefaultAndItsRemovalLeavesTheCommentsAsTheyWere() throws Exception {
        Path file = Files.writeString(etc.resolve("moodhaven.crypto.bc.cfg"), GENERATED);

        assertNull(ConfigurationFile.change(file, "service.ranking", ConfigurationFile.literal(500)).was());
        assertEquals(GENERATED.replace("#service.ranking = 50\n", "#service.ranking = 50\nservice.ranking = I\"500\"\n"),
                Files.readString(file));

        assertEquals("I\"500\"", ConfigurationFile.change(file, "service.ranking", "I\"600\"").was());
        assertEquals(GENERATED.replace("#service.ranking = 50\n", "#service.ranking = 50\nservice.ranking = I\"600\"\n"),
                Files.readString(file));

        assertEquals("I\"600\"", ConfigurationFile.change(file, "service.ranking", null).was());
        assertEquals(GENERATED, Files.readString(file), "the description and the default stay");
        assertNull(ConfigurationFile.change(file, "service.ranking", null).was(), "nothing to remove");
        assertEquals(GENERATED, Files.readString(file));
    }

    @Test
    void aKeyWithoutACommentedDefaultIsAppendedAndTextKeepsItsBackslashes() throws Exception {
        Path file = Files.writeString(etc.resolve("x.cfg"), "a = 1\n");
        ConfigurationFile.change(file, "path", ConfigurationFile.literal("C:\\journal"));
        assertEquals("a = 1\npath = C:\\\\journal\n", Files.readString(file, StandardCharsets.UTF_8));
        assertEquals("B\"true\"", ConfigurationFile.literal(Boolean.TRUE));
        assertEquals("(moodhaven.crypto.provider=bc)", ConfigurationFile.literal("(moodhaven.crypto.provider=bc)"));
    }
}
