package org.moodhaven.itests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.moodhaven.itests.browser.Browser;
import org.moodhaven.tools.Await;
import org.moodhaven.tools.TwoNodes;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.NoAlertPresentException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.WindowType;
import org.openqa.selenium.support.ui.ExpectedConditions;

/**
 * The Devices page of two real nodes, each in its own tab of one headless Chromium, used as
 * two people at two devices would: pairing through both pages (PIN shown on A, typed on B,
 * the same check code on both, approved on A), Sync now on B bringing A's entry to B's
 * journal page, a third device revoked on A's page (its next sync with A is refused), and a
 * device whose name is HTML shown as text. Both pages are opened at 127.0.0.1: cookies do not
 * tell ports apart, so this also holds that each node's cookie is named after its own port
 * (one node's start link does not log the other's page out).
 * <p>
 * And what a new user met (issue 17): feedback in the card it is about, in words, gone when it
 * no longer holds; a pairing panel that follows the node and shows no finished or older session;
 * each side told its own part; focus moved to what an action produced, and announced; Approve
 * as the primary button; tap targets of 44 px on a phone; a dark theme; a styled page without
 * the token.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DevicesPageIT {

    @RegisterExtension
    static final Browser BROWSER = new Browser();

    private static final String PASSWORD = "the same pass phrase on both devices";
    private static final String EVIL = "<img src=x onerror=alert(1)>";

    private Path folder;
    private TwoNodes.Node a;
    private TwoNodes.Node b;
    private String tabA;
    private String tabB;
    private String pageA;
    private String pageB;

    @BeforeAll
    void start(@TempDir Path temp) throws Exception {
        folder = temp;
        a = new TwoNodes.Node(folder, "laptop").launch("", "--name", "Ken's laptop");
        b = new TwoNodes.Node(folder, "desktop").launch("", "--name", "Ken's desktop");
        a.awaitReady();
        b.awaitReady();
        pageA = link(a).substring(0, link(a).indexOf("/?token="));
        pageB = link(b).substring(0, link(b).indexOf("/?token="));
        if (BROWSER.driver() != null) {
            tabA = open(link(a), pageA);
            BROWSER.driver().switchTo().newWindow(WindowType.TAB);
            tabB = open(link(b), pageB);
        }
    }

    @AfterAll
    void stop() throws Exception {
        for (TwoNodes.Node node : new TwoNodes.Node[] {a, b}) {
            if (node != null) {
                node.close();
            }
        }
    }

    private static String link(TwoNodes.Node node) {
        return node.process.transcript().replaceAll(
                "(?s).*Web UI and JSON API: (http://127\\.0\\.0\\.1:\\d+/\\?token=\\S+).*", "$1");
    }

    /** Opens a start link in the current tab, waits for the page, answers the tab. */
    private static String open(String link, String page) {
        BROWSER.driver().get(link);
        BROWSER.await().until(ExpectedConditions.urlToBe(page + "/"));
        BROWSER.await().until(driver -> "locked".equals(attribute("body", "data-journal")));
        return BROWSER.driver().getWindowHandle();
    }

    private static void on(String tab) {
        BROWSER.driver().switchTo().window(tab);
    }

    private static String attribute(String css, String name) {
        return BROWSER.driver().findElements(By.cssSelector(css)).stream().findFirst()
                .map(e -> e.getAttribute(name)).orElse(null);
    }

    private static WebElement visible(String css) {
        return BROWSER.await().until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector(css)));
    }

    private static String textOf(String css) {
        return BROWSER.await().until(driver -> {
            String text = driver.findElement(By.cssSelector(css)).getText();
            return text.isBlank() ? null : text;
        });
    }

    private static void type(String css, String text) {
        WebElement field = visible(css);
        field.clear();
        field.sendKeys(text);
    }

    private static void click(String css) {
        BROWSER.await().until(ExpectedConditions.elementToBeClickable(By.cssSelector(css))).click();
    }

    private static void unlock() {
        click("#nav-journal");
        BROWSER.await().until(driver -> "locked".equals(attribute("body", "data-journal")));
        type("#password", PASSWORD);
        if (BROWSER.driver().findElement(By.id("password-repeat")).isDisplayed()) {
            type("#password-repeat", PASSWORD); // a journal with no entries yet: its password, typed twice
        }
        click("#unlock");
        BROWSER.await().until(driver -> "ready".equals(attribute("body", "data-journal")));
    }

    private static WebElement entryContaining(String text) {
        return BROWSER.await().until(driver -> driver.findElements(By.cssSelector("#entries li.entry")).stream()
                .filter(e -> e.getText().contains(text)).findFirst().orElse(null));
    }

    /** @return the text a person sees in the current page (hidden elements left out) */
    private static String pageText() {
        return String.valueOf(BROWSER.js().executeScript("return document.body.innerText"));
    }

    private static int occurrences(String text, String part) {
        int count = 0;
        for (int at = text.indexOf(part); at >= 0; at = text.indexOf(part, at + 1)) {
            count++;
        }
        return count;
    }

    /** @return the id of the element that has the keyboard focus */
    private static String focused() {
        return String.valueOf(BROWSER.js().executeScript("return document.activeElement && document.activeElement.id"));
    }

    private static boolean shown(String css) {
        return BROWSER.driver().findElements(By.cssSelector(css)).stream().anyMatch(WebElement::isDisplayed);
    }

    /** Reloads the current page and waits until its pairing card has drawn the node's pairing state. */
    private static void reload() {
        BROWSER.driver().navigate().refresh();
        BROWSER.await().until(driver -> "locked".equals(attribute("body", "data-journal")));
        BROWSER.await().until(driver -> "true".equals(attribute("#pair-panel", "data-checked")));
    }

    /** Starts pairing on the current page; answers {pin, port}. */
    private static String[] showPin() {
        click("#nav-devices");
        click("#pair-start");
        String pin = textOf("#pair-pin");
        assertTrue(pin.matches("\\d{6}"), pin);
        String port = textOf("#pair-port");
        BROWSER.await().until(driver -> textOf("#pair-countdown").matches("\\d+:\\d\\d"));
        BROWSER.await().until(driver -> Boolean.TRUE.equals(BROWSER.js().executeScript(
                "const qr = document.getElementById('pair-qr');"
                + "return qr.src.startsWith('data:image/svg+xml;base64,') && qr.complete && qr.naturalWidth > 0")));
        return new String[] {pin, port};
    }

    @Test
    void pairingThroughBothPagesThenSyncNowBringsAnEntryWrittenOnAToBsJournalPage() throws Exception {
        String marker = "written on the laptop " + UUID.randomUUID();

        on(tabA);
        unlock();
        type("#new-text", marker);
        click("#save");
        entryContaining(marker);

        String[] offer = showPin();
        assertEquals("pair-offer", focused(), "Show a PIN moves the focus to the PIN it made");
        String spelledPin = String.join(" ", offer[0].split(""));
        assertTrue(textOf("#pair-announce").contains("PIN " + spelledPin), "the PIN is announced: "
                + textOf("#pair-announce"));
        assertEquals("status", attribute("#pair-announce", "role"));
        BROWSER.screenshot("pairing");

        on(tabB);
        click("#nav-devices");
        click("#pair-enter");
        assertEquals("accept-address", focused());
        assertTrue(textOf("#pair-nearby-note").startsWith("Looking for nearby devices is off"),
                "the nodes run without mDNS: " + textOf("#pair-nearby-note"));
        // A wrong PIN: said in the pairing card, in words, with the focus back on the PIN.
        BROWSER.expectConsoleError("/api/pairing/accept .* 403");
        String wrong = offer[0].equals("000000") ? "111111" : "000000";
        type("#accept-address", "127.0.0.1:" + offer[1]);
        type("#accept-pin", wrong);
        click("#accept-submit");
        BROWSER.await().until(driver -> textOf("#pair-message").startsWith("That PIN is not the one"));
        assertEquals("error", attribute("#pair-message", "data-kind"));
        assertTrue(textOf("#pair-message").contains("2 more wrong tries void it"), textOf("#pair-message"));
        assertEquals("accept-pin", focused(), "the field to correct has the focus");
        assertTrue(BROWSER.driver().findElement(By.cssSelector("#pair-panel #pair-message")).isDisplayed());
        assertFalse(BROWSER.driver().findElement(By.id("status")).getText().contains("PIN"), "not in the shared line");
        assertFalse(pageText().contains("Exception"), pageText());
        // The next attempt clears it: the right PIN.
        type("#accept-pin", offer[0]);
        click("#accept-submit");
        String code = textOf("#accept-code");
        assertTrue(code.matches("\\d{4}"), code);
        BROWSER.await().until(driver -> textOf("#accept-state").equals("Waiting for \u201cKen's laptop\u201d to approve."));
        assertFalse(shown("#pair-message"), "the wrong PIN's message went with the next attempt");
        assertEquals("\u201cKen's laptop\u201d", textOf("#accept-name"));
        assertFalse(pageText().contains("wants to pair"), "the device that typed the PIN is not asked to approve: "
                + pageText());
        assertFalse(shown("#pair-approve"), "nor offered Approve");
        assertTrue(textOf("#pair-announce").contains("Check code " + String.join(" ", code.split(""))),
                textOf("#pair-announce"));
        assertEquals("accept-result", focused(), "Pair moves the focus to the check code");
        BROWSER.screenshot("pairing-waiting");

        on(tabA);
        BROWSER.await().until(driver -> code.equals(textOf("#pair-code")));
        assertEquals("Ken's desktop", textOf("#pair-request-name"));
        assertEquals("\u201cKen's desktop\u201d wants to pair: compare the check code, then approve.",
                textOf("#pair-request .step"));
        assertEquals(b.deviceId, textOf("#pair-request-id"));
        assertTrue(visible("#pair-approve").getAttribute("class").contains("primary"));
        assertFalse(visible("#pair-approve").getCssValue("background-color")
                .equals(visible("#pair-decline").getCssValue("background-color")), "Approve does not look like Decline");
        BROWSER.screenshot("pairing-request");
        click("#pair-approve");
        BROWSER.await().until(driver -> textOf("#pair-message").startsWith("Paired with \u201cKen's desktop\u201d."));
        assertEquals("pair-message", focused(), "Approve moves the focus to its outcome");
        visible("#devices-trusted li[data-device-id='" + b.deviceId + "']");
        assertEquals(1, occurrences(pageText(), "Paired with"), "one notice of the pairing: " + pageText());
        assertFalse(shown("#pair-request"), "the request is gone once decided");
        assertTrue(shown("#pair-start"), "the panel is back at its start");
        String syncPortOfA = textOf("#this-sync-port");
        assertEquals(String.valueOf(a.syncPort), syncPortOfA);

        on(tabB);
        BROWSER.await().until(driver -> textOf("#pair-message").startsWith("Paired with \u201cKen's laptop\u201d."));
        assertEquals(1, occurrences(pageText(), "Paired with"), pageText());
        assertFalse(shown("#accept-result"), "no stale check code once paired");
        String trustedA = "#devices-trusted li[data-device-id='" + a.deviceId + "']";
        assertEquals("Ken's laptop", visible(trustedA + " .device-name").getText());

        // Pairing told B where A's sync server listens (these nodes run without multicast): B's first
        // sync, started at the approval, brings A's entry with no other step. B's journal page, locked,
        // asked for a new journal's password; with A's entry there it asks for A's password instead.
        click("#nav-journal");
        BROWSER.await().until(driver -> "Unlock your journal".equals(textOf("#unlock-title")));
        assertFalse(shown("#password-repeat"), "no new password once the laptop's entries are here");
        unlock();
        WebElement entry = entryContaining(marker);
        assertEquals("true", entry.getAttribute("data-readable"));
        BROWSER.screenshot("journal-after-sync");

        // Sync now, at the address pairing gave (an automatic sync may be running: then once it ended).
        click("#nav-devices");
        BROWSER.await().until(driver -> syncsOfBWithA() >= 1); // the first sync, the one at the approval
        int before = syncsOfBWithA();
        BROWSER.await().until(driver -> {
            if (syncsOfBWithA() > before && "ok".equals(attribute("#sync-progress", "data-state"))
                    && "ok".equals(attribute(trustedA, "data-last-sync"))) {
                return true;
            }
            WebElement button = driver.findElement(By.cssSelector(trustedA + " .sync-now"));
            if (!"running".equals(attribute("#sync-progress", "data-state")) && button.isEnabled()
                    && syncsOfBWithA() == before) {
                button.click();
            }
            return false;
        });
        assertTrue(textOf("#sync-progress-text").startsWith("Synced with"), textOf("#sync-progress-text"));
        assertEquals("5", attribute("#sync-progress-bar", "value"));
        assertTrue(textOf(trustedA + " .last-sync").contains("ok"), textOf(trustedA + " .last-sync"));
        BROWSER.screenshot("devices");
    }

    /** @return how many syncs between B and A that B's history holds */
    private int syncsOfBWithA() {
        try {
            return b.api.get("/api/sync/history?deviceId=" + a.deviceId + "&limit=100").get("syncs").size();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Test
    void revokingADeviceOnThePageRemovesItAndItsNextSyncIsRefused() throws Exception {
        try (TwoNodes.Node phone = new TwoNodes.Node(folder, "phone").start("--name", "Ken's phone")) {
            on(tabA);
            reload();
            String[] offer = showPin();
            phone.api.post("/api/pairing/accept", "{\"host\":\"127.0.0.1\",\"port\":" + offer[1]
                    + ",\"pin\":\"" + offer[0] + "\"}");
            BROWSER.await().until(driver -> "Ken's phone".equals(textOf("#pair-request-name")));
            click("#pair-approve");
            String trusted = "#devices-trusted li[data-device-id='" + phone.deviceId + "']";
            visible(trusted);
            Await.until("the phone trusts A too", Duration.ofSeconds(30),
                    () -> phone.api.get("/api/trusted").toString().contains(a.deviceId));
            // The phone's own sync right after pairing may still be running (a second one is refused meanwhile).
            Await.until("a sync of the phone with A goes through while A trusts it", Duration.ofSeconds(30),
                    () -> phone.syncWith(a).get("ok").asBoolean());
            BROWSER.await().until(driver -> phone.deviceId.equals(attribute("#sync-progress", "data-device-id"))
                    && "ok".equals(attribute("#sync-progress", "data-state")));

            click(trusted + " .revoke");
            assertEquals("revoke-cancel", String.valueOf(BROWSER.js().executeScript(
                    "return document.activeElement.className")).split(" ")[0], "the question has the focus");
            click(trusted + " .revoke-confirm");
            BROWSER.await().until(ExpectedConditions.numberOfElementsToBe(By.cssSelector(trusted), 0));
            assertTrue(textOf("#trusted-card #trusted-message").contains("Revocation is local to this device"),
                    textOf("#trusted-message"));
            assertTrue(textOf("#trusted-message").startsWith("Revoked \u201cKen's phone\u201d"), textOf("#trusted-message"));
            assertEquals("trusted-message", focused(), "Revoke moves the focus to what it did, not to the page");
            assertFalse(phone.deviceId.equals(attribute("#sync-progress", "data-device-id"))
                    && BROWSER.driver().findElement(By.id("sync-progress")).isDisplayed(),
                    "the revoked device's last sync is no longer shown");
            BROWSER.screenshot("devices-revoked");
            click("#nav-journal");
            click("#nav-devices");
            assertFalse(shown("#trusted-message"), "another tab, and the message is gone");

            JsonNode after = phone.syncWith(a);
            assertFalse(after.get("ok").asBoolean(), after.toString());
            assertEquals("not_trusted", after.get("error").asText(), after.toString());
            for (JsonNode device : a.api.get("/api/trusted")) {
                assertFalse(phone.deviceId.equals(device.get("deviceId").asText()), "A no longer trusts the phone");
            }
        }
    }

    @Test
    void aDeviceNamedWithHtmlIsShownAsTextAndRunsNothing() throws Exception {
        try (TwoNodes.Node evil = new TwoNodes.Node(folder, "evil").start("--name", EVIL)) {
            on(tabA);
            reload();
            BROWSER.js().executeScript("window.ran = false; window.alert = () => { window.ran = true; };");
            String[] offer = showPin();
            click("#nav-journal");

            evil.api.post("/api/pairing/accept", "{\"host\":\"127.0.0.1\",\"port\":" + offer[1]
                    + ",\"pin\":\"" + offer[0] + "\"}");

            // On the journal page, a notice says that a device asks; it leads to the Devices page.
            String notice = "#notices .notice[data-topic='pairing-request']";
            BROWSER.await().until(driver -> textOf(notice).contains("\u201c" + EVIL + "\u201d wants to pair"));
            click(notice + " button");
            BROWSER.await().until(driver -> "devices".equals(attribute("body", "data-page")));
            assertFalse(shown(notice), "the notice goes once the Devices page shows the request");
            BROWSER.await().until(driver -> EVIL.equals(textOf("#pair-request-name")));
            click("#pair-approve");
            String trusted = "#devices-trusted li[data-device-id='" + evil.deviceId + "']";
            BROWSER.await().until(driver -> EVIL.equals(textOf(trusted + " .device-name")));
            BROWSER.await().until(driver -> textOf("#pair-message").startsWith("Paired with \u201c" + EVIL + "\u201d."));

            assertEquals(0L, BROWSER.js().executeScript(
                    "return document.querySelectorAll('img:not(#pair-qr), [onerror]').length"),
                    "the name made no element");
            assertEquals(Boolean.FALSE, BROWSER.js().executeScript("return window.ran"));
            try {
                BROWSER.driver().switchTo().alert();
                throw new AssertionError("the page opened an alert");
            } catch (NoAlertPresentException expected) {
                // nothing ran
            }
            BROWSER.screenshot("devices-html-name");
            a.api.delete("/api/trusted/" + evil.deviceId);
        }
    }

    @Test
    void aDeviceHoldingThePinsOneAttemptIsNamedByItsAddressInThePairingPanel() throws Exception {
        on(tabA);
        reload();
        String[] offer = showPin();

        // B expects another deviceId: it stops after round 1, leaving A's one attempt slot taken
        // (for 30 s) by its address, as a stranger sitting on the slot would.
        JsonNode refused = b.api.post("/api/pairing/accept", "{\"host\":\"127.0.0.1\",\"port\":" + offer[1]
                + ",\"pin\":\"" + offer[0] + "\",\"deviceId\":\"0123456789abcdef\"}", 403);
        assertEquals("identity_refused", refused.get("error").asText(), refused.toString());

        BROWSER.await().until(driver -> textOf("#pair-holder").equals("Someone at 127.0.0.1 is trying this PIN "
                + "right now; if that is not your device, cancel and pair again."));
        assertEquals("Tried this PIN: 127.0.0.1 (1 time).", textOf("#pair-callers"));
        BROWSER.screenshot("pairing-held");

        click("#pair-cancel");
        BROWSER.await().until(driver -> textOf("#pair-message").equals("Pairing cancelled: nothing was trusted."));
        assertTrue(shown("#pair-start"), "the panel is back at its start");
        assertFalse(BROWSER.driver().findElement(By.id("pair-holder")).isDisplayed(), "a cancelled PIN has no holder");
    }

    @Test
    void aFinishedPairingLeavesThePanelAtItsStartWithNoStaleRequestNotEvenAnOlderSessionOfTheNode() throws Exception {
        try (TwoNodes.Node tablet = new TwoNodes.Node(folder, "tablet").start("--name", "Ken's tablet")) {
            // First B types a PIN the tablet shows (B's node keeps that session, its check code and all) ...
            JsonNode first = tablet.api.post("/api/pairing", "");
            JsonNode asked = b.api.post("/api/pairing/accept", "{\"host\":\"127.0.0.1\",\"port\":"
                    + first.get("port").asInt() + ",\"pin\":\"" + first.get("pin").asText() + "\"}");
            String oldCode = asked.get("code").asText();
            Await.until("the tablet sees B's request", Duration.ofSeconds(30),
                    () -> "awaiting_approval".equals(tablet.api.get("/api/pairing").get("state").asText()));
            tablet.api.post("/api/pairing/approve", "");
            Await.until("B is paired as the device that typed the PIN", Duration.ofSeconds(30),
                    () -> "paired".equals(b.api.get("/api/pairing").get("state").asText()));
            b.api.delete("/api/trusted/" + tablet.deviceId);
            tablet.api.delete("/api/trusted/" + b.deviceId);

            // ... a page opened afterwards shows the start of pairing, not that finished session.
            on(tabB);
            reload();
            click("#nav-devices");
            assertTrue(shown("#pair-start") && shown("#pair-enter"), "Show a PIN and Enter a PIN are offered");
            assertFalse(pageText().contains(oldCode), "no check code of a finished pairing: " + pageText());
            assertFalse(shown("#accept-result") || shown("#pair-request") || shown("#pair-message"), pageText());

            // Then B shows a PIN and the tablet types it: B's page asks, and is back at its start once approved.
            String[] offer = showPin();
            JsonNode request = tablet.api.post("/api/pairing/accept", "{\"host\":\"127.0.0.1\",\"port\":"
                    + offer[1] + ",\"pin\":\"" + offer[0] + "\"}");
            String code = request.get("code").asText();
            BROWSER.await().until(driver -> code.equals(textOf("#pair-code")));
            click("#pair-approve");
            BROWSER.await().until(driver -> textOf("#pair-message").startsWith("Paired with \u201cKen's tablet\u201d."));
            Await.until("the tablet learned it is approved", Duration.ofSeconds(30),
                    () -> tablet.api.get("/api/trusted").toString().contains(b.deviceId));
            assertFalse(shown("#pair-request"), "no request once decided");
            assertTrue(shown("#pair-start"));

            // Reloaded, whatever session the node answers for now (it keeps ended ones), the panel has no request.
            reload();
            click("#nav-devices");
            assertTrue(shown("#pair-start") && shown("#pair-enter"));
            assertFalse(shown("#pair-request") || shown("#accept-result") || shown("#pair-approve"), pageText());
            assertFalse(pageText().contains("wants to pair") || pageText().contains(oldCode)
                    || pageText().contains("Paired with"), pageText());
            b.api.delete("/api/trusted/" + tablet.deviceId);
        }
    }

    @Test
    void aPairingErrorIsSaidInThePairingCardInWordsAndIsGoneOnAnotherTab() throws Exception {
        int closed;
        try (ServerSocket socket = new ServerSocket(0)) {
            closed = socket.getLocalPort();
        }
        on(tabB);
        reload();
        BROWSER.expectConsoleError("/api/pairing/accept .* 502");
        click("#nav-devices");
        click("#pair-enter");
        type("#accept-address", "127.0.0.1");
        type("#accept-pin", "123456");
        click("#accept-submit");
        BROWSER.await().until(driver -> textOf("#pair-message").contains("with the number after the colon"));
        assertEquals("accept-address", focused());

        type("#accept-address", "127.0.0.1:" + closed);
        click("#accept-submit");
        BROWSER.await().until(driver -> textOf("#pair-message").startsWith("No device answers at 127.0.0.1:" + closed));
        String page = pageText();
        assertFalse(page.contains("Exception") || page.contains("unreachable"), "no engineer's words: " + page);
        assertTrue(BROWSER.driver().findElement(By.cssSelector("#pair-panel #pair-message")).isDisplayed());

        click("#nav-journal");
        click("#nav-devices");
        assertFalse(shown("#pair-message"), "another tab, and the message is gone");
        assertTrue(shown("#pair-start"), "the half-typed form went back to the start");
    }

    @Test
    void onAPhoneEveryControlIsATapTargetOf44PixelsAndTheDarkThemeFollowsTheSystem() throws Exception {
        on(tabA);
        reload();
        Dimension before = BROWSER.driver().manage().window().getSize();
        try {
            BROWSER.driver().manage().window().setSize(new Dimension(390, 844));
            BROWSER.await().until(driver -> ((Number) BROWSER.js().executeScript("return window.innerWidth"))
                    .intValue() <= 420);
            click("#nav-devices");
            assertEquals(List.of(), BROWSER.smallTapTargets(), "the Devices page at its start");
            click("#pair-enter");
            assertEquals(List.of(), BROWSER.smallTapTargets(), "typing a PIN");
            click("#accept-back");
            showPin();
            assertEquals(List.of(), BROWSER.smallTapTargets(), "showing a PIN");
            BROWSER.screenshot("devices-phone");
            click("#pair-cancel");
            BROWSER.await().until(driver -> shown("#pair-start"));
            @SuppressWarnings("unchecked")
            List<String> looks = (List<String>) BROWSER.js().executeScript(
                    "const b = document.getElementById('pair-enter');"
                    + "const look = () => { const s = getComputedStyle(b); return s.color + ' ' + s.borderTopStyle + ' '"
                    + " + s.cursor; };"
                    + "const enabled = look(); b.disabled = true; const disabled = look(); b.disabled = false;"
                    + "return [enabled, disabled];");
            assertFalse(looks.get(0).equals(looks.get(1)), "a disabled button looks disabled: " + looks);
            assertTrue(looks.get(1).endsWith("dashed not-allowed"), looks.get(1));

            BROWSER.driver().executeCdpCommand("Emulation.setEmulatedMedia", Map.of("features",
                    List.of(Map.of("name", "prefers-color-scheme", "value", "dark"))));
            BROWSER.await().until(driver -> brightness("body", "backgroundColor") < 60);
            assertTrue(brightness("#pair-panel", "color") > 180, "light text on the dark page");
            assertTrue(brightness("#pair-panel", "backgroundColor") < 60, "the cards are dark too");
            BROWSER.screenshot("devices-phone-dark");
        } finally {
            BROWSER.driver().executeCdpCommand("Emulation.setEmulatedMedia", Map.of("features", List.of()));
            BROWSER.driver().manage().window().setSize(before);
        }
    }

    /** @return the mean of the red, green and blue of an element's computed colour (0 black, 255 white) */
    private static double brightness(String css, String property) {
        String color = String.valueOf(BROWSER.js().executeScript(
                "return getComputedStyle(document.querySelector(arguments[0]))[arguments[1]]", css, property));
        String[] parts = color.replaceAll("[^0-9.,]", "").split(",");
        return (Double.parseDouble(parts[0]) + Double.parseDouble(parts[1]) + Double.parseDouble(parts[2])) / 3;
    }

    @Test
    void withoutTheLinkThePageIsInTheAppsStyleAndSaysHowToOpenIt() throws IOException {
        // The browser holds the cookie of 127.0.0.1 only: at localhost it comes without one, as a new browser would.
        String page = pageA.replace("127.0.0.1", "localhost");
        BROWSER.expectConsoleError("401");
        BROWSER.driver().switchTo().newWindow(WindowType.TAB);
        try {
            BROWSER.driver().get(page + "/");
            assertEquals("Open MoodHaven with its link", textOf("h2"));
            assertEquals("MoodHaven", textOf("h1"));
            String text = textOf("main");
            assertTrue(text.contains("Web UI and JSON API: " + page + "/?token="), text);
            assertTrue(text.contains("api-token") && text.contains("until the node restarts"), text);
            BROWSER.await().until(driver -> !String.valueOf(BROWSER.js().executeScript(
                    "return getComputedStyle(document.body).fontFamily")).contains("Times"));
            assertEquals("solid", String.valueOf(BROWSER.js().executeScript(
                    "return getComputedStyle(document.querySelector('.card')).borderTopStyle")),
                    "the card is drawn by style.css");
            BROWSER.screenshot("no-token");
        } finally {
            BROWSER.driver().close();
            on(tabA);
        }
    }
}
