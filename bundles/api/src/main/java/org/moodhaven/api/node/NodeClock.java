package org.moodhaven.api.node;

import java.time.Instant;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * The one clock every component reads time from, so tests can move time
 * instead of sleeping. The node registers the system clock; a test registers
 * its own with a higher ranking.
 */
@ConsumerType
public interface NodeClock {

    /**
     * @return the current instant
     */
    Instant now();
}
