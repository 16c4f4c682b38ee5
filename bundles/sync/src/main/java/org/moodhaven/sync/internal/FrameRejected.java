package org.moodhaven.sync.internal;

import org.moodhaven.api.sync.SyncErrors;

/**
 * A frame that must close the connection without a word: a length of zero or
 * over the cap, a short body, a wrong nonce, a tag that does not verify.
 */
final class FrameRejected extends SyncFailure {

    private static final long serialVersionUID = 1L;

    FrameRejected(String message) {
        super(SyncErrors.CONNECTION, message);
    }
}
