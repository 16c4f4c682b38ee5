package org.moodhaven.ui.web.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.SecureRandom;

import org.moodhaven.api.identity.DeviceIds;
import org.moodhaven.api.node.NodeSettings;
import org.moodhaven.common.files.AtomicFiles;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * The secret that opens the web UI and JSON API, made anew at every start and
 * written to {@code {data}/api-token} (0600): only the account that runs the node
 * can read it, so another account on the same machine cannot use the API. It is
 * printed once in the start-up banner and never logged.
 */
@Component(service = ApiToken.class, immediate = true)
public final class ApiToken {

    static final String FILE_NAME = "api-token";
    private static final int TOKEN_BYTES = 32;

    private final String value;
    private final byte[] bytes;

    /**
     * @param settings the data folder
     * @throws IOException if the token file cannot be written
     */
    @Activate
    public ApiToken(@Reference NodeSettings settings) throws IOException {
        byte[] random = new byte[TOKEN_BYTES];
        new SecureRandom().nextBytes(random);
        this.value = DeviceIds.base64Url(random);
        this.bytes = value.getBytes(StandardCharsets.US_ASCII);
        Path file = settings.dataFolder().resolve(FILE_NAME);
        AtomicFiles.writeOwnerOnly(file, (value + "\n").getBytes(StandardCharsets.US_ASCII));
    }

    /**
     * @param candidate a token from a request
     * @return whether it is this node's token (compared in constant time)
     */
    boolean matches(String candidate) {
        return candidate != null
                && MessageDigest.isEqual(bytes, candidate.getBytes(StandardCharsets.US_ASCII));
    }

    /** @return the token, for the banner only */
    String value() {
        return value;
    }
}
