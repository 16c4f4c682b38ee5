package org.moodhaven.crypto.bc.internal;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Objects;

import org.bouncycastle.crypto.Digest;
import org.bouncycastle.crypto.agreement.X25519Agreement;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.generators.HKDFBytesGenerator;
import org.bouncycastle.crypto.generators.PKCS5S2ParametersGenerator;
import org.bouncycastle.crypto.macs.HMac;
import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;
import org.bouncycastle.crypto.params.Ed25519PublicKeyParameters;
import org.bouncycastle.crypto.params.HKDFParameters;
import org.bouncycastle.crypto.params.KeyParameter;
import org.bouncycastle.crypto.params.X25519PrivateKeyParameters;
import org.bouncycastle.crypto.params.X25519PublicKeyParameters;
import org.bouncycastle.crypto.signers.Ed25519Signer;
import org.moodhaven.api.crypto.AesGcm;
import org.moodhaven.api.crypto.CryptoException;
import org.moodhaven.api.crypto.CryptoProvider;
import org.moodhaven.api.crypto.X25519KeyPair;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/**
 * {@link CryptoProvider} on BouncyCastle's lightweight API. It never registers a
 * JCA provider: {@code Security.addProvider} is JVM-wide and would outlive this
 * bundle, so every primitive is called directly. Only the CSPRNG comes from the
 * Java runtime.
 */
// No @Modified method, on purpose: a new ranking must re-register the service, because
// Felix SCR rebinds greedy consumers when a better service arrives, not when a bound
// service's ranking changes in place. Re-activation is cheap: the provider holds no state.
@Component(service = CryptoProvider.class, property = CryptoProvider.PROVIDER_PROPERTY + "=bc",
        configurationPid = BouncyCastleCryptoProvider.PID)
@Designate(ocd = BouncyCastleCryptoProvider.Config.class)
public final class BouncyCastleCryptoProvider implements CryptoProvider {

    static final String PID = "moodhaven.crypto.bc";

    /** Configuration of the BouncyCastle crypto provider. */
    @ObjectClassDefinition(id = PID, name = "MoodHaven crypto provider (BouncyCastle)",
            description = "Cryptographic primitives from BouncyCastle's lightweight API")
    public @interface Config {

        /**
         * @return the ranking among crypto providers
         */
        @AttributeDefinition(name = "Service ranking", description = "Higher wins among crypto providers")
        int service_ranking() default 50;
    }

    private static final int KEY_LENGTH = 32;
    private static final int SIGNATURE_LENGTH = 64;
    private static final int HASH_LENGTH = 32;
    private static final int MAX_HKDF_LENGTH = 255 * HASH_LENGTH;

    private final SecureRandom random = new SecureRandom();

    /**
     * Makes the provider. The configuration only carries the service ranking,
     * which DS publishes itself.
     *
     * @param config the component configuration
     */
    @Activate
    public BouncyCastleCryptoProvider(Config config) {
        Objects.requireNonNull(config, "config");
    }

    @Override
    public String name() {
        return "BouncyCastle (lightweight API)";
    }

    @Override
    public byte[] sha256(byte[]... parts) {
        Digest digest = SHA256Digest.newInstance();
        for (byte[] part : parts) {
            Objects.requireNonNull(part, "part");
            digest.update(part, 0, part.length);
        }
        byte[] out = new byte[HASH_LENGTH];
        digest.doFinal(out, 0);
        return out;
    }

    @Override
    public byte[] hmacSha256(byte[] key, byte[] data) {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(data, "data");
        HMac mac = new HMac(SHA256Digest.newInstance());
        mac.init(new KeyParameter(key));
        mac.update(data, 0, data.length);
        byte[] out = new byte[HASH_LENGTH];
        mac.doFinal(out, 0);
        return out;
    }

    @Override
    public byte[] hkdfExtract(byte[] salt, byte[] ikm) {
        Objects.requireNonNull(salt, "salt");
        Objects.requireNonNull(ikm, "ikm");
        // null is how BouncyCastle spells RFC 5869's "no salt": HashLen zero bytes.
        return new HKDFBytesGenerator(SHA256Digest.newInstance()).extractPRK(salt.length == 0 ? null : salt, ikm);
    }

    @Override
    public byte[] hkdfExpand(byte[] prk, byte[] info, int length) {
        Objects.requireNonNull(prk, "prk");
        Objects.requireNonNull(info, "info");
        if (prk.length < HASH_LENGTH) {
            throw new IllegalArgumentException("HKDF-Expand needs a PRK of at least 32 bytes, got " + prk.length);
        }
        if (length < 1 || length > MAX_HKDF_LENGTH) {
            throw new IllegalArgumentException("HKDF-SHA256 output length must be 1 to 8160 bytes, got " + length);
        }
        HKDFBytesGenerator generator = new HKDFBytesGenerator(SHA256Digest.newInstance());
        generator.init(HKDFParameters.skipExtractParameters(prk, info));
        byte[] okm = new byte[length];
        generator.generateBytes(okm, 0, length);
        return okm;
    }

    @Override
    public byte[] pbkdf2Sha256(char[] password, byte[] salt, int iterations, int keyBytes) {
        Objects.requireNonNull(password, "password");
        Objects.requireNonNull(salt, "salt");
        // The JDK provider cannot take an empty salt; refusing it here too keeps the two interchangeable.
        if (salt.length == 0) {
            throw new IllegalArgumentException("PBKDF2 needs a non-empty salt");
        }
        if (iterations < 1) {
            throw new IllegalArgumentException("PBKDF2 needs at least 1 iteration, got " + iterations);
        }
        if (keyBytes < 1 || keyBytes > Integer.MAX_VALUE / 8) {
            throw new IllegalArgumentException("PBKDF2 key length out of range: " + keyBytes);
        }
        byte[] passwordBytes = utf8(password);
        try {
            PKCS5S2ParametersGenerator generator = new PKCS5S2ParametersGenerator(SHA256Digest.newInstance());
            generator.init(passwordBytes, salt, iterations);
            return ((KeyParameter) generator.generateDerivedParameters(keyBytes * 8)).getKey();
        } finally {
            Arrays.fill(passwordBytes, (byte) 0);
        }
    }

    @Override
    public byte[] ed25519PublicKey(byte[] seed) {
        requireLength(seed, KEY_LENGTH, "an Ed25519 private key (seed) has 32 bytes");
        return new Ed25519PrivateKeyParameters(seed, 0).generatePublicKey().getEncoded();
    }

    @Override
    public byte[] ed25519Sign(byte[] seed, byte[] message) {
        requireLength(seed, KEY_LENGTH, "an Ed25519 private key (seed) has 32 bytes");
        Objects.requireNonNull(message, "message");
        Ed25519Signer signer = new Ed25519Signer();
        signer.init(true, new Ed25519PrivateKeyParameters(seed, 0));
        signer.update(message, 0, message.length);
        return signer.generateSignature();
    }

    @Override
    public boolean ed25519Verify(byte[] publicKey, byte[] message, byte[] signature) {
        Objects.requireNonNull(publicKey, "publicKey");
        Objects.requireNonNull(message, "message");
        Objects.requireNonNull(signature, "signature");
        if (publicKey.length != KEY_LENGTH || signature.length != SIGNATURE_LENGTH) {
            return false;
        }
        Ed25519PublicKeyParameters key;
        try {
            key = new Ed25519PublicKeyParameters(publicKey, 0);
        } catch (IllegalArgumentException e) {
            // BouncyCastle decodes the point up front and refuses one off the curve.
            return false;
        }
        Ed25519Signer verifier = new Ed25519Signer();
        verifier.init(false, key);
        verifier.update(message, 0, message.length);
        return verifier.verifySignature(signature);
    }

    @Override
    public X25519KeyPair x25519Generate() {
        X25519PrivateKeyParameters privateKey = new X25519PrivateKeyParameters(random);
        return new X25519KeyPair(privateKey.getEncoded(), privateKey.generatePublicKey().getEncoded());
    }

    @Override
    public byte[] x25519PublicKey(byte[] privateKey) {
        requireLength(privateKey, KEY_LENGTH, "an X25519 private key has 32 bytes");
        return new X25519PrivateKeyParameters(privateKey, 0).generatePublicKey().getEncoded();
    }

    @Override
    public byte[] x25519(byte[] privateKey, byte[] peerPublicKey) throws CryptoException {
        requireLength(privateKey, KEY_LENGTH, "an X25519 private key has 32 bytes");
        Objects.requireNonNull(peerPublicKey, "peerPublicKey");
        if (peerPublicKey.length != KEY_LENGTH) {
            throw new CryptoException("an X25519 public key has 32 bytes, got " + peerPublicKey.length);
        }
        X25519Agreement agreement = new X25519Agreement();
        agreement.init(new X25519PrivateKeyParameters(privateKey, 0));
        byte[] shared = new byte[agreement.getAgreementSize()];
        try {
            agreement.calculateAgreement(new X25519PublicKeyParameters(peerPublicKey, 0), shared, 0);
        } catch (IllegalStateException e) {
            // BouncyCastle's way of saying the result was all zero.
            throw new CryptoException("X25519 with this peer key gives no shared secret (low-order point)", e);
        }
        // Checked again here so the guarantee does not rest on one library's habit.
        if (isAllZero(shared)) {
            throw new CryptoException("X25519 with this peer key gives no shared secret (low-order point)");
        }
        return shared;
    }

    @Override
    public AesGcm aesGcm(byte[] key) {
        requireLength(key, KEY_LENGTH, "an AES-256 key has 32 bytes");
        return new BouncyCastleAesGcm(new KeyParameter(key));
    }

    @Override
    public byte[] randomBytes(int length) {
        if (length < 0) {
            throw new IllegalArgumentException("a negative number of random bytes: " + length);
        }
        byte[] bytes = new byte[length];
        random.nextBytes(bytes);
        return bytes;
    }

    /**
     * The password as UTF-8, refusing an unpaired surrogate instead of replacing it,
     * so both providers derive the same key from a password or refuse it alike.
     */
    private static byte[] utf8(char[] password) {
        ByteBuffer encoded;
        try {
            encoded = StandardCharsets.UTF_8.newEncoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .encode(CharBuffer.wrap(password));
        } catch (CharacterCodingException e) {
            throw new IllegalArgumentException("the password holds an unpaired surrogate, so it has no UTF-8 form");
        }
        byte[] bytes = new byte[encoded.remaining()];
        encoded.get(bytes);
        Arrays.fill(encoded.array(), (byte) 0);
        return bytes;
    }

    private static boolean isAllZero(byte[] bytes) {
        int acc = 0;
        for (byte b : bytes) {
            acc |= b;
        }
        return acc == 0;
    }

    private static void requireLength(byte[] bytes, int length, String message) {
        Objects.requireNonNull(bytes, message);
        if (bytes.length != length) {
            throw new IllegalArgumentException(message + ", got " + bytes.length);
        }
    }
}
