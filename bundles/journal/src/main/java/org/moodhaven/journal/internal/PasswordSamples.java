package org.moodhaven.journal.internal;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.moodhaven.api.crypto.CryptoProvider;
import org.moodhaven.api.entry.Entry;
import org.moodhaven.api.store.EntryPage;
import org.moodhaven.api.store.JournalStore;
import org.moodhaven.api.store.StoreException;
import org.moodhaven.api.store.StoredEntry;

/**
 * The entries a password is tried on: the newest entry of each salt (one salt per device that wrote entries)
 * among the journal's newest entries. Trying one entry per salt costs one key derivation each, so their number
 * is bounded; the journal's own salt comes first, since its key is needed for writing anyway.
 */
final class PasswordSamples {

    /** At most this many salts are tried at unlock: a wrong password costs this many derivations at most. */
    static final int MOST_SALTS = 4;
    private static final int PAGE = 100;

    private PasswordSamples() {
    }

    /**
     * @param store   the store
     * @param ownSalt the salt this journal writes with
     * @param window  how many of the newest entries are looked at
     * @return the newest entry of each salt met, the own salt's first, at most {@link #MOST_SALTS}; empty when the
     *         journal holds no entry with a readable salt among them
     * @throws StoreException if the store cannot be read
     */
    static List<Entry> newestPerSalt(JournalStore store, String ownSalt, int window) throws StoreException {
        Map<String, Entry> bySalt = new LinkedHashMap<>();
        Entry own = null;
        String cursor = null;
        int seen = 0;
        do {
            EntryPage page = store.list(Math.min(PAGE, window - seen), cursor);
            for (StoredEntry stored : page.entries()) {
                Entry entry = stored.entry();
                String salt = entry.contentSalt();
                if (salt == null || ContentCipher.saltOf(entry.content()).isEmpty()) {
                    continue;
                }
                if (salt.equals(ownSalt)) {
                    own = own == null ? entry : own;
                } else if (bySalt.size() < MOST_SALTS) {
                    bySalt.putIfAbsent(salt, entry);
                }
            }
            seen += page.entries().size();
            cursor = page.next();
        } while (cursor != null && seen < window && (own == null || bySalt.size() < MOST_SALTS));
        List<Entry> samples = new ArrayList<>(MOST_SALTS);
        if (own != null) {
            samples.add(own);
        }
        for (Entry entry : bySalt.values()) {
            if (samples.size() < MOST_SALTS) {
                samples.add(entry);
            }
        }
        return samples;
    }

    /**
     * @param crypto    the provider that derives and decrypts
     * @param candidate the password tried
     * @param samples   from {@link #newestPerSalt}
     * @return the keys of the salts whose sample the password opens; the other keys are overwritten
     */
    static Map<String, byte[]> keysThatOpen(CryptoProvider crypto, char[] candidate, List<Entry> samples) {
        Map<String, byte[]> opened = new HashMap<>();
        for (Entry sample : samples) {
            byte[] key = ContentCipher.deriveKey(crypto, candidate, ContentCipher.saltOf(sample.content()).get());
            if (ContentCipher.decrypt(crypto, key, sample.id(), sample.content()).isPresent()) {
                opened.put(sample.contentSalt(), key);
            } else {
                Arrays.fill(key, (byte) 0);
            }
        }
        return opened;
    }
}
