package org.moodhaven.ui.web.internal;

import java.io.IOException;
import java.util.Set;

import jakarta.servlet.http.Cookie;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

/**
 * Who may talk to the node over HTTP, the way Jupyter protects its server: the
 * request must name the node by its own loopback address (so a web page that
 * rebinds a DNS name to 127.0.0.1 is refused), a browser request must come from
 * the node's own origin, and the request must carry the token as
 * {@code Authorization: Bearer} (scripts), or the cookie the start page set (the
 * browser): named {@link #cookieName(int) moodhaven-api-PORT} and holding
 * {@link ApiToken#cookieValue()}, a value derived from the token. Browsers send a
 * cookie to every port of a host, so the cookie never holds the token itself, and the
 * port in its name keeps two nodes on one host from overwriting each other's cookie.
 */
final class RequestGuard {

    /** The start of the name of the cookie the page trades the token for; the HTTP port follows. */
    static final String COOKIE_PREFIX = "moodhaven-api-";

    /** Why a request is refused. */
    enum Refusal {
        /** The Host header is not the node's own loopback address. */
        FORBIDDEN_HOST(403, "forbidden_host", "requests must address the node as 127.0.0.1, localhost or [::1] "
                + "with its port"),
        /** A browser request from another site. */
        FORBIDDEN_ORIGIN(403, "forbidden_origin", "requests from other sites are refused"),
        /** No valid token. */
        UNAUTHORIZED(401, "unauthorized", "open the link the node printed when it started (it carries the "
                + "token), or send Authorization: Bearer <the token in the data folder's api-token file>");

        final int status;
        final String code;
        final String message;

        Refusal(int status, String code, String message) {
            this.status = status;
            this.code = code;
            this.message = message;
        }
    }

    private final ApiToken token;

    RequestGuard(ApiToken token) {
        this.token = token;
    }

    /**
     * @param request a request
     * @return why it is refused, or {@code null} when it may go on
     */
    Refusal check(HttpServletRequest request) {
        Refusal place = checkPlace(request);
        if (place != null) {
            return place;
        }
        return hasToken(request) ? null : Refusal.UNAUTHORIZED;
    }

    /**
     * The start of every API request (JSON and event stream): never cached, never
     * sniffed, and answered with the JSON error when {@link #check} refuses it.
     *
     * @return whether the request may go on
     */
    boolean admitApiRequest(HttpServletRequest request, HttpServletResponse response) throws IOException {
        response.setHeader("Cache-Control", "no-store");
        response.setHeader("X-Content-Type-Options", "nosniff");
        Refusal refusal = check(request);
        if (refusal != null) {
            ApiServlet.error(response, refusal.status, refusal.code, refusal.message);
            return false;
        }
        return true;
    }

    /** Host and Origin only: for the request that trades the token for the cookie. */
    Refusal checkPlace(HttpServletRequest request) {
        return checkPlaceOf(request);
    }

    /**
     * Host and Origin only, without a token: also for {@code GET /api/health}, which needs none.
     *
     * @param request a request
     * @return why it is refused, or {@code null} when it names the node by its own loopback address
     */
    static Refusal checkPlaceOf(HttpServletRequest request) {
        Set<String> own = ownHosts(request.getLocalPort());
        String host = request.getHeader("Host");
        if (host == null || !own.contains(host.toLowerCase(java.util.Locale.ROOT))) {
            return Refusal.FORBIDDEN_HOST;
        }
        String origin = request.getHeader("Origin");
        if (origin != null && !own.contains(stripScheme(origin))) {
            return Refusal.FORBIDDEN_ORIGIN;
        }
        String fetchSite = request.getHeader("Sec-Fetch-Site");
        if ("cross-site".equals(fetchSite)) {
            return Refusal.FORBIDDEN_ORIGIN;
        }
        return null;
    }

    private boolean hasToken(HttpServletRequest request) {
        String authorization = request.getHeader("Authorization");
        if (authorization != null && authorization.startsWith("Bearer ")
                && token.matches(authorization.substring("Bearer ".length()).trim())) {
            return true;
        }
        Cookie[] cookies = request.getCookies();
        if (cookies != null) {
            String name = cookieName(request.getLocalPort());
            for (Cookie cookie : cookies) {
                if (name.equals(cookie.getName()) && token.matchesCookie(cookie.getValue())) {
                    return true;
                }
            }
        }
        return false;
    }

    /**
     * @param port the node's HTTP port, as the request reached it
     * @return the name of the node's cookie on that port
     */
    static String cookieName(int port) {
        return COOKIE_PREFIX + port;
    }

    /**
     * How long the browser keeps the cookie: 400 days, the longest a browser keeps one. The
     * sign-in should last until the node restarts, which makes a new token and so a new cookie
     * value; a cookie without a lifetime would end when the browser closes, and the person would
     * need the start link again although the node still runs.
     */
    static final long COOKIE_MAX_AGE_SECONDS = 400L * 24 * 60 * 60;

    /**
     * @param port the node's HTTP port, as the request reached it
     * @return the {@code Set-Cookie} header value that gives the browser the node's cookie
     */
    String setCookie(int port) {
        return cookieName(port) + "=" + token.cookieValue() + "; Path=/; Max-Age=" + COOKIE_MAX_AGE_SECONDS
                + "; HttpOnly; SameSite=Strict";
    }

    static Set<String> ownHosts(int port) {
        return Set.of("127.0.0.1:" + port, "localhost:" + port, "[::1]:" + port);
    }

    private static String stripScheme(String origin) {
        String lower = origin.toLowerCase(java.util.Locale.ROOT);
        return lower.startsWith("http://") ? lower.substring("http://".length()) : "";
    }
}
