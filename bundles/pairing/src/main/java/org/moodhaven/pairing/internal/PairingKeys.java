package org.moodhaven.pairing.internal;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import org.moodhaven.api.crypto.CryptoProvider;

/**
 * The key schedule of PROTOCOL.md section 5, from the J-PAKE keying material:
 * <pre>
 * K      = keying material, unsigned big-endian, left-padded to 384 bytes
 * sealA  = HKDF-SHA256(ikm K, salt empty, info "moodhaven-pair-v2 seal A", 32)
 * sealB  = HKDF-SHA256(ikm K, salt empty, info "moodhaven-pair-v2 seal B", 32)
 * bind   = HKDF-SHA256(ikm K, salt empty, info "moodhaven-pair-v2 bind", 32)
 * code   = uint32(HKDF-SHA256(ikm K, salt empty, info "moodhaven-pair-v2 code", 4)) mod 10000
 * </pre>
 * K itself is wiped as soon as the keys are derived; {@link #destroy()} wipes
 * the rest when the attempt ends. Nothing here is ever logged.
 */
final class PairingKeys {

    /** Bytes of K: a number of the 3072-bit group. */
    static final int K_LENGTH = 384;

    private static final byte[] EMPTY = new byte[0];

    private final byte[] sealA;
    private final byte[] sealB;
    private final byte[] bind;
    private final String checkCode;

    private PairingKeys(byte[] sealA, byte[] sealB, byte[] bind, String checkCode) {
        this.sealA = sealA;
        this.sealB = sealB;
        this.bind = bind;
        this.checkCode = checkCode;
    }

    /**
     * @param keyingMaterial what {@code JPAKEParticipant.calculateKeyingMaterial()} returned
     * @param crypto         the provider whose HKDF is used
     * @return the derived keys
     */
    static PairingKeys derive(BigInteger keyingMaterial, CryptoProvider crypto) {
        byte[] k = fixedLength(keyingMaterial);
        try {
            byte[] code = crypto.hkdf(k, EMPTY, info("code"), 4);
            long value = ((code[0] & 0xFFL) << 24) | ((code[1] & 0xFFL) << 16) | ((code[2] & 0xFFL) << 8)
                    | (code[3] & 0xFFL);
            return new PairingKeys(crypto.hkdf(k, EMPTY, info("seal A"), 32),
                    crypto.hkdf(k, EMPTY, info("seal B"), 32),
                    crypto.hkdf(k, EMPTY, info("bind"), 32),
                    String.format("%04d", value % 10_000));
        } finally {
            Arrays.fill(k, (byte) 0);
        }
    }

    /**
     * @param keyingMaterial a non-negative number of at most 3072 bits
     * @return its unsigned big-endian bytes left-padded to exactly 384 bytes
     */
    static byte[] fixedLength(BigInteger keyingMaterial) {
        if (keyingMaterial.signum() < 0 || keyingMaterial.bitLength() > K_LENGTH * 8) {
            throw new IllegalArgumentException("keying material outside the 3072-bit group");
        }
        byte[] minimal = keyingMaterial.toByteArray();
        int skip = minimal.length > K_LENGTH ? minimal.length - K_LENGTH : 0; // the sign byte
        byte[] out = new byte[K_LENGTH];
        System.arraycopy(minimal, skip, out, K_LENGTH - (minimal.length - skip), minimal.length - skip);
        Arrays.fill(minimal, (byte) 0);
        return out;
    }

    private static byte[] info(String label) {
        return ("moodhaven-pair-v2 " + label).getBytes(StandardCharsets.US_ASCII);
    }

    /** @return the key that seals what A sends (a copy) */
    byte[] sealA() {
        return sealA.clone();
    }

    /** @return the key that seals what B sends (a copy) */
    byte[] sealB() {
        return sealB.clone();
    }

    /** @return the 32 bytes each identity signature covers (a copy) */
    byte[] bind() {
        return bind.clone();
    }

    /** @return the 4-digit check code both screens show */
    String checkCode() {
        return checkCode;
    }

    /** Wipes the keys; the object must not be used afterwards. */
    void destroy() {
        Arrays.fill(sealA, (byte) 0);
        Arrays.fill(sealB, (byte) 0);
        Arrays.fill(bind, (byte) 0);
    }

    @Override
    public String toString() {
        return "PairingKeys[redacted]";
    }
}
