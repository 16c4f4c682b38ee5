package org.moodhaven.node.internal;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.log.LogEntry;
import org.osgi.service.log.LogLevel;
import org.osgi.service.log.LogListener;
import org.osgi.service.log.LogReaderService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Copies what the framework and its services (SCR, ConfigAdmin, Event Admin)
 * report through the OSGi Log Service into the node's log, so one file tells
 * the whole story. Our own bundles log through SLF4J directly.
 */
@Component(immediate = true)
public final class LogForwarder implements LogListener {

    private static final Logger LOG = LoggerFactory.getLogger("osgi");

    private final LogReaderService reader;

    /**
     * @param reader the log reader
     */
    @Activate
    public LogForwarder(@Reference LogReaderService reader) {
        this.reader = reader;
        reader.addLogListener(this);
    }

    @Deactivate
    void deactivate() {
        reader.removeLogListener(this);
    }

    @Override
    public void logged(LogEntry entry) {
        if (!LogLevel.WARN.implies(entry.getLogLevel())) {
            return; // INFO and below from the framework's services are noise in the node's log
        }
        String source = entry.getBundle() == null ? "?" : entry.getBundle().getSymbolicName();
        Throwable error = entry.getException();
        switch (entry.getLogLevel()) {
            case ERROR -> LOG.error("[{}] {}", source, entry.getMessage(), error);
            case WARN -> LOG.warn("[{}] {}", source, entry.getMessage(), error);
            default -> LOG.info("[{}] {}", source, entry.getMessage(), error);
        }
    }
}
