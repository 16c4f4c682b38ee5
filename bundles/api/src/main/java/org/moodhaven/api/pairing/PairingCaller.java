package org.moodhaven.api.pairing;

import java.time.Instant;

/**
 * An address that tried the PIN this device shows: it sent the pairing server a first
 * step (a {@code round1}, the start of one PIN guess), whether or not the server took
 * it. Shown so that this device's user can tell a stranger from their own device.
 *
 * @param address the IP address the requests came from, as text
 * @param tries   how many first steps came from it while this PIN was shown
 * @param lastTry when the latest of them arrived
 * @since 1.1
 */
public record PairingCaller(String address, int tries, Instant lastTry) {
}
