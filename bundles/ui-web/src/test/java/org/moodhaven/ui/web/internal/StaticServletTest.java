package org.moodhaven.ui.web.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;

import jakarta.servlet.http.HttpServletRequest;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.moodhaven.testing.TestNodeSettings;

class StaticServletTest {

    private StaticServlet servlet;

    @BeforeEach
    void setUp(@TempDir Path data) throws Exception {
        servlet = new StaticServlet(new ApiToken(new TestNodeSettings(data)));
    }

    private FakeHttp.Answer get(String pathInfo, String... headers) throws Exception {
        return call("GET", pathInfo, headers);
    }

    private FakeHttp.Answer call(String method, String pathInfo, String... headers) throws Exception {
        HttpServletRequest request = FakeHttp.request(method, "/static", pathInfo, null, headers);
        FakeHttp.Answer answer = new FakeHttp.Answer();
        servlet.service(request, answer.response);
        return answer;
    }

    private static void assertSecurityHeaders(FakeHttp.Answer answer) {
        assertEquals(WebAssets.CONTENT_SECURITY_POLICY, answer.header("Content-Security-Policy"));
        assertTrue(answer.header("Content-Security-Policy").contains("script-src 'self';"));
        assertFalse(answer.header("Content-Security-Policy").contains("unsafe-inline"));
        assertEquals("nosniff", answer.header("X-Content-Type-Options"));
        assertEquals("no-referrer", answer.header("Referrer-Policy"));
    }

    @Test
    void servesTheBundledFilesWithTheirContentTypes() throws Exception {
        String[][] files = {
            {"/app.js", "text/javascript;charset=utf-8"},
            {"/crypto.js", "text/javascript;charset=utf-8"},
            {"/api.js", "text/javascript;charset=utf-8"},
            {"/style.css", "text/css;charset=utf-8"},
            {"/icon.svg", "image/svg+xml"},
            {"/index.html", "text/html;charset=utf-8"},
        };
        for (String[] file : files) {
            FakeHttp.Answer answer = get(file[0]);
            assertEquals(200, answer.status, file[0]);
            assertEquals(file[1], answer.contentType, file[0]);
            byte[] expected = getClass().getClassLoader().getResourceAsStream("web" + file[0]).readAllBytes();
            assertEquals(expected.length, answer.body.size(), file[0]);
            assertEquals(expected.length, answer.contentLength, file[0]);
            assertSecurityHeaders(answer);
            assertEquals("no-cache", answer.header("Cache-Control"), file[0]);
            assertTrue(answer.header("ETag").matches("\"[0-9a-f]{32}\""), answer.header("ETag"));
        }
        assertTrue(get("/crypto.js").text().contains("export async function encryptText"));
    }

    @Test
    void anUnchangedFileIsNotSentAgain() throws Exception {
        String etag = get("/app.js").header("ETag");
        FakeHttp.Answer again = get("/app.js", "If-None-Match", etag);
        assertEquals(304, again.status);
        assertEquals(0, again.body.size());
        assertEquals(etag, again.header("ETag"));
        assertSecurityHeaders(again);
        assertEquals(200, get("/app.js", "If-None-Match", "\"0123\"").status);
        assertEquals(304, get("/app.js", "If-None-Match", "\"0123\", W/" + etag).status);
    }

    @Test
    void aHeadAnswersTheHeadersWithoutTheBody() throws Exception {
        FakeHttp.Answer answer = call("HEAD", "/app.js");
        assertEquals(200, answer.status);
        assertEquals("text/javascript;charset=utf-8", answer.contentType);
        assertEquals(0, answer.body.size());
        assertSecurityHeaders(answer);
    }

    @Test
    void anUnknownFileIsNotFound() throws Exception {
        for (String path : new String[] {"/nothing.js", "/missing/app.js", "/", "", null, "/app.jsx"}) {
            FakeHttp.Answer answer = get(path);
            assertEquals(404, answer.status, String.valueOf(path));
            assertEquals("no-store", answer.header("Cache-Control"));
            assertNull(answer.header("ETag"));
            assertSecurityHeaders(answer);
        }
    }

    @Test
    void pathTraversalAndOddNamesAreRefused() throws Exception {
        String[] attempts = {
            "/../org/moodhaven/ui/web/internal/StaticServlet.class",
            "/../META-INF/MANIFEST.MF",
            "/..%2fMETA-INF/MANIFEST.MF",
            "/%2e%2e/web/app.js",
            "/./app.js",
            "//app.js",
            "/sub/../app.js",
            "/..\\app.js",
            "/app.js/",
            "/.hidden.js",
            "/app.js%00.css",
            "/app.js\u0000.css",
            "/web/../../etc/passwd.txt",
            "/OSGI-INF/org.moodhaven.ui.web.internal.StaticServlet.xml",
            "/app.js?x=1",
            "/app .js",
        };
        for (String path : attempts) {
            FakeHttp.Answer answer = get(path);
            assertEquals(404, answer.status, path);
            assertFalse(answer.text().contains("class"), path);
            assertSecurityHeaders(answer);
        }
        assertFalse(WebAssets.isPlainName("a/../b.js"));
        assertFalse(WebAssets.isPlainName("a..b.js"), "no double dot anywhere, to be sure");
        assertTrue(WebAssets.isPlainName("sub/dir/file.min.js"));
    }

    @Test
    void onlyFilesOfTheWebFolderAreReachable(@TempDir Path root) throws Exception {
        Files.createDirectories(root.resolve("web"));
        Files.writeString(root.resolve("web/ok.txt"), "inside");
        Files.writeString(root.resolve("secret.txt"), "outside");
        Files.writeString(root.resolve("web/data.bin"), "unknown type");
        try (java.net.URLClassLoader loader = new java.net.URLClassLoader(new java.net.URL[] {root.toUri().toURL()},
                null)) {
            WebAssets assets = new WebAssets(loader);
            assertEquals("inside", new String(assets.find("ok.txt").orElseThrow().bytes()));
            assertEquals("text/plain;charset=utf-8", assets.find("ok.txt").orElseThrow().contentType());
            assertTrue(assets.find("../secret.txt").isEmpty());
            assertTrue(assets.find("secret.txt").isEmpty());
            assertTrue(assets.find("data.bin").isEmpty(), "a file without a known type is not served");
        }
    }

    @Test
    void aRequestNamingAnotherHostOrFromAnotherSiteIsRefused() throws Exception {
        FakeHttp.Answer rebound = get("/app.js", "Host", "attacker.example:8080");
        assertEquals(403, rebound.status);
        assertEquals(0, rebound.text().indexOf("requests must address the node"), rebound.text());
        assertSecurityHeaders(rebound);
        assertEquals(403, get("/app.js", "Origin", "http://attacker.example").status);
        assertEquals(403, get("/app.js", "Sec-Fetch-Site", "cross-site").status);
        assertEquals(200, get("/app.js", "Origin", "http://127.0.0.1:8080", "Sec-Fetch-Site", "same-origin").status);
    }

    @Test
    void onlyGetAndHeadAreAllowed() throws Exception {
        assertEquals(405, call("POST", "/app.js").status);
        assertEquals(405, call("DELETE", "/app.js").status);
    }
}
