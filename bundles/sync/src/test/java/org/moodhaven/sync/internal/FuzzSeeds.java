package org.moodhaven.sync.internal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.moodhaven.api.crypto.CryptoProvider;
import org.moodhaven.api.entry.CanonicalJson;
import org.moodhaven.api.entry.Entry;
import org.moodhaven.api.entry.EntryHash;
import org.moodhaven.api.identity.DeviceIds;
import org.moodhaven.crypto.jdk.internal.JdkCryptoProvider;
import org.moodhaven.testing.Configs;

/**
 * Writes the seed corpus of the sync fuzz tests: real messages from the same
 * encoders the node uses ({@link Messages}, {@link CanonicalJson}, {@link FrameCipher}),
 * plus edge cases. Run once from the module folder when a message format changes:
 * {@code java -cp <test classpath> org.moodhaven.sync.internal.FuzzSeeds}; the files are
 * committed, and inputs that once failed are kept beside them.
 */
final class FuzzSeeds {

    private static final CryptoProvider CRYPTO = new JdkCryptoProvider(Configs.of(JdkCryptoProvider.Config.class));
    private static final Path INPUTS = Path.of("src/test/resources/org/moodhaven/sync/internal");

    private FuzzSeeds() {
    }

    public static void main(String[] args) throws IOException {
        frameReader();
        handshake();
        session();
        entries();
        System.out.println("seeds written under " + INPUTS.toAbsolutePath());
    }

    private static void frameReader() throws IOException {
        Path plain = dir("FrameReaderFuzzTest", "plainFramesWithinTheHandshakeCap");
        byte[] hello = Messages.hello(HandshakeFuzzTest.CLIENT.deviceId(), 2, ephemeral(7));
        write(plain, "hello-v2", stream(hello));
        write(plain, "hello-then-reject", stream(hello, Messages.reject("not_trusted",
                HandshakeFuzzTest.SERVER.deviceId(), null)));
        write(plain, "length-4096", header(4096));
        write(plain, "length-4097", header(4097));
        write(plain, "length-zero", header(0));
        write(plain, "length-2GiB", header(0x8000_0000L));
        write(plain, "length-4GiB-minus-1", header(0xFFFF_FFFFL));
        write(plain, "header-cut-short", new byte[] {0, 0, 1});
        write(plain, "body-cut-short", concat(header(100), "{\"type\":".getBytes(StandardCharsets.UTF_8)));

        Path sealed = dir("FrameReaderFuzzTest", "sealedFramesUnderAFixedSessionKey");
        FrameCipher.Counter sender = new FrameCipher.Counter(CRYPTO.aesGcm(FrameReaderFuzzTest.SESSION_KEY));
        byte[] state = sender.seal(Messages.syncState("fuzz-store", null, 0));
        byte[] want = sender.seal(Messages.want(List.of("entry-1"), true));
        write(sealed, "sync-state-then-want", stream(state, want));
        write(sealed, "sync-state", stream(state));
        write(sealed, "want-out-of-order", stream(want));
        byte[] tampered = state.clone();
        tampered[tampered.length - 1] ^= 1;
        write(sealed, "tag-flipped", stream(tampered));
        write(sealed, "shorter-than-28", stream(new byte[27]));
        write(sealed, "length-16MiB-plus-1", header(FramedConnection.SESSION_CAP + 1L));
        write(sealed, "length-2GiB", header(0x8000_0000L));
        write(sealed, "length-zero", header(0));
    }

    private static void handshake() throws IOException {
        Path server = dir("HandshakeFuzzTest", "serverReadsAClientHello");
        String client = HandshakeFuzzTest.CLIENT.deviceId();
        byte[] hello = Messages.hello(client, 2, ephemeral(2));
        write(server, "hello-v2-trusted", hello);
        write(server, "hello-v1-legacy-device", Messages.hello(HandshakeFuzzTest.V1_CLIENT.deviceId(), 1, null));
        write(server, "hello-v1-from-a-v2-device", Messages.hello(client, 1, null));
        write(server, "hello-busy-device", Messages.hello(HandshakeFuzzTest.BUSY_CLIENT.deviceId(), 2, ephemeral(4)));
        write(server, "hello-stranger", Messages.hello(stranger(), 2, ephemeral(5)));
        write(server, "hello-servers-own-id", Messages.hello(HandshakeFuzzTest.SERVER.deviceId(), 2, ephemeral(6)));
        write(server, "hello-version-3", Messages.hello(client, 3, ephemeral(2)));
        String text = new String(hello, StandardCharsets.UTF_8);
        write(server, "hello-version-2.0", text.replace("\"protocolVersion\":2", "\"protocolVersion\":2.0"));
        write(server, "hello-version-huge", text.replace("\"protocolVersion\":2",
                "\"protocolVersion\":99999999999999999999"));
        write(server, "hello-no-ephemeral", Messages.hello(client, 2, null));
        write(server, "hello-zero-ephemeral", Messages.hello(client, 2, DeviceIds.base64Url(new byte[32])));
        write(server, "hello-short-ephemeral", Messages.hello(client, 2, DeviceIds.base64Url(new byte[31])));
        write(server, "hello-ephemeral-not-b64url", Messages.hello(client, 2, "+/+/"));
        write(server, "hello-duplicate-member", text.replace("{\"type\":\"HELLO\"",
                "{\"type\":\"HELLO\",\"type\":\"HELLO\""));
        write(server, "hello-with-bom", concat(new byte[] {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF}, hello));
        write(server, "hello-4097-bytes", text.substring(0, text.length() - 1) + ",\"padding\":\""
                + "x".repeat(4097 - text.length() - 13) + "\"}");
        write(server, "nested-arrays", "{\"type\":\"HELLO\",\"x\":" + "[".repeat(40) + "]".repeat(40) + "}");
        write(server, "not-an-object", "[\"HELLO\"]");
        write(server, "auth-first", Messages.auth("AAAA"));

        Path answers = dir("HandshakeFuzzTest", "clientReadsTheServersAnswer");
        String serverId = HandshakeFuzzTest.SERVER.deviceId();
        byte[] serverHello = Messages.hello(serverId, 2, ephemeral(1));
        write(answers, "hello-v2", serverHello);
        write(answers, "reject-not-trusted", Messages.reject("not_trusted", serverId, null));
        write(answers, "reject-unsupported-version", Messages.reject("unsupported_version", serverId, List.of(2)));
        write(answers, "reject-busy", Messages.reject("busy", serverId, null));
        write(answers, "reject-unknown-reason", Messages.reject("tired", serverId, null));
        write(answers, "hello-another-device", Messages.hello(stranger(), 2, ephemeral(1)));
        write(answers, "hello-clients-own-id", Messages.hello(client, 2, ephemeral(1)));
        write(answers, "hello-v1", Messages.hello(serverId, 1, null));
        write(answers, "hello-zero-ephemeral", Messages.hello(serverId, 2, DeviceIds.base64Url(new byte[32])));
        write(answers, "error-message", Messages.error("internal", "no"));
    }

    private static void session() throws IOException {
        Path dir = dir("SessionFuzzTest", "serverSessionReadsSealedMessages");
        Entry newer = FuzzJournal.ENTRIES.version(0, 2);
        Entry fresh = FuzzJournal.ENTRIES.entry(9);
        String state = text(Messages.syncState("fuzz-client-store", null, 0));
        String manifest = "{\"type\":\"MANIFEST\",\"seq\":5,\"entries\":[" + item(newer) + "," + item(fresh)
                + "],\"last\":true}";
        String want = text(Messages.want(List.of(FuzzJournal.ENTRIES.id(1)), true));
        String entries = "{\"type\":\"ENTRIES\",\"entries\":[" + json(newer) + "," + json(fresh)
                + "],\"last\":true}";
        String done = text(Messages.done(Messages.DONE, 1, 0, 5));
        write(dir, "whole-session", String.join("\n", state, manifest, want, entries, done));
        Entry invalid = new Entry(fresh.id(), fresh.createdAt(), fresh.updatedAt(), fresh.content(), 9,
                fresh.privacyMode(), null, false);
        write(dir, "an-invalid-entry", String.join("\n", state, manifest, want,
                entries.replace(json(fresh), json(invalid)), done));
        write(dir, "an-entry-not-wanted", String.join("\n", state, manifest, want,
                entries.replace(json(fresh), json(FuzzJournal.ENTRIES.entry(10))), done));
        write(dir, "want-unlisted-id", String.join("\n", state, manifest,
                text(Messages.want(List.of("never-listed"), true))));
        write(dir, "have-another-store", text(Messages.syncState("fuzz-client-store", "other-store", 3)));
        write(dir, "error-instead-of-manifest", String.join("\n", state, text(Messages.error("internal", "x"))));
        write(dir, "done-with-wrong-count", String.join("\n", state, manifest, want, entries,
                text(Messages.done(Messages.DONE, 7, 0, 5))));
    }

    private static void entries() throws IOException {
        // The same seeds for the merge into the memory store and into the Derby store.
        entries(dir("EntryMergeFuzzTest", "entryFromTheWireMergedIntoTheStore"));
        entries(dir("EntryMergeDerbyFuzzTest", "entryFromTheWireMergedIntoDerby"));
    }

    private static void entries(Path dir) throws IOException {
        Entry held = FuzzJournal.HELD.get(0);
        Entry fresh = FuzzJournal.ENTRIES.entry(9);
        write(dir, "new-entry", json(fresh));
        write(dir, "newer-version", json(FuzzJournal.ENTRIES.version(0, 2)));
        write(dir, "older-version", json(FuzzJournal.ENTRIES.version(0, 0)));
        write(dir, "same-version", json(held));
        String text = json(fresh);
        write(dir, "mood-0", text.replaceFirst("\"mood\":(null|[0-9])", "\"mood\":0"));
        write(dir, "mood-6", text.replaceFirst("\"mood\":(null|[0-9])", "\"mood\":6"));
        write(dir, "mood-as-string", text.replaceFirst("\"mood\":(null|[0-9])", "\"mood\":\"3\""));
        write(dir, "mood-3.0", text.replaceFirst("\"mood\":(null|[0-9])", "\"mood\":3.0"));
        write(dir, "mood-huge", text.replaceFirst("\"mood\":(null|[0-9])", "\"mood\":9007199254740991"));
        write(dir, "updated-in-the-future", text.replace(fresh.updatedAt(), "2027-01-01T00:00:00Z"));
        write(dir, "updated-not-a-timestamp", text.replace(fresh.updatedAt(), "2026-02-30T25:00:00Z"));
        write(dir, "no-salt", text.replace("\"salt\":", "\"pepper\":"));
        write(dir, "content-value-a-number", text.replaceFirst("\"iv\":\"[^\"]*\"", "\"iv\":12"));
        write(dir, "content-lone-surrogate", text.replace("\"iv\":\"", "\"iv\":\"\\ud800"));
        write(dir, "privacy-mode-upper-case", text.replace("\"privacy_mode\":\"normal\"",
                "\"privacy_mode\":\"NORMAL\""));
        write(dir, "book-id-invalid", text.replace("\"book_id\":null", "\"book_id\":\"a b\""));
        write(dir, "pinned-a-string", text.replaceFirst("\"pinned\":(true|false)", "\"pinned\":\"true\""));
        write(dir, "id-65-characters", text.replace(fresh.id(), "x".repeat(65)));
        write(dir, "unknown-field", text.replaceFirst("^\\{", "{\"colour\":\"blue\","));
    }

    private static String item(Entry entry) {
        return "{\"id\":\"" + entry.id() + "\",\"updated_at\":\"" + entry.updatedAt() + "\",\"h\":\""
                + EntryHash.of(entry) + "\"}";
    }

    private static String text(byte[] message) {
        return new String(message, StandardCharsets.UTF_8);
    }

    /** A deviceId no test node trusts. */
    private static String stranger() {
        return DeviceIds.fromPublicKey(CRYPTO.ed25519PublicKey(CRYPTO.sha256(new byte[] {99})));
    }

    // ------------------------------------------------------------------ helpers

    static String ephemeral(int n) {
        return DeviceIds.base64Url(CRYPTO.x25519PublicKey(CRYPTO.sha256(new byte[] {(byte) n})));
    }

    static Path dir(String testClass, String method) throws IOException {
        return Files.createDirectories(INPUTS.resolve(testClass + "Inputs").resolve(method));
    }

    static void write(Path dir, String name, byte[] content) throws IOException {
        Files.write(dir.resolve(name), content);
    }

    static void write(Path dir, String name, String content) throws IOException {
        write(dir, name, content.getBytes(StandardCharsets.UTF_8));
    }

    static byte[] stream(byte[]... bodies) {
        return BytesConnection.stream(List.of(bodies));
    }

    static byte[] header(long length) {
        return ByteBuffer.allocate(4).putInt((int) length).array();
    }

    static byte[] concat(byte[]... parts) {
        List<Byte> all = new ArrayList<>();
        for (byte[] part : parts) {
            for (byte b : part) {
                all.add(b);
            }
        }
        byte[] out = new byte[all.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = all.get(i);
        }
        return out;
    }

    static String json(Entry entry) {
        return CanonicalJson.of(entry);
    }
}
