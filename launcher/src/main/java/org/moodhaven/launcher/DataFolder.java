package org.moodhaven.launcher;

import java.io.IOException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;
import java.util.Set;

/**
 * Keeps the data folder private to the user the node runs as. The files inside
 * (the private key aside) are created with the process's umask, so the folder's
 * own permissions are what keeps other users of the machine out of the journal
 * database, the logs and the API token: the folder is made owner-only (0700) at
 * every start, not only when the node creates it, and before the node writes
 * anything into it (a file opened while the folder was open stays readable
 * through that handle).
 */
final class DataFolder {

    /** Owner only: what the folder is set to. */
    static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rwx------");

    private DataFolder() {
    }

    /**
     * Creates the folder if needed and makes it owner-only.
     *
     * @param folder the data folder
     * @return the permissions it had, if it existed with others than {@link #OWNER_ONLY}
     * @throws IOException if the folder cannot be created
     * @throws IllegalStateException if its permissions cannot be changed (it belongs to
     *                               another user), saying what to do
     */
    static Optional<String> makePrivate(Path folder) throws IOException {
        boolean existed = Files.isDirectory(folder);
        if (!existed) {
            Files.createDirectories(folder);
        }
        if (!Files.getFileStore(folder).supportsFileAttributeView("posix")) {
            return Optional.empty(); // no POSIX permissions to set (such a file system has its own access rules)
        }
        Set<PosixFilePermission> before = Files.getPosixFilePermissions(folder);
        if (before.equals(OWNER_ONLY)) {
            return Optional.empty();
        }
        String was = PosixFilePermissions.toString(before);
        try {
            Files.setPosixFilePermissions(folder, OWNER_ONLY);
        } catch (FileSystemException e) {
            throw new IllegalStateException("the data folder " + folder + " has permissions " + was
                    + " and belongs to " + owner(folder) + ", so this node (running as "
                    + System.getProperty("user.name") + ") cannot make it private (rwx------); run the node as "
                    + "the folder's owner, or give the folder to this user (chown), or choose another --data folder",
                    e);
        }
        return existed ? Optional.of(was) : Optional.empty();
    }

    private static String owner(Path folder) {
        try {
            return "user " + Files.getOwner(folder).getName();
        } catch (IOException | UnsupportedOperationException e) {
            return "another user";
        }
    }
}
