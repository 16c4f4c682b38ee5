package org.moodhaven.crypto.bc.internal;

import java.util.Arrays;
import java.util.Objects;

import org.bouncycastle.crypto.InvalidCipherTextException;
import org.bouncycastle.crypto.engines.AESEngine;
import org.bouncycastle.crypto.modes.GCMBlockCipher;
import org.bouncycastle.crypto.modes.GCMModeCipher;
import org.bouncycastle.crypto.params.AEADParameters;
import org.bouncycastle.crypto.params.KeyParameter;
import org.moodhaven.api.crypto.AesGcm;
import org.moodhaven.api.crypto.AuthenticationFailedException;

/**
 * AES-256-GCM on BouncyCastle's {@link GCMBlockCipher}. A cipher is made per
 * call: one is not thread-safe, and a pooled one would refuse, depending on its
 * history, to seal with the nonce it last saw.
 * <p>
 * BouncyCastle's GCM decryption writes plaintext as it goes and checks the tag
 * only at the end, so the plaintext is decrypted into a private buffer that is
 * wiped, never returned, when the tag fails.
 */
final class BouncyCastleAesGcm implements AesGcm {

    private final KeyParameter key;

    BouncyCastleAesGcm(KeyParameter key) {
        this.key = key;
    }

    @Override
    public byte[] seal(byte[] nonce, byte[] plaintext, byte[] associatedData) {
        Objects.requireNonNull(plaintext, "plaintext");
        GCMModeCipher cipher = cipher(true, nonce, associatedData);
        byte[] out = new byte[plaintext.length + TAG_LENGTH];
        try {
            int written = cipher.processBytes(plaintext, 0, plaintext.length, out, 0);
            cipher.doFinal(out, written);
        } catch (InvalidCipherTextException e) {
            throw new IllegalStateException("AES-GCM encryption has no tag to fail", e);
        }
        return out;
    }

    @Override
    public byte[] open(byte[] nonce, byte[] input, int offset, int length, byte[] associatedData)
            throws AuthenticationFailedException {
        Objects.requireNonNull(input, "input");
        Objects.checkFromIndexSize(offset, length, input.length);
        checkNonce(nonce);
        if (length < TAG_LENGTH) {
            throw new AuthenticationFailedException();
        }
        GCMModeCipher cipher = cipher(false, nonce, associatedData);
        byte[] plaintext = new byte[length - TAG_LENGTH];
        try {
            int written = cipher.processBytes(input, offset, length, plaintext, 0);
            cipher.doFinal(plaintext, written);
        } catch (InvalidCipherTextException e) {
            Arrays.fill(plaintext, (byte) 0);
            throw new AuthenticationFailedException();
        }
        return plaintext;
    }

    private GCMModeCipher cipher(boolean forEncryption, byte[] nonce, byte[] associatedData) {
        checkNonce(nonce);
        Objects.requireNonNull(associatedData, "associatedData");
        GCMModeCipher cipher = GCMBlockCipher.newInstance(AESEngine.newInstance());
        cipher.init(forEncryption, new AEADParameters(key, TAG_LENGTH * 8, nonce));
        // Fed directly rather than through AEADParameters, which would copy it.
        cipher.processAADBytes(associatedData, 0, associatedData.length);
        return cipher;
    }

    private static void checkNonce(byte[] nonce) {
        Objects.requireNonNull(nonce, "nonce");
        if (nonce.length != NONCE_LENGTH) {
            throw new IllegalArgumentException("an AES-GCM nonce has 12 bytes, got " + nonce.length);
        }
    }
}
