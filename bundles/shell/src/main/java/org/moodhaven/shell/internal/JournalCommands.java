package org.moodhaven.shell.internal;

import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Optional;

import org.apache.felix.service.command.CommandSession;
import org.apache.felix.service.command.Descriptor;
import org.apache.felix.service.command.Parameter;
import org.moodhaven.api.journal.Journal;
import org.moodhaven.api.journal.JournalEntry;
import org.moodhaven.api.journal.JournalLockedException;
import org.moodhaven.api.journal.JournalPage;
import org.moodhaven.api.journal.JournalVersion;
import org.moodhaven.api.journal.NewJournalException;
import org.moodhaven.api.journal.Readability;
import org.moodhaven.api.journal.UnlockResult;
import org.moodhaven.api.store.EntryRejectedException;
import org.moodhaven.api.store.StoreException;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * Journal commands in the {@code mh} scope. Passwords and entry text are asked
 * for at the console, never taken as arguments, so they never reach a shell
 * history file. An entry's earlier versions are {@code mh:versions}, not
 * {@code mh:history}: no {@code mh} command takes a Felix or Gogo short name
 * ({@code history} is the console's own).
 */
@Component(service = JournalCommands.class, property = {
        "osgi.command.scope=mh",
        "osgi.command.function=unlock",
        "osgi.command.function=lock",
        "osgi.command.function=write",
        "osgi.command.function=edit",
        "osgi.command.function=entries",
        "osgi.command.function=show",
        "osgi.command.function=versions",
        "osgi.command.function=restore"})
public final class JournalCommands {

    private static final String NO_MOOD = "none";
    private static final String UNCHANGED = "keep";

    private final Journal journal;

    /**
     * @param journal the journal
     */
    @Activate
    public JournalCommands(@Reference Journal journal) {
        this.journal = journal;
    }

    /**
     * @param session the console session
     * @return what happened
     * @throws CommandFailure with a message for the person when the command cannot do it
     */
    @Descriptor("Unlock the journal; asks for the password (twice for a new journal)")
    public String unlock(CommandSession session) throws CommandFailure {
        return CommandFailure.run(() -> {
            ConsoleInput input = new ConsoleInput(session);
            boolean choosing = journal.status().empty();
            if (choosing) {
                input.println("This journal has no entries yet: choose its password. Use the same password on "
                        + "every device. It cannot be recovered: if it is forgotten, nobody can read the entries.");
            }
            char[] password = input.readPassword(choosing ? "New password: " : "Password: ");
            char[] repeated = new char[0];
            try {
                if (password.length == 0) {
                    return "Nothing typed: the journal stays " + (journal.isUnlocked() ? "unlocked." : "locked.");
                }
                if (choosing) {
                    repeated = input.readPassword("The same password again: ");
                    return unlocked(journal.choosePassword(password, repeated));
                }
                return unlocked(journal.unlock(password));
            } catch (NewJournalException e) {
                return "Nothing unlocked: the journal has no entries now, so its password is chosen by typing it "
                        + "twice; run mh:unlock again.";
            } finally {
                Arrays.fill(password, '\0');
                Arrays.fill(repeated, '\0');
            }
        });
    }

    private static String unlocked(UnlockResult result) {
        if (result.newJournal()) {
            return "Journal unlocked with its new password.";
        }
        if (result.someUnreadable()) {
            return "Journal unlocked. Some entries were written with another password and show as unreadable.";
        }
        return "Journal unlocked.";
    }

    /**
     * @return what happened
     */
    @Descriptor("Lock the journal: forget the password and every key derived from it")
    public String lock() throws CommandFailure {
        return CommandFailure.run(() -> {
            journal.lock();
            return "Journal locked.";
        });
    }

    /**
     * @param session the console session
     * @param mood    the mood, 1 to 5, or "none"
     * @return the new entry's id
     * @throws CommandFailure with a message for the person when the command cannot do it
     */
    @Descriptor("Write a new entry: asks for its text at the console\n"
            + "   (end the text with a line holding only \".\")")
    public String write(CommandSession session,
                        @Descriptor("mood from 1 (low) to 5 (high), or \"none\"")
                        @Parameter(names = {"-m", "--mood"}, absentValue = NO_MOOD) String mood)
            throws CommandFailure {
        return CommandFailure.run(() -> {
            Integer moodValue = parseMood(mood, null);
            requireWritable();
            String text = new ConsoleInput(session).readText(
                    "Write your entry; end with a line holding only \".\":\n");
            if (text.isBlank()) {
                return "Nothing written.";
            }
            JournalEntry entry = journal.write(text, moodValue);
            return "Saved entry " + entry.id() + " (mood " + Texts.mood(entry.mood()) + ", "
                    + Texts.time(entry.createdAt()) + ").";
        });
    }

    /**
     * @param session the console session
     * @param mood    the new mood, "none", or "keep"
     * @param id      the entry
     * @return what happened
     * @throws CommandFailure with a message for the person when the command cannot do it
     */
    @Descriptor("Edit an entry: shows its text, asks for the new text\n"
            + "   (a line holding only \".\" keeps the text)")
    public String edit(CommandSession session,
                       @Descriptor("new mood 1-5, \"none\", or \"keep\" (default)")
                       @Parameter(names = {"-m", "--mood"}, absentValue = UNCHANGED) String mood,
                       @Descriptor("the entry id (see mh:entries)") String id)
            throws CommandFailure {
        return CommandFailure.run(() -> {
            requireWritable();
            JournalEntry current = journal.read(id).orElseThrow(() -> new NoSuchElementException("no entry " + id));
            if (current.state() != Readability.READABLE) {
                return "Entry " + id + " cannot be read with this password, so it cannot be edited here.";
            }
            Integer moodValue = parseMood(mood, current.mood());
            session.getConsole().println("Current text:\n" + current.text() + "\n");
            String text = new ConsoleInput(session).readText(
                    "New text; end with a line holding only \".\" (just \".\" keeps the text):\n");
            String newText = text.isEmpty() ? current.text() : text;
            JournalEntry edited = journal.edit(id, newText, moodValue);
            return "Saved entry " + edited.id() + " (mood " + Texts.mood(edited.mood()) + ", updated "
                    + Texts.time(edited.updatedAt()) + ").";
        });
    }

    /**
     * @param limit how many
     * @param after the cursor printed at the end of the previous page
     * @return one line per entry, newest first
     * @throws CommandFailure with a message for the person when the command cannot do it
     */
    @Descriptor("List entries, newest first")
    public String entries(@Descriptor("how many to show")
                          @Parameter(names = {"-n", "--limit"}, absentValue = "20") int limit,
                          @Descriptor("the cursor at the end of the previous page")
                          @Parameter(names = {"--after"}, absentValue = "") String after)
            throws CommandFailure {
        return CommandFailure.run(() -> {
            JournalPage page = journal.list(Math.max(1, Math.min(limit, 1000)), after.isEmpty() ? null : after);
            if (page.entries().isEmpty()) {
                return after.isEmpty() ? "No entries yet. Write one with mh:write." : "No more entries.";
            }
            StringBuilder out = new StringBuilder();
            if (!journal.isUnlocked()) {
                // What anyone holding the data folder reads too: said plainly where it shows.
                out.append("The journal is locked: the texts stay encrypted (mh:unlock opens them). Moods and "
                        + "dates are not encrypted.\n");
            }
            out.append(String.format("%-22s  %-19s  %-4s  %s%n", "ID", "CREATED", "MOOD", "TEXT"));
            for (JournalEntry entry : page.entries()) {
                out.append(String.format("%-22s  %-19s  %-4s  %s%n", entry.id(), Texts.time(entry.createdAt()),
                        Texts.mood(entry.mood()), Texts.preview(entry, 60)));
            }
            if (page.next() != null) {
                out.append("More: mh:entries --after ").append(page.next());
            }
            return out.toString().stripTrailing();
        });
    }

    /**
     * @param id the entry
     * @return the entry with its text
     * @throws CommandFailure with a message for the person when the command cannot do it
     */
    @Descriptor("Show one entry in full")
    public String show(@Descriptor("the entry id") String id) throws CommandFailure {
        return CommandFailure.run(() -> {
            Optional<JournalEntry> found = journal.read(id);
            if (found.isEmpty()) {
                return "No entry " + id + ".";
            }
            JournalEntry entry = found.get();
            return "Entry   " + entry.id() + "\nCreated " + Texts.time(entry.createdAt())
                    + "\nUpdated " + Texts.time(entry.updatedAt())
                    + "\nMood    " + Texts.mood(entry.mood()) + (entry.pinned() ? "\nPinned" : "") + "\n\n"
                    + (entry.state() == Readability.READABLE ? entry.text() : Texts.preview(entry, 80));
        });
    }

    /**
     * @param id the entry
     * @return its earlier versions
     * @throws CommandFailure with a message for the person when the command cannot do it
     */
    @Descriptor("List the earlier versions of an entry kept on this device\n"
            + "   (restore one with mh:restore)")
    public String versions(@Descriptor("the entry id") String id) throws CommandFailure {
        return CommandFailure.run(() -> {
            List<JournalVersion> versions = journal.history(id);
            if (versions.isEmpty()) {
                return "No earlier versions of " + id + " are kept on this device.";
            }
            StringBuilder out = new StringBuilder();
            out.append(String.format("%-8s  %-19s  %-5s  %-19s  %-4s  %s%n",
                    "VERSION", "REPLACED", "BY", "UPDATED", "MOOD", "TEXT"));
            for (JournalVersion version : versions) {
                JournalEntry entry = version.entry();
                out.append(String.format("%-8d  %-19s  %-5s  %-19s  %-4s  %s%n", version.versionId(),
                        Texts.time(version.replacedAt()), version.replacedBy(), Texts.time(entry.updatedAt()),
                        Texts.mood(entry.mood()),
                        Texts.preview(entry, 40)));
            }
            return out.toString().stripTrailing();
        });
    }

    /**
     * @param id        the entry
     * @param versionId the version to bring back
     * @return what happened
     * @throws CommandFailure with a message for the person when the command cannot do it
     */
    @Descriptor("Make an earlier version of an entry current again\n"
            + "   (as a new edit, which syncs)")
    public String restore(@Descriptor("the entry id") String id,
                          @Descriptor("the version number from mh:versions") long versionId)
            throws CommandFailure {
        return CommandFailure.run(() -> {
            JournalEntry entry = journal.restore(id, versionId);
            return "Restored entry " + entry.id() + " to version " + versionId + " (updated " + Texts.time(entry.updatedAt())
                    + ").";
        });
    }

    private void requireWritable() throws JournalLockedException {
        if (!journal.isUnlocked()) {
            throw new JournalLockedException("the journal is locked: unlock it first with mh:unlock");
        }
    }

    private static Integer parseMood(String text, Integer unchanged) throws EntryRejectedException {
        if (text.equals(UNCHANGED)) {
            return unchanged;
        }
        if (text.equals(NO_MOOD)) {
            return null;
        }
        try {
            int mood = Integer.parseInt(text);
            if (mood >= 1 && mood <= 5) {
                return mood;
            }
        } catch (NumberFormatException e) {
            // fall through to the message below
        }
        throw new EntryRejectedException("the mood must be 1 to 5, or \"none\"");
    }
}
