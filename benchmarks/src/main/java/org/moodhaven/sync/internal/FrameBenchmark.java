package org.moodhaven.sync.internal;

import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

import org.moodhaven.api.crypto.AesGcm;
import org.moodhaven.api.crypto.CryptoProvider;
import org.moodhaven.benchmarks.jmh.CryptoProviders;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Sealing and opening one encrypted frame of a v2 connection (PROTOCOL.md 6.1) with
 * {@link FrameCipher.Counter}, per crypto provider and payload size: 128 B (a
 * control message such as DONE), 16 KiB, and 420 KiB (an ENTRIES frame of 256
 * entries of 1 KiB ciphertext each is about that).
 * <p>
 * Scores are frames per second; bytes per second are {@code score × payloadBytes}
 * ({@code scripts/benchmark-kernels} prints them). Both include what the connection
 * pays per frame besides AES-GCM: the nonce, the cipher set-up per call, and the
 * copy of nonce and ciphertext into one body.
 * <p>
 * A receiving {@code Counter} accepts only the next nonce, so {@code open} takes a
 * fresh receiver (expecting counter 0) for every call and opens the same frame
 * sealed with counter 0; making the receiver is two fields, the keyed cipher is
 * shared, as on a connection.
 * <p>
 * The warm-up is longer than elsewhere: SunJCE's AES-GCM reaches its compiled
 * intrinsics only after about 6 s on 2 cores, and runs 20 times slower before.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 5, time = 2)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xms2g", "-Xmx2g"})
@State(Scope.Thread)
public class FrameBenchmark {

    /** The crypto provider: {@code jdk} or {@code bc}. */
    @Param({"jdk", "bc"})
    public String provider;

    /** Plaintext bytes per frame. */
    @Param({"128", "16384", "430080"})
    public int payloadBytes;

    private byte[] plaintext;
    private FrameCipher sending;
    private AesGcm receivingKey;
    private byte[] firstFrame;

    /** Keys both directions with one fixed key and seals the frame {@code open} opens. */
    @Setup(Level.Trial)
    public void setUp() {
        CryptoProvider crypto = CryptoProviders.byName(provider);
        SplittableRandom random = new SplittableRandom(4);
        byte[] key = new byte[Handshake.KEY_LENGTH];
        random.nextBytes(key);
        plaintext = new byte[payloadBytes];
        random.nextBytes(plaintext);
        sending = new FrameCipher.Counter(crypto.aesGcm(key));
        receivingKey = crypto.aesGcm(key);
        firstFrame = new FrameCipher.Counter(crypto.aesGcm(key)).seal(plaintext);
    }

    /**
     * @return the sealed frame body (nonce, ciphertext, tag)
     */
    @Benchmark
    public byte[] seal() {
        return sending.seal(plaintext);
    }

    /**
     * @return the plaintext
     * @throws FrameRejected never: the frame carries the nonce a fresh receiver expects
     */
    @Benchmark
    public byte[] open() throws FrameRejected {
        return new FrameCipher.Counter(receivingKey).open(firstFrame);
    }
}
