package org.moodhaven.launcher;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Properties;

/**
 * Which jar file each bundle of the node's folder was last installed or updated from, kept
 * beside Felix's bundle cache ({@code cache/moodhaven-bundles.properties}), so a start can
 * tell a jar that changed from one that did not. Neither the jar's time nor the bundle's
 * can tell it: the build stamps every jar with the same fixed time (reproducible builds),
 * and unpacking a new version over the old path, or behind the same link, keeps every
 * location. A jar is known by its size, its time and the file itself (its inode), which
 * a rebuild, a copy or an unpack all change; a bundle with no record (a cache made by
 * an earlier version of the launcher) counts as changed, and is updated once.
 */
final class InstalledJars {

    /** The record's name, in the framework's storage folder. */
    static final String FILE_NAME = "moodhaven-bundles.properties";

    private final Path file;
    private final Properties fingerprints = new Properties();

    private InstalledJars(Path file) {
        this.file = file;
    }

    /**
     * @param storage the framework's storage folder ({@code {data}/cache})
     * @return the records there, or none when the file is missing or unreadable
     */
    static InstalledJars load(Path storage) {
        InstalledJars jars = new InstalledJars(storage.resolve(FILE_NAME));
        if (Files.isRegularFile(jars.file)) {
            try (InputStream in = Files.newInputStream(jars.file)) {
                jars.fingerprints.load(in);
            } catch (IOException | IllegalArgumentException unreadable) {
                jars.fingerprints.clear(); // every bundle is then updated once: slower, never stale
            }
        }
        return jars;
    }

    /** @return whether the jar differs from the one the bundle at {@code location} was installed from */
    boolean changed(String location, Path jar) throws IOException {
        return !fingerprint(jar).equals(fingerprints.getProperty(location));
    }

    /** Notes that the bundle at {@code location} now holds this jar. */
    void record(String location, Path jar) throws IOException {
        fingerprints.setProperty(location, fingerprint(jar));
    }

    /** Forgets an uninstalled bundle. */
    void forget(String location) {
        fingerprints.remove(location);
    }

    /** Writes the records (atomically: a start cut short leaves the old file or the new one). */
    void save() throws IOException {
        Files.createDirectories(file.getParent());
        Path temporary = file.resolveSibling(FILE_NAME + ".new");
        try (OutputStream out = Files.newOutputStream(temporary)) {
            fingerprints.store(out, "the jar each bundle of the node's folder was installed from (size/time/file)");
        }
        Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    static String fingerprint(Path jar) throws IOException {
        BasicFileAttributes attributes = Files.readAttributes(jar, BasicFileAttributes.class);
        return attributes.size() + "/" + attributes.lastModifiedTime().toMillis() + "/" + attributes.fileKey();
    }
}
