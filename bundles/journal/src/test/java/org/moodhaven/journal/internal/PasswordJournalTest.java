package org.moodhaven.journal.internal;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.IntStream;

import com.fasterxml.jackson.databind.ObjectMapper;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.moodhaven.api.crypto.AesGcm;
import org.moodhaven.api.crypto.CryptoProvider;
import org.moodhaven.api.entry.CanonicalJson;
import org.moodhaven.api.entry.Entry;
import org.moodhaven.api.entry.EntryRules;
import org.moodhaven.api.entry.Timestamps;
import org.moodhaven.api.event.EventTopics;
import org.moodhaven.api.journal.JournalEntry;
import org.moodhaven.api.journal.JournalLockedException;
import org.moodhaven.api.journal.JournalPage;
import org.moodhaven.api.journal.JournalVersion;
import org.moodhaven.api.journal.NewJournalException;
import org.moodhaven.api.journal.Readability;
import org.moodhaven.api.journal.UnlockResult;
import org.moodhaven.api.journal.WrongPasswordException;
import org.moodhaven.api.node.NodeClock;
import org.moodhaven.api.store.EntryRejectedException;
import org.moodhaven.api.store.JournalStore;
import org.moodhaven.api.store.ReplacedVersion;
import org.moodhaven.api.store.StoreException;
import org.moodhaven.api.store.StoredEntry;
import org.moodhaven.crypto.bc.internal.BouncyCastleCryptoProvider;
import org.moodhaven.crypto.jdk.internal.JdkCryptoProvider;
import org.moodhaven.store.memory.internal.MemoryJournalStore;
import org.moodhaven.testing.Configs;
import org.moodhaven.testing.EntryGenerator;
import org.moodhaven.testing.ManualClock;
import org.moodhaven.testing.TestNodeSettings;
import org.moodhaven.testing.TestVectors;
import org.osgi.service.event.Event;
import org.osgi.service.event.EventAdmin;

/**
 * The journal of PROTOCOL.md section 7 on the real memory store and the real JDK
 * provider (recorded, to count the slow PBKDF2 derivations). Each unlock costs a
 * 600,000-iteration derivation, so each test unlocks once or twice.
 */
class PasswordJournalTest {

    private static final String PASSWORD = TestVectors.text("/content/password");
    private static final String WRONG_PASSWORD = "incorrect horse battery staple";
    private static final Instant START = Instant.parse("2026-03-01T10:00:00Z");

    /** The vector's salt stands for another device of the same person; its key is in the vector. */
    private static final String VECTOR_SALT = TestVectors.text("/content/content/salt");
    private static final byte[] VECTOR_KEY = TestVectors.hex("/content/keyHex");
    private static final String SALT_A = salt(0x40);
    private static final String SALT_B = salt(0x50);

    private static final CryptoProvider JDK = new JdkCryptoProvider(Configs.of(JdkCryptoProvider.Config.class));
    /** Keys of the other devices' salts under {@link #PASSWORD}, derived once for the class. */
    private static final Map<String, byte[]> FOREIGN_KEYS = new HashMap<>();

    @TempDir
    Path data;

    private final ManualClock clock = new ManualClock(START);
    private final RecordingCryptoProvider crypto = new RecordingCryptoProvider(JDK);
    private final CapturingEventAdmin events = new CapturingEventAdmin();
    private JournalStore store;
    private PasswordJournal journal;

    @BeforeAll
    static void deriveForeignKeys() {
        FOREIGN_KEYS.put(VECTOR_SALT, VECTOR_KEY);
        for (String salt : List.of(SALT_A, SALT_B)) {
            FOREIGN_KEYS.put(salt, ContentCipher.deriveKey(JDK, PASSWORD.toCharArray(), b64(salt)));
        }
    }

    @BeforeEach
    void open() throws Exception {
        store = memoryStore(clock);
        journal = journal(Configs.of(PasswordJournal.Config.class));
    }

    // ---- the content vector ----

    @Test
    void theVectorsContentStoredUnderItsIdReadsAsItsPlaintext() throws Exception {
        Map<String, String> content = new LinkedHashMap<>();
        TestVectors.root().at("/content/content").properties()
                .forEach(member -> content.put(member.getKey(), member.getValue().asText()));
        String id = TestVectors.text("/content/entryId");
        String at = Timestamps.format(START.minus(Duration.ofHours(1)));
        store.merge(List.of(new Entry(id, at, at, content, null, Entry.PRIVACY_NORMAL, null, false)));

        UnlockResult unlocked = journal.unlock(PASSWORD.toCharArray());
        JournalEntry read = journal.read(id).orElseThrow();

        assertEquals(new UnlockResult(false, 1, 1), unlocked, "the vector's entry is the one there is to try");
        assertEquals(Readability.READABLE, read.state());
        assertEquals(TestVectors.text("/content/plaintext"), read.text());
        assertEquals(List.of(VECTOR_SALT, journal.salt()), crypto.derivedSalts());
        assertArrayEquals(VECTOR_KEY, crypto.keyFor(VECTOR_SALT), "the journal derived the vector's key");
        assertEquals(Readability.READABLE, journal.list(10, null).entries().get(0).state());
        assertEquals(2, crypto.derivations().size(), "the key is cached, not derived per read");
    }

    // ---- writing ----

    @Test
    void writeStoresOnlyCiphertextUnderTheJournalSaltBoundToTheEntryId() throws Exception {
        String text = "Walked to the lighthouse with Marguerite; slow breathing helped.";
        chooseThePassword();

        JournalEntry written = journal.write(text, 4);

        assertTrue(EntryRules.isValidId(written.id()), written.id());
        assertEquals(Readability.READABLE, written.state());
        assertEquals(text, written.text());
        assertEquals(4, written.mood());
        assertEquals(Timestamps.format(START), written.createdAt());
        assertEquals(Timestamps.format(START), written.updatedAt());
        assertEquals(Entry.PRIVACY_NORMAL, written.privacyMode());
        assertNull(written.bookId());
        assertFalse(written.pinned());

        StoredEntry stored = store.get(written.id()).orElseThrow();
        Map<String, String> content = stored.entry().content();
        assertEquals(Set.of("iv", "data", "salt"), content.keySet());
        assertEquals(12, b64(content.get("iv")).length);
        assertEquals(text.getBytes(UTF_8).length + 16, b64(content.get("data")).length, "ciphertext and tag");
        assertEquals(journal.salt(), content.get("salt"));
        assertEquals(16, b64(journal.salt()).length);
        String json = CanonicalJson.of(stored.entry()).toLowerCase(Locale.ROOT);
        for (String fragment : List.of(text, "lighthouse", "marguerite", "breathing")) {
            assertFalse(json.contains(fragment.toLowerCase(Locale.ROOT)), () -> fragment + " in " + json);
        }

        clock.advance(Duration.ofMinutes(1));
        JournalEntry again = journal.write(text, 4);
        Map<String, String> againContent = store.get(again.id()).orElseThrow().entry().content();
        assertNotEquals(written.id(), again.id());
        assertNotEquals(content.get("iv"), againContent.get("iv"), "a fresh iv per write");

        clock.advance(Duration.ofMinutes(1));
        String now = Timestamps.format(clock.now());
        store.writeLocal(new Entry("moved-here", now, now, content, 4, Entry.PRIVACY_NORMAL, null, false));
        JournalEntry moved = journal.read("moved-here").orElseThrow();
        assertEquals(Readability.UNREADABLE, moved.state(), "the associated data binds the content to its id");
        assertNull(moved.text());
        assertEquals(text, journal.read(written.id()).orElseThrow().text());
        assertEquals(1, crypto.derivations().size(), "the journal's own key serves every own-salt entry");
    }

    @Test
    void writeRefusesWhatBreaksARuleAndStoresNothing() throws Exception {
        chooseThePassword();
        events.clear();

        EntryRejectedException noText = assertThrows(EntryRejectedException.class, () -> journal.write(null, 3));
        EntryRejectedException loneSurrogate = assertThrows(EntryRejectedException.class,
                () -> journal.write("half a pair \uD83C", 3));
        assertThrows(EntryRejectedException.class, () -> journal.write("a mood out of range", 6));

        assertTrue(noText.getMessage().contains("text"), noText.getMessage());
        assertTrue(loneSurrogate.getMessage().contains("Unicode"), loneSurrogate.getMessage());
        assertEquals(0, store.count());
        assertEquals(0, store.highestSeq());
        assertEquals(List.of(), events.topics());
    }

    // ---- locked ----

    @Test
    void whileLockedEntriesShowAsLockedAndNothingCanBeWritten() throws Exception {
        EntryGenerator generator = EntryGenerator.standard();
        store.merge(List.of(generator.entry(0), generator.entry(1)));
        store.merge(List.of(generator.version(1, 60)));
        long count = store.count();
        long highestSeq = store.highestSeq();

        JournalPage page = journal.list(10, null);
        assertEquals(List.of(generator.id(1), generator.id(0)), page.entries().stream().map(JournalEntry::id).toList());
        for (JournalEntry entry : page.entries()) {
            assertEquals(Readability.LOCKED, entry.state());
            assertNull(entry.text());
        }
        assertEquals(generator.version(1, 60).mood(), page.entries().get(0).mood());
        JournalEntry read = journal.read(generator.id(0)).orElseThrow();
        assertEquals(Readability.LOCKED, read.state());
        assertNull(read.text());
        assertEquals(Optional.empty(), journal.read("no-such-entry"));
        List<JournalVersion> history = journal.history(generator.id(1));
        assertEquals(1, history.size());
        assertEquals(Readability.LOCKED, history.get(0).entry().state());
        assertNull(history.get(0).entry().text());

        List<Executable> writes = List.of(
                () -> journal.write("anything", 3),
                () -> journal.edit(generator.id(0), "anything", 3),
                () -> journal.restore(generator.id(1), history.get(0).versionId()));
        for (Executable write : writes) {
            JournalLockedException locked = assertThrows(JournalLockedException.class, write);
            assertTrue(locked.getMessage().contains("unlock"), locked.getMessage());
        }

        assertEquals(count, store.count());
        assertEquals(highestSeq, store.highestSeq());
        assertFalse(journal.isUnlocked());
        assertFalse(journal.status().unlocked());
        assertFalse(Files.exists(data.resolve(JournalSaltFile.FILE_NAME)), "no salt is made while locked");
        journal.lock();
        assertEquals(List.of(), events.topics(), "locking a locked journal says nothing");
        assertThrows(IllegalArgumentException.class, () -> journal.unlock(new char[0]));
        assertThrows(IllegalArgumentException.class, () -> journal.unlock(null));
        assertEquals(List.of(), crypto.derivations());
    }

    // ---- the password ----

    @Test
    void aWrongPasswordIsRefusedAndChangesNothing() throws Exception {
        chooseThePassword();
        JournalEntry first = journal.write("only the right password opens this", 2);
        journal.lock();
        events.clear();
        StoredEntry before = store.get(first.id()).orElseThrow();
        long highestSeq = store.highestSeq();

        WrongPasswordException wrong = assertThrows(WrongPasswordException.class,
                () -> journal.unlock(WRONG_PASSWORD.toCharArray()));

        assertTrue(wrong.getMessage().startsWith("Wrong password"), wrong.getMessage());
        assertFalse(journal.isUnlocked());
        assertEquals(Readability.LOCKED, journal.read(first.id()).orElseThrow().state());
        assertThrows(JournalLockedException.class, () -> journal.write("never written", 3));
        assertEquals(highestSeq, store.highestSeq());
        assertEquals(before, store.get(first.id()).orElseThrow(), "the entry is not changed");
        assertEquals(List.of(), events.topics(), "a refused password unlocks nothing");
        for (RecordingCryptoProvider.Derivation derivation : crypto.derivations().subList(1, 2)) {
            assertArrayEquals(new byte[32], derivation.returned(), "the wrong password's key is overwritten");
        }

        assertEquals(new UnlockResult(false, 1, 1), journal.unlock(PASSWORD.toCharArray()));
        assertEquals("only the right password opens this", journal.read(first.id()).orElseThrow().text());
        clock.advance(Duration.ofMinutes(1));
        JournalEntry second = journal.write("and writing works", 4);
        assertEquals(Readability.READABLE, journal.read(second.id()).orElseThrow().state());
    }

    @Test
    void aJournalWhoseEntriesAllCameFromAnotherDeviceTakesOnlyThatDevicesPassword() throws Exception {
        store.merge(List.of(foreign("from-a-1", SALT_A, "written on the laptop", 2),
                foreign("from-a-2", SALT_A, "also on the laptop", 1)));
        assertFalse(journal.status().empty());

        assertThrows(WrongPasswordException.class, () -> journal.unlock(WRONG_PASSWORD.toCharArray()));
        assertThrows(WrongPasswordException.class,
                () -> journal.choosePassword(WRONG_PASSWORD.toCharArray(), WRONG_PASSWORD.toCharArray()),
                "a password is never chosen over entries that are there");
        assertFalse(journal.isUnlocked());
        assertEquals(2, store.count());

        assertEquals(new UnlockResult(false, 1, 1), journal.unlock(PASSWORD.toCharArray()));
        JournalEntry written = journal.write("written on the desktop", 3);
        assertEquals("written on the desktop", journal.read(written.id()).orElseThrow().text());
        assertEquals("also on the laptop", journal.read("from-a-2").orElseThrow().text());
    }

    @Test
    void aNewJournalTakesItsFirstPasswordOnlyTypedTwice() throws Exception {
        assertTrue(journal.status().empty());
        NewJournalException notYet = assertThrows(NewJournalException.class,
                () -> journal.unlock(PASSWORD.toCharArray()));
        assertTrue(notYet.getMessage().contains("twice"), notYet.getMessage());
        IllegalArgumentException differ = assertThrows(IllegalArgumentException.class,
                () -> journal.choosePassword(PASSWORD.toCharArray(), WRONG_PASSWORD.toCharArray()));
        assertTrue(differ.getMessage().contains("differ"), differ.getMessage());
        assertFalse(journal.isUnlocked());
        assertFalse(Files.exists(data.resolve(JournalSaltFile.FILE_NAME)), "nothing is made for a typo");

        assertEquals(new UnlockResult(true, 0, 0), chooseThePassword());
        journal.write("the first entry", 3);
        assertFalse(journal.status().empty());
    }

    @Test
    void entriesArrivingAfterANewPasswordWasChosenStopWritesWithAPasswordThatDoesNotOpenThem() throws Exception {
        journal.choosePassword(WRONG_PASSWORD.toCharArray(), WRONG_PASSWORD.toCharArray());
        JournalEntry typo = journal.write("written before the laptop's entries arrived", 3);
        store.merge(List.of(foreign("from-a", SALT_A, "written on the laptop", 30)));
        long highestSeq = store.highestSeq();

        JournalLockedException refused = assertThrows(JournalLockedException.class,
                () -> journal.write("would be unreadable on the laptop", 3));

        assertTrue(refused.getMessage().contains("other devices"), refused.getMessage());
        assertEquals(highestSeq, store.highestSeq(), "nothing was written");
        assertThrows(JournalLockedException.class, () -> journal.edit(typo.id(), "no", 3));

        journal.lock();
        UnlockResult right = journal.unlock(PASSWORD.toCharArray());
        assertEquals(new UnlockResult(false, 2, 1), right, "the typo's entry stays unreadable");
        assertTrue(right.someUnreadable());
        clock.advance(Duration.ofMinutes(1));
        journal.write("readable everywhere", 4);
        assertEquals(highestSeq + 1, store.highestSeq());
    }

    @Test
    void aWrongPasswordCostsAFewDerivationsAtMostWhateverSaltsArrived() throws Exception {
        List<Entry> fromManyDevices = new ArrayList<>();
        for (int device = 0; device < 9; device++) {
            String deviceSalt = salt(0x60 + device);
            fromManyDevices.add(entry("device-" + device, ContentCipher.encrypt(JDK, JDK.randomBytes(32), deviceSalt,
                    "device-" + device, "another password"), device + 1));
        }
        store.merge(fromManyDevices);

        assertThrows(WrongPasswordException.class, () -> journal.unlock(WRONG_PASSWORD.toCharArray()));

        assertEquals(PasswordSamples.MOST_SALTS, crypto.derivations().size());
        for (RecordingCryptoProvider.Derivation derivation : crypto.derivations()) {
            assertArrayEquals(new byte[32], derivation.returned(), "key of " + derivation.salt() + " overwritten");
        }
    }

    @Test
    void lockForgetsThePasswordAndOverwritesEveryKey() throws Exception {
        chooseThePassword();
        JournalEntry written = journal.write("forgotten on lock", 1);

        journal.lock();

        assertFalse(journal.isUnlocked());
        assertFalse(journal.status().unlocked());
        assertEquals(1, crypto.derivations().size());
        assertArrayEquals(new byte[32], crypto.derivations().get(0).returned(), "the key was overwritten");
        JournalEntry read = journal.read(written.id()).orElseThrow();
        assertEquals(Readability.LOCKED, read.state());
        assertNull(read.text());
        assertThrows(JournalLockedException.class, () -> journal.write("after lock", 1));
        assertEquals(List.of(EventTopics.JOURNAL_UNLOCKED, EventTopics.ENTRIES_CHANGED_LOCALLY,
                EventTopics.JOURNAL_LOCKED), events.topics());
    }

    // ---- the salt file ----

    @Test
    void theFirstUnlockMakesTheSaltFileOnceAndLaterJournalsReuseIt() throws Exception {
        Path file = data.resolve(JournalSaltFile.FILE_NAME);
        assertFalse(Files.exists(file));

        UnlockResult first = chooseThePassword();

        assertEquals(new UnlockResult(true, 0, 0), first, "an empty journal has nothing to check against");
        assertTrue(Files.exists(file));
        if (Files.getFileStore(file).supportsFileAttributeView("posix")) {
            assertEquals(PosixFilePermissions.fromString("rw-------"), Files.getPosixFilePermissions(file));
        }
        String salt = journal.salt();
        assertEquals(salt, new ObjectMapper().readTree(file.toFile()).get("salt").asText());
        assertEquals(16, b64(salt).length);
        byte[] saved = Files.readAllBytes(file);
        JournalEntry written = journal.write("kept across restarts", 3);
        assertEquals(salt, journal.salt());

        PasswordJournal reopened = journal(Configs.of(PasswordJournal.Config.class));
        assertEquals(salt, reopened.salt());
        UnlockResult again = reopened.unlock(PASSWORD.toCharArray());

        assertEquals(new UnlockResult(false, 1, 1), again, "the entry written with the kept salt was checked");
        assertEquals("kept across restarts", reopened.read(written.id()).orElseThrow().text());
        assertArrayEquals(saved, Files.readAllBytes(file), "the salt file is never rewritten");
        try (var files = Files.list(data)) {
            assertEquals(List.of(file), files.toList(), "no temporary file is left behind");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "not json", "[]", "{}", "{\"salt\": 16}", "{\"salt\": \"***\"}",
            "{\"salt\": \"AAECAwQFBgc=\"}"})
    void aMalformedSaltFileStopsTheJournalAndIsLeftAsItIs(String text) throws Exception {
        Path file = data.resolve(JournalSaltFile.FILE_NAME);
        Files.writeString(file, text);

        IllegalStateException refused = assertThrows(IllegalStateException.class,
                () -> new PasswordJournal(Configs.of(PasswordJournal.Config.class), new TestNodeSettings(data)));

        assertTrue(refused.getMessage().contains(file.toString()), refused.getMessage());
        assertTrue(refused.getMessage().contains("cannot be used"), refused.getMessage());
        assertTrue(refused.getMessage().contains("delete it"), refused.getMessage());
        assertEquals(text, Files.readString(file));
    }

    // ---- entries from other devices ----

    @Test
    void entriesFromOtherDevicesReadWithOneKeyPerDistinctSaltDerivedOnce() throws Exception {
        char[] password = PASSWORD.toCharArray();
        journal.choosePassword(password, PASSWORD.toCharArray());
        Arrays.fill(password, '\0'); // the journal keeps its own copy
        JournalEntry own = journal.write("written here", 3);
        byte[] strangerKey = JDK.randomBytes(32);
        store.merge(List.of(
                foreign("from-v-1", VECTOR_SALT, "vector device, first", 1),
                foreign("from-a-1", SALT_A, "device A, first", 2),
                foreign("from-v-2", VECTOR_SALT, "vector device, second", 3),
                foreign("from-a-2", SALT_A, "device A, second", 4),
                entry("other-password", ContentCipher.encrypt(JDK, strangerKey, SALT_A, "other-password",
                        "written with another password"), 5),
                entry("bad-salt", Map.of("iv", Base64.getEncoder().encodeToString(new byte[12]),
                        "data", Base64.getEncoder().encodeToString(new byte[32]), "salt", "***"), 6)));

        List<JournalEntry> listed = journal.list(10, null).entries();

        assertEquals(List.of(own.id(), "from-v-1", "from-a-1", "from-v-2", "from-a-2", "other-password", "bad-salt"),
                listed.stream().map(JournalEntry::id).toList());
        assertEquals(Arrays.asList("written here", "vector device, first", "device A, first", "vector device, second",
                "device A, second", null, null), listed.stream().map(JournalEntry::text).toList());
        assertEquals(List.of(Readability.READABLE, Readability.READABLE, Readability.READABLE, Readability.READABLE,
                        Readability.READABLE, Readability.UNREADABLE, Readability.UNREADABLE),
                listed.stream().map(JournalEntry::state).toList());
        assertEquals(List.of(journal.salt(), VECTOR_SALT, SALT_A), crypto.derivedSalts());

        journal.list(10, null);
        journal.read("from-a-2");
        journal.read("from-v-2");
        journal.read("other-password");
        assertEquals(3, crypto.derivations().size(), "keys are cached per salt until lock");

        journal.lock();
        for (RecordingCryptoProvider.Derivation derivation : crypto.derivations()) {
            assertArrayEquals(new byte[32], derivation.returned(), "key of " + derivation.salt() + " overwritten");
        }
        assertTrue(journal.list(10, null).entries().stream().allMatch(e -> e.state() == Readability.LOCKED));
    }

    @Test
    void maxKeysCapsTheSaltsThatGetAKeyOwnSaltIncluded() throws Exception {
        journal = journal(Configs.of(PasswordJournal.Config.class, "maxKeys", 2));
        chooseThePassword();
        JournalEntry own = journal.write("written here", null);
        store.merge(List.of(
                foreign("from-b", SALT_B, "device B", 1),
                foreign("from-a", SALT_A, "device A", 2),
                foreign("from-v", VECTOR_SALT, "vector device", 3)));

        List<JournalEntry> listed = journal.list(10, null).entries();

        // maxKeys counts every distinct salt given a key, this journal's own among them: with 2,
        // one other device's salt gets a key (the newest entry's) and the rest stay unreadable.
        assertEquals(List.of(own.id(), "from-b", "from-a", "from-v"), listed.stream().map(JournalEntry::id).toList());
        assertEquals(List.of(Readability.READABLE, Readability.READABLE, Readability.UNREADABLE,
                Readability.UNREADABLE), listed.stream().map(JournalEntry::state).toList());
        assertEquals("device B", listed.get(1).text());
        assertEquals(List.of(journal.salt(), SALT_B), crypto.derivedSalts());

        assertEquals(Readability.UNREADABLE, journal.read("from-a").orElseThrow().state());
        assertEquals(2, crypto.derivations().size(), "beyond the cap nothing more is derived");
    }

    @Test
    void aLockArrivingWhileAWriteIsUnderwayDoesNotSealTheEntryWithTheWipedKey() throws Exception {
        chooseThePassword();
        byte[] ownKey = crypto.keyFor(journal.salt());
        JournalEntry first = journal.write("first", 1);

        // The iv is drawn after the write took the key and before it encrypts: lock right there.
        clock.advance(Duration.ofMinutes(1));
        crypto.beforeNextRandom(AesGcm.NONCE_LENGTH, journal::lock);
        JournalEntry written = journal.write("written as the journal locks", 2);
        assertFalse(journal.isUnlocked());
        assertEquals(new UnlockResult(false, 1, 1), journal.unlock(PASSWORD.toCharArray()),
                "the newest entry opens with the right password");
        crypto.beforeNextRandom(AesGcm.NONCE_LENGTH, journal::lock);
        clock.advance(Duration.ofMinutes(1));
        journal.edit(first.id(), "edited as the journal locks", 3);

        assertFalse(journal.isUnlocked());
        Map<String, String> textById = Map.of(written.id(), "written as the journal locks",
                first.id(), "edited as the journal locks");
        for (Map.Entry<String, String> expected : textById.entrySet()) {
            String id = expected.getKey();
            Map<String, String> content = store.get(id).orElseThrow().entry().content();
            assertEquals(Optional.empty(), ContentCipher.decrypt(JDK, new byte[32], id, content),
                    "sealed with an all-zero key");
            assertEquals(Optional.of(expected.getValue()), ContentCipher.decrypt(JDK, ownKey, id, content));
        }
    }

    // ---- edit, history, restore ----

    @Test
    void editKeepsWhatItDoesNotReplaceAndHistoryAndRestoreBringTheOldTextBack() throws Exception {
        chooseThePassword();
        String salt = journal.salt();
        String created = Timestamps.format(START.minus(Duration.ofDays(1)));
        store.writeLocal(new Entry("kept-fields", created, created,
                ContentCipher.encrypt(JDK, crypto.keyFor(salt), salt, "kept-fields", "before"), 2, "private",
                "book-7", true));
        clock.advance(Duration.ofMinutes(5));

        JournalEntry edited = journal.edit("kept-fields", "after", 4);

        assertEquals(new JournalEntry("kept-fields", created, Timestamps.format(clock.now()), 4, true, "private",
                "book-7", Readability.READABLE, "after"), edited);
        Entry stored = store.get("kept-fields").orElseThrow().entry();
        assertEquals(created, stored.createdAt());
        assertEquals("private", stored.privacyMode());
        assertEquals("book-7", stored.bookId());
        assertTrue(stored.pinned());
        assertEquals(salt, stored.contentSalt());

        List<JournalVersion> history = journal.history("kept-fields");
        assertEquals(1, history.size());
        JournalVersion replaced = history.get(0);
        assertEquals(new JournalEntry("kept-fields", created, created, 2, true, "private", "book-7",
                Readability.READABLE, "before"), replaced.entry());
        assertEquals(ReplacedVersion.BY_LOCAL, replaced.replacedBy());
        assertEquals(clock.now(), replaced.replacedAt());

        clock.advance(Duration.ofMinutes(5));
        JournalEntry restored = journal.restore("kept-fields", replaced.versionId());

        assertEquals(new JournalEntry("kept-fields", created, Timestamps.format(clock.now()), 2, true, "private",
                "book-7", Readability.READABLE, "before"), restored);
        assertEquals(restored, journal.read("kept-fields").orElseThrow());
        assertEquals(List.of("after", "before"),
                journal.history("kept-fields").stream().map(v -> v.entry().text()).toList(), "newest first");

        // A clock behind the held version: the edit still wins, just after it (LocalEditRule).
        clock.set(START.minus(Duration.ofHours(3)));
        JournalEntry late = journal.edit("kept-fields", "written with a slow clock", 5);

        assertEquals(Timestamps.format(Timestamps.nextMillisAfter(Timestamps.parse(restored.updatedAt()))),
                late.updatedAt());
        assertEquals("written with a slow clock", journal.read("kept-fields").orElseThrow().text());
        assertEquals(late.updatedAt(), store.get("kept-fields").orElseThrow().entry().updatedAt());

        assertThrows(NoSuchElementException.class, () -> journal.edit("no-such-entry", "text", null));
        assertThrows(NoSuchElementException.class, () -> journal.restore("kept-fields", Long.MAX_VALUE));
        assertThrows(EntryRejectedException.class, () -> journal.edit("kept-fields", "mood out of range", 0));
        assertEquals("written with a slow clock", journal.read("kept-fields").orElseThrow().text());
        assertEquals(1, crypto.derivations().size());
    }

    // ---- swapping collaborators ----

    @Test
    void swappingTheProviderStoreOrClockWhileUnlockedKeepsTheJournalUnlocked() throws Exception {
        chooseThePassword();
        JournalEntry before = journal.write("before the swap", 3);
        CryptoProvider bc = new BouncyCastleCryptoProvider(Configs.of(BouncyCastleCryptoProvider.Config.class));

        journal.bind(store, bc, clock);

        assertTrue(journal.isUnlocked());
        assertEquals(bc.name(), journal.status().crypto());
        assertEquals("before the swap", journal.read(before.id()).orElseThrow().text());
        clock.advance(Duration.ofMinutes(1));
        JournalEntry throughBc = journal.write("written through BouncyCastle", 2);
        Map<String, String> bcContent = store.get(throughBc.id()).orElseThrow().entry().content();
        assertEquals(Optional.of("written through BouncyCastle"),
                ContentCipher.decrypt(JDK, crypto.keyFor(journal.salt()), throughBc.id(), bcContent));

        JournalStore other = memoryStore(clock);
        ManualClock otherClock = new ManualClock(clock.now().plusSeconds(30));
        journal.bind(other, crypto, otherClock);

        assertTrue(journal.isUnlocked());
        assertTrue(journal.status().unlocked());
        assertEquals(other.storeId(), journal.status().storeId());
        assertEquals(List.of(), journal.list(10, null).entries());
        JournalEntry inOther = journal.write("in the other store", null);
        assertEquals(Timestamps.format(otherClock.now()), inOther.createdAt());
        assertEquals(1, other.count());
        assertEquals(2, store.count());

        journal.bind(store, crypto, clock);

        assertEquals(store.storeId(), journal.status().storeId());
        assertEquals(List.of("written through BouncyCastle", "before the swap"),
                journal.list(10, null).entries().stream().map(JournalEntry::text).toList());
        assertEquals(1, crypto.derivations().size(), "no swap asked for the password again");
    }

    @Test
    void withoutAStoreTheJournalStaysUnlockedAndSaysNoStoreIsAvailable() throws Exception {
        journal.bind(null, crypto, clock);
        StoreException cannotCheck = assertThrows(StoreException.class, () -> journal.unlock(PASSWORD.toCharArray()));
        assertNoStore(cannotCheck);
        assertFalse(journal.isUnlocked(), "an unlock that could not check changes nothing");

        journal.bind(store, crypto, clock);
        chooseThePassword();
        JournalEntry first = journal.write("before the store went away", 1);
        long seq = store.highestSeq();
        events.clear();

        journal.bind(null, crypto, clock);

        assertTrue(journal.isUnlocked());
        assertTrue(journal.status().unlocked());
        assertEquals("none available", journal.status().store());
        List<Executable> calls = List.of(
                () -> journal.read(first.id()),
                () -> journal.list(10, null),
                () -> journal.history(first.id()),
                () -> journal.write("while no store is there", 2),
                () -> journal.edit(first.id(), "while no store is there", 2),
                () -> journal.restore(first.id(), 1));
        for (Executable call : calls) {
            assertNoStore(assertThrows(StoreException.class, call));
        }
        assertTrue(journal.isUnlocked());
        assertEquals(List.of(), events.topics());

        journal.bind(store, crypto, clock);

        assertEquals("before the store went away", journal.read(first.id()).orElseThrow().text());
        assertEquals(seq, store.highestSeq(), "nothing was stored meanwhile");
        clock.advance(Duration.ofMinutes(1));
        JournalEntry second = journal.write("after the store came back", 2);
        assertEquals(Readability.READABLE, journal.read(second.id()).orElseThrow().state());
        assertEquals(2, store.count());
        assertEquals(1, crypto.derivations().size(), "one for the unlock, none for the unlock that could not "
                + "check nor for the rebinding");
    }

    // ---- events ----

    @Test
    void unlockWritesAndLockArePostedWithoutText() throws Exception {
        chooseThePassword();
        JournalEntry written = journal.write("event one", 1);
        long writeSeq = store.get(written.id()).orElseThrow().seq();
        clock.advance(Duration.ofMinutes(1));
        journal.edit(written.id(), "event two", 2);
        long editSeq = store.get(written.id()).orElseThrow().seq();
        clock.advance(Duration.ofMinutes(1));
        journal.restore(written.id(), journal.history(written.id()).get(0).versionId());
        long restoreSeq = store.get(written.id()).orElseThrow().seq();
        assertThrows(EntryRejectedException.class, () -> journal.write(null, 1));
        journal.lock();
        journal.lock();

        assertEquals(List.of(EventTopics.JOURNAL_UNLOCKED, EventTopics.ENTRIES_CHANGED_LOCALLY,
                EventTopics.ENTRIES_CHANGED_LOCALLY, EventTopics.ENTRIES_CHANGED_LOCALLY,
                EventTopics.JOURNAL_LOCKED), events.topics());
        List<Event> changes = events.events().subList(1, 4);
        assertEquals(List.of(writeSeq, editSeq, restoreSeq),
                changes.stream().map(e -> e.getProperty(EventTopics.SEQ)).toList());
        assertTrue(writeSeq < editSeq && editSeq < restoreSeq);
        for (Event change : changes) {
            assertEquals(1, change.getProperty(EventTopics.COUNT));
        }
        for (Event event : events.events()) {
            for (String name : event.getPropertyNames()) {
                assertFalse(String.valueOf(event.getProperty(name)).contains("event "), name);
            }
        }

        journal.unsetEvents(events);
        journal.unlock(PASSWORD.toCharArray());
        assertEquals(5, events.events().size(), "nothing is posted once Event Admin is gone");
    }

    // ---- helpers ----

    /** Unlocks the empty journal with its first password, typed twice. */
    private UnlockResult chooseThePassword() throws Exception {
        return journal.choosePassword(PASSWORD.toCharArray(), PASSWORD.toCharArray());
    }

    private PasswordJournal journal(PasswordJournal.Config config) {
        PasswordJournal opened = new PasswordJournal(config, new TestNodeSettings(data));
        opened.bind(store, crypto, clock);
        opened.setEvents(events);
        return opened;
    }

    /** A memory store as DS would make it: constructor, then the clock binding. */
    private static JournalStore memoryStore(NodeClock clock) {
        MemoryJournalStore created = new MemoryJournalStore(Configs.of(MemoryJournalStore.Config.class));
        created.setClock(clock);
        return created;
    }

    /** An entry another device of the same person wrote, {@code minutesAgo} before the start. */
    private static Entry foreign(String id, String salt, String text, int minutesAgo) {
        return entry(id, ContentCipher.encrypt(JDK, FOREIGN_KEYS.get(salt), salt, id, text), minutesAgo);
    }

    private static Entry entry(String id, Map<String, String> content, int minutesAgo) {
        String at = Timestamps.format(START.minus(Duration.ofMinutes(minutesAgo)));
        return new Entry(id, at, at, content, null, Entry.PRIVACY_NORMAL, null, false);
    }

    private static void assertNoStore(StoreException e) {
        assertTrue(e.getMessage().contains("no journal store is available"), e.getMessage());
    }

    private static String salt(int first) {
        byte[] salt = new byte[16];
        IntStream.range(0, 16).forEach(i -> salt[i] = (byte) (first + i));
        return Base64.getEncoder().encodeToString(salt);
    }

    private static byte[] b64(String text) {
        return Base64.getDecoder().decode(text);
    }

    /** Records what the journal posts. */
    private static final class CapturingEventAdmin implements EventAdmin {

        private final List<Event> posted = new CopyOnWriteArrayList<>();

        @Override
        public void postEvent(Event event) {
            posted.add(event);
        }

        @Override
        public void sendEvent(Event event) {
            throw new AssertionError("the journal must not block on event handlers: " + event.getTopic());
        }

        List<Event> events() {
            return new ArrayList<>(posted);
        }

        List<String> topics() {
            return posted.stream().map(Event::getTopic).toList();
        }

        void clear() {
            posted.clear();
        }
    }
}
