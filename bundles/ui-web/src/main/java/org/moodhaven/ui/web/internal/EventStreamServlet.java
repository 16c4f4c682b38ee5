package org.moodhaven.ui.web.internal;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.servlet.AsyncContext;
import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.Servlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.event.Event;
import org.osgi.service.event.EventConstants;
import org.osgi.service.event.EventHandler;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.osgi.service.servlet.whiteboard.propertytypes.HttpWhiteboardServletAsyncSupported;
import org.osgi.service.servlet.whiteboard.propertytypes.HttpWhiteboardServletPattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code GET /api/events}: what Event Admin posts under {@code moodhaven/*}, as
 * server-sent events for the web UI's live updates (see {@link ServerSentEvents} for
 * the format). The exact pattern wins over {@link ApiServlet}'s {@code /api/*}; the
 * same {@link RequestGuard} decides who may listen. Each stream is written by its own
 * thread from a pool no larger than the number of streams allowed, so a client that
 * reads slowly holds up nobody but itself, and is dropped once its queue is full.
 */
@Component(service = {Servlet.class, EventHandler.class},
        property = EventConstants.EVENT_TOPIC + "=moodhaven/*")
@HttpWhiteboardServletPattern("/api/events")
@HttpWhiteboardServletAsyncSupported
@Designate(ocd = EventStreamServlet.Config.class)
public final class EventStreamServlet extends HttpServlet implements EventHandler {

    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(EventStreamServlet.class);
    /** Sent first: the browser's EventSource opens at once and reconnects after 5 s when dropped. */
    static final String OPENING = "retry: 5000\n: connected\n\n";

    /** How many streams, how much backlog, how often a heartbeat. */
    @ObjectClassDefinition(name = "MoodHaven event stream",
            description = "GET /api/events: server-sent events for the web UI")
    @interface Config {
        @AttributeDefinition(name = "Most open streams",
                description = "Further requests are refused with 503 until one closes")
        int maxStreams() default 8;

        @AttributeDefinition(name = "Events waiting per stream",
                description = "A client that falls this many events behind is dropped; its page reconnects")
        int queueCapacity() default 256;

        @AttributeDefinition(name = "Heartbeat interval (seconds)",
                description = "A comment line is sent when nothing happened for this long, so a dead "
                        + "connection is noticed and idle timeouts do not close a quiet one")
        int heartbeatSeconds() default 15;
    }

    private final transient RequestGuard guard;
    private final transient EventStreams streams;
    private final transient ThreadPoolExecutor writers;
    private final long heartbeatMillis;

    /**
     * @param config the bounds
     * @param token  the API token
     */
    @Activate
    public EventStreamServlet(Config config, @Reference ApiToken token) {
        this.guard = new RequestGuard(token);
        this.streams = new EventStreams(config.maxStreams(), config.queueCapacity());
        this.heartbeatMillis = TimeUnit.SECONDS.toMillis(Math.max(1, config.heartbeatSeconds()));
        AtomicInteger count = new AtomicInteger();
        ThreadFactory threads = task -> {
            Thread thread = new Thread(task, "moodhaven-event-stream-" + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
        this.writers = new ThreadPoolExecutor(config.maxStreams(), config.maxStreams(), 30, TimeUnit.SECONDS,
                new LinkedBlockingQueue<>(), threads);
        writers.allowCoreThreadTimeOut(true);
    }

    @Deactivate
    void deactivate() throws InterruptedException {
        streams.closeAll();
        writers.shutdown();
        if (!writers.awaitTermination(2, TimeUnit.SECONDS)) {
            writers.shutdownNow();
        }
    }

    @Override
    public void handleEvent(Event event) {
        String text = ServerSentEvents.format(event);
        if (text != null) {
            streams.publish(text);
        }
    }

    @Override
    protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
        if (!guard.admitApiRequest(request, response)) {
            return;
        }
        if (!"GET".equals(request.getMethod())) {
            ApiServlet.error(response, 405, "method_not_allowed", request.getMethod() + " is not supported here");
            return;
        }
        EventStreams.Stream stream = streams.open();
        if (stream == null) {
            ApiServlet.error(response, 503, "too_many_streams", "too many event streams are open; close another "
                    + "page of this node or try again later");
            return;
        }
        response.setStatus(200);
        response.setContentType("text/event-stream");
        response.setCharacterEncoding(StandardCharsets.UTF_8.name());
        AsyncContext async = request.startAsync();
        async.setTimeout(0);
        async.addListener(new AsyncListener() {
            @Override
            public void onComplete(AsyncEvent event) {
                stream.close();
            }

            @Override
            public void onTimeout(AsyncEvent event) {
                stream.close();
            }

            @Override
            public void onError(AsyncEvent event) {
                stream.close();
            }

            @Override
            public void onStartAsync(AsyncEvent event) {
                // not restarted
            }
        });
        try {
            writers.execute(() -> write(stream, async));
        } catch (RejectedExecutionException stopping) {
            stream.release();
            async.complete();
        }
    }

    /** Sends the stream's events until it is closed or the client goes away; runs on a writer thread. */
    private void write(EventStreams.Stream stream, AsyncContext async) {
        try {
            OutputStream out = async.getResponse().getOutputStream();
            String next = OPENING;
            while (next != null) {
                out.write(next.getBytes(StandardCharsets.UTF_8));
                out.flush();
                next = stream.next(heartbeatMillis, TimeUnit.MILLISECONDS);
            }
            if (stream.overflowed()) {
                LOG.info("an event stream fell too far behind and was closed; its page will reconnect");
            }
        } catch (IOException gone) {
            LOG.debug("an event stream's client went away", gone);
        } catch (InterruptedException stopping) {
            Thread.currentThread().interrupt();
        } finally {
            stream.release();
            try {
                async.complete();
            } catch (IllegalStateException alreadyComplete) {
                // the container completed it (client gone, or the servlet is being removed)
            }
        }
    }
}
