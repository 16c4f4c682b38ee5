package org.moodhaven.shell.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Optional;

import org.apache.felix.service.command.CommandSession;
import org.junit.jupiter.api.Test;
import org.moodhaven.api.pairing.Pairing;
import org.moodhaven.api.pairing.PairingCaller;
import org.moodhaven.api.pairing.PairingOffer;
import org.moodhaven.api.pairing.PairingRequest;
import org.moodhaven.api.pairing.PairingStatus;
import org.moodhaven.api.pairing.PairingStatus.Role;
import org.moodhaven.api.pairing.PairingStatus.State;

class PairingCommandsTest {

    private static final Instant NOW = Instant.parse("2026-03-18T10:00:00Z");
    private static final PairingOffer OFFER = new PairingOffer("482913", "192.168.1.20", 39117, "9a4f0b2c1d3e5f60",
            "{}", "<svg/>", "QR", NOW.plusSeconds(300));

    /** A pairing service whose status goes through a script, one step per look, staying at the last. */
    private static Pairing scripted(PairingStatus... statuses) {
        Deque<PairingStatus> script = new ArrayDeque<>(List.of(statuses));
        return new Pairing() {
            @Override
            public PairingOffer start() {
                return OFFER;
            }

            @Override
            public synchronized Optional<PairingStatus> status() {
                return Optional.of(script.size() > 1 ? script.poll() : script.peek());
            }

            @Override
            public Optional<PairingRequest> approve() {
                return Optional.empty();
            }

            @Override
            public boolean decline() {
                return false;
            }

            @Override
            public void cancel() {
            }

            @Override
            public PairingRequest accept(String host, int port, String pin, Optional<String> deviceId,
                    Optional<String> fingerprint) {
                throw new UnsupportedOperationException();
            }
        };
    }

    private static PairingStatus showing(State state, Optional<String> attemptFrom, PairingCaller... callers) {
        return new PairingStatus(Role.SHOWING_PIN, state, Optional.of(OFFER), 3, Optional.empty(), Optional.empty(),
                attemptFrom, List.of(callers));
    }

    private static CommandSession console(ByteArrayOutputStream printed) {
        PrintStream out = new PrintStream(printed, true, StandardCharsets.UTF_8);
        return (CommandSession) Proxy.newProxyInstance(PairingCommandsTest.class.getClassLoader(),
                new Class<?>[] {CommandSession.class}, (proxy, method, args) -> switch (method.getName()) {
                    case "getConsole" -> out;
                    default -> throw new UnsupportedOperationException(method.getName());
                });
    }

    @Test
    void pairSaysFromWhichAddressSomeoneHoldsThePinAndWhoTriedItWhenItEnds() throws Exception {
        PairingCaller stranger = new PairingCaller("192.168.1.50", 3, NOW);
        Pairing pairing = scripted(
                showing(State.OPEN, Optional.empty()),
                showing(State.OPEN, Optional.of("192.168.1.50"), stranger),
                showing(State.OPEN, Optional.of("192.168.1.50"), stranger),
                showing(State.PIN_VOID, Optional.empty(), stranger, new PairingCaller("192.168.1.21", 1, NOW)));
        ByteArrayOutputStream printed = new ByteArrayOutputStream();

        String ended = new PairingCommands(pairing).pair(console(printed));

        String console = printed.toString(StandardCharsets.UTF_8);
        assertEquals(1, console.split("Someone at 192\\.168\\.1\\.50 is trying this PIN right now; if that is not "
                + "your device, cancel and pair again\\.", -1).length - 1, "said once per new holder: " + console);
        assertEquals("Three wrong PINs: this PIN is void. Run mh:pair again for a new one.\n"
                + "Tried this PIN: 192.168.1.50 (3 times), 192.168.1.21 (1 time).", ended);
    }

    @Test
    void anEndedPairingNamesNoHolder() {
        PairingStatus ended = showing(State.EXPIRED, Optional.of("192.168.1.50"));
        assertTrue(PairingCommands.attemptHolder(ended).isEmpty());
        assertEquals("", PairingCommands.triedBy(ended));
    }
}
