package org.moodhaven.journal.internal;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

import org.moodhaven.api.crypto.AesGcm;
import org.moodhaven.api.crypto.AuthenticationFailedException;
import org.moodhaven.api.crypto.CryptoProvider;

/**
 * Entry content encryption of PROTOCOL.md section 7:
 * {@code {"iv": b64(12 bytes), "data": b64(ciphertext || tag), "salt": b64(16 bytes)}}
 * under AES-256-GCM, with the associated data {@code "moodhaven-entry\n" + id} so
 * that a ciphertext cannot be moved to another entry. Standard base64 with
 * padding, as browsers' {@code btoa} makes it.
 */
final class ContentCipher {

    /** PBKDF2-HMAC-SHA256 iterations, fixed by the protocol: every device must derive the same key. */
    static final int PBKDF2_ITERATIONS = 600_000;
    static final int KEY_BYTES = 32;
    static final int SALT_BYTES = 16;

    private static final String AAD_PREFIX = "moodhaven-entry\n";

    private ContentCipher() {
    }

    /**
     * @param crypto   the provider
     * @param password the password
     * @param salt     the salt bytes
     * @return the 32-byte content key
     */
    static byte[] deriveKey(CryptoProvider crypto, char[] password, byte[] salt) {
        return crypto.pbkdf2Sha256(password, salt, PBKDF2_ITERATIONS, KEY_BYTES);
    }

    /**
     * @param crypto  the provider
     * @param key     the content key for {@code salt}
     * @param salt    standard base64 of the salt, stored with the content
     * @param entryId the entry the content belongs to
     * @param text    the plaintext
     * @return the content object
     * @throws IllegalArgumentException if the text is not valid Unicode
     */
    static Map<String, String> encrypt(CryptoProvider crypto, byte[] key, String salt, String entryId, String text) {
        byte[] iv = crypto.randomBytes(AesGcm.NONCE_LENGTH);
        byte[] sealed = crypto.aesGcm(key).seal(iv, strictUtf8(text), associatedData(entryId));
        Base64.Encoder b64 = Base64.getEncoder();
        Map<String, String> content = new LinkedHashMap<>();
        content.put("iv", b64.encodeToString(iv));
        content.put("data", b64.encodeToString(sealed));
        content.put("salt", salt);
        return content;
    }

    /**
     * @param crypto  the provider
     * @param key     the content key for the content's salt
     * @param entryId the entry the content is stored under
     * @param content the content object
     * @return the plaintext, or empty when the key is wrong, the content was moved from
     *         another entry, or anything is malformed
     */
    static Optional<String> decrypt(CryptoProvider crypto, byte[] key, String entryId, Map<String, String> content) {
        try {
            byte[] iv = Base64.getDecoder().decode(content.get("iv"));
            byte[] data = Base64.getDecoder().decode(content.get("data"));
            if (iv.length != AesGcm.NONCE_LENGTH || data.length < AesGcm.TAG_LENGTH) {
                return Optional.empty();
            }
            byte[] plain = crypto.aesGcm(key).open(iv, data, associatedData(entryId));
            return Optional.of(StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(plain)).toString());
        } catch (AuthenticationFailedException | IllegalArgumentException | NullPointerException
                 | CharacterCodingException e) {
            return Optional.empty();
        }
    }

    /**
     * @param content a content object
     * @return the salt bytes, or empty when absent or not base64 of a sensible length
     */
    static Optional<byte[]> saltOf(Map<String, String> content) {
        String salt = content.get("salt");
        if (salt == null) {
            return Optional.empty();
        }
        try {
            byte[] bytes = Base64.getDecoder().decode(salt);
            return bytes.length >= 8 && bytes.length <= 64 ? Optional.of(bytes) : Optional.empty();
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    static byte[] associatedData(String entryId) {
        return (AAD_PREFIX + entryId).getBytes(StandardCharsets.UTF_8);
    }

    /**
     * @throws IllegalArgumentException if the text holds a lone surrogate, which UTF-8 cannot carry
     */
    static byte[] strictUtf8(String text) {
        try {
            ByteBuffer bytes = StandardCharsets.UTF_8.newEncoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .encode(CharBuffer.wrap(text));
            byte[] out = new byte[bytes.remaining()];
            bytes.get(out);
            return out;
        } catch (CharacterCodingException e) {
            throw new IllegalArgumentException("the text is not valid Unicode", e);
        }
    }
}
