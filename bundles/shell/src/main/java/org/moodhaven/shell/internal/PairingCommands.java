package org.moodhaven.shell.internal;

import java.io.IOException;
import java.io.PrintStream;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Predicate;
import java.util.stream.Collectors;

import org.apache.felix.service.command.CommandSession;
import org.apache.felix.service.command.Descriptor;
import org.moodhaven.api.pairing.Pairing;
import org.moodhaven.api.pairing.PairingException;
import org.moodhaven.api.pairing.PairingOffer;
import org.moodhaven.api.pairing.PairingRequest;
import org.moodhaven.api.pairing.PairingStatus;
import org.moodhaven.api.pairing.PairingStatus.State;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * Pairing at the console (PROTOCOL.md section 5): {@code mh:pair} shows a PIN and QR
 * code and asks for approval when a device completes the exchange; {@code mh:accept}
 * types another device's PIN; {@code mh:approve} and {@code mh:decline} decide from
 * another console.
 */
@Component(service = PairingCommands.class, property = {
        "osgi.command.scope=mh",
        "osgi.command.function=pair",
        "osgi.command.function=accept",
        "osgi.command.function=approve",
        "osgi.command.function=decline"})
public final class PairingCommands {

    /** How often a waiting command looks at the pairing again. */
    private static final Duration POLL = Duration.ofMillis(200);
    /** Longer than a PIN lives: a wait always ends with the pairing. */
    private static final Duration LONGEST_WAIT = Duration.ofMinutes(6);
    /** "Someone is trying" lines one mh:pair prints at most: a caller with many addresses cannot flood it. */
    private static final int MAX_ATTEMPT_NOTES = 10;

    private final Pairing pairing;

    /**
     * @param pairing the pairing service
     */
    @Activate
    public PairingCommands(@Reference Pairing pairing) {
        this.pairing = pairing;
    }

    /**
     * @param session the console
     * @return how pairing ended
     * @throws CommandFailure if pairing cannot start or the console closes
     */
    @Descriptor("Pair a new device: shows a PIN and QR code to use on the other device,\n"
            + "   then asks you to approve it")
    public String pair(CommandSession session) throws CommandFailure {
        return CommandFailure.run(() -> {
            PairingOffer offer = pairing.start();
            PrintStream out = session.getConsole();
            out.println(offer.qrText());
            out.println("PIN: " + offer.pin() + "   (this device: " + offer.deviceId() + " at " + offer.host() + ", "
                    + "pairing port " + offer.port() + ")");
            out.println("On the other device, pick this one from the nearby devices, or run:");
            out.println("  mh:accept " + offer.host() + " " + offer.port() + " <PIN>");
            out.println("The PIN is valid until " + Texts.time(offer.expiresAt()) + "; three wrong tries void it. "
                    + "Waiting (Ctrl-C to cancel)...");
            out.flush();
            try {
                PairingStatus status = await(s -> s.state() != State.OPEN, new AttemptNotes(out));
                if (status.state() != State.AWAITING_APPROVAL) {
                    String tried = triedBy(status);
                    return ended(status) + (tried.isEmpty() ? "" : "\n" + tried);
                }
                PairingRequest request = status.request().orElseThrow();
                out.println();
                out.println("Device \"" + request.deviceName() + "\" (" + request.deviceId()
                        + ") wants to pair.");
                out.println("Check code: " + request.code() + "  (the other device shows a code too: they must "
                        + "be the same)");
                String answer = new ConsoleInput(session).readAnswer("Approve this device? [y/N] ");
                if (answer.equalsIgnoreCase("y") || answer.equalsIgnoreCase("yes")) {
                    return pairing.approve().map(device -> "Paired with \"" + device.deviceName()
                            + "\" (" + device.deviceId() + "); it starts the first sync.")
                            .orElse("Nothing to approve any more: " + ended(pairing.status().orElseThrow()));
                }
                pairing.decline();
                return "Declined: nothing was trusted.";
            } catch (InterruptedException e) {
                pairing.cancel();
                Thread.currentThread().interrupt();
                return "Pairing cancelled.";
            } catch (IOException e) {
                pairing.cancel();
                throw e;
            }
        });
    }

    /**
     * @param session the console
     * @param host    the other device's address
     * @param port    its pairing port
     * @param pin     the PIN it shows
     * @return how pairing ended
     * @throws CommandFailure if the PIN is wrong, the other device unreachable or it declined
     */
    @Descriptor("Pair with a device that shows a PIN (mh:pair on it)")
    public String accept(CommandSession session,
            @Descriptor("its address, as it shows it") String host,
            @Descriptor("its pairing port, as it shows it") int port,
            @Descriptor("the 6-digit PIN it shows") Object pin) throws CommandFailure {
        return accept(session, host, port, pin, null);
    }

    /**
     * @param session  the console
     * @param host     the other device's address
     * @param port     its pairing port
     * @param pin      the PIN it shows
     * @param deviceId the deviceId it shows, checked against what it proves
     * @return how pairing ended
     * @throws CommandFailure if the PIN is wrong, the other device unreachable or it declined
     */
    @Descriptor("Pair with a device that shows a PIN, checking its deviceId")
    public String accept(CommandSession session,
            @Descriptor("its address, as it shows it") String host,
            @Descriptor("its pairing port, as it shows it") int port,
            @Descriptor("the 6-digit PIN it shows") Object pin,
            @Descriptor("its deviceId, as it shows it") Object deviceId) throws CommandFailure {
        return CommandFailure.run(() -> {
            PairingRequest request = pairing.accept(host, port, Texts.digits(pin, 6),
                    Optional.ofNullable(deviceId).map(Texts::deviceId), Optional.empty());
            PrintStream out = session.getConsole();
            out.println("Check code: " + request.code() + "  (\"" + request.deviceName() + "\", "
                    + request.deviceId() + " shows a code too: they must be the same)");
            out.println("Waiting for approval on the other device (Ctrl-C to stop waiting)...");
            out.flush();
            try {
                return ended(await(PairingStatus::ended, status -> { }));
            } catch (InterruptedException e) {
                pairing.cancel();
                Thread.currentThread().interrupt();
                return "Stopped waiting: nothing was trusted on this device.";
            }
        });
    }

    /**
     * @return what happened
     * @throws CommandFailure if the trust list cannot be written
     */
    @Descriptor("Approve the device waiting to pair with this one (see mh:pair)")
    public String approve() throws CommandFailure {
        return CommandFailure.run(() -> pairing.approve()
                .map(device -> "Paired with \"" + device.deviceName() + "\" (" + device.deviceId()
                        + ").")
                .orElse("No device is waiting for approval."));
    }

    /**
     * @return what happened
     */
    @Descriptor("Decline the device waiting to pair with this one (see mh:pair)")
    public String decline() {
        return pairing.decline() ? "Declined: nothing was trusted." : "No device is waiting for approval.";
    }

    private PairingStatus await(Predicate<PairingStatus> done, Consumer<PairingStatus> meanwhile)
            throws InterruptedException, PairingException {
        long deadline = System.nanoTime() + LONGEST_WAIT.toNanos();
        while (System.nanoTime() < deadline) {
            Optional<PairingStatus> status = pairing.status();
            if (status.isPresent() && done.test(status.get())) {
                return status.get();
            }
            status.ifPresent(meanwhile);
            Thread.sleep(POLL.toMillis());
        }
        throw new PairingException(PairingException.INTERNAL, "pairing did not end in time");
    }

    /**
     * @param status a pairing on this device
     * @return who holds the attempt in progress, in a sentence, if someone does
     */
    static Optional<String> attemptHolder(PairingStatus status) {
        return status.attemptFrom().filter(from -> !status.ended()).map(from -> "Someone at " + from
                + " is trying this PIN right now; if that is not your device, cancel and pair again.");
    }

    /**
     * @param status a pairing on this device
     * @return the addresses that tried its PIN, in a sentence, or "" if none did
     */
    static String triedBy(PairingStatus status) {
        return status.callers().isEmpty() ? "" : "Tried this PIN: " + status.callers().stream()
                .map(caller -> caller.address() + " (" + caller.tries() + (caller.tries() == 1 ? " time)" : " times)"))
                .collect(Collectors.joining(", ")) + ".";
    }

    /** While mh:pair waits: a line for each new address that holds the attempt, up to {@link #MAX_ATTEMPT_NOTES}. */
    private static final class AttemptNotes implements Consumer<PairingStatus> {
        private final PrintStream out;
        private String shown;
        private int notes;

        AttemptNotes(PrintStream out) {
            this.out = out;
        }

        @Override
        public void accept(PairingStatus status) {
            Optional<String> holder = status.attemptFrom();
            if (holder.isEmpty() || holder.get().equals(shown) || notes > MAX_ATTEMPT_NOTES) {
                return;
            }
            shown = holder.get();
            notes++;
            out.println(notes <= MAX_ATTEMPT_NOTES ? attemptHolder(status).orElse("")
                    : "More devices are trying this PIN; mh:status lists them. Ctrl-C cancels.");
            out.flush();
        }
    }

    private static String ended(PairingStatus status) {
        String message = status.message().orElse("");
        return switch (status.state()) {
            case PAIRED -> "Paired" + (status.request().isPresent() ? " with \""
                    + status.request().get().deviceName() + "\" (" + status.request().get().deviceId()
                    + ")" : "") + ".";
            case DECLINED -> "Declined: nothing was trusted.";
            case PIN_VOID -> "Three wrong PINs: this PIN is void. Run mh:pair again for a new one.";
            case EXPIRED -> "The PIN expired. Run mh:pair again for a new one.";
            case CANCELLED -> "Pairing cancelled.";
            default -> "Pairing failed" + (message.isEmpty() ? "." : ": " + message);
        };
    }
}
