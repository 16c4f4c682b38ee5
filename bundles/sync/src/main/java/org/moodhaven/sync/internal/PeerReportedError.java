package org.moodhaven.sync.internal;

/**
 * The peer ended the session with an ERROR message of its own. Unlike a failure of
 * this node, it is not answered with an ERROR: the peer is closing already.
 */
final class PeerReportedError extends SyncFailure {

    private static final long serialVersionUID = 1L;

    PeerReportedError(String reason, String message) {
        super(reason, message);
    }
}
