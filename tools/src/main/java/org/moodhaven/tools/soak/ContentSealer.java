package org.moodhaven.tools.soak;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

import javax.crypto.Cipher;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.PBEKeySpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Encrypts entry text as PROTOCOL.md section 7 says a writer does: one salt per journal,
 * the key derived from the password once (PBKDF2-HMAC-SHA256, 600,000 iterations), and
 * AES-256-GCM per entry with a fresh IV and the entry's id bound as associated data. The
 * soak's writers store entries through the API, which takes them already encrypted, as
 * the browser sends them.
 */
final class ContentSealer {

    static final int ITERATIONS = 600_000;

    private final SecureRandom random = new SecureRandom();
    private final byte[] salt;
    private final SecretKeySpec key;

    /**
     * @param password the journal's password
     * @param salt     the journal's salt (16 bytes)
     */
    ContentSealer(char[] password, byte[] salt) {
        this.salt = salt.clone();
        this.key = new SecretKeySpec(derive(password, salt), "AES");
    }

    /** @return a sealer with a fresh random salt */
    static ContentSealer withNewSalt(char[] password) {
        byte[] salt = new byte[16];
        new SecureRandom().nextBytes(salt);
        return new ContentSealer(password, salt);
    }

    static byte[] derive(char[] password, byte[] salt) {
        try {
            return SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256")
                    .generateSecret(new PBEKeySpec(password, salt, ITERATIONS, 256)).getEncoded();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("this Java runtime has no PBKDF2WithHmacSHA256", e);
        }
    }

    /**
     * @param entryId   the id of the entry the content belongs to
     * @param plaintext the entry's text
     * @return the entry's {@code content}: iv, data and salt
     */
    Map<String, String> seal(String entryId, String plaintext) {
        byte[] iv = new byte[12];
        random.nextBytes(iv);
        return seal(entryId, plaintext, iv);
    }

    Map<String, String> seal(String entryId, String plaintext, byte[] iv) {
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(128, iv));
            cipher.updateAAD(("moodhaven-entry\n" + entryId).getBytes(StandardCharsets.UTF_8));
            byte[] data = cipher.doFinal(plaintext.getBytes(StandardCharsets.UTF_8));
            Base64.Encoder b64 = Base64.getEncoder();
            Map<String, String> content = new LinkedHashMap<>();
            content.put("iv", b64.encodeToString(iv));
            content.put("data", b64.encodeToString(data));
            content.put("salt", b64.encodeToString(salt));
            return content;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot encrypt with AES-GCM", e);
        }
    }
}
