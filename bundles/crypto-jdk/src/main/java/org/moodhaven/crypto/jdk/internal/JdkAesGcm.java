package org.moodhaven.crypto.jdk.internal;

import java.security.GeneralSecurityException;
import java.security.NoSuchAlgorithmException;
import java.security.Provider;
import java.util.Objects;

import javax.crypto.Cipher;
import javax.crypto.NoSuchPaddingException;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

import org.moodhaven.api.crypto.AesGcm;
import org.moodhaven.api.crypto.AuthenticationFailedException;

/**
 * AES-256-GCM on SunJCE. A {@link Cipher} is made per call: one instance is not
 * thread-safe, and SunJCE refuses to encrypt twice with the same key and nonce on
 * one instance anyway. SunJCE buffers a whole ciphertext and checks the tag before
 * it returns any plaintext, so a failed open releases nothing.
 */
final class JdkAesGcm implements AesGcm {

    private static final String TRANSFORMATION = "AES/GCM/NoPadding";

    private final SecretKeySpec key;
    private final Provider provider;

    JdkAesGcm(SecretKeySpec key, Provider provider) {
        this.key = key;
        this.provider = provider;
    }

    @Override
    public byte[] seal(byte[] nonce, byte[] plaintext, byte[] associatedData) {
        Objects.requireNonNull(plaintext, "plaintext");
        Cipher cipher = cipher(Cipher.ENCRYPT_MODE, nonce, associatedData);
        try {
            return cipher.doFinal(plaintext);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM encryption failed", e);
        }
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
        Cipher cipher = cipher(Cipher.DECRYPT_MODE, nonce, associatedData);
        try {
            return cipher.doFinal(input, offset, length);
        } catch (GeneralSecurityException e) {
            // AEADBadTagException in practice; whatever it is, nothing was authenticated.
            throw new AuthenticationFailedException();
        }
    }

    private Cipher cipher(int mode, byte[] nonce, byte[] associatedData) {
        checkNonce(nonce);
        Objects.requireNonNull(associatedData, "associatedData");
        try {
            Cipher cipher = Cipher.getInstance(TRANSFORMATION, provider);
            cipher.init(mode, key, new GCMParameterSpec(TAG_LENGTH * 8, nonce));
            if (associatedData.length > 0) {
                cipher.updateAAD(associatedData);
            }
            return cipher;
        } catch (NoSuchAlgorithmException | NoSuchPaddingException e) {
            throw new IllegalStateException("SunJCE has no " + TRANSFORMATION, e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("SunJCE refused a 32-byte AES key or a 12-byte nonce", e);
        }
    }

    private static void checkNonce(byte[] nonce) {
        Objects.requireNonNull(nonce, "nonce");
        if (nonce.length != NONCE_LENGTH) {
            throw new IllegalArgumentException("an AES-GCM nonce has 12 bytes, got " + nonce.length);
        }
    }
}
