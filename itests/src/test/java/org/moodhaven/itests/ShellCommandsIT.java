package org.moodhaven.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.Test;
import org.junit.runner.RunWith;
import org.moodhaven.api.identity.DeviceIdentity;
import org.moodhaven.api.journal.Journal;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;

/** The mh commands answer at the console as a person would use them. */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class ShellCommandsIT extends NodeTestSupport {

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
        for (String command : new String[] {"unlock", "lock", "write", "edit", "entries", "show", "history",
                "restore", "id", "status", "stop", "trusted", "revoke"}) {
            assertTrue(command + " in\n" + help, help.contains("mh:" + command));
        }
        String writeHelp = execute("help mh:write", "");
        assertTrue(writeHelp, writeHelp.contains("mood from 1 (low) to 5 (high)"));
    }

    @Test
    public void aPersonUnlocksWritesListsEditsAndRestores() throws Exception {
        await(Journal.class, null);
        execute("mh:lock", "");
        String locked = executeFailing("mh:write", "should not be asked\n.\n");
        assertTrue(locked, locked.contains("unlock it first"));

        assertTrue(execute("mh:unlock", PASSWORD + "\n").contains("Journal unlocked"));
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

        String history = execute("mh:history " + entryId, "");
        Matcher version = Pattern.compile("(?m)^(\\d+)\\s+\\S+\\s+local").matcher(history);
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
    public void aWrongPasswordShowsEntriesAsUnreadableAndRefusesToWrite() throws Exception {
        await(Journal.class, null);
        execute("mh:unlock", PASSWORD + "\n");
        String saved = execute("mh:write", "Only for the right password.\n.\n");
        assertTrue(saved, saved.startsWith("Write your entry") && saved.contains("Saved entry"));

        String wrong = execute("mh:unlock", "not my password\n");
        assertTrue(wrong, wrong.contains("does not open the entries"));
        String list = execute("mh:entries", "");
        assertTrue(list, list.contains("[unreadable with this password]"));
        assertFalse(list, list.contains("Only for the right password"));
        String refused = executeFailing("mh:write", "x\n.\n");
        assertTrue(refused, refused.contains("does not open the entries"));

        execute("mh:lock", "");
        execute("mh:unlock", PASSWORD + "\n");
        assertTrue(execute("mh:entries", "").contains("Only for the right password."));
    }
}
