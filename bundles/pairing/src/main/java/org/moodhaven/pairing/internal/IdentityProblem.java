package org.moodhaven.pairing.internal;

/**
 * Why a revealed identity was refused (PROTOCOL.md section 5). Each has its own
 * value so a user, a log line and a test can tell them apart.
 */
public enum IdentityProblem {
    /** The seal did not open: wrong key, altered bytes or wrong associated data. */
    SEAL_BROKEN("the sealed identity does not open"),
    /** The opened identity is not the JSON object the page pins. */
    MALFORMED("the identity is malformed"),
    /** Its publicKey does not hash to its deviceId. */
    KEY_NOT_DEVICE_ID("the public key does not match the deviceId"),
    /** It claims this device's own deviceId. */
    IS_SELF("the identity is this device's own deviceId"),
    /** Its deviceId is not the J-PAKE partner's participantId. */
    NOT_PARTNER("the deviceId differs from the partner's participantId"),
    /** Its publicKey does not match the {@code fp} of the QR payload. */
    FINGERPRINT_MISMATCH("the public key does not match the QR code's fingerprint"),
    /** Its signature over bind does not verify. */
    BAD_SIGNATURE("the identity signature does not verify"),
    /** Its deviceName breaks the naming rule of section 2. */
    BAD_NAME("the device name is not valid"),
    /** Its {@code syncPort} is present but not an integer from 1 to 65535. */
    BAD_SYNC_PORT("the sync port (\"syncPort\") is not an integer from 1 to 65535"),
    /** Its deviceId is already trusted with another publicKey. */
    TRUSTED_UNDER_OTHER_KEY("the deviceId is already trusted with another key"),
    /** B expected another deviceId (from the QR code, mDNS or typed). */
    UNEXPECTED_DEVICE("the device is not the one expected");

    private final String description;

    IdentityProblem(String description) {
        this.description = description;
    }

    /**
     * @return a sentence for the user
     */
    public String description() {
        return description;
    }
}
