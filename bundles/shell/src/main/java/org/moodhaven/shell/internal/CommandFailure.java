package org.moodhaven.shell.internal;

import java.util.NoSuchElementException;
import java.util.concurrent.Callable;

import org.moodhaven.api.identity.TrustStoreException;
import org.moodhaven.api.journal.JournalLockedException;
import org.moodhaven.api.journal.WrongPasswordException;
import org.moodhaven.api.store.EntryRejectedException;
import org.moodhaven.api.store.StoreException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A command could not do what was asked. The console prints a failed command's
 * exception with {@code toString()}; this one shows only its message, which says
 * what happened and what to do, without a Java class name in front.
 */
final class CommandFailure extends Exception {

    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(CommandFailure.class);

    private CommandFailure(String message, Throwable cause) {
        super(message, cause);
    }

    /**
     * @param message what happened and what to do
     * @return a failure showing that message
     */
    static CommandFailure of(String message) {
        return new CommandFailure(capitalized(message), null);
    }

    @Override
    public String toString() {
        return getMessage();
    }

    /**
     * Runs a command body, turning the failures a person can act on into their message,
     * and anything unexpected into a short note pointing at the log.
     *
     * @param body the command
     * @return what the command returns
     * @throws CommandFailure if it failed
     */
    static <T> T run(Callable<T> body) throws CommandFailure {
        try {
            return body.call();
        } catch (JournalLockedException | WrongPasswordException | EntryRejectedException | StoreException
                 | TrustStoreException
                 | org.moodhaven.api.pairing.PairingException
                 | org.moodhaven.api.discovery.PeerDirectoryException
                 | NoSuchElementException | IllegalArgumentException | java.io.IOException e) {
            throw new CommandFailure(capitalized(e.getMessage()), e);
        } catch (Exception e) {
            LOG.error("a console command failed", e);
            throw new CommandFailure("Something went wrong: " + e + ". The node's log (logs/moodhaven.log) has "
                    + "the details.", e);
        }
    }

    private static String capitalized(String message) {
        if (message == null || message.isEmpty()) {
            return "The command failed.";
        }
        String text = Character.toUpperCase(message.charAt(0)) + message.substring(1);
        return text.endsWith(".") ? text : text + ".";
    }
}
