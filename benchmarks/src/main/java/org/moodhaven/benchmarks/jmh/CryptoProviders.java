package org.moodhaven.benchmarks.jmh;

import org.moodhaven.api.crypto.CryptoProvider;
import org.moodhaven.crypto.bc.internal.BouncyCastleCryptoProvider;
import org.moodhaven.crypto.jdk.internal.JdkCryptoProvider;
import org.moodhaven.testing.Configs;

/** The two crypto providers by the name a benchmark's {@code provider} parameter gives them. */
public final class CryptoProviders {

    private CryptoProviders() {
    }

    /**
     * @param name {@code "jdk"} or {@code "bc"}, as the providers' {@code moodhaven.crypto.provider} property
     * @return a new provider constructed as Declarative Services would, with its default configuration
     * @throws IllegalArgumentException for another name
     */
    public static CryptoProvider byName(String name) {
        return switch (name) {
            case "jdk" -> new JdkCryptoProvider(Configs.of(JdkCryptoProvider.Config.class));
            case "bc" -> new BouncyCastleCryptoProvider(Configs.of(BouncyCastleCryptoProvider.Config.class));
            default -> throw new IllegalArgumentException("no crypto provider " + name + " (jdk or bc)");
        };
    }
}
