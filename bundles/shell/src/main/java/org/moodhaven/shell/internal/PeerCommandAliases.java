package org.moodhaven.shell.internal;

import java.util.List;

import org.apache.felix.service.command.CommandSession;
import org.apache.felix.service.command.Function;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * {@code mh:add-peer} and {@code mh:remove-peer}, the names the documentation uses.
 * Gogo finds a command's method by its name, and a Java method cannot have a hyphen
 * in it; so these two are {@link Function}s that hand their arguments to
 * {@link PeerCommands#addpeer} and {@link PeerCommands#removepeer}, whose help
 * ({@code help mh:addpeer}) describes them.
 */
public final class PeerCommandAliases {

    private PeerCommandAliases() {
    }

    /** {@code mh:add-peer host:port [deviceId]}. */
    @Component(service = Function.class, property = {
            "osgi.command.scope=mh",
            "osgi.command.function=add-peer"})
    public static final class AddPeer implements Function {

        private final PeerCommands commands;

        /**
         * @param commands the commands this one stands for
         */
        @Activate
        public AddPeer(@Reference(name = "commands") PeerCommands commands) {
            this.commands = commands;
        }

        @Override
        public Object execute(CommandSession session, List<Object> arguments) throws CommandFailure {
            if (arguments.size() == 1) {
                return commands.addpeer(String.valueOf(arguments.get(0)));
            }
            if (arguments.size() == 2) {
                return commands.addpeer(String.valueOf(arguments.get(0)), arguments.get(1));
            }
            throw CommandFailure.of("usage: mh:add-peer <host>:<sync port> [deviceId], e.g. "
                    + "mh:add-peer 192.168.1.20:44123 (help mh:addpeer says more)");
        }
    }

    /** {@code mh:remove-peer host:port}. */
    @Component(service = Function.class, property = {
            "osgi.command.scope=mh",
            "osgi.command.function=remove-peer"})
    public static final class RemovePeer implements Function {

        private final PeerCommands commands;

        /**
         * @param commands the commands this one stands for
         */
        @Activate
        public RemovePeer(@Reference(name = "commands") PeerCommands commands) {
            this.commands = commands;
        }

        @Override
        public Object execute(CommandSession session, List<Object> arguments) throws CommandFailure {
            if (arguments.size() != 1) {
                throw CommandFailure.of("usage: mh:remove-peer <host>:<port>, as mh:peers shows it");
            }
            return commands.removepeer(String.valueOf(arguments.get(0)));
        }
    }
}
