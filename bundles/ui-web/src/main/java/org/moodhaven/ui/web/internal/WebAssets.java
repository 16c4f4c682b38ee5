package org.moodhaven.ui.web.internal;

import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

import jakarta.servlet.http.HttpServletResponse;

/**
 * The web app's files, bundled under {@value #FOLDER} in this bundle and nothing else.
 * A name is looked up only when every segment is plain ({@code [A-Za-z0-9][A-Za-z0-9_.-]*},
 * so never {@code ..}, a backslash, an encoded character or an empty segment) and its
 * extension has a known content type; so a request can neither climb out of the folder
 * nor make the node serve a file under a type the browser would guess.
 * <p>
 * The files are read once (they change only with the bundle, and a new bundle makes a
 * new servlet) and carry a content hash as their ETag.
 */
final class WebAssets {

    /** The folder in the bundle that holds the web app. */
    static final String FOLDER = "web/";

    /** The security headers of every page and file: no inline script or style, nothing framed or referred. */
    static final String CONTENT_SECURITY_POLICY = "default-src 'self'; script-src 'self'; style-src 'self'; "
            + "img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; "
            + "form-action 'self'";

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,99}(/[A-Za-z0-9][A-Za-z0-9_.-]{0,99}){0,7}");
    private static final long MAX_FILE = 4L * 1024 * 1024;

    /** Content types by extension; a file with another extension is not served. */
    static final Map<String, String> TYPES = Map.of(
            "html", "text/html;charset=utf-8",
            "js", "text/javascript;charset=utf-8",
            "css", "text/css;charset=utf-8",
            "svg", "image/svg+xml",
            "png", "image/png",
            "ico", "image/x-icon",
            "json", "application/json",
            "woff2", "font/woff2",
            "txt", "text/plain;charset=utf-8");

    /** One file, ready to send. */
    record Asset(String name, String contentType, byte[] bytes, String etag) {
    }

    private final ClassLoader loader;
    private final Map<String, Asset> cache = new ConcurrentHashMap<>();

    /** @param loader the class loader of the bundle that holds {@value #FOLDER} */
    WebAssets(ClassLoader loader) {
        this.loader = loader;
    }

    /**
     * @param name a file name relative to {@value #FOLDER}, e.g. {@code app.js}
     * @return whether the name is one this class would look up (plain segments, known extension)
     */
    static boolean isPlainName(String name) {
        return name != null && NAME.matcher(name).matches() && !name.contains("..") && typeOf(name) != null;
    }

    private static String typeOf(String name) {
        int dot = name.lastIndexOf('.');
        int slash = name.lastIndexOf('/');
        return dot <= slash + 1 ? null : TYPES.get(name.substring(dot + 1).toLowerCase(Locale.ROOT));
    }

    /**
     * @param name a file name relative to {@value #FOLDER}
     * @return the file, or empty when the name is not plain or there is no such file
     * @throws IOException if the bundled file cannot be read
     */
    Optional<Asset> find(String name) throws IOException {
        if (!isPlainName(name)) {
            return Optional.empty();
        }
        Asset known = cache.get(name);
        if (known != null) {
            return Optional.of(known);
        }
        URL url = loader.getResource(FOLDER + name);
        if (url == null) {
            return Optional.empty();
        }
        byte[] bytes;
        try (InputStream in = url.openStream()) {
            bytes = in.readNBytes((int) MAX_FILE + 1);
        }
        if (bytes.length > MAX_FILE) {
            throw new IOException("bundled file " + name + " is larger than " + MAX_FILE + " bytes");
        }
        Asset asset = new Asset(name, typeOf(name), bytes, etag(bytes));
        Asset raced = cache.putIfAbsent(name, asset);
        return Optional.of(raced != null ? raced : asset);
    }

    /** Sets the headers every page and file of the web UI carries. */
    static void securityHeaders(HttpServletResponse response) {
        response.setHeader("Content-Security-Policy", CONTENT_SECURITY_POLICY);
        response.setHeader("X-Content-Type-Options", "nosniff");
        response.setHeader("Referrer-Policy", "no-referrer");
    }

    private static String etag(byte[] bytes) {
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(bytes);
            return "\"" + HexFormat.of().formatHex(hash, 0, 16) + "\"";
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }
}
