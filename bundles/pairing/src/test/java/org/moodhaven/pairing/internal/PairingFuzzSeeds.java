package org.moodhaven.pairing.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Writes the seed corpus of {@link PairingFuzzTest}: the bodies of one real exchange
 * between {@link SeededPairing}'s A and B (every later instance replays it, so each is a
 * valid step), plus edge cases. Run from the module folder when a body's format changes:
 * {@code java -cp <test classpath> org.moodhaven.pairing.internal.PairingFuzzSeeds}.
 */
final class PairingFuzzSeeds {

    private static final Path INPUTS = Path.of("src/test/resources/org/moodhaven/pairing/internal/PairingFuzzTestInputs");

    private PairingFuzzSeeds() {
    }

    public static void main(String[] args) throws Exception {
        SeededPairing pairing = new SeededPairing();
        byte[] round1 = pairing.guest.round1Request();
        byte[] round1Answer = SeededPairing.ok(pairing.host.round1(round1));
        byte[] round2 = pairing.guest.onRound1Answer(round1Answer);
        byte[] round2Answer = SeededPairing.ok(pairing.host.round2(round2));
        byte[] confirm = pairing.guest.onRound2Answer(round2Answer);
        byte[] confirmAnswer = SeededPairing.ok(pairing.host.confirm(confirm));
        pairing.guest.onConfirmAnswer(confirmAnswer);
        byte[] result = pairing.guest.resultRequest();

        seeds("hostReadsRound1", round1);
        seeds("hostReadsRound2", round2);
        seeds("hostReadsConfirm", confirm);
        seeds("hostReadsResult", result);
        seeds("guestReadsRound1Answer", round1Answer);
        seeds("guestReadsRound2Answer", round2Answer);
        seeds("guestReadsConfirmAnswer", confirmAnswer);
        System.out.println("seeds written under " + INPUTS.toAbsolutePath());
    }

    /** The real body, and the same body broken in the ways a hostile peer would try first. */
    private static void seeds(String method, byte[] real) throws IOException {
        Path dir = Files.createDirectories(INPUTS.resolve(method));
        String text = new String(real, StandardCharsets.UTF_8);
        write(dir, "real", text);
        write(dir, "empty-object", "{}");
        write(dir, "not-an-object", "[]");
        write(dir, "with-bom", "\uFEFF" + text);
        write(dir, "duplicate-member", text.replaceFirst("\\{\"", "{\"x\":1,\"x\":2,\""));
        write(dir, "cut-short", text.substring(0, text.length() / 2));
        write(dir, "digit-changed", changeLastDigit(text));
        write(dir, "attempt-a-number", text.replaceFirst("\"attempt\":\"[^\"]*\"", "\"attempt\":12"));
        if (text.contains("\"macTag\":\"")) {
            int at = text.indexOf("\"macTag\":\"") + "\"macTag\":\"".length();
            char first = text.charAt(at);
            write(dir, "mac-tag-changed", text.substring(0, at) + (first == 'A' ? 'B' : 'A') + text.substring(at + 1));
        }
        write(dir, "nested-deeply", "{\"a\":" + "[".repeat(100) + "]".repeat(100) + "}");
    }

    /** A digit of the last number-like field changed: a proof, MAC or ciphertext that no longer verifies. */
    private static String changeLastDigit(String text) {
        for (int i = text.length() - 1; i >= 0; i--) {
            char c = text.charAt(i);
            if (c >= '0' && c <= '8') {
                return text.substring(0, i) + (char) (c + 1) + text.substring(i + 1);
            }
        }
        return text;
    }

    private static void write(Path dir, String name, String content) throws IOException {
        Files.writeString(dir.resolve(name), content, StandardCharsets.UTF_8);
    }
}
