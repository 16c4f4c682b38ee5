package org.moodhaven.journal.internal;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Optional;

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
import org.moodhaven.api.journal.NewJournalException;
import org.moodhaven.api.journal.Readability;
import org.moodhaven.api.journal.UnlockResult;
import org.moodhaven.api.journal.WrongPasswordException;
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
    private static final String WRONG_MESSAGE = "Wrong password: it opens none of the entries in this journal "
            + "(one password per journal, the same on every device). Nothing was changed; try again.";
    private static final String NEW_MESSAGE = "this journal has no entries yet: choose its password by typing it "
            + "twice (mh:unlock asks twice); it cannot be recovered if forgotten";
    private static final String FOREIGN_MESSAGE = "entries written on your other devices are here, and this "
            + "password opens none of them, so writing is off (a new entry would be unreadable there); run mh:lock, "
            + "then mh:unlock with the password of your other devices";
    private static final int ID_BYTES = 16;

    @ObjectClassDefinition(name = "MoodHaven journal", description = "The password-encrypted journal")
    @interface Config {
        @AttributeDefinition(name = "Most keys per unlock",
                description = "How many distinct salts (one per device that wrote entries) get a key derived per "
                        + "unlock; each costs a deliberately slow derivation, so a flood of salts from a peer "
                        + "cannot stall the node. Entries beyond show as unreadable.")
        int maxKeys() default 32;

        @AttributeDefinition(name = "Entries checked at unlock",
                description = "How many of the newest entries are searched for the newest entry of each device "
                        + "(each salt), which the password must open to be taken")
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
    /** Guarded by {@code this}: the password and keys while unlocked, else {@code null}. */
    private UnlockedKeys unlocked;
    /** Guarded by {@code this}: whether the password has opened an entry written with another salt (device). */
    private boolean opensOtherDevices;
    /**
     * Guarded by {@code this}: the store's highest seq when it was last seen to hold no entry of another salt
     * (while {@link #opensOtherDevices} is false), or -1; writes re-check only when something else arrived.
     */
    private long checkedUpToSeq = -1;

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
    public UnlockResult unlock(char[] candidate) throws WrongPasswordException, NewJournalException, StoreException {
        requireNonEmpty(candidate);
        List<Entry> samples = PasswordSamples.newestPerSalt(store(), knownSalt(), unlockCheckEntries);
        if (samples.isEmpty()) {
            throw new NewJournalException(NEW_MESSAGE);
        }
        return open(candidate, samples);
    }

    @Override
    public UnlockResult choosePassword(char[] candidate, char[] repeated)
            throws WrongPasswordException, StoreException {
        requireNonEmpty(candidate);
        if (!Arrays.equals(candidate, repeated)) {
            throw new IllegalArgumentException("the two passwords differ: nothing was changed; type the same "
                    + "password twice");
        }
        return open(candidate, PasswordSamples.newestPerSalt(store(), knownSalt(), unlockCheckEntries));
    }

    private static void requireNonEmpty(char[] candidate) {
        if (candidate == null || candidate.length == 0) {
            throw new IllegalArgumentException("the password must not be empty");
        }
    }

    /**
     * Tries the password on each sample (one key derivation per salt) and takes it if it opens one, or if
     * there are none; the keys that opened something are kept.
     */
    private UnlockResult open(char[] candidate, List<Entry> samples) throws WrongPasswordException {
        Map<String, byte[]> opened = PasswordSamples.keysThatOpen(crypto, candidate, samples);
        boolean otherDevices = opened.keySet().stream().anyMatch(opener -> !opener.equals(knownSalt()));
        if (!samples.isEmpty() && opened.isEmpty()) {
            throw new WrongPasswordException(WRONG_MESSAGE);
        }
        UnlockResult result = new UnlockResult(samples.isEmpty(), samples.size(), opened.size());
        String ownSalt = salt();
        if (!opened.containsKey(ownSalt)) {
            opened.put(ownSalt, ContentCipher.deriveKey(crypto, candidate, Base64.getDecoder().decode(ownSalt)));
        }
        synchronized (this) {
            forget();
            unlocked = new UnlockedKeys(candidate, opened, maxKeys);
            opensOtherDevices = otherDevices;
        }
        events.post(EventTopics.JOURNAL_UNLOCKED, Map.of());
        if (result.someUnreadable()) {
            LOG.warn("journal unlocked; {} of the {} devices' newest entries tried do not open with its password",
                    result.saltsChecked() - result.saltsOpened(), result.saltsChecked());
        }
        return result;
    }

    @Override
    public void lock() {
        boolean wasUnlocked;
        synchronized (this) {
            wasUnlocked = unlocked != null;
            forget();
        }
        if (wasUnlocked) {
            events.post(EventTopics.JOURNAL_LOCKED, Map.of());
        }
    }

    /** Overwrites the password and every key. Holds {@code this} or runs at deactivation. */
    private void forget() {
        if (unlocked != null) {
            unlocked.forget();
            unlocked = null;
        }
        opensOtherDevices = false;
        checkedUpToSeq = -1;
    }

    @Override
    public synchronized boolean isUnlocked() {
        return unlocked != null;
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
        noteOwnWrite(stored.seq());
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
    private byte[] writingKey() throws JournalLockedException, StoreException {
        boolean checked;
        synchronized (this) {
            if (unlocked == null) {
                throw new JournalLockedException(LOCKED_MESSAGE);
            }
            checked = opensOtherDevices;
        }
        if (!checked) {
            requireOpensOtherDevices();
        }
        UnlockedKeys keys = unlockedKeys().orElseThrow(() -> new JournalLockedException(LOCKED_MESSAGE));
        return keys.copyOf(salt()).orElseThrow(() -> new JournalLockedException(LOCKED_MESSAGE));
    }

    private synchronized Optional<UnlockedKeys> unlockedKeys() {
        return Optional.ofNullable(unlocked);
    }

    /**
     * A password chosen for an empty journal (or one that so far met only this device's entries) must still
     * open what other devices wrote, once their entries arrive by sync: otherwise writing would spread entries
     * that no other device opens. Checked again only when the store has changed since it last held none.
     */
    private void requireOpensOtherDevices() throws JournalLockedException, StoreException {
        JournalStore current = store();
        long highest = current.highestSeq();
        synchronized (this) {
            if (highest == checkedUpToSeq) {
                return;
            }
        }
        boolean othersSeen = false;
        String ownSalt = salt();
        for (Entry sample : PasswordSamples.newestPerSalt(current, ownSalt, unlockCheckEntries)) {
            if (sample.contentSalt().equals(ownSalt)) {
                continue;
            }
            othersSeen = true;
            if (opens(sample)) {
                synchronized (this) {
                    opensOtherDevices = unlocked != null;
                }
                return;
            }
        }
        if (othersSeen) {
            throw new JournalLockedException(FOREIGN_MESSAGE);
        }
        synchronized (this) {
            checkedUpToSeq = unlocked == null ? -1 : highest;
        }
    }

    /** Records that this journal's own write is all that changed since the last check. */
    private synchronized void noteOwnWrite(long seq) {
        if (checkedUpToSeq >= 0 && seq == checkedUpToSeq + 1) {
            checkedUpToSeq = seq;
        }
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
        Optional<UnlockedKeys> keys = unlockedKeys();
        Optional<String> plain = keys.flatMap(ring -> ring.keyFor(crypto, entry))
                .flatMap(key -> ContentCipher.decrypt(crypto, key, entry.id(), entry.content()));
        Readability state = keys.isEmpty() ? Readability.LOCKED
                : plain.isPresent() ? Readability.READABLE : Readability.UNREADABLE;
        return new JournalEntry(entry.id(), entry.createdAt(), entry.updatedAt(), entry.mood(), entry.pinned(),
                entry.privacyMode(), entry.bookId(), state, plain.orElse(null));
    }

    /** @return whether the entry opens with the keys of this unlock */
    private boolean opens(Entry entry) {
        return unlockedKeys().flatMap(keys -> keys.keyFor(crypto, entry))
                .flatMap(key -> ContentCipher.decrypt(crypto, key, entry.id(), entry.content())).isPresent();
    }

    /** @return the salt new entries are written with, or {@code null} before the first unlock made one */
    private synchronized String knownSalt() {
        return salt;
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
        boolean empty = false;
        if (currentStore != null) {
            try {
                empty = currentStore.list(1, null).entries().isEmpty();
            } catch (StoreException e) {
                LOG.debug("the store could not tell whether the journal is empty", e);
            }
        }
        return new JournalStatus(isUnlocked(), empty, currentStore == null ? "none available" : currentStore.name(),
                currentStore == null ? "-" : currentStore.storeId(), crypto.name());
    }

    /** For tests: the clock and collaborators a running node would inject. */
    void bind(JournalStore newStore, CryptoProvider newCrypto, NodeClock newClock) {
        this.store = newStore;
        this.crypto = newCrypto;
        this.clock = newClock;
    }
}
