package org.moodhaven.pairing.internal;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

import org.junit.jupiter.api.Test;
import org.moodhaven.api.identity.DeviceIdentity;
import org.moodhaven.api.identity.DeviceIds;
import org.moodhaven.api.identity.TrustedDevice;
import org.moodhaven.testing.SeedIdentity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class SealedIdentityTest {

    private final SeedIdentity a = SeedIdentity.numbered(1, "Ken's MacBook", Devices.CRYPTO);
    private final SeedIdentity b = SeedIdentity.numbered(2, "Ken's phone", Devices.CRYPTO);
    private final SeedIdentity c = SeedIdentity.numbered(3, "Mallory", Devices.CRYPTO);
    private final PairingKeys keys = PairingKeys.derive(new BigInteger(3000, Devices.RANDOM), Devices.CRYPTO);
    private final Map<String, TrustedDevice> trustedOnB = new HashMap<>();

    private IdentityChecks onB(Optional<String> expected, Optional<String> fp) {
        return new IdentityChecks(b.deviceId(), expected, fp, id -> Optional.ofNullable(trustedOnB.get(id)));
    }

    private SealedIdentity sealedByA(DeviceIdentity identity, String sender) {
        return SealedIdentity.seal(identity, OptionalInt.of(44701), keys.sealA(), keys.bind(), sender, b.deviceId(), Devices.CRYPTO);
    }

    private PeerIdentity openOnB(SealedIdentity sealed, String partner, IdentityChecks checks)
            throws IdentityRefusedException {
        return sealed.open(keys.sealA(), keys.bind(), partner, checks, Devices.CRYPTO);
    }

    private IdentityProblem refusal(SealedIdentity sealed, String partner, IdentityChecks checks) {
        return assertThrows(IdentityRefusedException.class, () -> openOnB(sealed, partner, checks)).problem();
    }

    @Test
    void opensAVerifiedIdentityThroughItsJsonForm() throws Exception {
        SealedIdentity sealed = sealedByA(a, a.deviceId());
        SealedIdentity wire = SealedIdentity.decode(PairingJson.parseObject(
                sealed.toJson().getBytes(StandardCharsets.UTF_8)));
        String fp = DeviceIds.base64Url(Devices.CRYPTO.sha256(a.publicKey()));
        PeerIdentity peer = openOnB(wire, a.deviceId(), onB(Optional.of(a.deviceId()), Optional.of(fp)));
        assertEquals(new PeerIdentity(a.deviceId(), "Ken's MacBook", a.publicKeyBase64(), OptionalInt.of(44701)), peer);
    }

    /** A's identity as JSON whose last member is {@code syncPortMember} as written (or none), genuinely signed. */
    private SealedIdentity sealedJsonByA(String syncPortMember) {
        byte[] context = "moodhaven-pair-v2 identity".getBytes(StandardCharsets.US_ASCII);
        byte[] signed = java.util.Arrays.copyOf(context, context.length + keys.bind().length);
        System.arraycopy(keys.bind(), 0, signed, context.length, keys.bind().length);
        String json = "{\"deviceId\":\"" + a.deviceId() + "\",\"deviceName\":\"Ken's MacBook\",\"publicKey\":\""
                + a.publicKeyBase64() + "\",\"sig\":\"" + DeviceIds.base64Url(a.sign(signed)) + "\""
                + (syncPortMember == null ? "" : ",\"syncPort\":" + syncPortMember) + "}";
        return SealedIdentity.sealJson(json.getBytes(StandardCharsets.UTF_8), keys.sealA(), a.deviceId(),
                b.deviceId(), Devices.CRYPTO);
    }

    @Test
    void readsTheSyncPortAndAcceptsAnIdentityWithoutOneFromAnOlderDevice() throws Exception {
        IdentityChecks checks = onB(Optional.empty(), Optional.empty());
        assertEquals(OptionalInt.of(44701), openOnB(sealedJsonByA("44701"), a.deviceId(), checks).syncPort());
        assertEquals(OptionalInt.of(1), openOnB(sealedJsonByA("1"), a.deviceId(), checks).syncPort());
        assertEquals(OptionalInt.of(65535), openOnB(sealedJsonByA("65535"), a.deviceId(), checks).syncPort());
        PeerIdentity older = openOnB(sealedJsonByA(null), a.deviceId(), checks);
        assertEquals(OptionalInt.empty(), older.syncPort());
        assertEquals(Optional.empty(), older.syncAddress(Optional.of("192.168.1.20")),
                "no port, no address: the first sync falls back to discovery or the derived port");
        // What this side seals reads back the same.
        assertEquals(OptionalInt.empty(), openOnB(SealedIdentity.seal(a, OptionalInt.empty(), keys.sealA(),
                keys.bind(), a.deviceId(), b.deviceId(), Devices.CRYPTO), a.deviceId(), checks).syncPort());
    }

    @Test
    void refusesASyncPortOutOfRangeOrOfTheWrongTypeWithItsOwnReason() {
        IdentityChecks checks = onB(Optional.empty(), Optional.empty());
        String[] bad = {"0", "65536", "-1", "4294967297", "99999999999999999999", "44701.0", "4.4701e4", "\"44701\"",
            "true", "null", "[44701]", "{\"port\":44701}"};
        for (String value : bad) {
            IdentityRefusedException refused = assertThrows(IdentityRefusedException.class,
                    () -> openOnB(sealedJsonByA(value), a.deviceId(), checks), value);
            assertEquals(IdentityProblem.BAD_SYNC_PORT, refused.problem(), value);
            assertEquals("the sync port it gives is not a number from 1 to 65535",
                    refused.problem().description());
        }
    }

    @Test
    void sealsOnlyARealPort() {
        assertThrows(IllegalArgumentException.class, () -> SealedIdentity.seal(a, OptionalInt.of(0), keys.sealA(),
                keys.bind(), a.deviceId(), b.deviceId(), Devices.CRYPTO));
        assertThrows(IllegalArgumentException.class, () -> SealedIdentity.seal(a, OptionalInt.of(65_536),
                keys.sealA(), keys.bind(), a.deviceId(), b.deviceId(), Devices.CRYPTO));
    }

    @Test
    void eachSealUsesAFreshNonce() {
        assertEquals(12, sealedByA(a, a.deviceId()).nonce().length);
        assertEquals(false, java.util.Arrays.equals(sealedByA(a, a.deviceId()).nonce(),
                sealedByA(a, a.deviceId()).nonce()));
    }

    @Test
    void refusesTheWrongKeyOrDirection() {
        SealedIdentity sealed = sealedByA(a, a.deviceId());
        assertEquals(IdentityProblem.SEAL_BROKEN, assertThrows(IdentityRefusedException.class,
                () -> sealed.open(keys.sealB(), keys.bind(), a.deviceId(), onB(Optional.empty(), Optional.empty()),
                        Devices.CRYPTO)).problem());
        // Associated data binds the direction: the same seal claimed as coming from C does not open.
        assertEquals(IdentityProblem.SEAL_BROKEN, refusal(sealed, c.deviceId(), onB(Optional.empty(), Optional.empty())));
    }

    @Test
    void refusesAKeyThatDoesNotHashToTheDeviceId() {
        DeviceIdentity lying = new Claiming(c, a.deviceId(), c.deviceName());
        assertEquals(IdentityProblem.KEY_NOT_DEVICE_ID,
                refusal(sealedByA(lying, a.deviceId()), a.deviceId(), onB(Optional.empty(), Optional.empty())));
    }

    @Test
    void refusesOwnDeviceId() {
        SealedIdentity sealed = sealedByA(b, b.deviceId());
        assertEquals(IdentityProblem.IS_SELF, refusal(sealed, b.deviceId(), onB(Optional.empty(), Optional.empty())));
    }

    @Test
    void refusesAnIdentityThatIsNotTheJpakePartner() {
        // C ran J-PAKE, then reveals A's (genuinely signed) identity.
        SealedIdentity sealed = sealedByA(a, c.deviceId());
        assertEquals(IdentityProblem.NOT_PARTNER, refusal(sealed, c.deviceId(), onB(Optional.empty(), Optional.empty())));
    }

    @Test
    void refusesASignatureOverAnotherBind() {
        byte[] otherBind = new byte[32];
        SealedIdentity sealed = SealedIdentity.seal(a, OptionalInt.empty(), keys.sealA(), otherBind, a.deviceId(), b.deviceId(),
                Devices.CRYPTO);
        assertEquals(IdentityProblem.BAD_SIGNATURE, refusal(sealed, a.deviceId(), onB(Optional.empty(), Optional.empty())));
    }

    @Test
    void refusesAnInvalidName() {
        DeviceIdentity badName = new Claiming(a, a.deviceId(), "evil\u202Eexe.txt");
        assertEquals(IdentityProblem.BAD_NAME,
                refusal(sealedByA(badName, a.deviceId()), a.deviceId(), onB(Optional.empty(), Optional.empty())));
    }

    @Test
    void refusesADeviceIdTrustedUnderAnotherKeyButNotTheSameKey() throws Exception {
        SealedIdentity sealed = sealedByA(a, a.deviceId());
        trustedOnB.put(a.deviceId(), new TrustedDevice(a.deviceId(), "old", c.publicKeyBase64(), Instant.EPOCH, null,
                null));
        assertEquals(IdentityProblem.TRUSTED_UNDER_OTHER_KEY,
                refusal(sealed, a.deviceId(), onB(Optional.empty(), Optional.empty())));
        trustedOnB.put(a.deviceId(), Devices.trusted(a));
        assertEquals(a.deviceId(), openOnB(sealed, a.deviceId(), onB(Optional.empty(), Optional.empty())).deviceId());
    }

    @Test
    void refusesAnUnexpectedDevice() {
        assertEquals(IdentityProblem.UNEXPECTED_DEVICE, refusal(sealedByA(a, a.deviceId()), a.deviceId(),
                onB(Optional.of(c.deviceId()), Optional.empty())));
    }

    @Test
    void refusesAKeyThatDoesNotMatchTheQrFingerprint() {
        String fpOfC = DeviceIds.base64Url(Devices.CRYPTO.sha256(c.publicKey()));
        assertEquals(IdentityProblem.FINGERPRINT_MISMATCH, refusal(sealedByA(a, a.deviceId()), a.deviceId(),
                onB(Optional.empty(), Optional.of(fpOfC))));
        assertEquals(IdentityProblem.FINGERPRINT_MISMATCH, refusal(sealedByA(a, a.deviceId()), a.deviceId(),
                onB(Optional.empty(), Optional.of("not a fingerprint"))));
    }

    @Test
    void refusesMalformedSealedObjects() {
        String[] bad = {"{\"nonce\":\"AAAAAAAAAAAAAAAA\"}", "{\"nonce\":\"AAAA\",\"sealed\":\"" + "A".repeat(40) + "\"}",
            "{\"nonce\":\"AAAAAAAAAAAAAAAA\",\"sealed\":\"AAAA\"}", "{\"nonce\":1,\"sealed\":\"" + "A".repeat(40) + "\"}",
            "{\"nonce\":\"AAAAAAAAAAAAAAAA\",\"sealed\":\"" + "A".repeat(4000) + "\"}"};
        for (String json : bad) {
            assertThrows(MalformedMessage.class,
                    () -> SealedIdentity.decode(PairingJson.parseObject(json.getBytes(StandardCharsets.UTF_8))), json);
        }
    }

    /** A real key that claims another deviceId or name. */
    private static final class Claiming implements DeviceIdentity {
        private final SeedIdentity key;
        private final String deviceId;
        private final String name;

        Claiming(SeedIdentity key, String deviceId, String name) {
            this.key = key;
            this.deviceId = deviceId;
            this.name = name;
        }

        @Override
        public String deviceId() {
            return deviceId;
        }

        @Override
        public String deviceName() {
            return name;
        }

        @Override
        public byte[] publicKey() {
            return key.publicKey();
        }

        @Override
        public String publicKeyBase64() {
            return key.publicKeyBase64();
        }

        @Override
        public Instant created() {
            return key.created();
        }

        @Override
        public byte[] sign(byte[] message) {
            return key.sign(message);
        }
    }
}
