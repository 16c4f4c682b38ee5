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
 * and sends the browser on without the token in its address bar or history.
 * With the cookie, {@code /} is the web app's shell ({@code web/index.html}, whose
 * scripts and styles come from {@link StaticServlet}); any other path is not found.
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
            page(response, place.status, "Refused", place.message);
            return;
        }
        String offered = request.getParameter("token");
        if (offered != null) {
            if (!token.matches(offered)) {
                page(response, 401, "This link is not valid", "Open the link the node printed when it last "
                        + "started: a new one is made at every start.");
                return;
            }
            response.addHeader("Set-Cookie", guard.setCookie(request.getLocalPort()));
            response.setStatus(303);
            response.setHeader("Location", "/");
            return;
        }
        RequestGuard.Refusal refusal = guard.check(request);
        if (refusal != null) {
            page(response, refusal.status, "Open the link the node printed", refusal.message);
            return;
        }
        String path = request.getServletPath() + (request.getPathInfo() == null ? "" : request.getPathInfo());
        if (!path.isEmpty() && !path.equals("/")) {
            page(response, 404, "Not found", "This node has no page at this address; its journal is at /.");
            return;
        }
        Optional<WebAssets.Asset> shell = assets.find(SHELL);
        if (shell.isEmpty()) {
            // A bundle built without its web folder: still say where the node is.
            page(response, 200, "MoodHaven node", "This is " + identity.deviceName() + " (" + identity.deviceId()
                    + "). The JSON API answers under /api/.");
            return;
        }
        response.setStatus(200);
        response.setContentType(shell.get().contentType());
        response.setContentLength(shell.get().bytes().length);
        response.getOutputStream().write(shell.get().bytes());
    }

    /** A minimal page; every string is escaped, since a device name comes from the person or a peer. */
    private static void page(HttpServletResponse response, int status, String title, String text)
            throws IOException {
        response.setStatus(status);
        response.setContentType("text/html");
        response.setCharacterEncoding(StandardCharsets.UTF_8.name());
        String html = "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>" + escape(title)
                + "</title></head><body><h1>" + escape(title) + "</h1><p>" + escape(text) + "</p></body></html>";
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
