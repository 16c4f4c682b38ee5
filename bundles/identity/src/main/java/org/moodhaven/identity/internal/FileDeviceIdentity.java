package org.moodhaven.identity.internal;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Instant;

import org.moodhaven.api.crypto.CryptoProvider;
import org.moodhaven.api.identity.DeviceIdentity;
import org.moodhaven.api.identity.DeviceIds;
import org.moodhaven.api.identity.DeviceNames;
import org.moodhaven.api.node.NodeClock;
import org.moodhaven.api.node.NodeSettings;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleException;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This device's identity, kept in {@code peer_key.bin} and {@code device.json}
 * in the data folder. The private key stays inside this component; it signs on
 * request with whichever crypto provider is current.
 */
@Component(service = DeviceIdentity.class, configurationPid = FileDeviceIdentity.PID)
@Designate(ocd = FileDeviceIdentity.Config.class)
public final class FileDeviceIdentity implements DeviceIdentity {

    /** The configuration pid. */
    public static final String PID = "moodhaven.identity";

    private static final Logger LOG = LoggerFactory.getLogger(FileDeviceIdentity.class);
    private static final String FALLBACK_NAME = "MoodHaven device";

    @ObjectClassDefinition(name = "MoodHaven identity", description = "The device key pair and device.json")
    @interface Config {
        @AttributeDefinition(name = "Stop the node on identity errors",
                description = "Stop the whole node when device.json and peer_key.bin disagree, rather than "
                        + "run without an identity")
        boolean stopNodeOnError() default true;
    }

    @Reference
    private NodeSettings settings;

    @Reference
    private NodeClock clock;

    @Reference(policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY)
    private volatile CryptoProvider crypto;

    /*
     * Set once in activate(); not final because the crypto provider, which loading needs,
     * is a dynamic reference and DS only injects those into fields after construction.
     */
    private DeviceFiles.Loaded identity;

    /**
     * Loads the identity files, making or repairing them as PROTOCOL.md section 1 allows.
     *
     * @param config  the configuration
     * @param context the bundle context, to stop the node when the files are inconsistent
     * @throws IdentityFileException if the files are inconsistent; nothing is overwritten
     */
    @Activate
    void activate(Config config, BundleContext context) {
        try {
            identity = new DeviceFiles(settings.dataFolder())
                    .load(crypto, settings.deviceName().orElse(null), hostName(), clock.now());
        } catch (IdentityFileException e) {
            LOG.error("cannot start: {}", e.getMessage());
            if (config.stopNodeOnError()) {
                stopNode(context, e.getMessage());
            }
            throw e;
        }
        String deviceId = identity.deviceId();
        switch (identity.outcome()) {
            case CREATED -> LOG.info("new device identity {} ({})", deviceId, identity.deviceName());
            case REPLACED_MISSING_KEY -> LOG.warn("{} was missing: made a new identity {}; every paired device "
                    + "must pair with this one again", DeviceFiles.KEY_FILE, deviceId);
            case REBUILT_DEVICE_FILE -> LOG.warn("{} was missing: rebuilt it from {} (deviceId {} unchanged)",
                    DeviceFiles.DEVICE_FILE, DeviceFiles.KEY_FILE, deviceId);
            case RENAMED -> LOG.info("device {} renamed to {}", deviceId, identity.deviceName());
            default -> LOG.info("device identity {} ({})", deviceId, identity.deviceName());
        }
    }

    private static void stopNode(BundleContext context, String reason) {
        // Logged already; also on the console, because the node stops and the person is looking there.
        System.err.println("MoodHaven cannot start: " + reason);
        // Stopping the framework from inside activation would deadlock SCR; do it from another thread.
        Thread stopper = new Thread(() -> {
            try {
                context.getBundle(0).stop();
            } catch (BundleException | IllegalStateException e) {
                LOG.error("could not stop the node after an identity error", e);
            }
        }, "moodhaven-identity-stop");
        stopper.setDaemon(true);
        stopper.start();
    }

    private static String hostName() {
        try {
            return DeviceNames.sanitize(InetAddress.getLocalHost().getHostName(), FALLBACK_NAME);
        } catch (UnknownHostException e) {
            return FALLBACK_NAME;
        }
    }

    @Override
    public String deviceId() {
        return identity.deviceId();
    }

    @Override
    public String deviceName() {
        return identity.deviceName();
    }

    @Override
    public byte[] publicKey() {
        return identity.publicKey().clone();
    }

    @Override
    public String publicKeyBase64() {
        return DeviceIds.base64Url(identity.publicKey());
    }

    @Override
    public Instant created() {
        return identity.created();
    }

    @Override
    public byte[] sign(byte[] message) {
        return crypto.ed25519Sign(identity.seed(), message);
    }

    @Override
    public String toString() {
        return "device " + identity.deviceId() + " (" + identity.deviceName() + ")";
    }
}
