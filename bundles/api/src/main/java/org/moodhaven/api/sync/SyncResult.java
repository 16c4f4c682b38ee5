package org.moodhaven.api.sync;

/**
 * What one sync did, as the JSON API answers {@code POST /api/sync}.
 *
 * @param ok            whether the sync completed
 * @param sent          entries sent to the peer
 * @param received      valid entries received from the peer (stored or not)
 * @param rejected      invalid entries received from the peer (not stored)
 * @param bytesSent     bytes written to the socket, frame headers included
 * @param bytesReceived bytes read from the socket
 * @param error         why it failed, one of {@link SyncErrors}, or {@code null} when it completed
 * @param message       what happened, for people, or {@code null} when it completed
 */
public record SyncResult(boolean ok, long sent, long received, long rejected, long bytesSent, long bytesReceived,
                         String error, String message) {

    /**
     * @param error   the reason, one of {@link SyncErrors}
     * @param message what happened and what to do
     * @return a failure before any byte moved
     */
    public static SyncResult failed(String error, String message) {
        return new SyncResult(false, 0, 0, 0, 0, 0, error, message);
    }
}
