package org.moodhaven.benchmarks.e2e;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.moodhaven.crypto.jdk.internal.JdkCryptoProvider;
import org.moodhaven.testing.Configs;
import org.moodhaven.testing.EntryGenerator;
import org.moodhaven.tools.JournalLoader;

/**
 * Runs a baseline in a Java VM of its own, started like a node's: the nodes of the
 * benchmark are new processes whose JIT compiler has compiled nothing yet, so a
 * baseline run in the harness's VM, warm from the previous run, would be cheaper than
 * what the sync has to pay and make the ratio meaningless.
 */
final class BaselineProcess {

    /**
     * The options {@code bin/moodhaven} gives a node's VM (heap, collector, AES-GCM compiled early,
     * everything else at 4 times the usual compile thresholds).
     */
    static final List<String> NODE_VM_OPTIONS = List.of("-Xmx256m", "-XX:+UseSerialGC",
            "-XX:CompileCommand=quiet", "-XX:CompileCommand=CompileThresholdScaling,com.sun.crypto.provider.*::*,0.01",
            "-XX:CompileThresholdScaling=4");

    private static final String RESULT = "baseline-ms=";

    private BaselineProcess() {
    }

    /**
     * Baseline (a): the entries inserted into a new store in {@code data} through the
     * store's own batch path; the node started on {@code data} afterwards holds them.
     *
     * @return the wall time of the inserts in milliseconds
     */
    static double insert(Path data, int entries) throws IOException, InterruptedException {
        return run("insert", data.toString(), Integer.toString(entries));
    }

    /**
     * Baseline (b): {@code bytes} through AES-256-GCM over a loopback socket.
     *
     * @return the wall time in milliseconds
     */
    static double gcm(long bytes) throws IOException, InterruptedException {
        return run("gcm", Long.toString(bytes));
    }

    private static double run(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(ProcessHandle.current().info().command().orElse("java"));
        command.addAll(NODE_VM_OPTIONS);
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(BaselineProcess.class.getName());
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (process.waitFor() != 0 || !output.contains(RESULT)) {
            throw new IllegalStateException("the baseline " + args[0] + " failed:\n" + output);
        }
        String value = output.substring(output.lastIndexOf(RESULT) + RESULT.length()).strip();
        return Double.parseDouble(value);
    }

    /**
     * The baseline process itself: {@code insert DATA N} or {@code gcm BYTES}; prints
     * {@code baseline-ms=} and the wall time.
     */
    public static void main(String[] args) throws Exception {
        double ms;
        if (args[0].equals("insert")) {
            long started = System.nanoTime();
            JournalLoader.load(Path.of(args[1]), EntryGenerator.standard(), 0, Integer.parseInt(args[2]));
            ms = (System.nanoTime() - started) / 1e6;
        } else {
            ms = GcmBaseline.run(new JdkCryptoProvider(Configs.of(JdkCryptoProvider.Config.class)),
                    Long.parseLong(args[1]));
        }
        System.out.println(RESULT + ms);
    }
}
