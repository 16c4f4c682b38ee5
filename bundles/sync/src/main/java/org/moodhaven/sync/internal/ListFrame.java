package org.moodhaven.sync.internal;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Builds the plaintext of one MANIFEST, WANT or ENTRIES frame, the three messages made
 * of a list: {@code <prefix>[item,item,...],"last":<bool>}}, as bytes, without the
 * copies a string would need. A frame holds at most {@code maxItems} items and about
 * {@code maxBytes} bytes (a single item larger than that still gets a frame of its own).
 */
final class ListFrame {

    private static final int SUFFIX = "],\"last\":false}".length();

    private final ByteArrayOutputStream bytes;
    private final int maxItems;
    private final int maxBytes;
    private int count;

    /**
     * @param prefix   the message up to and including the list's opening bracket
     * @param maxItems the most items a frame holds
     * @param maxBytes about the most bytes a frame holds
     */
    ListFrame(String prefix, int maxItems, int maxBytes) {
        this.maxItems = maxItems;
        this.maxBytes = maxBytes;
        this.bytes = new ByteArrayOutputStream(Math.min(maxBytes, 64 * 1024) + SUFFIX);
        bytes.writeBytes(prefix.getBytes(StandardCharsets.UTF_8));
    }

    /** @return the bytes so far */
    int size() {
        return bytes.size();
    }

    /** @return how many items it holds */
    int count() {
        return count;
    }

    /** @return whether one more item of this many bytes fits */
    boolean fits(int itemBytes) {
        return count < maxItems && (count == 0 || bytes.size() + 1 + itemBytes + SUFFIX <= maxBytes);
    }

    void add(byte[] item) {
        if (count++ > 0) {
            bytes.write(',');
        }
        bytes.writeBytes(item);
    }

    /** @return the frame's plaintext, with {@code last} as given */
    byte[] close(boolean last) {
        bytes.writeBytes(("],\"last\":" + last + "}").getBytes(StandardCharsets.UTF_8));
        return bytes.toByteArray();
    }
}
