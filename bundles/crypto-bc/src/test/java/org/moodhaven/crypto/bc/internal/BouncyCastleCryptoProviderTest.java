package org.moodhaven.crypto.bc.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.lang.annotation.Annotation;
import java.security.Security;

import org.junit.jupiter.api.Test;
import org.moodhaven.api.crypto.CryptoProvider;
import org.moodhaven.testing.crypto.CryptoProviderContract;

/** The shared contract, run against the BouncyCastle provider built as DS would build it. */
class BouncyCastleCryptoProviderTest extends CryptoProviderContract {

    private final BouncyCastleCryptoProvider provider = new BouncyCastleCryptoProvider(config(50));

    @Override
    protected CryptoProvider provider() {
        return provider;
    }

    @Test
    void rankedBelowTheJdkProviderByDefault() throws NoSuchMethodException {
        assertEquals(50, BouncyCastleCryptoProvider.Config.class.getMethod("service_ranking").getDefaultValue());
    }

    @Test
    void neverRegistersAJvmWideSecurityProvider() {
        provider.aesGcm(provider.randomBytes(32)).seal(new byte[12], new byte[1], new byte[0]);
        provider.pbkdf2Sha256("pw".toCharArray(), new byte[16], 1, 32);
        assertNull(Security.getProvider("BC"));
    }

    /**
     * @param ranking the service ranking
     * @return a configuration as DS would pass it
     */
    static BouncyCastleCryptoProvider.Config config(int ranking) {
        return new BouncyCastleCryptoProvider.Config() {
            @Override
            public int service_ranking() {
                return ranking;
            }

            @Override
            public Class<? extends Annotation> annotationType() {
                return BouncyCastleCryptoProvider.Config.class;
            }
        };
    }
}
