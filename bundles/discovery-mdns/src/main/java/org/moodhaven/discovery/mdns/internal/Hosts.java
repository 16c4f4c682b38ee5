package org.moodhaven.discovery.mdns.internal;

import java.util.Optional;

/**
 * Checks a host a person typed, without resolving it: an IPv4 address, an IPv6
 * address (with an optional zone, e.g. {@code fe80::1%eth0}), or a DNS host name.
 */
final class Hosts {

    private static final int MAX_LENGTH = 253;

    private Hosts() {
    }

    /**
     * @param host the host
     * @return what is wrong with it, or empty
     */
    static Optional<String> problem(String host) {
        if (host == null || host.isEmpty() || host.length() > MAX_LENGTH) {
            return Optional.of("a host is an IP address or a host name of 1 to 253 characters");
        }
        if (host.indexOf(':') >= 0) {
            return isIpv6(host) ? Optional.empty() : Optional.of("not an IPv6 address: " + printable(host));
        }
        if (host.chars().allMatch(c -> (c >= '0' && c <= '9') || c == '.')) {
            return isIpv4(host) ? Optional.empty() : Optional.of("not an IPv4 address: " + printable(host));
        }
        return isHostName(host) ? Optional.empty() : Optional.of("not a host name: " + printable(host));
    }

    static boolean isIpv4(String host) {
        String[] parts = host.split("\\.", -1);
        if (parts.length != 4) {
            return false;
        }
        for (String part : parts) {
            if (part.isEmpty() || part.length() > 3 || (part.length() > 1 && part.charAt(0) == '0')) {
                return false;
            }
            if (Integer.parseInt(part) > 255) {
                return false;
            }
        }
        return true;
    }

    private static boolean isIpv6(String host) {
        String address = host;
        int zone = host.indexOf('%');
        if (zone >= 0) {
            String name = host.substring(zone + 1);
            if (name.isEmpty() || name.length() > 32 || !name.chars().allMatch(c -> Character.isLetterOrDigit(c)
                    && c < 128 || c == '_' || c == '-' || c == '.')) {
                return false;
            }
            address = host.substring(0, zone);
        }
        if (address.length() > 45 || !address.chars().allMatch(c -> (c >= '0' && c <= '9')
                || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F') || c == ':' || c == '.')) {
            return false;
        }
        int doubleColon = address.indexOf("::");
        if (doubleColon >= 0 && address.indexOf("::", doubleColon + 1) >= 0) {
            return false;
        }
        String[] groups = address.split(":", -1);
        int count = 0;
        for (int i = 0; i < groups.length; i++) {
            String group = groups[i];
            if (group.isEmpty()) {
                continue; // part of "::", checked above, or a leading/trailing one of it
            }
            if (i == groups.length - 1 && group.indexOf('.') >= 0) {
                if (!isIpv4(group)) {
                    return false;
                }
                count += 2;
            } else if (group.length() > 4 || group.indexOf('.') >= 0) {
                return false;
            } else {
                count++;
            }
        }
        if (address.startsWith(":") && !address.startsWith("::") || address.endsWith(":") && !address.endsWith("::")) {
            return false;
        }
        return doubleColon >= 0 ? count < 8 : count == 8;
    }

    private static boolean isHostName(String host) {
        String name = host.endsWith(".") ? host.substring(0, host.length() - 1) : host;
        if (name.isEmpty()) {
            return false;
        }
        for (String label : name.split("\\.", -1)) {
            if (label.isEmpty() || label.length() > 63 || label.startsWith("-") || label.endsWith("-")) {
                return false;
            }
            for (int i = 0; i < label.length(); i++) {
                char c = label.charAt(i);
                boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-';
                if (!ok) {
                    return false;
                }
            }
        }
        return true;
    }

    /** Enough of a bad value to recognise it, without control characters. */
    private static String printable(String text) {
        StringBuilder out = new StringBuilder();
        text.codePoints().limit(40).forEach(cp -> out.append(Character.isISOControl(cp) ? '?' : Character.toString(cp)));
        return out.toString();
    }
}
