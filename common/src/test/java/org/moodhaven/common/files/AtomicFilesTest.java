package org.moodhaven.common.files;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AtomicFilesTest {

    @TempDir
    Path folder;

    @Test
    void writesOwnerOnlyAndLeavesNoTemporaryFile() throws Exception {
        Path file = folder.resolve("secret.bin");
        AtomicFiles.writeOwnerOnly(file, "first".getBytes(StandardCharsets.UTF_8));
        AtomicFiles.writeOwnerOnly(file, "second".getBytes(StandardCharsets.UTF_8));

        assertArrayEquals("second".getBytes(StandardCharsets.UTF_8), Files.readAllBytes(file));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        try (Stream<Path> files = Files.list(folder)) {
            assertEquals(1, files.count(), "the temporary file is gone");
        }
    }

    @Test
    void restrictsAFileOthersCouldRead() throws Exception {
        Path file = Files.writeString(folder.resolve("loose"), "x");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));

        assertTrue(AtomicFiles.restrictToOwner(file));
        assertFalse(AtomicFiles.restrictToOwner(file), "already owner-only");
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
    }
}
