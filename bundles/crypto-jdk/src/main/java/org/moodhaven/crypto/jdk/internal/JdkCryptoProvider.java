package org.moodhaven.crypto.jdk.internal;

import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.InvalidKeyException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PrivateKey;
import java.security.Provider;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.SecureRandomSpi;
import java.security.Security;
import java.security.Signature;
import java.security.interfaces.EdECPrivateKey;
import java.security.interfaces.EdECPublicKey;
import java.security.spec.EdECPoint;
import java.security.spec.EdECPrivateKeySpec;
import java.security.spec.EdECPublicKeySpec;
import java.security.spec.NamedParameterSpec;
import java.security.spec.XECPrivateKeySpec;
import java.security.spec.XECPublicKeySpec;
import java.util.Arrays;
import java.util.Objects;
import java.util.Set;

import javax.crypto.KeyAgreement;
import javax.crypto.Mac;
import javax.crypto.SecretKey;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;
import javax.crypto.spec.SecretKeySpec;

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
 * {@link CryptoProvider} on the Java runtime's own security providers: SunEC for
 * Ed25519 and X25519, SunJCE for AES-GCM, HMAC and PBKDF2, SUN for SHA-256 and
 * the CSPRNG. A node needs no third-party library to run it.
 * <p>
 * The providers are looked up once by name rather than by algorithm, so a
 * JVM-wide provider someone else registers (BouncyCastle's, say) cannot
 * silently take over and make {@link #name()} a lie.
 */
// No @Modified method, on purpose: a new ranking must re-register the service, because
// Felix SCR rebinds greedy consumers when a better service arrives, not when a bound
// service's ranking changes in place. Re-activation is cheap: the provider holds no state.
@Component(service = CryptoProvider.class, property = CryptoProvider.PROVIDER_PROPERTY + "=jdk",
        configurationPid = JdkCryptoProvider.PID)
@Designate(ocd = JdkCryptoProvider.Config.class)
public final class JdkCryptoProvider implements CryptoProvider {

    static final String PID = "moodhaven.crypto.jdk";

    /** Configuration of the JDK crypto provider. */
    @ObjectClassDefinition(id = PID, name = "MoodHaven crypto provider (JDK)",
            description = "Cryptographic primitives from the Java runtime's own security providers")
    public @interface Config {

        /**
         * @return the ranking among crypto providers
         */
        @AttributeDefinition(name = "Service ranking", description = "Higher wins among crypto providers")
        int service_ranking() default 100;
    }

    private static final int KEY_LENGTH = 32;
    private static final int SIGNATURE_LENGTH = 64;
    private static final int HASH_LENGTH = 32;
    private static final int MAX_HKDF_LENGTH = 255 * HASH_LENGTH;
    private static final String HMAC_SHA256 = "HmacSHA256";
    /** The field prime of Curve25519 and edwards25519, 2^255 - 19. */
    private static final BigInteger P = BigInteger.ONE.shiftLeft(255).subtract(BigInteger.valueOf(19));
    /** The X25519 base point u = 9, so a public key is an ordinary agreement with it. */
    private static final BigInteger BASE_POINT_U = BigInteger.valueOf(9);
    /**
     * The y coordinates of the eight points of small order on edwards25519: 1 (the
     * neutral point), p - 1 (order 2), 0 (order 4) and two of order 8.
     */
    private static final Set<BigInteger> SMALL_ORDER_Y = Set.of(BigInteger.ZERO, BigInteger.ONE,
            P.subtract(BigInteger.ONE),
            new BigInteger("05fc536d880238b13933c6d305acdfd5f098eff289f4c345b027b2c28f95e826", 16),
            new BigInteger("7a03ac9277fdc74ec6cc392cfa53202a0f67100d760b3cba4fd84d3d706a17c7", 16));

    private final Provider sunEc = provider("SunEC");
    private final Provider sunJce = provider("SunJCE");
    private final Provider sun = provider("SUN");
    private final SecureRandom random = new SecureRandom();

    /**
     * Makes the provider. The configuration only carries the service ranking,
     * which DS publishes itself.
     *
     * @param config the component configuration
     * @throws IllegalStateException if the runtime lacks SunEC, SunJCE or SUN
     */
    @Activate
    public JdkCryptoProvider(Config config) {
        Objects.requireNonNull(config, "config");
    }

    @Override
    public String name() {
        return "JDK (SunEC, SunJCE)";
    }

    @Override
    public byte[] sha256(byte[]... parts) {
        MessageDigest digest = instance(() -> MessageDigest.getInstance("SHA-256", sun));
        for (byte[] part : parts) {
            digest.update(Objects.requireNonNull(part, "part"));
        }
        return digest.digest();
    }

    @Override
    public byte[] hmacSha256(byte[] key, byte[] data) {
        Objects.requireNonNull(data, "data");
        return hmac(key).doFinal(data);
    }

    @Override
    public byte[] hkdfExtract(byte[] salt, byte[] ikm) {
        Objects.requireNonNull(ikm, "ikm");
        return hmac(salt).doFinal(ikm);
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
        Mac mac = hmac(prk);
        byte[] okm = new byte[length];
        byte[] block = new byte[HASH_LENGTH];
        int previousLength = 0;
        int offset = 0;
        try {
            for (int counter = 1; offset < length; counter++) {
                // T(n) = HMAC(PRK, T(n-1) || info || n); the block buffer is read before it is overwritten.
                mac.update(block, 0, previousLength);
                mac.update(info);
                mac.update((byte) counter);
                mac.doFinal(block, 0);
                previousLength = HASH_LENGTH;
                int n = Math.min(HASH_LENGTH, length - offset);
                System.arraycopy(block, 0, okm, offset, n);
                offset += n;
            }
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HMAC-SHA256 refused a 32-byte output buffer", e);
        } finally {
            Arrays.fill(block, (byte) 0);
        }
        return okm;
    }

    @Override
    public byte[] pbkdf2Sha256(char[] password, byte[] salt, int iterations, int keyBytes) {
        Objects.requireNonNull(password, "password");
        Objects.requireNonNull(salt, "salt");
        if (salt.length == 0) {
            throw new IllegalArgumentException("PBKDF2 needs a non-empty salt");
        }
        if (iterations < 1) {
            throw new IllegalArgumentException("PBKDF2 needs at least 1 iteration, got " + iterations);
        }
        if (keyBytes < 1 || keyBytes > Integer.MAX_VALUE / 8) {
            throw new IllegalArgumentException("PBKDF2 key length out of range: " + keyBytes);
        }
        // SunJCE encodes the password as UTF-8 itself, but would quietly turn an unpaired
        // surrogate into '?'; refusing it keeps both providers deriving the same key or none.
        requireWellFormedUtf16(password);
        PBEKeySpec spec = new PBEKeySpec(password, salt, iterations, keyBytes * 8);
        try {
            SecretKeyFactory factory = instance(() -> SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256", sunJce));
            SecretKey key = factory.generateSecret(spec);
            return key.getEncoded();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("PBKDF2WithHmacSHA256 refused valid parameters", e);
        } finally {
            spec.clearPassword();
        }
    }

    @Override
    public byte[] ed25519PublicKey(byte[] seed) {
        requireLength(seed, KEY_LENGTH, "an Ed25519 private key (seed) has 32 bytes");
        // SunEC has no "public key of this seed" call, but its key pair generator takes
        // the seed from the SecureRandom it is given: hand it the seed and read the point.
        KeyPair pair;
        try {
            KeyPairGenerator generator = instance(() -> KeyPairGenerator.getInstance("Ed25519", sunEc));
            generator.initialize(NamedParameterSpec.ED25519, new SeedRandom(seed));
            pair = generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("SunEC refused to make an Ed25519 key pair", e);
        }
        byte[] used = ((EdECPrivateKey) pair.getPrivate()).getBytes().orElse(null);
        boolean seedTaken = used != null && MessageDigest.isEqual(used, seed);
        if (used != null) {
            Arrays.fill(used, (byte) 0);
        }
        if (!seedTaken) {
            throw new IllegalStateException("this runtime's SunEC did not use the supplied seed for Ed25519");
        }
        return encodeEdwards(((EdECPublicKey) pair.getPublic()).getPoint());
    }

    @Override
    public byte[] ed25519Sign(byte[] seed, byte[] message) {
        requireLength(seed, KEY_LENGTH, "an Ed25519 private key (seed) has 32 bytes");
        Objects.requireNonNull(message, "message");
        try {
            KeyFactory factory = instance(() -> KeyFactory.getInstance("Ed25519", sunEc));
            PrivateKey key = factory.generatePrivate(new EdECPrivateKeySpec(NamedParameterSpec.ED25519, seed));
            Signature signer = instance(() -> Signature.getInstance("Ed25519", sunEc));
            signer.initSign(key);
            signer.update(message);
            return signer.sign();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("SunEC refused to sign with a 32-byte Ed25519 key", e);
        }
    }

    @Override
    public boolean ed25519Verify(byte[] publicKey, byte[] message, byte[] signature) {
        Objects.requireNonNull(publicKey, "publicKey");
        Objects.requireNonNull(message, "message");
        Objects.requireNonNull(signature, "signature");
        if (publicKey.length != KEY_LENGTH || signature.length != SIGNATURE_LENGTH) {
            return false;
        }
        EdECPoint point = decodePublicKey(publicKey);
        if (point == null) {
            return false;
        }
        KeyFactory factory = instance(() -> KeyFactory.getInstance("Ed25519", sunEc));
        Signature verifier = instance(() -> Signature.getInstance("Ed25519", sunEc));
        try {
            PublicKey key = factory.generatePublic(new EdECPublicKeySpec(NamedParameterSpec.ED25519, point));
            verifier.initVerify(key);
            verifier.update(message);
            return verifier.verify(signature);
        } catch (GeneralSecurityException e) {
            // SunEC throws rather than answers false for a point off the curve or S >= L.
            return false;
        }
    }

    @Override
    public X25519KeyPair x25519Generate() {
        // An RFC 7748 private key is 32 uniformly random bytes; clamping happens inside X25519.
        byte[] privateKey = randomBytes(KEY_LENGTH);
        return new X25519KeyPair(privateKey, x25519PublicKey(privateKey));
    }

    @Override
    public byte[] x25519PublicKey(byte[] privateKey) {
        requireLength(privateKey, KEY_LENGTH, "an X25519 private key has 32 bytes");
        try {
            return agree(privateKey, BASE_POINT_U);
        } catch (CryptoException e) {
            throw new IllegalStateException("X25519 with the base point cannot be all zero", e);
        }
    }

    @Override
    public byte[] x25519(byte[] privateKey, byte[] peerPublicKey) throws CryptoException {
        requireLength(privateKey, KEY_LENGTH, "an X25519 private key has 32 bytes");
        Objects.requireNonNull(peerPublicKey, "peerPublicKey");
        if (peerPublicKey.length != KEY_LENGTH) {
            throw new CryptoException("an X25519 public key has 32 bytes, got " + peerPublicKey.length);
        }
        return agree(privateKey, decodeU(peerPublicKey));
    }

    @Override
    public AesGcm aesGcm(byte[] key) {
        requireLength(key, KEY_LENGTH, "an AES-256 key has 32 bytes");
        return new JdkAesGcm(new SecretKeySpec(key, "AES"), sunJce);
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

    private byte[] agree(byte[] privateKey, BigInteger u) throws CryptoException {
        byte[] shared;
        try {
            KeyFactory factory = instance(() -> KeyFactory.getInstance("X25519", sunEc));
            PrivateKey own = factory.generatePrivate(new XECPrivateKeySpec(NamedParameterSpec.X25519, privateKey));
            PublicKey peer = factory.generatePublic(new XECPublicKeySpec(NamedParameterSpec.X25519, u));
            KeyAgreement agreement = instance(() -> KeyAgreement.getInstance("X25519", sunEc));
            agreement.init(own);
            agreement.doPhase(peer, true);
            shared = agreement.generateSecret();
        } catch (InvalidKeyException e) {
            // SunEC reports an all-zero result (a low-order peer point) this way.
            throw new CryptoException("X25519 with this peer key gives no shared secret (low-order point)", e);
        } catch (GeneralSecurityException e) {
            throw new CryptoException("X25519 refused the peer key", e);
        }
        if (isAllZero(shared)) {
            throw new CryptoException("X25519 with this peer key gives no shared secret (low-order point)");
        }
        return shared;
    }

    private Mac hmac(byte[] key) {
        Objects.requireNonNull(key, "key");
        // SecretKeySpec refuses an empty key, but HMAC pads every key shorter than a block
        // with zeros, so 32 zero bytes give the same MAC (and are RFC 5869's default salt).
        SecretKeySpec spec = new SecretKeySpec(key.length == 0 ? new byte[HASH_LENGTH] : key, HMAC_SHA256);
        Mac mac = instance(() -> Mac.getInstance(HMAC_SHA256, sunJce));
        try {
            mac.init(spec);
        } catch (InvalidKeyException e) {
            throw new IllegalStateException("HmacSHA256 refused a raw key", e);
        }
        return mac;
    }

    /** RFC 7748: mask the top bit, read little-endian, and treat values from p up as reduced mod p. */
    private static BigInteger decodeU(byte[] encoded) {
        byte[] bigEndian = reversed(encoded);
        bigEndian[0] &= 0x7f;
        return new BigInteger(1, bigEndian).mod(P);
    }

    /**
     * RFC 8032 5.1.3 up to recovering x (SunEC does the rest): a y of p or more is
     * not a valid encoding. A key of small order is refused too: SunEC accepts it,
     * and then a signature with R the neutral point and S = 0 verifies for every
     * message. BouncyCastle (and libsodium) refuse such keys, and the two providers
     * must answer alike.
     */
    private static EdECPoint decodePublicKey(byte[] encoded) {
        byte[] bigEndian = reversed(encoded);
        boolean xOdd = (bigEndian[0] & 0x80) != 0;
        bigEndian[0] &= 0x7f;
        BigInteger y = new BigInteger(1, bigEndian);
        if (y.compareTo(P) >= 0 || SMALL_ORDER_Y.contains(y)) {
            return null;
        }
        return new EdECPoint(xOdd, y);
    }

    /** RFC 8032 5.1.2: y little-endian with the parity of x in the top bit. */
    private static byte[] encodeEdwards(EdECPoint point) {
        byte[] bigEndian = point.getY().toByteArray();
        byte[] encoded = new byte[KEY_LENGTH];
        // toByteArray may carry a leading sign byte or be shorter than 32 bytes.
        for (int i = 0; i < KEY_LENGTH && i < bigEndian.length; i++) {
            encoded[i] = bigEndian[bigEndian.length - 1 - i];
        }
        if (point.isXOdd()) {
            encoded[KEY_LENGTH - 1] |= (byte) 0x80;
        }
        return encoded;
    }

    private static byte[] reversed(byte[] bytes) {
        byte[] out = new byte[bytes.length];
        for (int i = 0; i < bytes.length; i++) {
            out[i] = bytes[bytes.length - 1 - i];
        }
        return out;
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

    /** Refuses what UTF-8 cannot encode, so the check never depends on an encoder's replacement policy. */
    private static void requireWellFormedUtf16(char[] text) {
        for (int i = 0; i < text.length; i++) {
            char c = text[i];
            if (Character.isHighSurrogate(c) && i + 1 < text.length && Character.isLowSurrogate(text[i + 1])) {
                i++;
            } else if (Character.isSurrogate(c)) {
                throw new IllegalArgumentException("the password holds an unpaired surrogate, so it has no UTF-8 form");
            }
        }
    }

    private static Provider provider(String name) {
        Provider provider = Security.getProvider(name);
        if (provider == null) {
            throw new IllegalStateException("this Java runtime has no " + name + " security provider");
        }
        return provider;
    }

    /** The algorithms are fixed and the providers pinned, so a missing one is a broken runtime, not a caller error. */
    private static <T> T instance(Lookup<T> lookup) {
        try {
            return lookup.get();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("a standard algorithm is missing from this Java runtime", e);
        }
    }

    @FunctionalInterface
    private interface Lookup<T> {
        T get() throws NoSuchAlgorithmException;
    }

    /**
     * A SecureRandom that yields one given seed once and then refuses, so a key
     * pair generator that asks for anything else fails loudly instead of making
     * a key from other bytes.
     */
    private static final class SeedRandom extends SecureRandom {

        SeedRandom(byte[] seed) {
            super(new SeedSpi(seed), null);
        }
    }

    private static final class SeedSpi extends SecureRandomSpi {

        private byte[] seed;

        SeedSpi(byte[] seed) {
            this.seed = seed;
        }

        @Override
        protected void engineSetSeed(byte[] ignored) {
            // seeding cannot change what this source hands out
        }

        @Override
        protected void engineNextBytes(byte[] bytes) {
            if (seed == null || bytes.length != seed.length) {
                throw new IllegalStateException("SunEC asked for bytes other than one 32-byte seed");
            }
            System.arraycopy(seed, 0, bytes, 0, bytes.length);
            seed = null;
        }

        @Override
        protected byte[] engineGenerateSeed(int numBytes) {
            throw new UnsupportedOperationException("a fixed seed source makes no seeds");
        }
    }
}
