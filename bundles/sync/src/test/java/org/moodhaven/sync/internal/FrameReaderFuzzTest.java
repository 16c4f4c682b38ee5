package org.moodhaven.sync.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.EOFException;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import com.code_intelligence.jazzer.junit.FuzzTest;
import org.moodhaven.api.crypto.AesGcm;
import org.moodhaven.api.crypto.CryptoProvider;
import org.moodhaven.crypto.jdk.internal.JdkCryptoProvider;
import org.moodhaven.testing.Configs;

/**
 * Fuzzes the frame reader (PROTOCOL.md 6.1) with whatever a peer could send: the
 * input is the whole byte stream of a connection. Every frame read is within the cap
 * in force; a length of zero or over the cap is refused right after its header, before
 * its body is read or a buffer of that size is made; the stream's end is an
 * {@link EOFException}; nothing else is ever thrown. With a fixed session key,
 * a frame opens only if it is exactly what the sender's cipher would seal with the
 * next nonce.
 * <p>
 * {@code mvn test} replays the inputs kept in {@code FrameReaderFuzzTestInputs/};
 * {@code scripts/fuzz} fuzzes.
 */
class FrameReaderFuzzTest {

    /**
     * Bytes a read may allocate besides its frame's copies: array headers, exceptions with
     * their stack traces (deep under JUnit, and more so under the fuzzer's instrumentation:
     * a refusal once took 170 KB there). Far below any length the caps refuse.
     */
    private static final long ALLOCATION_SLACK = 1024 * 1024;

    /** Copies of a frame a read may make: the body, and for a sealed frame the cipher's work and the plaintext. */
    private static final long COPIES = 4;

    private static final CryptoProvider CRYPTO = new JdkCryptoProvider(Configs.of(JdkCryptoProvider.Config.class));

    /** The session key both directions use here: fixed, so a sealed seed stays valid. */
    static final byte[] SESSION_KEY = CRYPTO.sha256("moodhaven fuzz session key".getBytes(StandardCharsets.US_ASCII));

    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    static {
        // The first use of AES-GCM loads and initialises the JCE classes (most of a megabyte);
        // done here, it is not counted against the first frame a test reads.
        FrameCipher.Counter warmUp = new FrameCipher.Counter(CRYPTO.aesGcm(SESSION_KEY));
        try {
            new FrameCipher.Counter(CRYPTO.aesGcm(SESSION_KEY)).open(warmUp.seal(new byte[1]));
        } catch (FrameRejected e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    @FuzzTest
    void plainFramesWithinTheHandshakeCap(byte[] wire) throws Exception {
        BytesConnection peer = new BytesConnection(wire);
        readAll(peer.connection, wire, FramedConnection.HANDSHAKE_CAP, null);
    }

    @FuzzTest
    void sealedFramesUnderAFixedSessionKey(byte[] wire) throws Exception {
        BytesConnection peer = new BytesConnection(wire);
        peer.connection.encrypt(new FrameCipher.Counter(CRYPTO.aesGcm(SESSION_KEY)),
                new FrameCipher.Counter(CRYPTO.aesGcm(SESSION_KEY)));
        peer.connection.liftCap();
        readAll(peer.connection, wire, FramedConnection.SESSION_CAP, CRYPTO.aesGcm(SESSION_KEY));
    }

    /**
     * Reads frames until the stream ends or a frame is refused, checking each read.
     *
     * @param sealedWith the key frames are sealed with, or {@code null} for plain frames
     */
    private static void readAll(FramedConnection connection, byte[] wire, int cap, AesGcm sealedWith) {
        long frameStart = 0;
        long counter = 0;
        while (true) {
            long length = declared(wire, frameStart);
            boolean withinCap = length >= 1 && length <= cap;
            long allocatedBefore = THREADS.getCurrentThreadAllocatedBytes();
            byte[] body;
            try {
                body = sealedWith == null ? connection.readFrame() : connection.readSealed();
            } catch (FrameRejected refused) {
                assertAllocatedAtMost(withinCap ? COPIES * length : 0, allocatedBefore, length);
                assertRefusedRightly(wire, frameStart, cap, connection.bytesIn(), sealedWith != null);
                return;
            } catch (EOFException end) {
                assertAllocatedAtMost(withinCap ? length : 0, allocatedBefore, length);
                assertTrue(length < 0 || withinCap && wire.length - frameStart - 4 < length,
                        "EOF instead of taking or refusing a whole frame header of " + length + " bytes");
                return;
            } catch (java.io.IOException other) {
                throw new AssertionError("an I/O error other than the stream's end: " + other, other);
            }
            assertAllocatedAtMost(COPIES * length, allocatedBefore, length);
            assertTrue(withinCap, "a frame of " + length + " bytes was taken; the cap is " + cap);
            byte[] raw = Arrays.copyOfRange(wire, (int) frameStart + 4, (int) (frameStart + 4 + length));
            if (sealedWith == null) {
                assertArrayEquals(raw, body, "the body is the bytes that followed the header");
            } else {
                // The frame opened: it must be exactly the sealing of that plaintext with the next nonce.
                byte[] nonce = FrameCipher.Counter.nonce(counter++);
                byte[] resealed = sealedWith.seal(nonce, body, new byte[0]);
                assertArrayEquals(raw, ByteBuffer.allocate(nonce.length + resealed.length).put(nonce).put(resealed)
                        .array(), "a frame opened that its sender did not seal");
            }
            frameStart += 4 + length;
            assertEquals(frameStart, connection.bytesIn(), "the reader consumed exactly the frame");
        }
    }

    private static void assertAllocatedAtMost(long bytes, long allocatedBefore, long declared) {
        long allocated = THREADS.getCurrentThreadAllocatedBytes() - allocatedBefore;
        assertTrue(allocated <= bytes + ALLOCATION_SLACK, "a read whose header declared " + declared
                + " bytes allocated " + allocated + " bytes");
    }

    private static void assertRefusedRightly(byte[] wire, long frameStart, int cap, long consumed, boolean sealed) {
        long length = declared(wire, frameStart);
        if (length == 0 || length > cap) {
            assertEquals(frameStart + 4, consumed, "a frame of " + length + " bytes was refused only after its header");
            return;
        }
        assertTrue(sealed, "a plain frame of " + length + " bytes (within the cap) was refused");
        assertEquals(frameStart + 4 + length, consumed, "a sealed frame is refused once read whole, not before");
    }

    /** The length the header at {@code at} declares, or -1 without a whole header. */
    private static long declared(byte[] wire, long at) {
        if (wire.length - at < 4) {
            return -1;
        }
        return Integer.toUnsignedLong(ByteBuffer.wrap(wire, (int) at, 4).getInt());
    }
}
