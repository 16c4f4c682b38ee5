package org.moodhaven.api.pairing;

import java.util.Optional;

import org.osgi.annotation.versioning.ProviderType;

/**
 * Pairs this device with another one of the same person (PROTOCOL.md section 5).
 * <p>
 * On the device that shows the PIN ("A"): {@link #start} opens a pairing server and
 * makes a PIN; a device that completes the exchange waits in {@link #status} for this
 * device's user, who compares the check code and calls {@link #approve} or
 * {@link #decline}. On the device the PIN is typed into ("B"): {@link #accept} runs
 * the exchange and answers the check code; A's decision follows as an event
 * ({@code moodhaven/pairing/*}) and in {@link #status}. Both sides trust each other
 * only once A's user approved; B then starts the first sync.
 */
@ProviderType
public interface Pairing {

    /**
     * Starts pairing on this device: a new PIN (valid for five minutes, three wrong
     * guesses void it) and a pairing server on an ephemeral port.
     *
     * @return what to show: the PIN, the address, the QR code
     * @throws PairingException if pairing is already open on this device, or the
     *                          server cannot listen
     */
    PairingOffer start() throws PairingException;

    /**
     * @return the pairing on this device, as A or as B, if one is open or just ended
     */
    Optional<PairingStatus> status();

    /**
     * A's user approves the device awaiting approval: it becomes trusted. The request
     * lives only as long as the PIN: an approval after the PIN expired trusts nothing.
     *
     * @return the device now trusted, or empty if none was awaiting approval
     * @throws PairingException with reason {@link PairingException#EXPIRED} if the PIN expired
     *                          while the device was awaiting approval (nothing is trusted on
     *                          either device), or {@link PairingException#INTERNAL} if the
     *                          trust list cannot be written (nothing changed)
     */
    Optional<PairingRequest> approve() throws PairingException;

    /**
     * A's user declines the device awaiting approval; the PIN is used up.
     *
     * @return whether a device was awaiting approval
     */
    boolean decline();

    /** Ends pairing on this device, as A or B; a device awaiting approval is declined. */
    void cancel();

    /**
     * B's side: pairs with the device showing a PIN at {@code host:port}. Returns as
     * soon as the exchange succeeded; A's decision arrives later.
     *
     * @param host        A's address (from discovery, its screen or the QR code)
     * @param port        A's pairing port
     * @param pin         the 6 digits shown on A
     * @param deviceId    the deviceId A is expected to have (from discovery or the QR
     *                    code), or empty
     * @param fingerprint the QR code's {@code fp} (b64url SHA-256 of A's public key), or
     *                    empty when the PIN was typed
     * @return the device and the check code to compare with A's screen
     * @throws PairingException if the PIN is wrong, void or expired, A is busy or
     *                          unreachable, or A's identity is refused
     */
    PairingRequest accept(String host, int port, String pin, Optional<String> deviceId,
            Optional<String> fingerprint) throws PairingException;
}
