package org.moodhaven.sync.internal;

/**
 * A sync could not complete. The reason is one of the codes of
 * {@link org.moodhaven.api.sync.SyncErrors}; the message is for people and never
 * holds a key, a secret or journal content.
 */
class SyncFailure extends Exception {

    private static final long serialVersionUID = 1L;

    private final String reason;

    SyncFailure(String reason, String message) {
        super(message);
        this.reason = reason;
    }

    SyncFailure(String reason, String message, Throwable cause) {
        super(message, cause);
        this.reason = reason;
    }

    /** @return the reason code */
    String reason() {
        return reason;
    }
}
