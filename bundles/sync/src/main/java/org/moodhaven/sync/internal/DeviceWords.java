package org.moodhaven.sync.internal;

import org.moodhaven.api.identity.TrustedDevice;
import org.moodhaven.common.logging.LogText;

/**
 * How a message a person reads names a device: by the name it was paired with, and by
 * a short id only when this node knows no name for it.
 */
final class DeviceWords {

    /** Characters of a deviceId shown when no name is known (as the web page does). */
    private static final int SHORT_ID = 8;

    private DeviceWords() {
    }

    /**
     * @param device a trusted device
     * @return its name in quotes, e.g. {@code "Laptop"}
     */
    static String of(TrustedDevice device) {
        String name = device.deviceName();
        return name == null || name.isBlank() ? unnamed(device.deviceId()) : "\"" + name + "\"";
    }

    /**
     * @param deviceId a device this node knows no name for (as given: it may not be a valid id)
     * @return {@code device 0123abcd}, the id cut short
     */
    static String unnamed(String deviceId) {
        String id = deviceId == null ? "" : deviceId.strip();
        return "device " + LogText.escape(id.length() > SHORT_ID ? id.substring(0, SHORT_ID) : id);
    }
}
