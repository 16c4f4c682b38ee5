package org.moodhaven.ui.web.internal;

import java.util.Collection;
import java.util.Map;
import java.util.TreeMap;

import com.fasterxml.jackson.core.JsonProcessingException;

import org.moodhaven.api.event.EventTopics;
import org.osgi.service.event.Event;
import org.osgi.service.event.EventConstants;

/**
 * Turns an Event Admin event into one server-sent event: {@code event:} the topic
 * without {@value EventTopics#PREFIX}, {@code data:} its properties as one line of
 * JSON. Only strings, finite numbers, booleans and lists of strings pass; anything
 * else (objects whose {@code toString} might say more than the topic promises) is
 * left out rather than guessed at.
 */
final class ServerSentEvents {

    /** A comment line: keeps proxies and the browser from taking a quiet stream for a dead one. */
    static final String HEARTBEAT = ": heartbeat\n\n";

    private ServerSentEvents() {
    }

    /**
     * @param event an event
     * @return the event as a server-sent event, or {@code null} when its topic is not a MoodHaven topic
     */
    static String format(Event event) {
        String topic = event.getTopic();
        if (!topic.startsWith(EventTopics.PREFIX) || topic.length() == EventTopics.PREFIX.length()
                || !singleLine(topic)) {
            return null;
        }
        Map<String, Object> data = new TreeMap<>();
        for (String name : event.getPropertyNames()) {
            if (EventConstants.EVENT_TOPIC.equals(name)) {
                continue;
            }
            Object value = plain(event.getProperty(name));
            if (value != null) {
                data.put(name, value);
            }
        }
        String json;
        try {
            // Compact JSON escapes line breaks inside strings, so the data is one line.
            json = WireJson.MAPPER.writeValueAsString(data);
        } catch (JsonProcessingException e) {
            return null;
        }
        return "event: " + topic.substring(EventTopics.PREFIX.length()) + "\ndata: " + json + "\n\n";
    }

    /** The value if it is one the stream may carry, else {@code null}. */
    private static Object plain(Object value) {
        if (value instanceof String || value instanceof Boolean || value instanceof Integer || value instanceof Long
                || value instanceof Short || value instanceof Byte) {
            return value;
        }
        if (value instanceof Double || value instanceof Float) {
            double number = ((Number) value).doubleValue();
            return Double.isFinite(number) ? value : null;
        }
        if (value instanceof String[] strings) {
            return strings;
        }
        if (value instanceof Collection<?> collection) {
            for (Object element : collection) {
                if (!(element instanceof String)) {
                    return null;
                }
            }
            return collection.toArray(new String[0]);
        }
        return null;
    }

    private static boolean singleLine(String text) {
        return text.indexOf('\n') < 0 && text.indexOf('\r') < 0;
    }
}
