package org.moodhaven.api.identity;

import java.util.Optional;

/**
 * The rule for device names (PROTOCOL.md section 2): 1 to 64 code points, no
 * control characters and no bidirectional-override or isolate characters.
 * Names come from peers and the network, so they are checked before being kept
 * and are only ever shown as text.
 */
public final class DeviceNames {

    /** Most code points in a device name. */
    public static final int MAX_CODE_POINTS = 64;

    private DeviceNames() {
    }

    /**
     * @param name a candidate device name
     * @return what is wrong with it, or empty if it is valid
     */
    public static Optional<String> problem(String name) {
        if (name == null || name.isEmpty()) {
            return Optional.of("a device name must not be empty");
        }
        int count = name.codePointCount(0, name.length());
        if (count > MAX_CODE_POINTS) {
            return Optional.of("a device name has at most 64 characters");
        }
        for (int i = 0; i < name.length(); ) {
            int cp = name.codePointAt(i);
            if (Character.isSurrogate(name.charAt(i)) && Character.charCount(cp) == 1) {
                return Optional.of("a device name must be valid Unicode");
            }
            if (Character.isISOControl(cp) || Character.getType(cp) == Character.CONTROL) {
                return Optional.of("a device name must not contain control characters");
            }
            if (isBidiControl(cp)) {
                return Optional.of("a device name must not contain bidirectional control characters");
            }
            i += Character.charCount(cp);
        }
        return Optional.empty();
    }

    /**
     * @param name a candidate device name
     * @return whether it is valid
     */
    public static boolean isValid(String name) {
        return problem(name).isEmpty();
    }

    /**
     * Turns any text (a host name, say) into a valid device name: control and
     * bidirectional characters dropped, cut to 64 code points.
     *
     * @param text     the text
     * @param fallback used when nothing is left
     * @return a valid device name
     */
    public static String sanitize(String text, String fallback) {
        StringBuilder out = new StringBuilder();
        int kept = 0;
        if (text != null) {
            for (int i = 0; i < text.length() && kept < MAX_CODE_POINTS; ) {
                int cp = text.codePointAt(i);
                i += Character.charCount(cp);
                boolean loneSurrogate = Character.charCount(cp) == 1 && Character.isSurrogate((char) cp);
                if (!loneSurrogate && !Character.isISOControl(cp) && !isBidiControl(cp)) {
                    out.appendCodePoint(cp);
                    kept++;
                }
            }
        }
        String result = out.toString().strip();
        return result.isEmpty() ? fallback : result;
    }

    private static boolean isBidiControl(int cp) {
        return cp == 0x061C || cp == 0x200E || cp == 0x200F
                || (cp >= 0x202A && cp <= 0x202E) || (cp >= 0x2066 && cp <= 0x2069);
    }
}
