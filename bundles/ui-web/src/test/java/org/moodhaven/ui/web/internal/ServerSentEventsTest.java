package org.moodhaven.ui.web.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.moodhaven.api.event.EventTopics;
import org.osgi.service.event.Event;

class ServerSentEventsTest {

    @Test
    void anEventIsItsShortTopicAndItsPropertiesAsOneLineOfJson() {
        Map<String, Object> properties = new LinkedHashMap<>();
        properties.put(EventTopics.SENT, 3);
        properties.put(EventTopics.DEVICE_ID, "9a4f0b2c1d3e5f60");
        properties.put(EventTopics.DIRECTION, "outgoing");
        properties.put(EventTopics.BYTES_SENT, 1234L);
        properties.put(EventTopics.TRUSTED, true);
        assertEquals("event: sync/COMPLETED\n"
                + "data: {\"bytesSent\":1234,\"deviceId\":\"9a4f0b2c1d3e5f60\",\"direction\":\"outgoing\","
                + "\"sent\":3,\"trusted\":true}\n\n",
                ServerSentEvents.format(new Event(EventTopics.SYNC_COMPLETED, properties)));
    }

    @Test
    void anEventWithoutPropertiesHasAnEmptyObject() {
        assertEquals("event: journal/LOCKED\ndata: {}\n\n",
                ServerSentEvents.format(new Event(EventTopics.JOURNAL_LOCKED, Map.of())));
    }

    @Test
    void listsOfStringsPassAsArrays() {
        String text = ServerSentEvents.format(new Event(EventTopics.TRUST_CHANGED, Map.of(
                EventTopics.DEVICE_IDS, new String[] {"a1", "b2"},
                EventTopics.REMOVED_DEVICE_IDS, List.of("c3"))));
        assertEquals("event: trust/CHANGED\ndata: {\"deviceIds\":[\"a1\",\"b2\"],\"removedDeviceIds\":[\"c3\"]}\n\n",
                text);
    }

    @Test
    void aLineBreakInAValueCannotStartAnotherFieldOrEvent() {
        String text = ServerSentEvents.format(new Event(EventTopics.PEER_DISCOVERED, Map.of(
                EventTopics.DEVICE_NAME, "Ken\n\nevent: trust/REVOKED\rdata: {}")));
        assertEquals("event: discovery/DISCOVERED\n"
                + "data: {\"deviceName\":\"Ken\\n\\nevent: trust/REVOKED\\rdata: {}\"}\n\n", text);
        assertEquals(3, text.split("\n", -1).length - 1, "exactly the two lines and the blank line");
    }

    @Test
    void valuesOtherThanPlainOnesAreLeftOut() {
        Map<String, Object> properties = new LinkedHashMap<>();
        properties.put("object", new Object() {
            @Override
            public String toString() {
                return "secret";
            }
        });
        properties.put("bytes", new byte[] {1, 2});
        properties.put("mixedList", List.of("a", 1));
        properties.put("map", Map.of("k", "v"));
        properties.put("notANumber", Double.NaN);
        properties.put("ratio", 0.5);
        properties.put(EventTopics.COUNT, 1);
        assertEquals("event: entries/LOCAL_CHANGE\ndata: {\"count\":1,\"ratio\":0.5}\n\n",
                ServerSentEvents.format(new Event(EventTopics.ENTRIES_CHANGED_LOCALLY, properties)));
    }

    @Test
    void onlyMoodHavenTopicsAreStreamed() {
        assertNull(ServerSentEvents.format(new Event("org/osgi/framework/BundleEvent/STARTED", Map.of())));
        assertNull(ServerSentEvents.format(new Event("moodhavenx/a", Map.of())));
    }
}
