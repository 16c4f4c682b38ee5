package org.moodhaven.api.pairing;

/**
 * A device that completed the exchange: what both screens show before A's user decides.
 *
 * @param deviceId   its deviceId (its public key proved it)
 * @param deviceName its name, as it gave it: show as text, never as HTML
 * @param code       the 4-digit check code; the same on both screens unless someone is in
 *                   the middle
 */
public record PairingRequest(String deviceId, String deviceName, String code) {
}
