package org.moodhaven.ui.web.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Base64;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.moodhaven.api.identity.DeviceIdentity;
import org.moodhaven.testing.TestNodeSettings;

class RootServletTest {

    private ApiToken token;
    private DeviceIdentity identity;
    private RootServlet servlet;

    @BeforeEach
    void setUp(@TempDir Path data) throws Exception {
        token = new ApiToken(new TestNodeSettings(data));
        identity = (DeviceIdentity) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {DeviceIdentity.class}, (proxy, m, args) -> switch (m.getName()) {
                    case "deviceName" -> "<b>Ken</b>";
                    case "deviceId" -> "9a4f0b2c1d3e5f60";
                    default -> throw new UnsupportedOperationException(m.getName());
                });
        servlet = new RootServlet(token, identity);
    }

    private FakeHttp.Answer get(String path, String query, String... headers) throws Exception {
        FakeHttp.Answer answer = new FakeHttp.Answer();
        servlet.service(FakeHttp.request("GET", path, null, query, headers), answer.response);
        return answer;
    }

    /** The cookie as docs/api.md describes it: named after the port, HMAC-SHA256(token, label), b64url. */
    private String cookie() throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(token.value().getBytes(StandardCharsets.US_ASCII), "HmacSHA256"));
        byte[] derived = mac.doFinal("moodhaven api cookie v1".getBytes(StandardCharsets.US_ASCII));
        return "moodhaven-api-" + FakeHttp.PORT + "=" + Base64.getUrlEncoder().withoutPadding().encodeToString(derived);
    }

    @Test
    void withTheCookieTheRootIsTheAppShell() throws Exception {
        FakeHttp.Answer answer = get("/", null, "Cookie", cookie());
        assertEquals(200, answer.status);
        assertEquals("text/html;charset=utf-8", answer.contentType);
        assertEquals("no-store", answer.header("Cache-Control"));
        assertEquals(WebAssets.CONTENT_SECURITY_POLICY, answer.header("Content-Security-Policy"));
        assertEquals("nosniff", answer.header("X-Content-Type-Options"));
        assertEquals("no-referrer", answer.header("Referrer-Policy"));
        String html = answer.text();
        assertTrue(html.contains("<script type=\"module\" src=\"/static/app.js\"></script>"), html);
        for (String id : new String[] {"password", "unlock", "entries", "new-text", "new-mood", "save"}) {
            assertTrue(html.contains("id=\"" + id + "\""), id);
        }
        assertEquals(200, get("", null, "Cookie", cookie()).status);
    }

    @Test
    void otherPathsAreNotFound() throws Exception {
        FakeHttp.Answer answer = get("/favicon.ico", null, "Cookie", cookie());
        assertEquals(404, answer.status);
        assertEquals(WebAssets.CONTENT_SECURITY_POLICY, answer.header("Content-Security-Policy"));
        assertEquals(404, get("/index.html", null, "Cookie", cookie()).status);
    }

    @Test
    void theTokenTradeAndTheRefusalsAreUnchanged() throws Exception {
        FakeHttp.Answer trade = get("/", "token=" + token.value());
        assertEquals(303, trade.status);
        assertEquals("/", trade.header("Location"));
        assertEquals(cookie() + "; Path=/; Max-Age=34560000; HttpOnly; SameSite=Strict", trade.header("Set-Cookie"),
                "not a session cookie: the sign-in lasts until the node restarts, not until the browser closes");

        FakeHttp.Answer wrong = get("/", "token=wrong");
        assertEquals(401, wrong.status);
        assertTrue(wrong.text().contains("This link is no longer valid"), wrong.text());

        FakeHttp.Answer none = get("/", null);
        assertEquals(401, none.status);
        assertTrue(none.text().contains("Open MoodHaven with its link"), none.text());
        assertFalse(none.text().contains("module"), "no app without the token");

        FakeHttp.Answer rebound = get("/", null, "Host", "attacker.example:8080", "Cookie", cookie());
        assertEquals(403, rebound.status);
        assertEquals(WebAssets.CONTENT_SECURITY_POLICY, rebound.header("Content-Security-Policy"));
    }

    @Test
    void withoutTheCookieAPageInTheAppsStyleSaysHowToOpenTheLink() throws Exception {
        FakeHttp.Answer none = get("/", null);
        assertEquals(401, none.status);
        assertEquals(WebAssets.CONTENT_SECURITY_POLICY, none.header("Content-Security-Policy"));
        String html = none.text();
        assertTrue(html.contains("<link rel=\"stylesheet\" href=\"/static/style.css\">"), html);
        assertTrue(html.contains("<meta name=\"viewport\""), html);
        assertTrue(html.contains("Web UI and JSON API: http://127.0.0.1:" + FakeHttp.PORT + "/?token="), html);
        assertTrue(html.contains("api-token"), "where the token is when the link is lost: " + html);
        assertTrue(html.contains("until the node restarts"), html);
        assertFalse(html.contains(token.value()), "the page never shows the token");
        assertFalse(html.contains("<script"), html);
        assertFalse(html.contains("style="), "no inline style: the CSP allows style.css only");
    }

    @Test
    void theCookieIsNamedAfterThePortAndNeverHoldsTheToken() throws Exception {
        String setCookie = get("/", "token=" + token.value()).header("Set-Cookie");
        assertTrue(setCookie.startsWith("moodhaven-api-" + FakeHttp.PORT + "="), setCookie);
        assertFalse(setCookie.contains(token.value()), "a service on another port of 127.0.0.1 receives this cookie");
        assertEquals(cookie() + "; Path=/; Max-Age=34560000; HttpOnly; SameSite=Strict", setCookie);
        String value = cookie().substring(cookie().indexOf('=') + 1);

        assertEquals(200, get("/", null, "Cookie", "other=1; " + cookie()).status);
        assertEquals(401, get("/", null, "Cookie", "moodhaven-api-" + FakeHttp.PORT + "=" + token.value()).status,
                "a cookie holding the token itself is no longer taken");
        assertEquals(401, get("/", null, "Cookie", "moodhaven_token=" + token.value()).status, "the old cookie");
        assertEquals(401, get("/", null, "Cookie", "moodhaven-api-" + (FakeHttp.PORT + 1) + "=" + value).status,
                "another port's cookie name");
        assertEquals(401, get("/", null, "Cookie", "moodhaven-api-" + FakeHttp.PORT + "=" + value.substring(1)).status);
        assertEquals(401, get("/", null, "Authorization", "Bearer " + value).status, "the cookie is no Bearer token");
        assertEquals(200, get("/", null, "Authorization", "Bearer " + token.value()).status, "scripts keep the token");
    }

    @Test
    void aNewTokenMakesANewCookieSoAnOldOneStopsWorking(@TempDir Path other) throws Exception {
        String before = cookie();
        token = new ApiToken(new TestNodeSettings(other));
        servlet = new RootServlet(token, identity);
        assertFalse(cookie().equals(before));
        assertEquals(401, get("/", null, "Cookie", before).status, "the cookie of an earlier start");
        assertEquals(200, get("/", null, "Cookie", cookie()).status);
    }
}
