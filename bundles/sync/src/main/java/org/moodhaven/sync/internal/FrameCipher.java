package org.moodhaven.sync.internal;

import java.nio.ByteBuffer;

import org.moodhaven.api.crypto.AesGcm;
import org.moodhaven.api.crypto.AuthenticationFailedException;

/**
 * Seals and opens the encrypted frames of one direction of a connection
 * (PROTOCOL.md 6.1): {@code [12-byte nonce][AES-256-GCM ciphertext || tag]} with
 * empty associated data.
 */
abstract class FrameCipher {

    /** Nonce plus tag: an encrypted body shorter than this ends the connection. */
    static final int MIN_BODY = AesGcm.NONCE_LENGTH + AesGcm.TAG_LENGTH;

    private static final byte[] NO_ASSOCIATED_DATA = new byte[0];

    private final AesGcm aead;

    FrameCipher(AesGcm aead) {
        this.aead = aead;
    }

    /** The nonce for the next frame this side sends. */
    abstract byte[] nextSendNonce();

    /** Checks the nonce of a received frame; throws when it is not acceptable. */
    abstract void acceptReceivedNonce(byte[] body) throws FrameRejected;

    final byte[] seal(byte[] plaintext) {
        byte[] nonce = nextSendNonce();
        byte[] sealed = aead.seal(nonce, plaintext, NO_ASSOCIATED_DATA);
        return ByteBuffer.allocate(nonce.length + sealed.length).put(nonce).put(sealed).array();
    }

    final byte[] open(byte[] body) throws FrameRejected {
        if (body.length < MIN_BODY) {
            throw new FrameRejected("an encrypted frame shorter than 28 bytes");
        }
        acceptReceivedNonce(body);
        byte[] nonce = new byte[AesGcm.NONCE_LENGTH];
        System.arraycopy(body, 0, nonce, 0, nonce.length);
        try {
            return aead.open(nonce, body, AesGcm.NONCE_LENGTH, body.length - AesGcm.NONCE_LENGTH,
                    NO_ASSOCIATED_DATA);
        } catch (AuthenticationFailedException e) {
            throw new FrameRejected("a frame whose tag does not verify");
        }
    }

    /**
     * Version 2: the n-th frame of a direction (n from 0) has the nonce
     * {@code 4 zero bytes || uint64be(n)}, and a receiver takes only the next one, so
     * a replayed, reordered or dropped frame ends the connection.
     */
    static final class Counter extends FrameCipher {
        private long sent;
        private long expected;

        Counter(AesGcm aead) {
            super(aead);
        }

        static byte[] nonce(long counter) {
            return ByteBuffer.allocate(AesGcm.NONCE_LENGTH).putInt(0).putLong(counter).array();
        }

        @Override
        byte[] nextSendNonce() {
            return nonce(sent++);
        }

        @Override
        void acceptReceivedNonce(byte[] body) throws FrameRejected {
            ByteBuffer nonce = ByteBuffer.wrap(body, 0, AesGcm.NONCE_LENGTH);
            if (nonce.getInt() != 0 || nonce.getLong() != expected) {
                throw new FrameRejected("a frame with nonce other than the next expected one (" + expected + ")");
            }
            expected++;
        }
    }

    /**
     * Version 1 (the original design): random nonces, which cannot detect replay or
     * reordering. Used only for devices configured for it.
     */
    static final class RandomNonce extends FrameCipher {
        private final java.util.function.IntFunction<byte[]> random;

        RandomNonce(AesGcm aead, java.util.function.IntFunction<byte[]> random) {
            super(aead);
            this.random = random;
        }

        @Override
        byte[] nextSendNonce() {
            return random.apply(AesGcm.NONCE_LENGTH);
        }

        @Override
        void acceptReceivedNonce(byte[] body) {
            // v1 has no way to tell a replayed frame from a fresh one.
        }
    }
}
