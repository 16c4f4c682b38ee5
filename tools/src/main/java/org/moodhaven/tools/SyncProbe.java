package org.moodhaven.tools;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import org.moodhaven.tools.ProbeConnection.Answer;
import org.moodhaven.tools.ProbeConnection.Kind;

/**
 * An independent probe of a running node's sync port (issue 7): it sends what
 * PROTOCOL.md 6.1 and 6.2 forbid (truncated frames, length prefixes of 0 or
 * beyond the cap, random bytes, malformed HELLOs, bad versions, garbage and
 * replays after a HELLO), floods the port with connects and holds connections
 * open, and reports what the node did with each (closed, REJECT and why, or
 * nothing within the probe's patience) beside what the page says it must do.
 * It never writes to the node's store: every case ends before authentication.
 * <pre>
 * java -cp … org.moodhaven.tools.SyncProbe --port N [--host H] [--trusted DEVICEID] [--replay FILE]
 *     [--connects 1000] [--held 50] [--handshake-timeout-ms 10000]
 * </pre>
 * {@code --trusted}: a deviceId the node trusts (deviceIds are public), for the cases that
 * need the node to answer a HELLO. {@code --replay}: the client's bytes of a recorded real
 * session, sent again as they were. Exit status 0 when the node did as the page says every
 * time, 1 otherwise.
 */
public final class SyncProbe {

    /** The spec's limit on connections still in their handshake (PROTOCOL.md 6.1). */
    private static final int HANDSHAKE_SLOTS = 16;
    /** Beyond the node's own limit, the time its watchdog may take to notice. */
    private static final long GRACE_MILLIS = 1_500;
    /** An answer "at once": well before any timeout of the node. */
    private static final long AT_ONCE_MILLIS = 2_000;
    /** How soon after a load the node must answer again. */
    private static final Duration RECOVERY = Duration.ofSeconds(5);

    /**
     * What the probe found for one case.
     *
     * @param name     the case
     * @param sent     what the probe sent
     * @param expected what PROTOCOL.md says the node must do
     * @param observed what the node did
     * @param asSpecified whether that is what the page says
     */
    public record Finding(String name, String sent, String expected, String observed, boolean asSpecified) {
    }

    /** The node under probe and the probe's options. */
    public record Target(String host, int port, String trustedId, byte[] replay, int connects, int held,
                         long handshakeTimeoutMillis) {

        /** @return a target with the defaults: 1,000 connects, 50 held, a 10 s handshake limit */
        public static Target of(String host, int port) {
            return new Target(host, port, null, null, 1_000, 50, 10_000);
        }

        public Target trusting(String deviceId) {
            return new Target(host, port, deviceId, replay, connects, held, handshakeTimeoutMillis);
        }

        public Target replaying(byte[] clientBytes) {
            return new Target(host, port, trustedId, clientBytes, connects, held, handshakeTimeoutMillis);
        }
    }

    /** One case: what to send on a fresh connection, and what the node must do next. */
    private record Case(String name, String sent, String expected, Predicate<Answer> check, Exchange exchange) {
    }

    private interface Exchange {
        Answer run(ProbeConnection connection) throws IOException;
    }

    private final Target target;
    private final Duration patience;
    private String nodeId = "";

    public SyncProbe(Target target) {
        this.target = target;
        this.patience = Duration.ofMillis(target.handshakeTimeoutMillis() + 5_000);
    }

    public static void main(String[] args) throws Exception {
        String host = "127.0.0.1";
        int port = -1;
        Target target;
        String trusted = null;
        byte[] replay = null;
        int connects = 1_000;
        int held = 50;
        long handshakeMillis = 10_000;
        for (int i = 0; i + 1 < args.length; i += 2) {
            switch (args[i]) {
                case "--host" -> host = args[i + 1];
                case "--port" -> port = Integer.parseInt(args[i + 1]);
                case "--trusted" -> trusted = args[i + 1];
                case "--replay" -> replay = Files.readAllBytes(Path.of(args[i + 1]));
                case "--connects" -> connects = Integer.parseInt(args[i + 1]);
                case "--held" -> held = Integer.parseInt(args[i + 1]);
                case "--handshake-timeout-ms" -> handshakeMillis = Long.parseLong(args[i + 1]);
                default -> usage("unknown option " + args[i]);
            }
        }
        if (port <= 0 || args.length % 2 != 0) {
            usage("--port is required, and every option takes a value");
        }
        target = new Target(host, port, trusted, replay, connects, held, handshakeMillis);
        List<Finding> findings = new SyncProbe(target).run(System.out);
        long wrong = findings.stream().filter(finding -> !finding.asSpecified()).count();
        System.out.printf("%d cases, %d as PROTOCOL.md says, %d not%n", findings.size(), findings.size() - wrong,
                wrong);
        System.exit(wrong == 0 ? 0 : 1);
    }

    private static void usage(String problem) {
        System.err.println(problem);
        System.err.println("usage: SyncProbe --port N [--host H] [--trusted DEVICEID] [--replay FILE]"
                + " [--connects N] [--held N] [--handshake-timeout-ms MS]");
        System.exit(2);
    }

    /**
     * Runs every case, printing a line for each as it ends.
     *
     * @param out where to print, or null
     * @return the findings, in order
     */
    public List<Finding> run(PrintStream out) throws Exception {
        List<Finding> findings = new ArrayList<>();
        for (Case quick : quickCases()) {
            findings.add(report(out, attempt(quick)));
        }
        for (Case trusted : trustedCases()) {
            findings.add(report(out, attempt(trusted)));
        }
        // The cases that wait for the node's handshake limit run side by side (4 of its 16 slots).
        ExecutorService slow = Executors.newFixedThreadPool(4);
        try {
            List<Future<Finding>> waiting = new ArrayList<>();
            for (Case stalled : stalledCases()) {
                waiting.add(slow.submit(() -> attempt(stalled)));
            }
            for (Future<Finding> finding : waiting) {
                findings.add(report(out, finding.get(patience.toMillis() * 2, TimeUnit.MILLISECONDS)));
            }
        } finally {
            slow.shutdownNow();
        }
        findings.add(report(out, flood()));
        findings.add(report(out, stillAnswering("still-answering after the flood")));
        findings.add(report(out, held()));
        findings.add(report(out, stillAnswering("still-answering at the end")));
        return findings;
    }

    private static Finding report(PrintStream out, Finding finding) {
        if (out != null) {
            out.printf("%-28s %-4s %s%n%33s sent: %s%n%33s expected: %s%n", finding.name(),
                    finding.asSpecified() ? "ok" : "FAIL", finding.observed(), "", finding.sent(), "",
                    finding.expected());
        }
        return finding;
    }

    private Finding attempt(Case probe) {
        Answer answer = answer(probe);
        return new Finding(probe.name(), probe.sent(), probe.expected(), answer.toString(),
                probe.check().test(answer));
    }

    private Answer answer(Case probe) {
        Answer answer;
        try (ProbeConnection connection = ProbeConnection.open(target.host(), target.port(), patience)) {
            answer = probe.exchange().run(connection);
        } catch (IOException e) {
            answer = new Answer(Kind.REFUSED, e.toString(), "", 0);
        }
        if (!answer.nodeId().isEmpty() && nodeId.isEmpty()) {
            nodeId = answer.nodeId();
        }
        return answer;
    }

    /**
     * A stranger's HELLO right after a load from this address. Until the node has let go of
     * the load's last connections, their handshake slots are taken and it may close a new
     * connection at once (PROTOCOL.md 6.1; a node may also keep fewer slots per address), so
     * the HELLO is sent again, every 50 ms, until it is answered or {@link #RECOVERY} ends.
     */
    private Finding stillAnswering(String name) throws InterruptedException {
        Case hello = strangerHello(name);
        long deadline = System.nanoTime() + RECOVERY.toNanos();
        int closedAtOnce = 0;
        Answer answer = answer(hello);
        while (answer.kind() == Kind.CLOSED && answer.millis() < AT_ONCE_MILLIS && System.nanoTime() < deadline) {
            closedAtOnce++;
            TimeUnit.MILLISECONDS.sleep(50); // a pause between attempts, as a client retrying would make
            answer = answer(hello);
        }
        String observed = answer + (closedAtOnce == 0 ? "" : " (closed at once " + closedAtOnce
                + " times before, while the load's connections left the node)");
        return new Finding(name, hello.sent(), hello.expected() + " within " + RECOVERY.toSeconds()
                + " s of the load's end", observed, hello.check().test(answer));
    }

    // ------------------------------------------------------------------ the cases

    private List<Case> quickCases() {
        List<Case> cases = new ArrayList<>();
        cases.add(strangerHello("stranger-hello"));
        cases.add(closesAtOnce("truncated-length", "2 of a length prefix's 4 bytes, then end of stream",
                connection -> {
                    connection.sendRaw(new byte[] {0, 0});
                    connection.endOutput();
                    return connection.await(patience);
                }));
        cases.add(closesAtOnce("truncated-frame", "a HELLO frame cut after 20 of its bytes, then end of stream",
                connection -> {
                    byte[] frame = ProbeConnection.frame(ProbeConnection.hello(ProbeConnection.strangerId(), "2"));
                    connection.sendRaw(java.util.Arrays.copyOf(frame, 24));
                    connection.endOutput();
                    return connection.await(patience);
                }));
        cases.add(closesAtOnce("zero-length", "a length prefix of 0", connection -> {
            connection.sendRaw(new byte[4]);
            return connection.await(patience);
        }));
        cases.add(closesAtOnce("length-over-cap", "a length prefix of 4,097 (the cap + 1) and no body",
                connection -> {
                    connection.sendRaw(ByteBuffer.allocate(4).putInt(ProbeConnection.HANDSHAKE_CAP + 1).array());
                    return connection.await(patience);
                }));
        cases.add(closesAtOnce("length-4-GiB", "a length prefix of 2^32 - 1 and no body", connection -> {
            connection.sendRaw(new byte[] {-1, -1, -1, -1});
            return connection.await(patience);
        }));
        cases.add(closesAtOnce("hello-over-cap", "a valid HELLO padded to 4,097 bytes", connection -> {
            connection.sendFrame(ProbeConnection.paddedHello(ProbeConnection.strangerId(),
                    ProbeConnection.HANDSHAKE_CAP + 1));
            return connection.await(patience);
        }));
        cases.add(new Case("hello-at-cap", "a stranger's valid HELLO padded to exactly 4,096 bytes",
                "REJECT not_trusted", rejects("not_trusted"), connection -> {
                    connection.sendFrame(ProbeConnection.paddedHello(ProbeConnection.strangerId(),
                            ProbeConnection.HANDSHAKE_CAP));
                    return connection.await(patience);
                }));
        cases.add(closesAtOnce("random-frame", "a frame of 200 random bytes", connection -> {
            connection.sendFrame(ProbeConnection.randomBytes(200));
            return connection.await(patience);
        }));
        cases.add(closesAtOnce("random-bytes", "64 KiB of random bytes, no framing", connection -> {
            connection.sendRaw(ProbeConnection.randomBytes(64 * 1024));
            return connection.await(patience);
        }));
        cases.add(closesAtOnce("not-a-hello", "a well-formed SYNC_STATE before any handshake",
                sendJson("{\"type\":\"SYNC_STATE\",\"storeId\":\"probe\",\"have\":null}")));
        cases.add(closesAtOnce("hello-version-string", "a HELLO with \"protocolVersion\": \"2\"",
                sendHello(ProbeConnection.strangerId(), "\"2\"")));
        cases.add(closesAtOnce("hello-version-2.0", "a HELLO with \"protocolVersion\": 2.0",
                sendHello(ProbeConnection.strangerId(), "2.0")));
        cases.add(closesAtOnce("hello-version-negative", "a HELLO with \"protocolVersion\": -2",
                sendHello(ProbeConnection.strangerId(), "-2")));
        cases.add(new Case("hello-version-99", "a stranger's HELLO with \"protocolVersion\": 99",
                "REJECT not_trusted (trust is checked before the version)", rejects("not_trusted"),
                sendHello(ProbeConnection.strangerId(), "99")));
        cases.add(closesAtOnce("hello-short-key", "a HELLO whose ephemeralKey is 16 bytes",
                sendJson("{\"type\":\"HELLO\",\"deviceId\":\"" + ProbeConnection.strangerId()
                        + "\",\"protocolVersion\":2,\"ephemeralKey\":\"AAAAAAAAAAAAAAAAAAAAAA\"}")));
        cases.add(closesAtOnce("hello-duplicate-key", "a HELLO with \"type\" twice",
                sendJson("{\"type\":\"HELLO\",\"type\":\"HELLO\",\"deviceId\":\"" + ProbeConnection.strangerId()
                        + "\",\"protocolVersion\":2,\"ephemeralKey\":\"" + ProbeConnection.ephemeralKey() + "\"}")));
        return cases;
    }

    /** Cases that need the node to know a device: its own deviceId (learnt from a REJECT) and --trusted. */
    private List<Case> trustedCases() {
        List<Case> cases = new ArrayList<>();
        if (!nodeId.isEmpty()) {
            cases.add(new Case("hello-as-the-node-itself", "a HELLO claiming the node's own deviceId " + nodeId,
                    "REJECT not_trusted (a node never trusts itself)", rejects("not_trusted"),
                    sendHello(nodeId, "2")));
        }
        String trusted = target.trustedId();
        if (trusted == null) {
            return cases;
        }
        cases.add(new Case("trusted-version-99", "a HELLO of trusted " + trusted + " with version 99",
                "REJECT unsupported_version supported [2]", rejects("unsupported_version supported [2]"),
                sendHello(trusted, "99")));
        cases.add(new Case("trusted-version-1", "a HELLO of trusted " + trusted + " with version 1",
                "REJECT unsupported_version (version 1 is off unless configured for that device)",
                answer -> answer.kind() == Kind.REJECT && answer.detail().startsWith("unsupported_version"),
                sendHello(trusted, "1")));
        cases.add(closesAfterHello("garbage-after-hello", "a HELLO of trusted " + trusted
                + ", then a frame of 60 random bytes as its AUTH", connection -> {
                    connection.sendFrame(ProbeConnection.randomBytes(60));
                }));
        cases.add(closesAfterHello("short-auth-after-hello", "a HELLO of trusted " + trusted
                + ", then an AUTH frame of 27 bytes (under nonce + tag)", connection -> {
                    connection.sendFrame(ProbeConnection.randomBytes(27));
                }));
        cases.add(closesAfterHello("big-frame-after-hello", "a HELLO of trusted " + trusted
                + ", then a length prefix of 16 MiB (the cap is still 4 KiB)", connection -> {
                    connection.sendRaw(ByteBuffer.allocate(4).putInt(16 * 1024 * 1024).array());
                }));
        byte[] hello = ProbeConnection.frame(ProbeConnection.hello(trusted, "2"));
        cases.add(closesAfterHello("replayed-hello", "a HELLO of trusted " + trusted
                + ", then the same HELLO frame again in place of AUTH", hello, connection -> {
                    connection.sendRaw(hello);
                }));
        if (target.replay() != null) {
            cases.add(new Case("replayed-session", "the client's " + target.replay().length
                    + " bytes of a recorded real session, sent again as they were",
                    "a HELLO with fresh keys, then closed without a word (the replayed AUTH cannot verify)",
                    answer -> answer.kind() == Kind.CLOSED && answer.detail().startsWith("after HELLO"),
                    connection -> {
                        connection.sendRaw(target.replay());
                        Answer first = connection.await(patience);
                        if (first.kind() != Kind.HELLO) {
                            return first;
                        }
                        Answer then = connection.awaitClose(patience);
                        return new Answer(then.kind(), "after HELLO" + then.detail(), first.nodeId(),
                                then.millis());
                    }));
        }
        return cases;
    }

    /** Cases the node ends only by its handshake time limit. */
    private List<Case> stalledCases() {
        long limit = target.handshakeTimeoutMillis();
        String expected = "closed by the handshake limit, within " + limit + " ms (+ " + GRACE_MILLIS + " ms)";
        Predicate<Answer> byTheLimit = answer -> answer.kind() == Kind.CLOSED
                && answer.millis() <= limit + GRACE_MILLIS;
        List<Case> cases = new ArrayList<>();
        cases.add(new Case("silent", "nothing at all", expected, byTheLimit, connection -> connection.await(patience)));
        cases.add(new Case("truncated-frame-stalled", "a HELLO frame cut after 20 bytes, then silence", expected,
                byTheLimit, connection -> {
                    byte[] frame = ProbeConnection.frame(ProbeConnection.hello(ProbeConnection.strangerId(), "2"));
                    connection.sendRaw(java.util.Arrays.copyOf(frame, 24));
                    return connection.await(patience);
                }));
        cases.add(new Case("slow-hello", "a HELLO a byte every 500 ms (it would take over a minute)", expected,
                answer -> answer.kind() == Kind.CLOSED && answer.millis() <= limit + GRACE_MILLIS, connection -> {
                    long opened = System.nanoTime();
                    byte[] frame = ProbeConnection.frame(ProbeConnection.hello(ProbeConnection.strangerId(), "2"));
                    Answer answer = null;
                    for (byte b : frame) {
                        try {
                            connection.sendRaw(new byte[] {b});
                        } catch (IOException closed) {
                            answer = new Answer(Kind.CLOSED, "", "", 0);
                            break;
                        }
                        answer = connection.awaitClose(Duration.ofMillis(500));
                        if (answer.kind() != Kind.TIMEOUT) {
                            break;
                        }
                    }
                    // Counted from the connect: the limit runs from accept, not from the last byte.
                    return new Answer(answer.kind(), answer.detail(), answer.nodeId(),
                            TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - opened));
                }));
        if (target.trustedId() != null) {
            cases.add(new Case("hello-then-silence", "a HELLO of trusted " + target.trustedId()
                    + ", then no AUTH", expected, answer -> answer.kind() == Kind.CLOSED
                    && answer.millis() <= limit + GRACE_MILLIS, connection -> {
                        long opened = System.nanoTime();
                        connection.sendFrame(ProbeConnection.hello(target.trustedId(), "2"));
                        Answer first = connection.await(patience);
                        if (first.kind() != Kind.HELLO) {
                            return first;
                        }
                        Answer then = connection.awaitClose(patience);
                        return new Answer(then.kind(), then.detail(), first.nodeId(),
                                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - opened));
                    }));
        }
        return cases;
    }

    private Finding flood() throws InterruptedException {
        int threads = 8;
        try (SyncPortLoad load = SyncPortLoad.connectFlood(SyncPortLoad.Route.to(target.host(), target.port()),
                target.connects(), threads)) {
            boolean ended = load.awaitEnd(patience.multipliedBy(4));
            SyncPortLoad.Report report = load.report();
            return new Finding("connect-flood", target.connects() + " connects from " + threads
                    + " threads, each closed at once", "every connect accepted (the node closes at once what is "
                    + "over its limits), the node answering afterwards",
                    String.format("%s: %.0f connects/s", report, report.connections() / report.seconds()),
                    ended && report.count("connected and left") == target.connects());
        }
    }

    private Finding held() throws InterruptedException {
        long limit = target.handshakeTimeoutMillis();
        try (SyncPortLoad load = SyncPortLoad.heldConnections(SyncPortLoad.Route.to(target.host(), target.port()),
                target.held())) {
            boolean ended = load.awaitEnd(patience.multipliedBy(2));
            SyncPortLoad.Report report = load.report();
            int later = report.count("closed later");
            return new Finding("held-connections", target.held() + " connections opened at once and held silent",
                    "at most " + HANDSHAKE_SLOTS + " kept (the handshake slots; a node may keep fewer from one "
                            + "address), the rest closed at once, the kept ones closed by the handshake limit", report.toString(),
                    ended && later <= HANDSHAKE_SLOTS && report.count("closed at once") + later == target.held()
                            && report.longestMillis() <= limit + GRACE_MILLIS);
        }
    }

    // ------------------------------------------------------------------ helpers

    private Case strangerHello(String name) {
        return new Case(name, "a valid version-2 HELLO of an unknown device", "REJECT not_trusted",
                rejects("not_trusted"), sendHello(ProbeConnection.strangerId(), "2"));
    }

    private Case closesAtOnce(String name, String sent, Exchange exchange) {
        return new Case(name, sent, "closed without a word, at once",
                answer -> answer.kind() == Kind.CLOSED && answer.millis() < AT_ONCE_MILLIS, exchange);
    }

    private interface AfterHello {
        void send(ProbeConnection connection) throws IOException;
    }

    private Case closesAfterHello(String name, String sent, AfterHello then) {
        return closesAfterHello(name, sent, ProbeConnection.frame(ProbeConnection.hello(target.trustedId(), "2")),
                then);
    }

    private Case closesAfterHello(String name, String sent, byte[] helloFrame, AfterHello then) {
        return new Case(name, sent, "its HELLO, then closed without a word, at once",
                answer -> answer.kind() == Kind.CLOSED && answer.detail().startsWith("after HELLO")
                        && answer.millis() < AT_ONCE_MILLIS, connection -> {
                    connection.sendRaw(helloFrame);
                    Answer first = connection.await(patience);
                    if (first.kind() != Kind.HELLO) {
                        return first;
                    }
                    then.send(connection);
                    Answer next = connection.await(patience);
                    return new Answer(next.kind(), "after HELLO" + (next.detail().isEmpty() ? "" : ", "
                            + next.detail()), first.nodeId(), next.millis());
                });
    }

    private Exchange sendHello(String deviceId, String version) {
        return connection -> {
            connection.sendFrame(ProbeConnection.hello(deviceId, version));
            return connection.await(patience);
        };
    }

    private Exchange sendJson(String json) {
        return connection -> {
            connection.sendFrame(json.getBytes(StandardCharsets.UTF_8));
            return connection.await(patience);
        };
    }

    private static Predicate<Answer> rejects(String reason) {
        return answer -> answer.kind() == Kind.REJECT && answer.detail().equals(reason);
    }
}
