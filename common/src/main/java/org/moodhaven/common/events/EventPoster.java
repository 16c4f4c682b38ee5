package org.moodhaven.common.events;

import java.util.Map;

import org.osgi.service.event.Event;
import org.osgi.service.event.EventAdmin;

/**
 * Posts events through Event Admin when one is bound, and does nothing otherwise:
 * the state behind a component's optional, dynamic Event Admin reference. The
 * component keeps the {@code @Reference} bind and unbind methods (Declarative
 * Services looks for them there) and delegates to {@link #bind} and
 * {@link #unbind}.
 */
public final class EventPoster {

    private volatile EventAdmin admin;

    /**
     * Uses an Event Admin from now on.
     *
     * @param eventAdmin the Event Admin just bound
     */
    public void bind(EventAdmin eventAdmin) {
        this.admin = eventAdmin;
    }

    /**
     * Stops using an Event Admin, unless another one has been bound since.
     *
     * @param eventAdmin the Event Admin going away
     */
    public void unbind(EventAdmin eventAdmin) {
        if (this.admin == eventAdmin) {
            this.admin = null;
        }
    }

    /**
     * Posts an event asynchronously if an Event Admin is bound; drops it otherwise.
     *
     * @param topic      the event topic
     * @param properties the event properties
     */
    public void post(String topic, Map<String, ?> properties) {
        EventAdmin current = admin;
        if (current != null) {
            current.postEvent(new Event(topic, properties));
        }
    }
}
