package org.moodhaven.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DataFolderTest {

    @TempDir
    Path folder;

    @Test
    void anExistingFolderOpenToOthersIsMadeOwnerOnlyAndWhatItWasIsReported() throws Exception {
        Path data = Files.createDirectory(folder.resolve("data"));
        Files.setPosixFilePermissions(data, PosixFilePermissions.fromString("rwxr-x---"));

        assertEquals(Optional.of("rwxr-x---"), DataFolder.makePrivate(data));
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(data)));
        assertEquals(Optional.empty(), DataFolder.makePrivate(data), "nothing to report the next time");
    }

    @Test
    void aNewFolderIsCreatedOwnerOnlyWithNothingToReport() throws Exception {
        Path data = folder.resolve("new").resolve("data");

        assertEquals(Optional.empty(), DataFolder.makePrivate(data));
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(data)));
    }
}
