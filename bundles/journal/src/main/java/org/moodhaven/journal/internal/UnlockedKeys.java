package org.moodhaven.journal.internal;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

import org.moodhaven.api.crypto.CryptoProvider;
import org.moodhaven.api.entry.Entry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The password of one unlock and the content keys derived from it, one per salt (standard base64): derived
 * when first needed, at most {@code maxKeys} of them, each derivation deliberately slow. {@link #forget()}
 * overwrites the password and every key; a key derived after that is overwritten at once and not kept.
 */
final class UnlockedKeys {

    private static final Logger LOG = LoggerFactory.getLogger(UnlockedKeys.class);

    private final int maxKeys;
    /** Guarded by {@code this}: a private copy of the password, {@code null} once forgotten. */
    private char[] password;
    /** Guarded by {@code this}. */
    private final Map<String, byte[]> keys;

    /**
     * @param password the password; a copy is kept
     * @param derived  the keys already derived at unlock, by salt; kept as they are (and overwritten on forget)
     * @param maxKeys  how many salts may get a key in all
     */
    UnlockedKeys(char[] password, Map<String, byte[]> derived, int maxKeys) {
        this.password = password.clone();
        this.keys = new HashMap<>(derived);
        this.maxKeys = maxKeys;
    }

    /** @return whether {@link #forget()} was called */
    synchronized boolean forgotten() {
        return password == null;
    }

    /**
     * @param salt a salt
     * @return a copy of its key, if one is kept; the caller overwrites it when done
     */
    synchronized Optional<byte[]> copyOf(String salt) {
        byte[] key = password == null ? null : keys.get(salt);
        return key == null ? Optional.empty() : Optional.of(key.clone());
    }

    /**
     * @param crypto the provider that derives
     * @param entry  an entry
     * @return the key for the entry's salt, derived now if it is the first of its salt and there is room;
     *         empty when the entry has no usable salt, the cap is reached, or the keys were forgotten meanwhile
     */
    Optional<byte[]> keyFor(CryptoProvider crypto, Entry entry) {
        String salt = entry.contentSalt();
        Optional<byte[]> saltBytes = ContentCipher.saltOf(entry.content());
        char[] current;
        synchronized (this) {
            byte[] known = salt == null ? null : keys.get(salt);
            if (known != null || password == null || salt == null || saltBytes.isEmpty()) {
                return Optional.ofNullable(known);
            }
            if (keys.size() >= maxKeys) {
                LOG.warn("more than {} distinct salts among entries; some show as unreadable", maxKeys);
                return Optional.empty();
            }
            current = password.clone();
        }
        try {
            byte[] derived = ContentCipher.deriveKey(crypto, current, saltBytes.get());
            synchronized (this) {
                if (password == null) {
                    Arrays.fill(derived, (byte) 0); // locked meanwhile
                    return Optional.empty();
                }
                byte[] raced = keys.putIfAbsent(salt, derived);
                if (raced != null) {
                    Arrays.fill(derived, (byte) 0);
                    return Optional.of(raced);
                }
                return Optional.of(derived);
            }
        } finally {
            Arrays.fill(current, '\0');
        }
    }

    /** Overwrites the password and every key. */
    synchronized void forget() {
        if (password != null) {
            Arrays.fill(password, '\0');
            password = null;
        }
        keys.values().forEach(key -> Arrays.fill(key, (byte) 0));
        keys.clear();
    }
}
