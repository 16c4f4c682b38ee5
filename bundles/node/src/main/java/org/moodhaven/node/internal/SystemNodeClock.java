package org.moodhaven.node.internal;

import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;

import org.moodhaven.api.node.NodeClock;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The system clock, at the lowest ranking so a test clock registered with a
 * higher ranking takes over. The framework property {@value #OFFSET_PROPERTY}
 * (an ISO-8601 duration such as {@code -PT10M}) shifts it, to see how a node
 * whose clock is wrong behaves with its peers without changing the machine's clock.
 */
@Component(service = NodeClock.class, property = Constants.SERVICE_RANKING + ":Integer=0")
public final class SystemNodeClock implements NodeClock {

    /** Framework or system property: how far this node's clock is off. */
    public static final String OFFSET_PROPERTY = "moodhaven.clock.offset";

    private static final Logger LOG = LoggerFactory.getLogger(SystemNodeClock.class);

    private final Duration offset;

    /**
     * @param context the bundle context, for the offset property
     */
    @Activate
    public SystemNodeClock(BundleContext context) {
        String configured = context.getProperty(OFFSET_PROPERTY);
        Duration parsed = Duration.ZERO;
        if (configured != null && !configured.isBlank()) {
            try {
                parsed = Duration.parse(configured.strip());
                LOG.warn("this node's clock is shifted by {} ({})", parsed, OFFSET_PROPERTY);
            } catch (DateTimeParseException e) {
                LOG.error("{} is not an ISO-8601 duration (such as -PT10M): {}; the clock is not shifted",
                        OFFSET_PROPERTY, configured);
            }
        }
        this.offset = parsed;
    }

    @Override
    public Instant now() {
        return Instant.now().plus(offset);
    }
}
