package org.moodhaven.launcher;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Telling a new jar from the one a bundle was installed from, when both carry the build's fixed time. */
class InstalledJarsTest {

    /** The time the build stamps on every jar (project.build.outputTimestamp). */
    private static final FileTime BUILD_TIME = FileTime.from(Instant.parse("2026-01-01T00:00:00Z"));
    private static final String LOCATION = "file:/opt/moodhaven/bundle/moodhaven.sync-0.1.0-SNAPSHOT.jar";

    @TempDir
    Path folder;

    private Path jar(String content) throws Exception {
        Path jar = folder.resolve("bundle").resolve("moodhaven.sync-0.1.0-SNAPSHOT.jar");
        Files.createDirectories(jar.getParent());
        Path fresh = folder.resolve("fresh.jar");
        Files.writeString(fresh, content);
        Files.setLastModifiedTime(fresh, BUILD_TIME);
        // A new file in place of the old one, as unpacking an archive or a build makes it.
        Files.move(fresh, jar, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        return jar;
    }

    @Test
    void aJarReplacedBySameSizedOneWithTheSameTimeHasChanged() throws Exception {
        Path cache = folder.resolve("cache");
        InstalledJars before = InstalledJars.load(cache);
        Path jar = jar("version 1");
        before.record(LOCATION, jar);
        before.save();

        assertFalse(InstalledJars.load(cache).changed(LOCATION, jar), "the same jar: nothing to update");

        Path replaced = jar("version 2"); // same size, same time: only the file is new
        assertTrue(InstalledJars.load(cache).changed(LOCATION, replaced), "a new version behind the same path");
    }

    @Test
    void aBundleWithoutARecordCountsAsChanged() throws Exception {
        Path jar = jar("version 1");
        assertTrue(InstalledJars.load(folder.resolve("cache")).changed(LOCATION, jar),
                "a cache from an earlier launcher: updated once");

        Files.createDirectories(folder.resolve("cache"));
        Files.writeString(folder.resolve("cache").resolve(InstalledJars.FILE_NAME), "\\u12");
        assertTrue(InstalledJars.load(folder.resolve("cache")).changed(LOCATION, jar), "an unreadable record");
    }

    @Test
    void aForgottenBundleIsNoLongerKnown() throws Exception {
        Path cache = folder.resolve("cache");
        InstalledJars jars = InstalledJars.load(cache);
        Path jar = jar("version 1");
        jars.record(LOCATION, jar);
        jars.forget(LOCATION);
        jars.save();
        assertTrue(InstalledJars.load(cache).changed(LOCATION, jar));
    }
}
