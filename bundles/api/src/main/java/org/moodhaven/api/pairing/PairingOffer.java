package org.moodhaven.api.pairing;

import java.time.Instant;

/**
 * What the device showing the PIN displays.
 *
 * @param pin       the 6-digit PIN (shown on this device only; never logged, never sent)
 * @param host      the LAN address the other device reaches the pairing server at
 * @param port      the pairing server's port
 * @param deviceId  this device's deviceId
 * @param qrPayload the QR code's JSON payload (PROTOCOL.md section 5)
 * @param qrSvg     the QR code as an SVG image
 * @param qrText    the QR code drawn with text block characters, for a console
 * @param expiresAt when the PIN expires
 */
public record PairingOffer(String pin, String host, int port, String deviceId, String qrPayload, String qrSvg,
        String qrText, Instant expiresAt) {

    @Override
    public String toString() {
        return "PairingOffer[host=" + host + ", port=" + port + ", deviceId=" + deviceId + ", expiresAt="
                + expiresAt + "]"; // never the PIN
    }
}
