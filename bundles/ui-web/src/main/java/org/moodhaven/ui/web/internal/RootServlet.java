package org.moodhaven.ui.web.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

import jakarta.servlet.Servlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.moodhaven.api.identity.DeviceIdentity;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.servlet.whiteboard.propertytypes.HttpWhiteboardServletPattern;

/**
 * The node's start page. The link the node prints carries the token as
 * {@code ?token=}; this page trades it for an HttpOnly, SameSite=Strict cookie that
 * holds a value derived from the token, never the token (see {@link RequestGuard}),
 * and sends the browser on without the token in its address bar or history. The cookie
 * lasts until the node restarts (the token, and so the cookie's value, changes then),
 * not only until the browser closes.
 * With the cookie, {@code /} is the web app's shell ({@code web/index.html}, whose
 * scripts and styles come from {@link StaticServlet}); any other path is not found.
 * Without it, a page in the app's style says how to open the node's link.
 */
@Component(service = Servlet.class)
@HttpWhiteboardServletPattern("/")
public final class RootServlet extends HttpServlet {

    private static final long serialVersionUID = 1L;
    static final String SHELL = "index.html";

    private final transient ApiToken token;
    private final transient RequestGuard guard;
    private final transient DeviceIdentity identity;
    private final transient WebAssets assets;

    /**
     * @param token    the API token
     * @param identity this device
     */
    @Activate
    public RootServlet(@Reference ApiToken token, @Reference DeviceIdentity identity) {
        this.token = token;
        this.guard = new RequestGuard(token);
        this.identity = identity;
        this.assets = new WebAssets(RootServlet.class.getClassLoader());
    }

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        response.setHeader("Cache-Control", "no-store");
        WebAssets.securityHeaders(response);
        RequestGuard.Refusal place = guard.checkPlace(request);
        if (place != null) {
            page(response, place.status, "This address is refused", paragraph(sentence(place.message)));
            return;
        }
        String offered = request.getParameter("token");
        if (offered != null) {
            if (!token.matches(offered)) {
                page(response, 401, "This link is no longer valid", paragraph("It is from an earlier start of the "
                        + "node: the node makes a new link each time it starts.") + howToOpen(request));
                return;
            }
            response.addHeader("Set-Cookie", guard.setCookie(request.getLocalPort()));
            response.setStatus(303);
            response.setHeader("Location", "/");
            return;
        }
        RequestGuard.Refusal refusal = guard.check(request);
        if (refusal != null) {
            page(response, refusal.status, "Open MoodHaven with its link", howToOpen(request));
            return;
        }
        String path = request.getServletPath() + (request.getPathInfo() == null ? "" : request.getPathInfo());
        if (!path.isEmpty() && !path.equals("/")) {
            page(response, 404, "Not found", "<p>" + escape("This node has no page at this address: your journal "
                    + "is at ") + "<a href=\"/\">" + escape(origin(request) + "/") + "</a>.</p>");
            return;
        }
        Optional<WebAssets.Asset> shell = assets.find(SHELL);
        if (shell.isEmpty()) {
            // A bundle built without its web folder: still say where the node is.
            page(response, 200, "MoodHaven node", paragraph("This is " + identity.deviceName() + " ("
                    + identity.deviceId() + "). The JSON API answers under /api/."));
            return;
        }
        response.setStatus(200);
        response.setContentType(shell.get().contentType());
        response.setContentLength(shell.get().bytes().length);
        response.getOutputStream().write(shell.get().bytes());
    }

    /**
     * What a person without the cookie needs: the start link, where the node printed it, and where
     * its token is when the link is lost. There is no console command that prints the link: the
     * token is printed once, at start, and kept in the data folder's {@value ApiToken#FILE_NAME} file.
     */
    private static String howToOpen(HttpServletRequest request) {
        String link = origin(request) + "/?token=";
        return paragraph("This page opens through the link the node printed in its window when it started, a "
                + "line like this one:")
                + "<p class=\"mono link\">Web UI and JSON API: " + escape(link) + "\u2026</p>"
                + paragraph("Open that link in this browser. It keeps this browser signed in until the node "
                        + "restarts; the node makes a new link each time it starts, so after a restart open the "
                        + "newest one.")
                + paragraph("Lost the link? The part after token= is in the file " + ApiToken.FILE_NAME
                        + " in the node's data folder (~/.moodhaven, unless the node was started with --data): open "
                        + link + " followed by the content of that file.");
    }

    /** The node as this request named it: its Host was checked to be the node's own loopback address. */
    private static String origin(HttpServletRequest request) {
        String host = request.getHeader("Host");
        return "http://" + (host == null ? "127.0.0.1:" + request.getLocalPort() : host);
    }

    private static String paragraph(String text) {
        return "<p>" + escape(text) + "</p>";
    }

    private static String sentence(String text) {
        return text.isEmpty() ? text : Character.toUpperCase(text.charAt(0)) + text.substring(1) + ".";
    }

    /**
     * A page in the web app's own style ({@code /static/style.css} needs no token); every string
     * is escaped, since a device name comes from the person or a peer. The body is HTML made of
     * escaped parts.
     */
    private static void page(HttpServletResponse response, int status, String title, String body)
            throws IOException {
        response.setStatus(status);
        response.setContentType("text/html");
        response.setCharacterEncoding(StandardCharsets.UTF_8.name());
        String html = "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">"
                + "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
                + "<title>" + escape(title) + " \u00b7 MoodHaven</title>"
                + "<link rel=\"icon\" href=\"/static/icon.svg\" type=\"image/svg+xml\">"
                + "<link rel=\"stylesheet\" href=\"/static/style.css\"></head>"
                + "<body class=\"plain-page\"><header><h1>MoodHaven</h1></header><main>"
                + "<section class=\"card\" aria-labelledby=\"page-title\"><h2 id=\"page-title\">" + escape(title)
                + "</h2>" + body + "</section></main></body></html>";
        response.getOutputStream().write(html.getBytes(StandardCharsets.UTF_8));
    }

    static String escape(String text) {
        StringBuilder out = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '&' -> out.append("&amp;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                default -> out.append(c);
            }
        }
        return out.toString();
    }
}
