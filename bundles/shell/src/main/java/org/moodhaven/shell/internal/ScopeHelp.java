package org.moodhaven.shell.internal;

import org.apache.felix.service.command.Descriptor;
import org.osgi.service.component.annotations.Component;

/**
 * {@code help mh}, the console's first hint: Gogo's {@code help NAME} explains the command
 * called NAME in any scope and has no listing of a scope, so the scope's list of commands is
 * the description of a command called {@code mh} ({@code mh:mh}, which prints it too). Gogo
 * prints a description as it is written, so every line here fits an 80-column terminal
 * ({@code ScopeHelpTest} checks that it names every command and that no command's help is
 * wider).
 */
@Component(service = ScopeHelp.class, property = {
        "osgi.command.scope=mh",
        "osgi.command.function=mh"})
public final class ScopeHelp {

    /** The mh commands, one line each; {@code help mh:NAME} says more of one. */
    static final String COMMANDS = "MoodHaven's commands; \"help mh:NAME\" explains one, e.g. help mh:write\n"
            + "Journal\n"
            + "  mh:unlock                 open the journal: asks for the password, not shown\n"
            + "  mh:lock                   lock it: forget the password and every key\n"
            + "  mh:write [-m MOOD]        write a new entry: asks for its text\n"
            + "  mh:edit [-m MOOD] ID      change an entry's text or mood\n"
            + "  mh:entries [-n N]         list entries, newest first\n"
            + "  mh:show ID                show one entry in full\n"
            + "  mh:versions ID            earlier versions of an entry kept on this device\n"
            + "  mh:restore ID VERSION     make an earlier version current again\n"
            + "Devices and sync\n"
            + "  mh:pair                   pair a new device: shows a PIN to type on it\n"
            + "  mh:accept HOST PORT PIN   pair with a device that shows a PIN\n"
            + "  mh:approve, mh:decline    let in or turn away the device waiting to pair\n"
            + "  mh:trusted                list the devices this node trusts\n"
            + "  mh:revoke DEVICEID        stop trusting a device\n"
            + "  mh:peers                  list the nodes found on the LAN or added by address\n"
            + "  mh:add-peer HOST:PORT     add a peer by address (also mh:addpeer)\n"
            + "  mh:remove-peer HOST:PORT  forget a peer added by address (also mh:removepeer)\n"
            + "  mh:sync DEVICEID          sync now with a trusted device\n"
            + "  mh:synclog [-n N]         list recent syncs, newest first\n"
            + "Node\n"
            + "  mh:id                     show this device's deviceId, name and public key\n"
            + "  mh:status                 show the node's state: journal, store, trust, sync\n"
            + "  mh:settings [PID]         list or change the node's settings\n"
            + "  mh:shutdown               stop the node\n"
            + "  mh                        this list";

    /**
     * @return the mh commands, one line each
     */
    @Descriptor(COMMANDS)
    public String mh() {
        return COMMANDS;
    }
}
