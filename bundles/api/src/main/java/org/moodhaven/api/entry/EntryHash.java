package org.moodhaven.api.entry;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The entry hash {@code h} of PROTOCOL.md 6.5: lowercase hex SHA-256 of the
 * entry's canonical JSON. It is a content hash every device must compute the
 * same way, so it uses the JDK's SHA-256, which every Java runtime has.
 */
public final class EntryHash {

    /** Length of {@code h}: 64 lowercase hex characters. */
    public static final int LENGTH = 64;

    private EntryHash() {
    }

    /**
     * @param entry the entry
     * @return its hash, 64 lowercase hex characters
     */
    public static String of(Entry entry) {
        try {
            MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
            byte[] digest = sha256.digest(CanonicalJson.of(entry).getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }

    /**
     * @param h a candidate hash
     * @return whether it is 64 lowercase hex characters
     */
    public static boolean isValid(String h) {
        if (h == null || h.length() != LENGTH) {
            return false;
        }
        for (int i = 0; i < LENGTH; i++) {
            char c = h.charAt(i);
            if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
                return false;
            }
        }
        return true;
    }
}
