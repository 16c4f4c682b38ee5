package org.moodhaven.ui.web.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

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
 * <p>
 * The browser's cookie holds {@link #cookieValue()}, never the token: a browser sends
 * a cookie to every port of a host, so any other service on 127.0.0.1 the person opens
 * receives it. The value is HMAC-SHA256 keyed with the token over {@value #COOKIE_LABEL}
 * (b64url): whoever receives it cannot recover the token, so it is no Bearer token and
 * no start link. It still admits the browser's requests, so it is as secret as the
 * session it opens; it changes with the token at every start.
 */
@Component(service = ApiToken.class, immediate = true)
public final class ApiToken {

    static final String FILE_NAME = "api-token";
    private static final int TOKEN_BYTES = 32;
    /** What the cookie value is a MAC of; a fixed label, so the value is a function of the token alone. */
    static final String COOKIE_LABEL = "moodhaven api cookie v1";

    private final String value;
    private final byte[] bytes;
    private final String cookieValue;
    private final byte[] cookieBytes;

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
        this.cookieValue = DeviceIds.base64Url(hmacSha256(bytes, COOKIE_LABEL.getBytes(StandardCharsets.US_ASCII)));
        this.cookieBytes = cookieValue.getBytes(StandardCharsets.US_ASCII);
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

    /**
     * @param candidate a cookie value from a request
     * @return whether it is {@link #cookieValue()} (compared in constant time); the token
     *         itself is not a cookie value
     */
    boolean matchesCookie(String candidate) {
        return candidate != null
                && MessageDigest.isEqual(cookieBytes, candidate.getBytes(StandardCharsets.US_ASCII));
    }

    /** @return the token, for the banner only */
    String value() {
        return value;
    }

    /** @return what the browser's cookie holds: derived from the token, never the token */
    String cookieValue() {
        return cookieValue;
    }

    static byte[] hmacSha256(byte[] key, byte[] message) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(message);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every Java 17 runtime", e);
        }
    }
}
