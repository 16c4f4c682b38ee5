package org.moodhaven.journal.internal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Optional;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.moodhaven.common.files.AtomicFiles;

/**
 * The journal's salt (PROTOCOL.md section 7), one per journal, kept in
 * {@code {data}/journal.json} as {@code {"salt": "<base64 of 16 bytes>"}}. It is
 * not secret and not synced; it is made once and never replaced, because the
 * entries written on this device carry it.
 */
final class JournalSaltFile {

    static final String FILE_NAME = "journal.json";

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path file;

    JournalSaltFile(Path dataFolder) {
        this.file = dataFolder.resolve(FILE_NAME);
    }

    /**
     * @return the salt (standard base64), or empty when the file does not exist yet
     * @throws IllegalStateException if the file exists but cannot be used
     */
    Optional<String> read() {
        if (!Files.exists(file)) {
            return Optional.empty();
        }
        try {
            JsonNode root = JSON.readTree(file.toFile());
            JsonNode salt = root == null ? null : root.get("salt");
            if (salt == null || !salt.isTextual()) {
                throw unusable("it is not {\"salt\": \"<base64>\"}");
            }
            byte[] bytes = Base64.getDecoder().decode(salt.asText());
            if (bytes.length != ContentCipher.SALT_BYTES) {
                throw unusable("its salt is not 16 bytes");
            }
            return Optional.of(salt.asText());
        } catch (IllegalArgumentException e) {
            throw unusable("its salt is not base64");
        } catch (JsonProcessingException e) {
            throw unusable("it is not valid JSON");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }

    /**
     * Writes a new salt; only ever called when the file does not exist.
     *
     * @param salt 16 random bytes
     * @return the salt as standard base64
     */
    String create(byte[] salt) {
        String encoded = Base64.getEncoder().encodeToString(salt);
        try {
            AtomicFiles.writeOwnerOnly(file, ("{\"salt\": \"" + encoded + "\"}\n").getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file + "; check the data folder's permissions", e);
        }
        return encoded;
    }

    private IllegalStateException unusable(String problem) {
        return new IllegalStateException(file + " cannot be used: " + problem + ". Fix it, or delete it to make a "
                + "new salt: entries keep their own salt and stay readable with the same password.");
    }
}
