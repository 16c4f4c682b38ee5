package org.moodhaven.pairing.internal;

/**
 * What A's screen shows once a device completed the exchange with the right
 * PIN (PROTOCOL.md section 5, confirmation): who is asking, and the check code
 * the user compares with B's screen before approving.
 *
 * @param device    the verified identity of the device asking to pair
 * @param checkCode the 4-digit check code both screens show
 */
public record PendingApproval(PeerIdentity device, String checkCode) {
}
