package org.moodhaven.discovery.mdns.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

class AnnouncementTest {

    private static final String ID = "9a4f0b2c1d3e5f60";

    @Test
    void readsWhatANodeAnnounces() throws Exception {
        Announcement announcement = Announcement.parse(txt("device_id=" + ID, "device_name=Ken's MacBook",
                "proto=1,2", "pair=40123"));
        assertEquals(new Announcement(ID, "Ken's MacBook", List.of(1, 2), 40123), announcement);
        Announcement quiet = Announcement.parse(txt("device_id=" + ID, "proto=2"));
        assertNull(quiet.deviceName());
        assertNull(quiet.pairingPort());
    }

    @Test
    void writesTheRecordItReads() throws Exception {
        Announcement announcement = new Announcement(ID, "Ünïcødé ☕", List.of(2), 50000);
        Map<String, String> text = announcement.toText();
        assertEquals(Map.of("device_id", ID, "device_name", "Ünïcødé ☕", "proto", "2", "pair", "50000"), text);
        String[] items = text.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).toArray(String[]::new);
        assertEquals(announcement, Announcement.parse(txt(items)));
        assertEquals(Map.of("device_id", ID, "proto", "1,2"),
                new Announcement(ID, null, List.of(1, 2), null).toText());
    }

    @Test
    void keysAreCaseInsensitiveTheFirstCountsAndUnknownOnesAreIgnored() throws Exception {
        Announcement announcement = Announcement.parse(txt("DEVICE_ID=" + ID, "device_id=0000000000000000",
                "colour=blue", "flag", "\u00e9=x", "proto=2"));
        assertEquals(ID, announcement.deviceId());
    }

    @Test
    void refusesEveryMalformedRecordWhole() {
        String[][] bad = {
            {},
            {"proto=2"},
            {"device_id=9A4F0B2C1D3E5F60", "proto=2"},
            {"device_id=9a4f0b2c1d3e5f6", "proto=2"},
            {"device_id=9a4f0b2c1d3e5f600", "proto=2"},
            {"device_id=9a4f0b2c1d3e5fg0", "proto=2"},
            {"device_id=" + ID},
            {"device_id=" + ID, "proto="},
            {"device_id=" + ID, "proto=2.0"},
            {"device_id=" + ID, "proto=02"},
            {"device_id=" + ID, "proto=2,1"},
            {"device_id=" + ID, "proto=2,2"},
            {"device_id=" + ID, "proto=1,"},
            {"device_id=" + ID, "proto=-2"},
            {"device_id=" + ID, "proto= 2"},
            {"device_id=" + ID, "proto=1,2,3,4,5,6,7,8,9"},
            {"device_id=" + ID, "proto=2", "pair=0"},
            {"device_id=" + ID, "proto=2", "pair=65536"},
            {"device_id=" + ID, "proto=2", "pair=+80"},
            {"device_id=" + ID, "proto=2", "pair="},
            {"device_id=" + ID, "proto=2", "device_name="},
            {"device_id=" + ID, "proto=2", "device_name=" + "n".repeat(65)},
            {"device_id=" + ID, "proto=2", "device_name=line\nbreak"},
            {"device_id=" + ID, "proto=2", "device_name=\u202Eevil"},
        };
        for (String[] items : bad) {
            assertThrows(Announcement.Malformed.class, () -> Announcement.parse(txt(items)), String.join(" ", items));
        }
    }

    @Test
    void refusesBytesThatAreNotARecordOrNotUtf8() {
        assertThrows(Announcement.Malformed.class, () -> Announcement.parse(null));
        assertThrows(Announcement.Malformed.class, () -> Announcement.parse(new byte[0]));
        // a length byte running past the end
        byte[] truncated = txt("device_id=" + ID, "proto=2");
        truncated[0] = (byte) 200;
        assertThrows(Announcement.Malformed.class, () -> Announcement.parse(truncated));
        // a name that is not UTF-8
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(txt("device_id=" + ID, "proto=2"));
        byte[] name = {'d', 'e', 'v', 'i', 'c', 'e', '_', 'n', 'a', 'm', 'e', '=', (byte) 0xC3, (byte) 0x28};
        out.write(name.length);
        out.writeBytes(name);
        assertThrows(Announcement.Malformed.class, () -> Announcement.parse(out.toByteArray()));
        // far too large to be ours
        byte[] huge = new byte[Announcement.MAX_TXT_BYTES + 1];
        assertThrows(Announcement.Malformed.class, () -> Announcement.parse(huge));
    }

    /** A TXT record in wire form. */
    static byte[] txt(String... items) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (String item : items) {
            byte[] bytes = item.getBytes(StandardCharsets.UTF_8);
            out.write(bytes.length);
            out.writeBytes(bytes);
        }
        return out.toByteArray();
    }
}
