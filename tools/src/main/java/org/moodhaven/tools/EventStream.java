package org.moodhaven.tools;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * A reader of a node's {@code GET /api/events} (server-sent events, docs/api.md
 * "Live events"), so a test can act on what the node reports while it happens,
 * such as killing it when a sync reaches a phase. Bounded: lines of at most 64 KiB
 * and 10,000 events not yet awaited; beyond either the stream fails rather than grows.
 */
public final class EventStream implements AutoCloseable {

    /** Events kept until a test awaits them. */
    public static final int BACKLOG = 10_000;
    /** The longest line read. */
    public static final int MAX_LINE = 64 * 1024;

    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * One server-sent event.
     *
     * @param name     its {@code event:} field, the topic without {@code moodhaven/} (e.g. {@code sync/PROGRESS})
     * @param data     its {@code data:} field as JSON
     * @param received {@link System#nanoTime()} when its last line was read
     */
    public record Event(String name, JsonNode data, long received) {

        /** @return the {@code phase} property of a {@code sync/PROGRESS} event, or "" */
        public String phase() {
            return data.path("phase").asText("");
        }
    }

    private final InputStream body;
    private final Thread reader;
    private final Deque<Event> events = new ArrayDeque<>();
    private boolean opened;
    private String failure;

    private EventStream(InputStream body, String name) {
        this.body = body;
        this.reader = new Thread(this::read, "events-" + name);
        reader.setDaemon(true);
        reader.start();
    }

    /**
     * Opens a node's event stream and waits for the node's opening lines, so no event
     * posted after this returns is missed.
     *
     * @param httpPort the node's HTTP port on 127.0.0.1
     * @param token    its API token
     * @param timeout  how long to wait for the stream to open
     * @return the open stream
     * @throws IOException if the node refuses the stream
     */
    public static EventStream open(int httpPort, String token, Duration timeout)
            throws IOException, InterruptedException {
        HttpClient http = HttpClient.newBuilder().connectTimeout(timeout).build();
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + "/api/events"))
                .header("Authorization", "Bearer " + token).header("Accept", "text/event-stream").GET().build();
        HttpResponse<InputStream> response = http.send(request, HttpResponse.BodyHandlers.ofInputStream());
        if (response.statusCode() != 200) {
            String error = new String(response.body().readNBytes(4096), StandardCharsets.UTF_8);
            response.body().close();
            throw new IOException("GET /api/events answered " + response.statusCode() + ": " + error);
        }
        EventStream stream = new EventStream(response.body(), Integer.toString(httpPort));
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (stream.events) {
            while (!stream.opened && stream.failure == null) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    stream.close();
                    throw new IOException("the event stream sent nothing within " + timeout);
                }
                stream.events.wait(TimeUnit.NANOSECONDS.toMillis(left) + 1);
            }
            if (!stream.opened) {
                throw new IOException("the event stream ended at once: " + stream.failure);
            }
        }
        return stream;
    }

    /**
     * Waits for the next event that matches, dropping those before it.
     *
     * @param what    what is awaited, for the failure message
     * @param match   which event
     * @param timeout how long to wait
     * @return the event
     * @throws AssertionError if none came within the timeout, or the stream ended first
     */
    public Event await(String what, Predicate<Event> match, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (events) {
            while (true) {
                while (!events.isEmpty()) {
                    Event next = events.pollFirst();
                    if (match.test(next)) {
                        return next;
                    }
                }
                if (failure != null) {
                    throw new AssertionError("the event stream ended (" + failure + ") before " + what);
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new AssertionError("no event " + what + " within " + timeout);
                }
                events.wait(TimeUnit.NANOSECONDS.toMillis(left) + 1);
            }
        }
    }

    private void read() {
        String name = null;
        StringBuilder data = null;
        try (Reader in = new InputStreamReader(body, StandardCharsets.UTF_8)) {
            StringBuilder line = new StringBuilder();
            int c;
            while ((c = in.read()) >= 0) {
                if (c == '\r') {
                    continue;
                }
                if (c != '\n') {
                    if (line.length() == MAX_LINE) {
                        throw new IOException("a line longer than " + MAX_LINE + " characters");
                    }
                    line.append((char) c);
                    continue;
                }
                String text = line.toString();
                line.setLength(0);
                if (text.isEmpty()) {
                    if (data != null) {
                        deliver(new Event(name == null ? "message" : name, JSON.readTree(data.toString()),
                                System.nanoTime()));
                    }
                    name = null;
                    data = null;
                } else if (text.startsWith(":") || text.startsWith("retry:")) {
                    markOpened();
                } else if (text.startsWith("event:")) {
                    name = text.substring("event:".length()).strip();
                } else if (text.startsWith("data:")) {
                    String value = text.substring("data:".length());
                    value = value.startsWith(" ") ? value.substring(1) : value;
                    data = data == null ? new StringBuilder(value) : data.append('\n').append(value);
                }
            }
            end("the node closed it");
        } catch (IOException | RuntimeException e) {
            end(e.toString());
        }
    }

    private void markOpened() {
        synchronized (events) {
            opened = true;
            events.notifyAll();
        }
    }

    private void deliver(Event event) throws IOException {
        synchronized (events) {
            if (events.size() == BACKLOG) {
                throw new IOException(BACKLOG + " events were not awaited");
            }
            opened = true;
            events.addLast(event);
            events.notifyAll();
        }
    }

    private void end(String why) {
        synchronized (events) {
            if (failure == null) {
                failure = why;
            }
            events.notifyAll();
        }
    }

    /** Closes the stream; a node that was killed has closed it already. */
    @Override
    public void close() {
        end("closed");
        try {
            body.close();
        } catch (IOException e) {
            // closing anyway
        }
    }
}
