package org.moodhaven.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.Test;
import org.junit.runner.RunWith;
import org.moodhaven.api.discovery.PeerDirectory;
import org.moodhaven.api.identity.DeviceIdentity;
import org.moodhaven.api.journal.Journal;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.ServiceReference;

/** The mh commands answer at the console as a person would use them. */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class ShellCommandsIT extends NodeTestSupport {

    /** A time as the commands print it: the person's own zone, to the second. */
    private static final String LOCAL_TIME = "\\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2}:\\d{2}";

    @Test
    public void idShowsTheDeviceIdentity() throws Exception {
        DeviceIdentity identity = await(DeviceIdentity.class, null);
        String id = execute("mh:id", "");
        assertTrue(id, id.contains("deviceId   " + identity.deviceId()));
        assertTrue(id, id.contains("name       Pax Exam node"));
        assertTrue(id, id.contains("publicKey  " + identity.publicKeyBase64()));
    }

    @Test
    public void everyCommandHasHelp() throws Exception {
        await(Journal.class, null);
        String help = execute("help", "");
        for (String command : new String[] {"unlock", "lock", "write", "edit", "entries", "show", "versions",
                "restore", "id", "status", "shutdown", "settings", "trusted", "revoke", "peers", "addpeer",
                "removepeer"}) {
            assertTrue(command + " in\n" + help, help.contains("mh:" + command));
        }
        String writeHelp = execute("help mh:write", "");
        assertTrue(writeHelp, writeHelp.contains("mood from 1 (low) to 5 (high)"));
    }

    /**
     * The banner's hint, {@code help mh}, lists every mh command the node registers, and the
     * help of each fits an 80-column terminal, which would otherwise wrap it mid-word.
     */
    @Test
    public void helpMhListsEveryCommandAndEachHelpFitsTheTerminal() throws Exception {
        await(Journal.class, null);
        execute("mh:status", ""); // every mh command component is registered by now
        String listing = execute("help mh", "");
        assertTrue(listing, listing.contains("MoodHaven's commands"));
        Set<String> functions = new TreeSet<>();
        for (ServiceReference<?> command : context.getServiceReferences((String) null, "(osgi.command.scope=mh)")) {
            Object names = command.getProperty("osgi.command.function");
            functions.addAll(names instanceof String[] array ? List.of(array) : List.of(String.valueOf(names)));
        }
        assertTrue(functions.toString(), functions.containsAll(Set.of("status", "entries", "pair", "add-peer")));
        List<String> problems = new ArrayList<>();
        for (String function : functions) {
            if (!function.equals("mh") && !listing.contains("mh:" + function)
                    && !listing.contains("also mh:" + function + ")")) {
                problems.add("help mh does not list mh:" + function);
            }
            if (function.contains("-")) {
                continue; // mh:add-peer and mh:remove-peer are explained by help mh:addpeer and mh:removepeer
            }
            String help = execute("help mh:" + function, "");
            if (help.isBlank()) {
                problems.add("help mh:" + function + " prints nothing");
            }
            help.lines().filter(line -> line.length() > 80)
                    .forEach(line -> problems.add("help mh:" + function + " is wider than 80 columns: " + line));
        }
        assertEquals(List.of(), problems);
        String alone = execute("mh", "").strip();
        assertTrue("mh alone prints the same list:\n" + alone, alone.startsWith("MoodHaven's commands")
                && listing.contains(alone));
        String status = execute("help mh:status", "");
        assertTrue(status, status.contains("in use, trusted devices, recent syncs, a pairing in progress"));
    }

    /**
     * Felix's and Gogo's commands keep their short names ({@code stop 30} stops bundle 30):
     * no command of ours has the name of a command of another scope, whatever bundle of the
     * node registers it (Felix's bundle commands, Gogo's shell, SCR, ConfigAdmin's).
     */
    @Test
    public void noMhCommandShadowsAFelixOrGogoCommand() throws Exception {
        await(Journal.class, null);
        execute("mh:status", ""); // every mh command component is registered by now
        Map<String, Set<String>> scopesByName = new TreeMap<>();
        for (ServiceReference<?> command
                : context.getServiceReferences((String) null, "(osgi.command.scope=*)")) {
            String scope = String.valueOf(command.getProperty("osgi.command.scope"));
            Object functions = command.getProperty("osgi.command.function");
            List<String> names = functions instanceof String[] array ? List.of(array)
                    : List.of(String.valueOf(functions));
            for (String name : names) {
                scopesByName.computeIfAbsent(name, n -> new TreeSet<>()).add(scope);
            }
        }
        assertTrue("Felix's and Gogo's commands are there: " + scopesByName,
                scopesByName.containsKey("lb") && scopesByName.containsKey("history"));
        List<String> shadowing = new ArrayList<>();
        scopesByName.forEach((name, scopes) -> {
            if (scopes.contains("mh") && scopes.size() > 1) {
                shadowing.add("mh:" + name + " shadows " + scopes);
            }
        });
        assertEquals(List.of(), shadowing);
    }

    @Test
    public void aPersonUnlocksWritesListsEditsAndRestores() throws Exception {
        Journal journal = await(Journal.class, null);
        execute("mh:lock", "");
        String locked = executeFailing("mh:write", "should not be asked\n.\n");
        assertTrue(locked, locked.contains("unlock it first"));

        assertTrue(execute("mh:unlock", passwordTyped(journal)).contains("Journal unlocked"));
        String saved = execute("mh:write --mood 4", "A walk by the lake.\nSecond line.\n.\n");
        Matcher id = Pattern.compile("Saved entry ([A-Za-z0-9_-]+) \\(mood 4").matcher(saved);
        assertTrue(saved, id.find());
        String entryId = id.group(1);

        String list = execute("mh:entries", "");
        assertTrue(list, list.contains(entryId) && list.contains("A walk by the lake. ..."));
        assertTrue(execute("mh:show " + entryId, "").contains("A walk by the lake.\nSecond line."));

        String edited = execute("mh:edit --mood 2 " + entryId, "A rainy walk.\n.\n");
        assertTrue(edited, edited.contains("mood 2"));
        assertTrue(execute("mh:show " + entryId, "").contains("A rainy walk."));

        String history = execute("mh:versions " + entryId, "");
        Matcher version = Pattern.compile("(?m)^(\\d+)\\s+" + LOCAL_TIME + "\\s+local").matcher(history);
        assertTrue(history, version.find());
        assertTrue(history, history.contains("A walk by the lake. ..."));
        execute("mh:restore " + entryId + " " + version.group(1), "");
        assertTrue(execute("mh:show " + entryId, "").contains("A walk by the lake."));

        String status = execute("mh:status", "");
        assertTrue(status, status.contains("journal    unlocked"));
        assertTrue(status, status.contains("store      Derby"));

        assertEquals("Journal locked.", execute("mh:lock", "").strip());
        String afterLock = execute("mh:show " + entryId, "");
        assertTrue(afterLock, afterLock.contains("[locked"));
        assertFalse(afterLock, afterLock.contains("lake"));
    }

    @Test
    public void aWrongPasswordIsRefusedAndANewJournalAsksForItsPasswordTwice() throws Exception {
        Journal journal = await(Journal.class, null);
        if (journal.status().empty()) {
            String differ = executeFailing("mh:unlock", PASSWORD + "\nnot the same\n");
            assertTrue(differ, differ.contains("The two passwords differ"));
            assertFalse(journal.isUnlocked());
            String chosen = execute("mh:unlock", PASSWORD + "\n" + PASSWORD + "\n");
            assertTrue(chosen, chosen.contains("cannot be recovered") && chosen.contains("The same password again")
                    && chosen.contains("Journal unlocked with its new password."));
        } else {
            execute("mh:unlock", passwordTyped(journal));
        }
        String saved = execute("mh:write", "Only for the right password.\n.\n");
        assertTrue(saved, saved.startsWith("Write your entry") && saved.contains("Saved entry"));
        execute("mh:lock", "");

        String wrong = executeFailing("mh:unlock", "not my password\n");
        assertTrue(wrong, wrong.contains("Wrong password"));
        assertFalse(journal.isUnlocked());
        String list = execute("mh:entries", "");
        assertTrue(list, list.contains("[locked"));
        assertTrue(list, list.startsWith("The journal is locked: the texts stay encrypted")
                && list.contains("Moods and dates are not encrypted."));
        assertFalse(list, list.contains("Only for the right password"));
        String refused = executeFailing("mh:write", "x\n.\n");
        assertTrue(refused, refused.contains("unlock it first"));

        execute("mh:unlock", PASSWORD + "\n");
        assertTrue(execute("mh:entries", "").contains("Only for the right password."));
    }

    @Test
    public void aPersonAddsListsAndRemovesAPeerByAddress() throws Exception {
        PeerDirectory directory = await(PeerDirectory.class, null);
        String added = execute("mh:add-peer 127.0.0.1:45999", "");
        assertTrue(added, added.startsWith("Added peer 127.0.0.1:45999;"));
        assertTrue(added, added.contains("pair with it"));
        assertTrue(directory.peers().stream().anyMatch(p -> p.host().equals("127.0.0.1") && p.port() == 45999));

        String peers = execute("mh:peers", "");
        assertTrue(peers, peers.startsWith("DEVICE ID") || peers.startsWith("Multicast discovery is off"));
        assertTrue(peers, Pattern.compile("(?m)^-\\s+-\\s+127\\.0\\.0\\.1:45999\\s+manual\\s+no\\s+-\\s+" + LOCAL_TIME
                + "\\s+-$")
                .matcher(peers).find());

        String removed = execute("mh:remove-peer 127.0.0.1:45999", "");
        assertTrue(removed, removed.startsWith("Removed peer 127.0.0.1:45999."));
        assertFalse(execute("mh:peers", ""), execute("mh:peers", "").contains("127.0.0.1:45999"));
        String again = execute("mh:remove-peer 127.0.0.1:45999", "");
        assertTrue(again, again.startsWith("No peer was added at 127.0.0.1:45999; nothing changed."));

        String refused = executeFailing("mh:add-peer 127.0.0.1", "");
        assertTrue(refused, refused.startsWith("Expected host:port"));
    }
}
