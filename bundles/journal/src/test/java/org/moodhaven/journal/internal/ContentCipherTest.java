package org.moodhaven.journal.internal;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.moodhaven.api.crypto.AesGcm;
import org.moodhaven.api.crypto.CryptoProvider;
import org.moodhaven.crypto.bc.internal.BouncyCastleCryptoProvider;
import org.moodhaven.crypto.jdk.internal.JdkCryptoProvider;
import org.moodhaven.testing.Configs;
import org.moodhaven.testing.TestVectors;

/**
 * The content format of PROTOCOL.md section 7 against the {@code /content} vector of
 * test-vectors.json, on both providers. The PBKDF2 step of the vector is checked
 * through the journal in {@link PasswordJournalTest}, where it is paid for once.
 */
class ContentCipherTest {

    private static final byte[] KEY = TestVectors.hex("/content/keyHex");
    private static final String ENTRY_ID = TestVectors.text("/content/entryId");
    private static final String PLAINTEXT = TestVectors.text("/content/plaintext");

    static Stream<CryptoProvider> providers() {
        return Stream.of(new JdkCryptoProvider(Configs.of(JdkCryptoProvider.Config.class)),
                new BouncyCastleCryptoProvider(Configs.of(BouncyCastleCryptoProvider.Config.class)));
    }

    private static Map<String, String> vectorContent() {
        Map<String, String> content = new LinkedHashMap<>();
        TestVectors.root().at("/content/content").properties()
                .forEach(member -> content.put(member.getKey(), member.getValue().asText()));
        return content;
    }

    private static byte[] b64(String text) {
        return Base64.getDecoder().decode(text);
    }

    @Test
    void theIterationCountAndSaltSizeAreTheProtocols() {
        assertEquals(TestVectors.root().at("/content/iterations").asInt(), ContentCipher.PBKDF2_ITERATIONS);
        assertEquals(16, b64(TestVectors.text("/content/content/salt")).length);
        assertEquals(16, ContentCipher.SALT_BYTES);
        assertEquals(32, KEY.length);
    }

    @Test
    void associatedDataIsThePrefixAndTheEntryId() {
        assertEquals(TestVectors.text("/content/associatedData"),
                new String(ContentCipher.associatedData(ENTRY_ID), UTF_8));
    }

    @ParameterizedTest
    @MethodSource("providers")
    void aesGcmWithTheVectorsKeyIvAndAssociatedDataGivesTheVectorsData(CryptoProvider crypto) {
        byte[] iv = b64(TestVectors.text("/content/content/iv"));
        byte[] sealed = crypto.aesGcm(KEY).seal(iv, PLAINTEXT.getBytes(UTF_8), ContentCipher.associatedData(ENTRY_ID));
        assertArrayEquals(b64(TestVectors.text("/content/content/data")), sealed);
    }

    @ParameterizedTest
    @MethodSource("providers")
    void encryptWithTheVectorsIvReproducesTheVectorsContentExactly(CryptoProvider crypto) {
        RecordingCryptoProvider fixedIv = new RecordingCryptoProvider(crypto);
        fixedIv.handOutNext(b64(TestVectors.text("/content/content/iv")));

        Map<String, String> content = ContentCipher.encrypt(fixedIv, KEY, TestVectors.text("/content/content/salt"),
                ENTRY_ID, PLAINTEXT);

        assertEquals(vectorContent(), content);
        assertEquals(List.of("iv", "data", "salt"), List.copyOf(content.keySet()));
    }

    @ParameterizedTest
    @MethodSource("providers")
    void decryptOfTheVectorsContentGivesThePlaintext(CryptoProvider crypto) {
        assertEquals(Optional.of(PLAINTEXT), ContentCipher.decrypt(crypto, KEY, ENTRY_ID, vectorContent()));
    }

    @Test
    void encryptUsesAFreshIvEachTimeAndDecryptReadsItBack() {
        CryptoProvider crypto = providers().findFirst().orElseThrow();
        Map<String, String> first = ContentCipher.encrypt(crypto, KEY, "c2FsdA==", "e1", "same text");
        Map<String, String> second = ContentCipher.encrypt(crypto, KEY, "c2FsdA==", "e1", "same text");

        assertEquals(AesGcm.NONCE_LENGTH, b64(first.get("iv")).length);
        assertEquals("same text".length() + AesGcm.TAG_LENGTH, b64(first.get("data")).length);
        assertEquals("c2FsdA==", first.get("salt"));
        assertNotEquals(first.get("iv"), second.get("iv"));
        assertNotEquals(first.get("data"), second.get("data"));
        assertEquals(Optional.of("same text"), ContentCipher.decrypt(crypto, KEY, "e1", first));
        assertEquals(Optional.of("same text"), ContentCipher.decrypt(crypto, KEY, "e1", second));
    }

    @Test
    void contentThatWasMovedTamperedWithOrIsMalformedDoesNotDecrypt() {
        CryptoProvider crypto = providers().findFirst().orElseThrow();
        Map<String, String> good = vectorContent();
        byte[] data = b64(good.get("data"));
        data[0] ^= 1;
        byte[] otherKey = KEY.clone();
        otherKey[31] ^= 1;

        assertEquals(Optional.empty(), ContentCipher.decrypt(crypto, KEY, "entry-0002", good), "moved to another id");
        assertEquals(Optional.empty(), ContentCipher.decrypt(crypto, otherKey, ENTRY_ID, good), "another key");
        assertEquals(Optional.empty(), ContentCipher.decrypt(crypto, KEY, ENTRY_ID,
                with(good, "data", Base64.getEncoder().encodeToString(data))), "a flipped bit");
        assertEquals(Optional.empty(), ContentCipher.decrypt(crypto, KEY, ENTRY_ID,
                with(good, "iv", Base64.getEncoder().encodeToString(new byte[11]))), "an 11-byte iv");
        assertEquals(Optional.empty(), ContentCipher.decrypt(crypto, KEY, ENTRY_ID,
                with(good, "data", Base64.getEncoder().encodeToString(new byte[15]))), "shorter than a tag");
        assertEquals(Optional.empty(), ContentCipher.decrypt(crypto, KEY, ENTRY_ID,
                with(good, "data", "not base64!")), "data not base64");
        Map<String, String> noIv = new LinkedHashMap<>(good);
        noIv.remove("iv");
        assertEquals(Optional.empty(), ContentCipher.decrypt(crypto, KEY, ENTRY_ID, noIv), "no iv");
    }

    @Test
    void ciphertextOfBytesThatAreNotUtf8DoesNotDecrypt() {
        CryptoProvider crypto = providers().findFirst().orElseThrow();
        byte[] iv = new byte[AesGcm.NONCE_LENGTH];
        byte[] sealed = crypto.aesGcm(KEY).seal(iv, new byte[] {(byte) 0xC3, (byte) 0x28},
                ContentCipher.associatedData("e1"));
        Map<String, String> content = Map.of("iv", Base64.getEncoder().encodeToString(iv),
                "data", Base64.getEncoder().encodeToString(sealed), "salt", "c2FsdA==");

        assertEquals(Optional.empty(), ContentCipher.decrypt(crypto, KEY, "e1", content));
    }

    @Test
    void textWithALoneSurrogateIsRefusedBeforeEncrypting() {
        CryptoProvider crypto = providers().findFirst().orElseThrow();
        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
                () -> ContentCipher.encrypt(crypto, KEY, "c2FsdA==", "e1", "half a pair \uD83C"));
        assertTrue(refused.getMessage().contains("not valid Unicode"), refused.getMessage());
    }

    @Test
    void saltOfAcceptsOnlyBase64OfASensibleLength() {
        assertArrayEquals(b64(TestVectors.text("/content/content/salt")),
                ContentCipher.saltOf(vectorContent()).orElseThrow());
        assertEquals(8, ContentCipher.saltOf(Map.of("salt", Base64.getEncoder().encodeToString(new byte[8])))
                .orElseThrow().length);
        assertEquals(64, ContentCipher.saltOf(Map.of("salt", Base64.getEncoder().encodeToString(new byte[64])))
                .orElseThrow().length);
        assertTrue(ContentCipher.saltOf(Map.of()).isEmpty());
        assertTrue(ContentCipher.saltOf(Map.of("salt", "***")).isEmpty());
        assertTrue(ContentCipher.saltOf(Map.of("salt", Base64.getEncoder().encodeToString(new byte[7]))).isEmpty());
        assertTrue(ContentCipher.saltOf(Map.of("salt", Base64.getEncoder().encodeToString(new byte[65]))).isEmpty());
    }

    private static Map<String, String> with(Map<String, String> content, String name, String value) {
        Map<String, String> changed = new LinkedHashMap<>(content);
        changed.put(name, value);
        return changed;
    }
}
