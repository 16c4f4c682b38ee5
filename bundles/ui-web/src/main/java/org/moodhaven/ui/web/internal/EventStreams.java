package org.moodhaven.ui.web.internal;

import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The open event streams and what each has yet to send. Bounded on both sides: at most
 * {@code maxStreams} streams at once, and at most {@code capacity} events waiting per
 * stream; a client that falls that far behind is dropped (its page reconnects and
 * reloads what it shows) instead of making the node hold events for it.
 */
final class EventStreams {

    private final int maxStreams;
    private final int capacity;
    private final List<Stream> open = new CopyOnWriteArrayList<>();
    private final Object slots = new Object();
    private boolean closed;

    /**
     * @param maxStreams most streams open at once
     * @param capacity   most events waiting to be sent on one stream
     */
    EventStreams(int maxStreams, int capacity) {
        if (maxStreams < 1 || capacity < 1) {
            throw new IllegalArgumentException("maxStreams and capacity must be at least 1");
        }
        this.maxStreams = maxStreams;
        this.capacity = capacity;
    }

    /** @return a new stream, or {@code null} when {@code maxStreams} are open or all were closed for good */
    Stream open() {
        synchronized (slots) {
            if (closed || open.size() >= maxStreams) {
                return null;
            }
            Stream stream = new Stream();
            open.add(stream);
            return stream;
        }
    }

    /** Queues an event on every open stream; a stream with no room left is closed. */
    void publish(String event) {
        for (Stream stream : open) {
            stream.offer(event);
        }
    }

    /** Closes every stream and opens no more (the component is deactivated). */
    void closeAll() {
        synchronized (slots) {
            closed = true;
        }
        for (Stream stream : open) {
            stream.close();
        }
    }

    /** @return how many streams hold a slot */
    int size() {
        return open.size();
    }

    /** One client's stream: events wait here until its writer sends them. */
    final class Stream {
        private final ReentrantLock lock = new ReentrantLock();
        private final Condition changed = lock.newCondition();
        private final ArrayDeque<String> waiting = new ArrayDeque<>();
        private boolean closed;
        private boolean overflowed;

        private Stream() {
        }

        private void offer(String event) {
            lock.lock();
            try {
                if (closed) {
                    return;
                }
                if (waiting.size() >= capacity) {
                    overflowed = true;
                    closeLocked();
                    return;
                }
                waiting.add(event);
                changed.signalAll();
            } finally {
                lock.unlock();
            }
        }

        /**
         * Waits for what to send next.
         *
         * @param timeout the heartbeat interval
         * @param unit    its unit
         * @return the next event; {@link ServerSentEvents#HEARTBEAT} when none came in time; {@code null}
         *         once the stream is closed (events still waiting are not sent)
         * @throws InterruptedException if the writer is interrupted
         */
        String next(long timeout, TimeUnit unit) throws InterruptedException {
            long nanos = unit.toNanos(timeout);
            lock.lock();
            try {
                while (!closed && waiting.isEmpty()) {
                    if (nanos <= 0) {
                        return ServerSentEvents.HEARTBEAT;
                    }
                    nanos = changed.awaitNanos(nanos);
                }
                return closed ? null : waiting.poll();
            } finally {
                lock.unlock();
            }
        }

        /** @return whether this stream was dropped because its client fell behind */
        boolean overflowed() {
            lock.lock();
            try {
                return overflowed;
            } finally {
                lock.unlock();
            }
        }

        /** @return whether the stream is closed */
        boolean isClosed() {
            lock.lock();
            try {
                return closed;
            } finally {
                lock.unlock();
            }
        }

        /**
         * Stops the stream; its writer gets {@code null} from {@link #next}. The slot is freed by
         * {@link #release}, once the writer has let go of the connection.
         */
        void close() {
            lock.lock();
            try {
                closeLocked();
            } finally {
                lock.unlock();
            }
        }

        private void closeLocked() {
            closed = true;
            waiting.clear();
            changed.signalAll();
        }

        /** Closes the stream and frees its slot: called by its writer when it is done with the connection. */
        void release() {
            close();
            open.remove(this);
        }
    }
}
