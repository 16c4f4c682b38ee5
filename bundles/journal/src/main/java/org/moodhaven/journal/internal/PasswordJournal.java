package org.moodhaven.journal.internal;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import org.moodhaven.api.crypto.CryptoProvider;
import org.moodhaven.api.entry.Entry;
import org.moodhaven.api.entry.Timestamps;
import org.moodhaven.api.event.EventTopics;
import org.moodhaven.api.identity.DeviceIds;
import org.moodhaven.api.journal.Journal;
import org.moodhaven.api.journal.JournalEntry;
import org.moodhaven.api.journal.JournalLockedException;
import org.moodhaven.api.journal.JournalPage;
import org.moodhaven.api.journal.JournalStatus;
import org.moodhaven.api.journal.JournalVersion;
import org.moodhaven.api.journal.Readability;
import org.moodhaven.api.journal.UnlockResult;
import org.moodhaven.api.node.NodeClock;
import org.moodhaven.api.node.NodeSettings;
import org.moodhaven.api.store.EntryPage;
import org.moodhaven.api.store.EntryRejectedException;
import org.moodhaven.api.store.JournalStore;
import org.moodhaven.api.store.ReplacedVersion;
import org.moodhaven.api.store.StoreException;
import org.moodhaven.api.store.StoredEntry;
import org.moodhaven.common.events.EventPoster;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.event.EventAdmin;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The journal of PROTOCOL.md section 7. It holds what a person cares about
 * while the node runs: the unlocked password and the keys derived from it. So
 * it takes the store, the crypto provider and the clock through dynamic, greedy
 * references: swapping any of them rebinds this component without deactivating
 * it, and the journal stays unlocked.
 * <p>
 * The password and keys live only in this object's memory; {@link #lock()} and
 * deactivation overwrite them.
 */
// Immediate: a delayed component is disposed when its last user lets go, which would lock the journal.
@Component(service = Journal.class, configurationPid = PasswordJournal.PID, immediate = true)
@Designate(ocd = PasswordJournal.Config.class)
public final class PasswordJournal implements Journal {

    /** The configuration pid. */
    public static final String PID = "moodhaven.journal";

    private static final Logger LOG = LoggerFactory.getLogger(PasswordJournal.class);
    private static final String LOCKED_MESSAGE = "the journal is locked: unlock it first (mh:unlock)";
    private static final String MISMATCH_MESSAGE = "this password does not open the entries already written on "
            + "this device, so writing is off (one password per journal); lock, then unlock with the right password";
    private static final int ID_BYTES = 16;

    @ObjectClassDefinition(name = "MoodHaven journal", description = "The password-encrypted journal")
    @interface Config {
        @AttributeDefinition(name = "Most keys per unlock",
                description = "How many distinct salts (one per device that wrote entries) get a key derived per "
                        + "unlock; each costs a deliberately slow derivation, so a flood of salts from a peer "
                        + "cannot stall the node. Entries beyond show as unreadable.")
        int maxKeys() default 32;

        @AttributeDefinition(name = "Entries checked at unlock",
                description = "How many of the newest entries are searched for one written on this device, to "
                        + "tell whether the password is the right one")
        int unlockCheckEntries() default 500;
    }

    private final JournalSaltFile saltFile;
    private volatile int maxKeys;
    private volatile int unlockCheckEntries;

    /*
     * Optional, so that while the store is being updated or replaced the journal stays
     * unlocked and simply reports that no store is available for a moment.
     */
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private volatile JournalStore store;

    @Reference(policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY)
    private volatile CryptoProvider crypto;

    @Reference(policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY)
    private volatile NodeClock clock;

    private final EventPoster events = new EventPoster();

    /** Guarded by {@code this}: the salt new entries are written with, made on first use. */
    private String salt;
    /** Guarded by {@code this}: a private copy of the password while unlocked, else {@code null}. */
    private char[] password;
    /** Guarded by {@code this}: whether the password opens this device's earlier entries. */
    private boolean passwordMatches = true;
    /** Content keys by salt (standard base64); emptied on lock. */
    private final Map<String, byte[]> keys = new ConcurrentHashMap<>();

    /**
     * @param config   the configuration
     * @param settings the data folder, where the salt is kept
     */
    @Activate
    public PasswordJournal(Config config, @Reference NodeSettings settings) {
        this.saltFile = new JournalSaltFile(settings.dataFolder());
        this.salt = saltFile.read().orElse(null);
        modified(config);
    }

    /**
     * Takes new settings, and new reference targets, without deactivating: the journal stays unlocked.
     *
     * @param config the configuration
     */
    @Modified
    void modified(Config config) {
        this.maxKeys = Math.max(1, config.maxKeys());
        this.unlockCheckEntries = Math.max(1, config.unlockCheckEntries());
    }

    /** @return the store in use, or an error a person can act on while none is available */
    private JournalStore store() throws StoreException {
        JournalStore current = store;
        if (current == null) {
            throw new StoreException("no journal store is available right now (it may be restarting or being "
                    + "updated); try again in a moment, and check mh:status");
        }
        return current;
    }

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    void setEvents(EventAdmin admin) {
        events.bind(admin);
    }

    void unsetEvents(EventAdmin admin) {
        events.unbind(admin);
    }

    @Deactivate
    void deactivate() {
        forget();
    }

    @Override
    public UnlockResult unlock(char[] candidate) throws StoreException {
        if (candidate == null || candidate.length == 0) {
            throw new IllegalArgumentException("the password must not be empty");
        }
        String ownSalt = salt();
        byte[] ownKey = ContentCipher.deriveKey(crypto, candidate, Base64.getDecoder().decode(ownSalt));
        UnlockResult result = check(ownSalt, ownKey);
        synchronized (this) {
            forget();
            password = candidate.clone();
            passwordMatches = result.matches();
            keys.put(ownSalt, ownKey);
        }
        events.post(EventTopics.JOURNAL_UNLOCKED, Map.of());
        if (!result.matches()) {
            LOG.warn("journal unlocked with a password that does not open this device's earlier entries");
        }
        return result;
    }

    /** Tries the new key on the newest entry written with this journal's salt. */
    private UnlockResult check(String ownSalt, byte[] ownKey) throws StoreException {
        JournalStore current = store();
        String cursor = null;
        int seen = 0;
        do {
            EntryPage page = current.list(Math.min(100, unlockCheckEntries - seen), cursor);
            for (StoredEntry stored : page.entries()) {
                Entry entry = stored.entry();
                if (ownSalt.equals(entry.contentSalt())) {
                    boolean opens = ContentCipher.decrypt(crypto, ownKey, entry.id(), entry.content()).isPresent();
                    return new UnlockResult(true, opens);
                }
            }
            seen += page.entries().size();
            cursor = page.next();
        } while (cursor != null && seen < unlockCheckEntries);
        return new UnlockResult(false, true);
    }

    @Override
    public void lock() {
        boolean wasUnlocked;
        synchronized (this) {
            wasUnlocked = password != null;
            forget();
        }
        if (wasUnlocked) {
            events.post(EventTopics.JOURNAL_LOCKED, Map.of());
        }
    }

    /** Overwrites the password and every key. Holds {@code this} or runs at deactivation. */
    private void forget() {
        if (password != null) {
            Arrays.fill(password, '\0');
            password = null;
        }
        keys.values().forEach(key -> Arrays.fill(key, (byte) 0));
        keys.clear();
        passwordMatches = true;
    }

    @Override
    public synchronized boolean isUnlocked() {
        return password != null;
    }

    @Override
    public JournalEntry write(String text, Integer mood)
            throws JournalLockedException, EntryRejectedException, StoreException {
        byte[] key = writingKey();
        try {
            String id = DeviceIds.base64Url(crypto.randomBytes(ID_BYTES));
            String now = Timestamps.format(clock.now());
            Entry entry = new Entry(id, now, now, encrypt(key, id, text), mood, Entry.PRIVACY_NORMAL, null, false);
            return stored(store().writeLocal(entry));
        } finally {
            Arrays.fill(key, (byte) 0);
        }
    }

    @Override
    public JournalEntry edit(String id, String text, Integer mood)
            throws JournalLockedException, EntryRejectedException, StoreException {
        byte[] key = writingKey();
        try {
            JournalStore current = store();
            Entry held = current.get(id).orElseThrow(() -> new NoSuchElementException("no entry " + id)).entry();
            String now = Timestamps.format(clock.now());
            Entry edited = new Entry(id, held.createdAt(), now, encrypt(key, id, text), mood, held.privacyMode(),
                    held.bookId(), held.pinned());
            return stored(current.writeLocal(edited));
        } finally {
            Arrays.fill(key, (byte) 0);
        }
    }

    @Override
    public JournalEntry restore(String id, long versionId)
            throws JournalLockedException, EntryRejectedException, StoreException {
        Arrays.fill(writingKey(), (byte) 0);
        return stored(store().restore(id, versionId));
    }

    private JournalEntry stored(StoredEntry stored) {
        events.post(EventTopics.ENTRIES_CHANGED_LOCALLY, Map.of(EventTopics.COUNT, 1, EventTopics.SEQ, stored.seq()));
        return view(stored.entry());
    }

    private Map<String, String> encrypt(byte[] key, String id, String text) throws EntryRejectedException {
        if (text == null) {
            throw new EntryRejectedException("an entry needs text");
        }
        try {
            return ContentCipher.encrypt(crypto, key, salt(), id, text);
        } catch (IllegalArgumentException e) {
            throw new EntryRejectedException(e.getMessage());
        }
    }

    /**
     * @return a copy of the key new entries are encrypted with, if writing is allowed now; the caller
     *         overwrites it when done. A copy, because a lock (or unlock) while the write is under way
     *         overwrites the cached key, and sealing with the wiped key would store an entry no password opens.
     */
    private synchronized byte[] writingKey() throws JournalLockedException {
        if (password == null) {
            throw new JournalLockedException(LOCKED_MESSAGE);
        }
        if (!passwordMatches) {
            throw new JournalLockedException(MISMATCH_MESSAGE);
        }
        return keys.get(salt).clone();
    }

    @Override
    public Optional<JournalEntry> read(String id) throws StoreException {
        return store().get(id).map(stored -> view(stored.entry()));
    }

    @Override
    public JournalPage list(int limit, String cursor) throws StoreException {
        EntryPage page = store().list(limit, cursor);
        List<JournalEntry> entries = new ArrayList<>(page.entries().size());
        for (StoredEntry stored : page.entries()) {
            entries.add(view(stored.entry()));
        }
        return new JournalPage(entries, page.next());
    }

    @Override
    public List<JournalVersion> history(String id) throws StoreException {
        List<JournalVersion> versions = new ArrayList<>();
        for (ReplacedVersion version : store().replacedVersions(id)) {
            versions.add(new JournalVersion(version.versionId(), view(version.entry()), version.replacedAt(),
                    version.replacedBy()));
        }
        return versions;
    }

    /** Decrypts when possible; an entry that does not open is shown as unreadable, never changed. */
    private JournalEntry view(Entry entry) {
        Readability state;
        String text = null;
        if (!isUnlocked()) {
            state = Readability.LOCKED;
        } else {
            Optional<String> plain = keyFor(entry)
                    .flatMap(key -> ContentCipher.decrypt(crypto, key, entry.id(), entry.content()));
            state = plain.isPresent() ? Readability.READABLE : Readability.UNREADABLE;
            text = plain.orElse(null);
        }
        return new JournalEntry(entry.id(), entry.createdAt(), entry.updatedAt(), entry.mood(), entry.pinned(),
                entry.privacyMode(), entry.bookId(), state, text);
    }

    /** The key for an entry's salt, derived once per unlock and salt, within {@code maxKeys}. */
    private Optional<byte[]> keyFor(Entry entry) {
        String entrySalt = entry.contentSalt();
        if (entrySalt == null) {
            return Optional.empty();
        }
        byte[] known = keys.get(entrySalt);
        if (known != null) {
            return Optional.of(known);
        }
        Optional<byte[]> saltBytes = ContentCipher.saltOf(entry.content());
        char[] current;
        synchronized (this) {
            if (password == null || saltBytes.isEmpty()) {
                return Optional.empty();
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
                if (password == null || !Arrays.equals(password, current)) {
                    return Optional.empty(); // locked or re-unlocked meanwhile
                }
                byte[] raced = keys.putIfAbsent(entrySalt, derived);
                return Optional.of(raced != null ? raced : derived);
            }
        } finally {
            Arrays.fill(current, '\0');
        }
    }

    @Override
    public synchronized String salt() {
        if (salt == null) {
            salt = saltFile.create(crypto.randomBytes(ContentCipher.SALT_BYTES));
        }
        return salt;
    }

    @Override
    public JournalStatus status() {
        JournalStore currentStore = store;
        boolean unlocked;
        boolean matches;
        synchronized (this) {
            unlocked = password != null;
            matches = passwordMatches;
        }
        return new JournalStatus(unlocked, matches, currentStore == null ? "none available" : currentStore.name(),
                currentStore == null ? "-" : currentStore.storeId(), crypto.name());
    }

    /** For tests: the clock and collaborators a running node would inject. */
    void bind(JournalStore newStore, CryptoProvider newCrypto, NodeClock newClock) {
        this.store = newStore;
        this.crypto = newCrypto;
        this.clock = newClock;
    }
}
