package org.moodhaven.shell.internal;

import java.util.List;

import org.apache.felix.service.command.Descriptor;
import org.moodhaven.api.identity.TrustStore;
import org.moodhaven.api.identity.TrustStoreException;
import org.moodhaven.api.identity.TrustedDevice;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/** Commands about trusted devices: {@code mh:trusted} and {@code mh:revoke}. */
@Component(service = TrustCommands.class, property = {
        "osgi.command.scope=mh",
        "osgi.command.function=trusted",
        "osgi.command.function=revoke"})
public final class TrustCommands {

    /** What every revocation must tell the person (PROTOCOL.md section 2). */
    static final String REVOCATION_IS_LOCAL = "Revocation is local to this device: the revoked device keeps "
            + "syncing with your other devices (and so still reaches this journal's data through them) until you "
            + "revoke it on each of them too.";

    private final TrustStore trust;

    /**
     * @param trust the trust store
     */
    @Activate
    public TrustCommands(@Reference TrustStore trust) {
        this.trust = trust;
    }

    /**
     * @return the trusted devices
     */
    @Descriptor("List the devices this node trusts (trusted_devices.json)")
    public String trusted() {
        List<TrustedDevice> devices = trust.list();
        StringBuilder out = new StringBuilder();
        if (devices.isEmpty()) {
            out.append("No trusted devices yet.");
        } else {
            out.append(String.format("%-16s  %-24s  %-19s  %s%n", "DEVICE ID", "NAME", "PAIRED", "LAST ADDRESS"));
            for (TrustedDevice device : devices) {
                out.append(String.format("%-16s  %-24s  %-19s  %s%s%n", device.deviceId(),
                        Texts.shorten(device.deviceName(), 24), Texts.time(device.pairedAt()),
                        device.lastAddress() == null ? "-" : device.lastAddress(),
                        device.legacyV1Only() ? "  (protocol v1)" : ""));
            }
        }
        for (String problem : trust.problems()) {
            out.append("\nwarning: ").append(problem);
        }
        return out.toString().stripTrailing();
    }

    /**
     * @param typed the device to revoke, its deviceId as typed
     * @return what happened
     * @throws CommandFailure with a message for the person when the command cannot do it
     */
    @Descriptor("Stop trusting a device: it is refused from now on\n"
            + "   and any running sync with it ends")
    public String revoke(@Descriptor("the deviceId (see mh:trusted)") Object typed)
            throws CommandFailure {
        String deviceId = Texts.deviceId(typed);
        return CommandFailure.run(() -> {
            if (!trust.revoke(deviceId)) {
                return "Device " + deviceId + " is not trusted; nothing changed.";
            }
            return "Revoked " + deviceId + ". " + REVOCATION_IS_LOCAL;
        });
    }
}
