package org.moodhaven.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.util.Dictionary;
import java.util.Hashtable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.junit.Before;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.moodhaven.api.journal.Journal;
import org.moodhaven.api.journal.JournalEntry;
import org.moodhaven.api.journal.Readability;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerMethod;
import org.osgi.framework.Bundle;
import org.osgi.framework.FrameworkEvent;
import org.osgi.framework.wiring.FrameworkWiring;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;

/**
 * The platform's reason to exist: crypto providers and stores swap while the
 * node runs, and the unlocked journal stays unlocked and keeps working.
 * Each test gets a fresh framework (and data folder).
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerMethod.class)
public class RuntimeSwapIT extends NodeTestSupport {

    private Journal journal;

    @Before
    public void unlock() throws Exception {
        journal = await(Journal.class, null);
        assertTrue(execute("mh:unlock", passwordTyped(journal)).contains("Journal unlocked"));
        assertWriteAndReadWork();
    }

    @Test
    public void stoppingTheActiveCryptoProviderHandsOverToTheOtherWithoutLocking() throws Exception {
        assertTrue(status().contains("crypto     JDK"));
        installed("moodhaven.crypto.jdk").stop();

        assertTrue(status(), status().contains("crypto     BouncyCastle"));
        assertTrue("still unlocked", journal.isUnlocked());
        assertWriteAndReadWork();

        installed("moodhaven.crypto.jdk").start();
        assertTrue(status(), status().contains("crypto     JDK"));
        assertWriteAndReadWork();
    }

    @Test
    public void configurationSelectsTheProviderByRankingOrByTarget() throws Exception {
        ConfigurationAdmin configAdmin = await(ConfigurationAdmin.class, null);
        update(configAdmin.getConfiguration("moodhaven.crypto.bc", "?"), "service.ranking", 500);
        awaitTrue("BouncyCastle is in use", () -> status().contains("crypto     BouncyCastle"));
        assertTrue(journal.isUnlocked());
        assertWriteAndReadWork();

        configAdmin.getConfiguration("moodhaven.crypto.bc", "?").delete();
        awaitTrue("the JDK provider is back", () -> status().contains("crypto     JDK"));

        update(configAdmin.getConfiguration("moodhaven.journal", "?"), "crypto.target",
                "(moodhaven.crypto.provider=bc)");
        awaitTrue("the journal's target picks BouncyCastle", () -> status().contains("crypto     BouncyCastle"));
        assertTrue("a target change does not lock the journal", journal.isUnlocked());
        assertWriteAndReadWork();
    }

    @Test
    public void configuringTheMemoryStoreAboveDerbySwapsTheStoreAndBack() throws Exception {
        String derbyEntry = journal.write("kept in Derby", 3).id();
        ConfigurationAdmin configAdmin = await(ConfigurationAdmin.class, null);
        Configuration memory = configAdmin.getConfiguration("moodhaven.store.memory", "?");
        update(memory, "service.ranking", 500);
        awaitTrue("the memory store is in use", () -> status().contains("store      memory"));
        assertTrue(journal.isUnlocked());
        assertEquals("the memory store starts empty", 0, journal.list(10, null).entries().size());
        assertWriteAndReadWork();

        memory.delete();
        awaitTrue("Derby is back", () -> status().contains("store      Derby"));
        assertEquals("kept in Derby", journal.read(derbyEntry).orElseThrow().text());
    }

    @Test
    public void stoppingDerbyHandsOverToAConfiguredMemoryStore() throws Exception {
        ConfigurationAdmin configAdmin = await(ConfigurationAdmin.class, null);
        update(configAdmin.getConfiguration("moodhaven.store.memory", "?"), "service.ranking", 0);
        await(org.moodhaven.api.store.JournalStore.class, "(moodhaven.store=memory)");
        assertTrue(status().contains("store      Derby"));

        installed("moodhaven.store.derby").stop();
        assertTrue(status(), status().contains("store      memory"));
        assertTrue(journal.isUnlocked());
        assertWriteAndReadWork();

        installed("moodhaven.store.derby").start();
        assertTrue(status(), status().contains("store      Derby"));
        assertWriteAndReadWork();
    }

    @Test
    public void updatingTheDerbyStoreBundleKeepsTheDataAndTheUnlockedJournal() throws Exception {
        String before = journal.write("written before the update", 5).id();
        Bundle store = installed("moodhaven.store.derby");
        store.update();
        refresh(store);

        await(org.moodhaven.api.store.JournalStore.class, "(moodhaven.store=derby)");
        assertTrue(journal.isUnlocked());
        assertEquals("written before the update", journal.read(before).orElseThrow().text());
        assertWriteAndReadWork();
        assertTrue(status(), status().contains("store      Derby"));
    }

    @Test
    public void updatingTheDerbyEngineBundleKeepsTheDataAndTheUnlockedJournal() throws Exception {
        String before = journal.write("written before the engine update", 1).id();
        Bundle engine = installed("moodhaven.derby.embedded");
        engine.update();
        refresh(engine);

        await(org.moodhaven.api.store.JournalStore.class, "(moodhaven.store=derby)");
        assertTrue(journal.isUnlocked());
        assertEquals("written before the engine update", journal.read(before).orElseThrow().text());
        assertWriteAndReadWork();
        assertTrue(status(), status().contains("store      Derby"));
    }

    private void refresh(Bundle bundle) throws InterruptedException {
        CountDownLatch done = new CountDownLatch(1);
        context.getBundle(0).adapt(FrameworkWiring.class).refreshBundles(java.util.List.of(bundle),
                event -> {
                    if (event.getType() == FrameworkEvent.PACKAGES_REFRESHED) {
                        done.countDown();
                    }
                });
        assertTrue("refresh finished", done.await(60, TimeUnit.SECONDS));
    }

    private void assertWriteAndReadWork() throws Exception {
        JournalEntry written = journal.write("swap check " + System.nanoTime(), 4);
        JournalEntry read = journal.read(written.id()).orElseThrow();
        assertEquals(Readability.READABLE, read.state());
        assertEquals(written.text(), read.text());
    }

    private String status() {
        try {
            return execute("mh:status", "");
        } catch (Exception e) {
            return "mh:status failed: " + e;
        }
    }

    private static void update(Configuration configuration, String key, Object value) throws Exception {
        Dictionary<String, Object> properties = configuration.getProperties() == null
                ? new Hashtable<>() : configuration.getProperties();
        properties.put(key, value);
        configuration.update(properties);
    }
}
