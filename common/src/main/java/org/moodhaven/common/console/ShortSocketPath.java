package org.moodhaven.common.console;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;

/**
 * A path to a Unix socket that fits in a socket address. The address holds at most 107
 * bytes on Linux (103 on macOS), and Java refuses 107 already; a data folder may be deeper
 * than that. Then the socket is reached through a symbolic link to its folder, made in a
 * new owner-only folder under the temporary folder (or {@code /tmp}): nobody else can
 * replace the link between its creation and the bind or connect, and the socket itself
 * stays in the data folder, where the client looks for it and the data folder's own
 * permissions guard it. The link goes as soon as the socket is bound or connected.
 *
 * <p>Both ends use it: the node's shell bundle binds the console's socket through it and the
 * launcher's console client connects through it (each copies this package: bnd's
 * {@code -conditionalpackage} for the bundle, the launcher's build for its jar).
 */
public final class ShortSocketPath implements AutoCloseable {

    /** Longest path used directly: below every platform's limit. */
    public static final int MAX_BYTES = 100;

    private final Path path;
    private final Path temporaryFolder;

    private ShortSocketPath(Path path, Path temporaryFolder) {
        this.path = path;
        this.temporaryFolder = temporaryFolder;
    }

    /**
     * @param socket where the socket is (or is to be)
     * @return a path to it short enough to bind or connect; close it once done with that
     * @throws IOException if the path is too long and no short temporary folder can be made
     */
    public static ShortSocketPath to(Path socket) throws IOException {
        Path absolute = socket.toAbsolutePath().normalize();
        if (bytes(absolute) <= MAX_BYTES) {
            return new ShortSocketPath(absolute, null);
        }
        List<Path> bases = new ArrayList<>();
        String temporary = System.getProperty("java.io.tmpdir");
        if (temporary != null && !temporary.isBlank()) {
            bases.add(Path.of(temporary).toAbsolutePath());
        }
        bases.add(Path.of("/tmp"));
        IOException failure = null;
        for (Path base : bases) {
            // mkdtemp's name: base/moodhaven-<up to 20 digits>/d/<socket name>
            if (bytes(base) + 40 + bytes(absolute.getFileName()) > MAX_BYTES || !Files.isDirectory(base)) {
                continue;
            }
            Path folder = null;
            try {
                folder = Files.createTempDirectory(base, "moodhaven-",
                        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
                Path link = Files.createSymbolicLink(folder.resolve("d"), absolute.getParent());
                return new ShortSocketPath(link.resolve(absolute.getFileName()), folder);
            } catch (IOException | UnsupportedOperationException e) {
                failure = e instanceof IOException io ? io : new IOException(e.getMessage(), e);
                deleteQuietly(folder);
            }
        }
        throw new IOException("the path " + absolute + " is too long for a Unix socket (" + bytes(absolute)
                + " bytes; at most " + MAX_BYTES + "), and no short temporary folder could be made for a link to it"
                + (failure == null ? "" : ": " + failure.getMessage()), failure);
    }

    /** @return the path to bind or connect to */
    public Path path() {
        return path;
    }

    /** @return whether the path goes through a temporary link */
    public boolean linked() {
        return temporaryFolder != null;
    }

    /** Removes the link and its folder; the socket, bound or connected, stays. */
    @Override
    public void close() {
        deleteQuietly(temporaryFolder);
    }

    private static void deleteQuietly(Path folder) {
        if (folder == null) {
            return;
        }
        try {
            Files.deleteIfExists(folder.resolve("d"));
            Files.deleteIfExists(folder);
        } catch (IOException e) {
            // an empty folder of ours in the temporary folder; nothing depends on it
        }
    }

    private static int bytes(Path path) {
        return path.toString().getBytes(StandardCharsets.UTF_8).length;
    }
}
