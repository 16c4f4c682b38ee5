package org.moodhaven.sync.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.moodhaven.api.entry.Entry;
import org.moodhaven.api.event.EventTopics;
import org.moodhaven.common.json.StrictJson;
import org.moodhaven.testing.EntryGenerator;
import org.moodhaven.testing.SeedIdentity;

/**
 * Nonces of v2 frames (PROTOCOL.md 6.2): the receiver takes only the next one, all
 * 12 bytes, so a replayed, reordered or dropped frame ends the connection, as does a
 * frame whose tag does not verify. The server closes without a word and stores
 * nothing of it. Each attack hits the ENTRIES step, where the server wants the two
 * entries the attacker listed.
 */
class FrameNoncesTest {

    private final EntryGenerator gen = EntryGenerator.standard();

    @TempDir
    Path folder;

    private TestNode server;
    private SeedIdentity trusted;
    private Entry first;
    private Entry second;

    @BeforeEach
    void start() throws Exception {
        server = new TestNode(2, folder);
        server.put(gen.entry(1));
        trusted = ManualPeer.trustedDevice(11, server);
        first = gen.entry(10);
        second = gen.entry(11);
    }

    @AfterEach
    void stop() throws Exception {
        server.close();
    }

    /** A peer that has done the handshake, and the steps up to ENTRIES, where the server wants both entries. */
    private ManualPeer atEntriesStep() throws Exception {
        ManualPeer peer = ManualPeer.connect(server).handshake(trusted, server);
        assertEquals(Set.of(first.id(), second.id()), peer.toEntriesStep(List.of(first, second), List.of()));
        return peer;
    }

    @Test
    void framesInOrderAreStored() throws Exception {
        try (ManualPeer peer = atEntriesStep()) {
            peer.send(Wire.entries(false, first), Wire.entries(true, second));
            peer.receiveStep(Messages.ENTRIES);
            peer.send(Wire.done(0, 0, 1));
            Map<String, Object> ack = peer.receive();
            assertEquals(Messages.DONE_ACK, ack.get("type"));
            assertEquals("2", ((StrictJson.Number) ack.get("received")).literal());
            peer.assertClosedWithoutAWord();
        }
        assertEquals(EventTopics.SYNC_COMPLETED, server.awaitSessionEnd().getTopic());
        assertEquals(3, server.digest().size());
    }

    enum Attack {
        /** The frame before ENTRIES (WANT) again, in place of ENTRIES. */
        REPLAYED,
        /** The two ENTRIES frames, second first. */
        REORDERED,
        /** The first ENTRIES frame left out. */
        DROPPED,
        /** The right counter, but a non-zero byte in the top 4 bytes of the nonce. */
        HIGH_NONCE_BYTES,
        /** One bit of the ciphertext flipped. */
        TAMPERED
    }

    @ParameterizedTest
    @EnumSource(Attack.class)
    void aFrameWithAnotherNonceThanTheNextOrABadTagEndsTheConnectionWithoutAWord(Attack attack) throws Exception {
        Map<String, String> before = server.digest();
        try (ManualPeer peer = atEntriesStep()) {
            byte[] both = Wire.entries(true, first, second);
            switch (attack) {
                case REPLAYED -> peer.writeFrames(peer.lastSent());
                case REORDERED -> {
                    byte[] one = peer.seal(Wire.entries(false, first));
                    byte[] two = peer.seal(Wire.entries(true, second));
                    peer.writeFrames(two, one);
                }
                case DROPPED -> {
                    peer.seal(Wire.entries(false, first));
                    peer.writeFrames(peer.seal(Wire.entries(true, second)));
                }
                case HIGH_NONCE_BYTES -> {
                    byte[] next = peer.seal(new byte[0]); // only to learn the counter the server expects
                    long counter = ByteBuffer.wrap(next, 4, 8).getLong();
                    byte[] nonce = ByteBuffer.allocate(12).putInt(1).putLong(counter).array();
                    peer.writeFrames(peer.sealWithNonce(nonce, both));
                }
                case TAMPERED -> {
                    byte[] body = peer.seal(both);
                    body[body.length / 2] ^= 0x01;
                    peer.writeFrames(body);
                }
                default -> throw new IllegalArgumentException(attack.name());
            }
            peer.assertClosedWithoutAWord();
        }
        assertEquals(EventTopics.SYNC_FAILED, server.awaitSessionEnd().getTopic());
        assertEquals(before, server.digest());
    }

    @Test
    void anAuthWithNonce1InsteadOf0IsClosedWithoutAWord() throws Exception {
        try (ManualPeer peer = ManualPeer.connect(server)) {
            peer.sendHello(peer.hello(trusted));
            peer.readServerHello();
            peer.deriveKeys(trusted, server.identity);
            peer.writeFrames(peer.sealWithNonce(FrameCipher.Counter.nonce(1),
                    peer.auth(trusted, Handshake.LABEL_CLIENT)));
            peer.assertClosedWithoutAWord();
        }
    }
}
