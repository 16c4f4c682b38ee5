package org.moodhaven.common.files;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * Writes files that matter so that a crash at any moment leaves either the old
 * content or the new, never a mix: a temporary file in the same folder is
 * written and flushed to disk, renamed over the target, and the folder itself is
 * flushed so the rename survives a power cut.
 */
public final class AtomicFiles {

    private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");

    private AtomicFiles() {
    }

    /**
     * Replaces (or creates) a file atomically, readable and writable by its owner only.
     * The temporary file has those permissions from its creation, so the content is
     * never readable by others, not even briefly.
     *
     * @param target  the file
     * @param content the whole new content
     * @throws IOException if it could not be written; the target is then unchanged
     */
    public static void writeOwnerOnly(Path target, byte[] content) throws IOException {
        Path folder = target.toAbsolutePath().getParent();
        boolean posix = Files.getFileStore(folder).supportsFileAttributeView("posix");
        FileAttribute<?>[] attributes = posix
                ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(OWNER_ONLY)}
                : new FileAttribute<?>[0];
        Path temp = Files.createTempFile(folder, "." + target.getFileName(), ".tmp", attributes);
        try {
            try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE)) {
                ByteBuffer buffer = ByteBuffer.wrap(content);
                while (buffer.hasRemaining()) {
                    channel.write(buffer);
                }
                channel.force(true);
            }
            try {
                Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                throw new IOException("the file system of " + folder + " cannot rename atomically", e);
            }
            if (posix) {
                Files.setPosixFilePermissions(target, OWNER_ONLY);
            }
            syncFolder(folder);
        } finally {
            Files.deleteIfExists(temp);
        }
    }

    /**
     * Tightens a file to owner-only permissions when it is readable by others.
     *
     * @param file an existing file
     * @return whether the permissions had to be changed
     * @throws IOException if they could not be read or changed
     */
    public static boolean restrictToOwner(Path file) throws IOException {
        if (!Files.getFileStore(file).supportsFileAttributeView("posix")) {
            return false;
        }
        Set<PosixFilePermission> current = Files.getPosixFilePermissions(file);
        if (current.equals(OWNER_ONLY)) {
            return false;
        }
        Files.setPosixFilePermissions(file, OWNER_ONLY);
        return true;
    }

    private static void syncFolder(Path folder) {
        try (FileChannel channel = FileChannel.open(folder, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (IOException e) {
            // Some platforms cannot open a folder for syncing; the rename is still atomic there.
        }
    }
}
