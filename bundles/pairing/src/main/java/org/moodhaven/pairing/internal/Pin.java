package org.moodhaven.pairing.internal;

import java.util.Arrays;
import java.util.function.IntFunction;

/**
 * The 6-digit pairing PIN of PROTOCOL.md section 5: uniform over 000000-999999,
 * leading zeros kept. Its J-PAKE password is its six ASCII digits.
 * <p>
 * {@link #toString()} never shows the digits, so a PIN put in a log line by
 * mistake leaks nothing; only {@link #digits()} reveals them, for the screen.
 */
public final class Pin {

    /** Number of digits. */
    public static final int LENGTH = 6;

    private static final int RANGE = 1_000_000;
    /** 2^20 = 1,048,576 is the smallest power of two above 10^6: fewer than 5 % of draws are rejected. */
    private static final int MASK = (1 << 20) - 1;

    private final String digits;

    private Pin(String digits) {
        this.digits = digits;
    }

    /**
     * Draws a PIN by rejection sampling, so every value is equally likely (a
     * plain modulo would favour the low values).
     *
     * @param random a CSPRNG, e.g. {@code CryptoProvider::randomBytes}
     * @return a fresh PIN
     */
    public static Pin generate(IntFunction<byte[]> random) {
        while (true) {
            byte[] bytes = random.apply(3);
            int value = ((bytes[0] & 0xFF) << 16 | (bytes[1] & 0xFF) << 8 | (bytes[2] & 0xFF)) & MASK;
            Arrays.fill(bytes, (byte) 0);
            if (value < RANGE) {
                return new Pin(String.format("%06d", value));
            }
        }
    }

    /**
     * A PIN typed by the user (or read from a QR payload).
     *
     * @param digits exactly six ASCII digits
     * @return the PIN
     * @throws IllegalArgumentException if {@code digits} is not six ASCII digits (the
     *                                  message does not repeat the input)
     */
    public static Pin of(String digits) {
        if (digits == null || digits.length() != LENGTH) {
            throw new IllegalArgumentException("a PIN has exactly 6 digits");
        }
        for (int i = 0; i < LENGTH; i++) {
            char c = digits.charAt(i);
            if (c < '0' || c > '9') {
                throw new IllegalArgumentException("a PIN has only the digits 0-9");
            }
        }
        return new Pin(digits);
    }

    /**
     * @return the six digits, for showing to the user
     */
    public String digits() {
        return digits;
    }

    /**
     * @return a fresh copy of the J-PAKE password (the six ASCII digits); the caller may wipe it
     */
    char[] password() {
        return digits.toCharArray();
    }

    @Override
    public String toString() {
        return "Pin[******]";
    }
}
