package org.moodhaven.sync.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.EOFException;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

import com.code_intelligence.jazzer.junit.FuzzTest;
import org.moodhaven.api.crypto.CryptoProvider;
import org.moodhaven.api.sync.SyncErrors;
import org.moodhaven.crypto.jdk.internal.JdkCryptoProvider;
import org.moodhaven.testing.Configs;

/**
 * Fuzzes the encrypted session (PROTOCOL.md 6.4) from the server's side, after a
 * handshake under a fixed session key: the input is the client's messages, one
 * plaintext per line, each sealed as the next frame. Whatever they say, the session
 * completes or fails with the protocol's own reasons, and the journal changes only by
 * valid entries newer than what it held.
 */
class SessionFuzzTest {

    private static final CryptoProvider CRYPTO = new JdkCryptoProvider(Configs.of(JdkCryptoProvider.Config.class));
    static final String CLIENT = "fuzz-client";
    private static final SyncSession.Settings SETTINGS = new SyncSession.Settings(1_048_576, Duration.ofHours(24));
    private static final Set<String> REASONS = Set.of(SyncErrors.PROTOCOL_ERROR, SyncErrors.CONNECTION,
            SyncErrors.INTERNAL);

    @FuzzTest
    void serverSessionReadsSealedMessages(byte[] lines) throws Exception {
        FuzzJournal journal = new FuzzJournal();
        BytesConnection client = new BytesConnection(BytesConnection.stream(sealLines(lines)));
        client.connection.encrypt(new FrameCipher.Counter(CRYPTO.aesGcm(FrameReaderFuzzTest.SESSION_KEY)),
                new FrameCipher.Counter(CRYPTO.aesGcm(FrameReaderFuzzTest.SESSION_KEY)));
        client.connection.liftCap();
        MemoryBudget budget = new MemoryBudget(64L * 1024 * 1024, 0);
        try (MemoryBudget.Lease lease = budget.open()) {
            SyncSession session = new SyncSession(client.connection, SyncSession.Role.SERVER, CLIENT, journal.store,
                    SETTINGS, FuzzJournal.NOW, (phase, sent, received) -> { }, lease, () -> { });
            session.run();
        } catch (SyncFailure failure) {
            assertTrue(REASONS.contains(failure.reason()), "the session failed with " + failure.reason() + ": "
                    + failure.getMessage());
        } catch (EOFException end) {
            // the client's messages ran out
        } catch (IOException other) {
            throw new AssertionError("an I/O error other than the stream's end: " + other, other);
        }
        journal.assertChangedOnlyByValidNewerEntries();
        assertEquals(0, budget.reserved(), "a session gives back all the memory it reserved");
    }

    /** Each line of the input sealed as one frame, in order (nonces 0, 1, 2, ...). */
    static List<byte[]> sealLines(byte[] lines) {
        FrameCipher.Counter sender = new FrameCipher.Counter(CRYPTO.aesGcm(FrameReaderFuzzTest.SESSION_KEY));
        List<byte[]> frames = new ArrayList<>();
        int start = 0;
        for (int i = 0; i <= lines.length; i++) {
            if (i == lines.length || lines[i] == '\n') {
                frames.add(sender.seal(Arrays.copyOfRange(lines, start, i)));
                start = i + 1;
            }
        }
        return frames;
    }
}
