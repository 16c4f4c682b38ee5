package org.moodhaven.ui.web.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

class EventStreamsTest {

    @Test
    void eventsReachEveryOpenStreamInOrder() throws InterruptedException {
        EventStreams streams = new EventStreams(8, 4);
        EventStreams.Stream first = streams.open();
        EventStreams.Stream second = streams.open();
        streams.publish("a");
        streams.publish("b");
        for (EventStreams.Stream stream : List.of(first, second)) {
            assertEquals("a", stream.next(0, TimeUnit.MILLISECONDS));
            assertEquals("b", stream.next(0, TimeUnit.MILLISECONDS));
        }
    }

    @Test
    void aQuietStreamGetsAHeartbeat() throws InterruptedException {
        EventStreams.Stream stream = new EventStreams(1, 1).open();
        assertEquals(ServerSentEvents.HEARTBEAT, stream.next(1, TimeUnit.MILLISECONDS));
    }

    @Test
    void aWaitingWriterWakesForAnEvent() throws Exception {
        EventStreams streams = new EventStreams(1, 4);
        EventStreams.Stream stream = streams.open();
        CompletableFuture<String> next = CompletableFuture.supplyAsync(() -> {
            try {
                return stream.next(1, TimeUnit.MINUTES);
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        streams.publish("a");
        assertEquals("a", next.get(30, TimeUnit.SECONDS));
    }

    @Test
    void noMoreThanMaxStreamsAreOpenAndAReleasedOneFreesItsSlot() {
        EventStreams streams = new EventStreams(3, 4);
        List<EventStreams.Stream> open = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            EventStreams.Stream stream = streams.open();
            assertNotNull(stream);
            open.add(stream);
        }
        assertNull(streams.open(), "a fourth stream is refused");
        open.get(0).close();
        assertNull(streams.open(), "a closed stream keeps its slot until its writer lets go of the connection");
        open.get(0).release();
        assertEquals(2, streams.size());
        assertNotNull(streams.open());
    }

    @Test
    void aStreamThatFallsBehindIsDroppedWithoutHoldingUpTheOthers() throws InterruptedException {
        EventStreams streams = new EventStreams(2, 3);
        EventStreams.Stream slow = streams.open();
        EventStreams.Stream fast = streams.open();
        for (int i = 0; i < 5; i++) {
            streams.publish("e" + i);
            assertEquals("e" + i, fast.next(0, TimeUnit.MILLISECONDS));
        }
        assertTrue(slow.overflowed());
        assertTrue(slow.isClosed());
        assertNull(slow.next(0, TimeUnit.MILLISECONDS), "its backlog is discarded, not sent");
        assertFalse(fast.overflowed());
        slow.release();
        assertEquals(1, streams.size());
    }

    @Test
    void closeAllWakesTheWritersAndOpensNoMore() throws Exception {
        EventStreams streams = new EventStreams(2, 2);
        EventStreams.Stream stream = streams.open();
        CompletableFuture<String> next = CompletableFuture.supplyAsync(() -> {
            try {
                return stream.next(1, TimeUnit.MINUTES);
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        streams.closeAll();
        assertNull(next.get(30, TimeUnit.SECONDS));
        assertNull(streams.open());
        assertFalse(stream.overflowed());
    }

    @Test
    void boundsMustBePositive() {
        assertThrows(IllegalArgumentException.class, () -> new EventStreams(0, 1));
        assertThrows(IllegalArgumentException.class, () -> new EventStreams(1, 0));
    }
}
