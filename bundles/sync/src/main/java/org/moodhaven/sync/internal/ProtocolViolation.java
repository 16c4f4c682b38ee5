package org.moodhaven.sync.internal;

import org.moodhaven.api.sync.SyncErrors;

/**
 * The peer broke PROTOCOL.md. After the handshake it is answered with ERROR
 * {@code protocol_error}, then the connection closes; nothing of the offending
 * frame is stored.
 */
final class ProtocolViolation extends SyncFailure {

    private static final long serialVersionUID = 1L;

    ProtocolViolation(String message) {
        super(SyncErrors.PROTOCOL_ERROR, message);
    }
}
