package org.moodhaven.ui.web.internal;

import java.io.IOException;
import java.util.Optional;

import jakarta.servlet.Servlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.servlet.whiteboard.propertytypes.HttpWhiteboardServletPattern;

/**
 * The web app's scripts, styles and images under {@code /static/}, from this bundle's
 * {@value WebAssets#FOLDER} folder only ({@link WebAssets} refuses any other name), so the
 * page works offline and no file outside the bundle can be reached.
 * <p>
 * The files are the same for everyone and hold no secret, so only the place checks of
 * {@link RequestGuard} apply (Host against DNS rebinding, Origin and Sec-Fetch-Site
 * against other sites including them), not the token. Answers carry the same security
 * headers as the pages, and {@code Cache-Control: no-cache} with an ETag: the browser
 * asks again on every load and gets a 304 while the bundle is unchanged, so an updated
 * bundle is never hidden by a stale cached script.
 */
@Component(service = Servlet.class)
@HttpWhiteboardServletPattern(StaticServlet.PATTERN)
public final class StaticServlet extends HttpServlet {

    private static final long serialVersionUID = 1L;
    static final String PATTERN = "/static/*";

    private final transient RequestGuard guard;
    private final transient WebAssets assets;

    /** @param token the API token (the guard needs it, though files need only the place checks) */
    @Activate
    public StaticServlet(@Reference ApiToken token) {
        this(new RequestGuard(token), new WebAssets(StaticServlet.class.getClassLoader()));
    }

    StaticServlet(RequestGuard guard, WebAssets assets) {
        this.guard = guard;
        this.assets = assets;
    }

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        WebAssets.securityHeaders(response);
        RequestGuard.Refusal place = guard.checkPlace(request);
        if (place != null) {
            plain(response, place.status, place.message);
            return;
        }
        String path = request.getPathInfo();
        String name = path == null || !path.startsWith("/") ? "" : path.substring(1);
        if (!WebAssets.isPlainName(name)) {
            plain(response, 404, "no such file");
            return;
        }
        Optional<WebAssets.Asset> found = assets.find(name);
        if (found.isEmpty()) {
            plain(response, 404, "no such file");
            return;
        }
        WebAssets.Asset asset = found.get();
        response.setHeader("Cache-Control", "no-cache");
        response.setHeader("ETag", asset.etag());
        if (matches(request.getHeader("If-None-Match"), asset.etag())) {
            response.setStatus(304);
            return;
        }
        response.setStatus(200);
        response.setContentType(asset.contentType());
        response.setContentLength(asset.bytes().length);
        if (!"HEAD".equals(request.getMethod())) {
            response.getOutputStream().write(asset.bytes());
        }
    }

    /** A HEAD answers what GET would, without the body. */
    @Override
    protected void doHead(HttpServletRequest request, HttpServletResponse response) throws IOException {
        doGet(request, response);
    }

    private static boolean matches(String ifNoneMatch, String etag) {
        if (ifNoneMatch == null) {
            return false;
        }
        for (String candidate : ifNoneMatch.split(",")) {
            String tag = candidate.strip();
            if (tag.equals("*") || tag.equals(etag) || tag.equals("W/" + etag)) {
                return true;
            }
        }
        return false;
    }

    private static void plain(HttpServletResponse response, int status, String message) throws IOException {
        response.setHeader("Cache-Control", "no-store");
        response.setStatus(status);
        response.setContentType("text/plain;charset=utf-8");
        response.getOutputStream().write((message + "\n").getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }
}
