package org.moodhaven.benchmarks.jmh;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/** Data folders of the benchmarks that open a real store: made per trial, deleted after it. */
public final class TempFolders {

    private TempFolders() {
    }

    /**
     * @param prefix what the folder's name starts with
     * @return a new empty folder under {@code java.io.tmpdir}
     * @throws UncheckedIOException if it cannot be made
     */
    public static Path create(String prefix) {
        try {
            return Files.createTempDirectory(prefix);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Deletes a folder and everything in it; a folder already gone is fine.
     *
     * @param folder the folder, or {@code null}
     * @throws UncheckedIOException if something in it cannot be deleted
     */
    public static void delete(Path folder) {
        if (folder == null || !Files.exists(folder)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(folder)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
