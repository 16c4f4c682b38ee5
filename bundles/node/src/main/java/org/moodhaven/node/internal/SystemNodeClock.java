package org.moodhaven.node.internal;

import java.time.Instant;

import org.moodhaven.api.node.NodeClock;
import org.osgi.framework.Constants;
import org.osgi.service.component.annotations.Component;

/**
 * The system clock, at the lowest ranking so a test clock registered with a
 * higher ranking takes over.
 */
@Component(service = NodeClock.class, property = Constants.SERVICE_RANKING + ":Integer=0")
public final class SystemNodeClock implements NodeClock {

    @Override
    public Instant now() {
        return Instant.now();
    }
}
