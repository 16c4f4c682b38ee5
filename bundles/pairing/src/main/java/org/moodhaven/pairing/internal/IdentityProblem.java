package org.moodhaven.pairing.internal;

/**
 * Why a revealed identity was refused (PROTOCOL.md section 5). Each has its own
 * value so a user, a log line and a test can tell them apart.
 */
public enum IdentityProblem {
    /** The seal did not open: wrong key, altered bytes or wrong associated data. */
    SEAL_BROKEN("its sealed identity does not open"),
    /** The opened identity is not the JSON object the page pins. */
    MALFORMED("its identity is malformed"),
    /** Its publicKey does not hash to its deviceId. */
    KEY_NOT_DEVICE_ID("its public key does not match its device id"),
    /** It claims this device's own deviceId. */
    IS_SELF("it claims to be this very device"),
    /** Its deviceId is not the J-PAKE partner's participantId. */
    NOT_PARTNER("its device id is not the one it used in the PIN exchange"),
    /** Its publicKey does not match the {@code fp} of the QR payload. */
    FINGERPRINT_MISMATCH("its public key does not match the QR code's fingerprint"),
    /** Its signature over bind does not verify. */
    BAD_SIGNATURE("its identity signature does not verify"),
    /** Its deviceName breaks the naming rule of section 2. */
    BAD_NAME("its device name is not valid"),
    /** Its {@code syncPort} is present but not an integer from 1 to 65535. */
    BAD_SYNC_PORT("the sync port it gives is not a number from 1 to 65535"),
    /** Its deviceId is already trusted with another publicKey. */
    TRUSTED_UNDER_OTHER_KEY("this device already trusts a device with its id under another key"),
    /** B expected another deviceId (from the QR code, mDNS or typed). */
    UNEXPECTED_DEVICE("it is not the device that was picked or scanned");

    private final String description;

    IdentityProblem(String description) {
        this.description = description;
    }

    /**
     * @return what is wrong, for the user: lower case, to follow a colon
     */
    public String description() {
        return description;
    }
}
