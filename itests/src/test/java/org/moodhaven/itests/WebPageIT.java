package org.moodhaven.itests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.stream.Stream;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.moodhaven.itests.browser.Browser;
import org.moodhaven.tools.NodeProcess;
import org.moodhaven.tools.TwoNodes;
import org.openqa.selenium.By;
import org.openqa.selenium.Cookie;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;

/**
 * The node's page in a real browser (Debian's headless Chromium), against a real
 * node process, as a person opening the link the node printed would use it; the
 * protections ARCHITECTURE.md promises are checked from inside the browser.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class WebPageIT {

    @RegisterExtension
    static final Browser BROWSER = new Browser();

    private TwoNodes.Node node;
    private String base;
    private String link;
    /** The node's cookie: named after its HTTP port (docs/api.md). */
    private String cookieName;
    /** A page of another origin (another port on 127.0.0.1: the same site, so cookies are sent). */
    private HttpServer elsewhere;
    /** The Cookie headers the browser sent to {@link #elsewhere}. */
    private final List<String> cookiesSentElsewhere = new CopyOnWriteArrayList<>();

    @BeforeAll
    void start(@TempDir Path folder) throws Exception {
        node = new TwoNodes.Node(folder, "web").start();
        link = node.process.transcript().replaceAll("(?s).*Web UI and JSON API: (http://127\\.0\\.0\\.1:\\d+/\\?token=\\S+).*",
                "$1");
        base = link.substring(0, link.indexOf("/?token="));
        cookieName = "moodhaven-api-" + base.substring(base.lastIndexOf(':') + 1);
        elsewhere = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        elsewhere.createContext("/", exchange -> {
            cookiesSentElsewhere.addAll(exchange.getRequestHeaders().getOrDefault("Cookie", List.of()));
            byte[] page = ("<!DOCTYPE html><html><head><title>elsewhere</title>"
                    + "<link rel=\"icon\" href=\"data:,\"></head><body>another site</body></html>")
                    .getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "text/html; charset=utf-8");
            exchange.sendResponseHeaders(exchange.getRequestURI().getPath().equals("/") ? 200 : 404, page.length);
            exchange.getResponseBody().write(page);
            exchange.close();
        });
        elsewhere.start();
    }

    @AfterAll
    void stop() throws Exception {
        if (elsewhere != null) {
            elsewhere.stop(0);
        }
        if (node != null) {
            node.close();
        }
    }

    /** Opens the printed link and waits until the browser has been sent on to the page. */
    private void openTheLink() {
        BROWSER.driver().get(link);
        BROWSER.await().until(ExpectedConditions.urlToBe(base + "/"));
    }

    @Test
    void theLinkEndsOnThePageWithoutTheTokenAndLeavesAStrictHttpOnlyCookie() {
        openTheLink();
        String token = link.substring(link.indexOf("?token=") + "?token=".length());
        assertFalse(BROWSER.driver().getCurrentUrl().contains(token), BROWSER.driver().getCurrentUrl());
        assertFalse(String.valueOf(BROWSER.js().executeScript("return location.href")).contains("token"));
        Cookie cookie = BROWSER.driver().manage().getCookieNamed(cookieName);
        assertNotNull(cookie, "the page set the node's cookie");
        assertNotEquals(token, cookie.getValue(), "the cookie holds a value derived from the token");
        assertTrue(cookie.isHttpOnly(), "HttpOnly");
        assertEquals("Strict", cookie.getSameSite());
        assertEquals("/", cookie.getPath());
        assertNotNull(cookie.getExpiry(), "not a session cookie: closing the browser does not sign it out");
        assertFalse(String.valueOf(BROWSER.js().executeScript("return document.cookie")).contains(cookieName),
                "scripts in the page cannot read the cookie");
    }

    @Test
    void anotherServiceOnThisHostReceivesTheCookieButNeverTheToken() {
        openTheLink();
        String token = link.substring(link.indexOf("?token=") + "?token=".length());
        cookiesSentElsewhere.clear();
        BROWSER.driver().get("http://127.0.0.1:" + elsewhere.getAddress().getPort() + "/");
        BROWSER.await().until(driver -> "elsewhere".equals(driver.getTitle()));

        String sent = String.join("; ", cookiesSentElsewhere);
        assertTrue(sent.contains(cookieName + "="), "browsers send a cookie to every port of a host: " + sent);
        assertFalse(sent.contains(token), "what the other port received is not the token: " + sent);
    }

    @Test
    void theApiRefusesARequestWithoutTheToken() {
        openTheLink();
        BROWSER.expectConsoleError("/api/identity .*401");
        assertEquals(401L, status("fetch('/api/identity', {credentials: 'omit'})"));
        assertEquals(200L, status("fetch('/api/identity', {credentials: 'same-origin'})"),
                "the same request with the page's cookie is answered");
    }

    @Test
    void theContentSecurityPolicyStopsAnInjectedInlineScript() {
        openTheLink();
        BROWSER.expectConsoleError("Content Security Policy");
        BROWSER.js().executeScript(
                "window.violations = [];"
                + "document.addEventListener('securitypolicyviolation', e => window.violations.push(e.violatedDirective));"
                + "document.body.insertAdjacentHTML('beforeend', '<img id=injected src=\"data:,\" onerror=\"window.ranHandler = true\">');"
                + "const script = document.createElement('script');"
                + "script.textContent = 'window.ranScript = true';"
                + "document.body.appendChild(script);");
        // Both attempts are reported as violations once the browser has refused them.
        BROWSER.await().until(driver -> ((Number) BROWSER.js().executeScript("return window.violations.length"))
                .intValue() >= 2);
        BROWSER.await().until(driver -> Boolean.TRUE.equals(BROWSER.js().executeScript(
                "const img = document.getElementById('injected'); return img.complete && img.naturalWidth === 0")));
        assertEquals(Boolean.FALSE, BROWSER.js().executeScript("return window.ranScript === true"));
        assertEquals(Boolean.FALSE, BROWSER.js().executeScript("return window.ranHandler === true"));
        @SuppressWarnings("unchecked")
        List<String> violated = (List<String>) BROWSER.js().executeScript("return window.violations");
        assertTrue(violated.stream().allMatch(d -> d.startsWith("script-src")), violated.toString());
    }

    @Test
    void aRequestFromAnotherOriginIsRefused() throws Exception {
        openTheLink(); // the browser holds the cookie, and would send it from a page of the same site
        String body = "{\"host\":\"10.66.0.1\",\"port\":4242}";
        BROWSER.expectConsoleError("/api/peers .*403");
        BROWSER.driver().get("http://127.0.0.1:" + elsewhere.getAddress().getPort() + "/");
        // A simple request (text/plain, no preflight) that would add a peer if the node took it.
        Object sent = BROWSER.js().executeAsyncScript(
                "const done = arguments[arguments.length - 1];"
                + "fetch(arguments[0] + '/api/peers', {method: 'POST', mode: 'no-cors', credentials: 'include', "
                + "body: arguments[1]}).then(() => done('sent'), e => done('failed: ' + e));", base, body);
        assertEquals("sent", sent);
        assertFalse(hasPeer("10.66.0.1"), "the node did not act on a request from another origin");

        // The same request from the node's own page is taken: the refusal above was the origin's doing.
        openTheLink();
        assertEquals(200L, status("fetch('/api/peers', {method: 'POST', body: " + json(body) + "})"));
        assertTrue(hasPeer("10.66.0.1"));
        node.api.delete("/api/peers/10.66.0.1:4242");
    }

    @Test
    void anEntryWrittenInTheBrowserIsStoredAsCiphertextAndDecryptsInTheNode(@TempDir Path folder) throws Exception {
        String password = "a long and private browser pass phrase";
        String marker = "browser-plaintext-" + UUID.randomUUID();
        Path data = folder.resolve("data");
        Path home = Files.createDirectories(folder.resolve("home"));
        // With its console, so the JVM's own journal can read the entry back.
        try (NodeProcess console = NodeProcess.start(data, home, "--name", "Browser test", "--http-port", "0",
                "--sync-port", "0", "--no-mdns", "--no-auto-sync")) {
            Matcher printed = console.expect(
                    "Web UI and JSON API: (http://127\\.0\\.0\\.1:\\d+)/\\?token=(\\S+)", Duration.ofSeconds(60));
            String page = printed.group(1);
            BROWSER.driver().get(page + "/?token=" + printed.group(2));
            BROWSER.await().until(ExpectedConditions.urlToBe(page + "/"));
            // A new journal: its password is chosen, typed twice, with a warning that it cannot be recovered.
            WebElement repeat = BROWSER.await().until(
                    ExpectedConditions.visibilityOfElementLocated(By.id("password-repeat")));
            assertEquals("Choose your journal\u2019s password",
                    BROWSER.driver().findElement(By.id("unlock-title")).getText());
            assertTrue(BROWSER.driver().findElement(By.id("choose-warning")).getText().contains("cannot be recovered"));
            BROWSER.driver().findElement(By.id("password")).sendKeys(password);
            repeat.sendKeys(password + " with a typo");
            BROWSER.driver().findElement(By.id("unlock")).click();
            BROWSER.await().until(driver -> driver.findElement(By.id("unlock-message")).getText().contains("differ"));
            assertFalse(BROWSER.driver().findElement(By.id("journal-view")).isDisplayed());
            BROWSER.screenshot("journal-choose-password");
            BROWSER.driver().findElement(By.id("password-repeat")).sendKeys(password);
            BROWSER.driver().findElement(By.id("unlock")).click();
            BROWSER.await().until(ExpectedConditions.visibilityOfElementLocated(By.id("new-text")))
                    .sendKeys("Dear diary, " + marker);
            new Select(BROWSER.driver().findElement(By.id("new-mood"))).selectByValue("4");
            BROWSER.driver().findElement(By.id("save")).click();
            WebElement entry = BROWSER.await().until(driver -> driver.findElements(
                    By.cssSelector("#entries [data-entry-id]")).stream()
                    .filter(e -> e.getText().contains(marker)).findFirst().orElse(null));
            String entryId = entry.getAttribute("data-entry-id");
            BROWSER.screenshot("WebPageIT-journal-with-an-entry");

            console.type("mh:unlock", password);
            console.expect("Journal unlocked", Duration.ofSeconds(60));
            console.type("mh:show " + entryId);
            console.expect("Dear diary, " + marker, Duration.ofSeconds(30));
            assertEquals(0, console.exit());
        }
        List<Path> leaks = new ArrayList<>();
        for (String secret : List.of(marker, password)) {
            leaks.addAll(filesContaining(data, secret));
            leaks.addAll(filesContaining(home, secret));
        }
        assertEquals(List.of(), leaks, "no plaintext or password in any file the node wrote");
    }

    private static List<Path> filesContaining(Path root, String text) throws IOException {
        byte[] needle = text.getBytes(StandardCharsets.UTF_8);
        List<Path> found = new ArrayList<>();
        try (Stream<Path> files = Files.walk(root)) {
            for (Path file : (Iterable<Path>) files::iterator) {
                if (Files.isRegularFile(file) && contains(Files.readAllBytes(file), needle)) {
                    found.add(file);
                }
            }
        }
        return found;
    }

    private static boolean contains(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }

    private boolean hasPeer(String host) throws IOException, InterruptedException {
        for (JsonNode peer : node.api.get("/api/peers").get("peers")) {
            if (host.equals(peer.get("host").asText())) {
                return true;
            }
        }
        return false;
    }

    /**
     * The journal of a device whose entries all came from another device by sync: the page asks for the
     * password once, refuses one that does not open those entries (so nothing unreadable is ever written
     * with it), and takes the other device's; the console refuses the wrong one too.
     */
    @Test
    void aJournalWhoseEntriesAllCameFromAnotherDeviceTakesOnlyThatDevicesPassword(@TempDir Path folder)
            throws Exception {
        String laptops = "the password chosen on the laptop";
        Path data = folder.resolve("data");
        try (NodeProcess desktop = NodeProcess.start(data, Files.createDirectories(folder.resolve("home")),
                "--name", "Desktop", "--http-port", "0", "--sync-port", "0", "--no-mdns", "--no-auto-sync")) {
            Matcher printed = desktop.expect(
                    "Web UI and JSON API: (http://127\\.0\\.0\\.1:\\d+)/\\?token=(\\S+)", Duration.ofSeconds(60));
            String page = printed.group(1);
            BROWSER.driver().get(page + "/?token=" + printed.group(2));
            BROWSER.await().until(ExpectedConditions.urlToBe(page + "/"));
            assertEquals("ok", BROWSER.js().executeAsyncScript(ENTRY_FROM_THE_LAPTOP, laptops));

            BROWSER.driver().navigate().refresh();
            BROWSER.await().until(driver -> "Unlock your journal".equals(
                    driver.findElement(By.id("unlock-title")).getText()));
            assertFalse(BROWSER.driver().findElement(By.id("password-repeat")).isDisplayed());
            BROWSER.driver().findElement(By.id("password")).sendKeys("the desktop's typo");
            BROWSER.driver().findElement(By.id("unlock")).click();
            BROWSER.await().until(driver -> driver.findElement(By.id("unlock-message")).getText()
                    .startsWith("Wrong password"));
            assertFalse(BROWSER.driver().findElement(By.id("journal-view")).isDisplayed());

            desktop.type("mh:unlock", "the desktop's typo");
            desktop.expect("Wrong password", Duration.ofSeconds(60));

            WebElement field = BROWSER.driver().findElement(By.id("password"));
            field.clear();
            field.sendKeys(laptops);
            BROWSER.driver().findElement(By.id("unlock")).click();
            BROWSER.await().until(driver -> driver.findElements(By.cssSelector("#entries li.entry[data-readable=true]"))
                    .stream().anyMatch(e -> e.getText().contains("Written on the laptop")));
            BROWSER.driver().findElement(By.id("new-text")).sendKeys("Written on the desktop");
            BROWSER.driver().findElement(By.id("save")).click();
            BROWSER.await().until(driver -> "Saved.".equals(driver.findElement(By.id("write-message")).getText()));
            desktop.type("mh:unlock", laptops);
            desktop.expect("Journal unlocked\\.", Duration.ofSeconds(60));
            desktop.type("mh:entries");
            desktop.expect("Written on the desktop", Duration.ofSeconds(30));
            assertEquals(0, desktop.exit());
        }
    }

    /** Posts one entry as the laptop would have synced it: its own salt, its password. Argument: the password. */
    private static final String ENTRY_FROM_THE_LAPTOP = """
            const done = arguments[arguments.length - 1];
            const [password] = arguments;
            (async () => {
              const c = await import('/static/crypto.js');
              const salt = btoa(String.fromCharCode(...crypto.getRandomValues(new Uint8Array(16))));
              const key = await c.deriveKey(password, c.base64ToBytes(salt));
              const at = new Date(Date.now() - 3600000).toISOString();
              const id = c.newEntryId();
              const entry = { id, created_at: at, updated_at: at, mood: 3, privacy_mode: 'normal', book_id: null,
                pinned: false, content: await c.encryptText(key, salt, id, 'Written on the laptop') };
              const answer = await fetch('/api/entries', { method: 'POST', body: JSON.stringify(entry),
                headers: { 'Content-Type': 'application/json' } });
              if (!answer.ok) {
                throw new Error(answer.status + ' ' + await answer.text());
              }
            })().then(() => done('ok'), (e) => done('failed: ' + e));
            """;

    /** Runs a fetch in the page and answers its status. */
    private long status(String fetch) {
        Object status = BROWSER.js().executeAsyncScript("const done = arguments[arguments.length - 1];"
                + fetch + ".then(r => done(r.status), e => done('failed: ' + e));");
        assertTrue(status instanceof Number, String.valueOf(status));
        return ((Number) status).longValue();
    }

    private static String json(String text) {
        return "'" + text.replace("\\", "\\\\").replace("'", "\\'") + "'";
    }
}
