package org.moodhaven.pairing.internal;

/**
 * What B knows after A's key confirmation and identity verified: A's identity and
 * the check code to show. B trusts A only once A's approval arrives (step 4).
 *
 * @param host      A's verified identity
 * @param checkCode the 4-digit check code both screens show
 */
public record PairedWithHost(PeerIdentity host, String checkCode) {
}
