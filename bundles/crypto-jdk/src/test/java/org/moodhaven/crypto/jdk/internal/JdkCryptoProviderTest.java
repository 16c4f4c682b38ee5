package org.moodhaven.crypto.jdk.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.annotation.Annotation;

import org.junit.jupiter.api.Test;
import org.moodhaven.api.crypto.CryptoProvider;
import org.moodhaven.testing.crypto.CryptoProviderContract;

/** The shared contract, run against the JDK provider built as DS would build it. */
class JdkCryptoProviderTest extends CryptoProviderContract {

    private final JdkCryptoProvider provider = new JdkCryptoProvider(config(100));

    @Override
    protected CryptoProvider provider() {
        return provider;
    }

    @Test
    void rankedAboveTheBouncyCastleProviderByDefault() throws NoSuchMethodException {
        assertEquals(100, JdkCryptoProvider.Config.class.getMethod("service_ranking").getDefaultValue());
    }

    /**
     * @param ranking the service ranking
     * @return a configuration as DS would pass it
     */
    static JdkCryptoProvider.Config config(int ranking) {
        return new JdkCryptoProvider.Config() {
            @Override
            public int service_ranking() {
                return ranking;
            }

            @Override
            public Class<? extends Annotation> annotationType() {
                return JdkCryptoProvider.Config.class;
            }
        };
    }
}
