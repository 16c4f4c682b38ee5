package org.moodhaven.itests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
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
        type("#password", PASSWORD);
        click("#unlock");
        BROWSER.await().until(driver -> "ready".equals(attribute("body", "data-journal")));
    }

    private static WebElement entryContaining(String text) {
        return BROWSER.await().until(driver -> driver.findElements(By.cssSelector("#entries li.entry")).stream()
                .filter(e -> e.getText().contains(text)).findFirst().orElse(null));
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
        BROWSER.screenshot("pairing");

        on(tabB);
        click("#nav-devices");
        type("#accept-host", "127.0.0.1");
        type("#accept-port", offer[1]);
        type("#accept-pin", offer[0]);
        click("#accept-submit");
        String code = textOf("#accept-code");
        assertTrue(code.matches("\\d{4}"), code);
        BROWSER.await().until(driver -> textOf("#accept-state").contains("Waiting for approval"));
        assertEquals("\u201cKen's laptop\u201d", textOf("#accept-name"));

        on(tabA);
        BROWSER.await().until(driver -> code.equals(textOf("#pair-code")));
        assertEquals("Ken's desktop", textOf("#pair-request-name"));
        assertEquals(b.deviceId, textOf("#pair-request-id"));
        BROWSER.screenshot("pairing-request");
        click("#pair-approve");
        visible("#devices-trusted li[data-device-id='" + b.deviceId + "']");
        BROWSER.await().until(driver -> textOf("#pair-state").startsWith("Paired with"));
        String syncPortOfA = textOf("#this-sync-port");
        assertEquals(String.valueOf(a.syncPort), syncPortOfA);

        on(tabB);
        BROWSER.await().until(driver -> textOf("#accept-state").startsWith("Paired with"));
        String trustedA = "#devices-trusted li[data-device-id='" + a.deviceId + "']";
        assertEquals("Ken's laptop", visible(trustedA + " .device-name").getText());
        // Without multicast B does not know A's sync port: added by address, as a person would.
        type("#peer-host", "127.0.0.1");
        type("#peer-port", syncPortOfA);
        type("#peer-device-id", a.deviceId);
        click("#peer-add");
        BROWSER.await().until(driver -> "trusted".equals(textOf(
                "#devices-peers li[data-device-id='" + a.deviceId + "'] .peer-trusted")));

        unlock();
        click("#nav-devices");
        // B's own first sync after pairing went to the port A's deviceId suggests, and may still be
        // running or have failed: Sync now until the page reports a sync that went through.
        BROWSER.await().until(driver -> {
            String state = attribute("#sync-progress", "data-state");
            if ("ok".equals(state) && "ok".equals(attribute(trustedA, "data-last-sync"))) {
                return true;
            }
            WebElement button = driver.findElement(By.cssSelector(trustedA + " .sync-now"));
            if (!"running".equals(state) && button.isEnabled()) {
                button.click();
            }
            return false;
        });
        // Which of the syncs brought the entry (pairing's own, or one of the clicks) is not fixed: the
        // journal page below shows that it arrived; here, that the last one went through.
        assertTrue(textOf("#sync-progress-text").startsWith("Synced with"), textOf("#sync-progress-text"));
        assertEquals("5", attribute("#sync-progress-bar", "value"));
        assertTrue(textOf(trustedA + " .last-sync").contains("ok"), textOf(trustedA + " .last-sync"));
        BROWSER.screenshot("devices");

        click("#nav-journal");
        WebElement entry = entryContaining(marker);
        assertEquals("true", entry.getAttribute("data-readable"));
        BROWSER.screenshot("journal-after-sync");
    }

    @Test
    void revokingADeviceOnThePageRemovesItAndItsNextSyncIsRefused() throws Exception {
        try (TwoNodes.Node phone = new TwoNodes.Node(folder, "phone").start("--name", "Ken's phone")) {
            on(tabA);
            BROWSER.driver().navigate().refresh();
            BROWSER.await().until(driver -> "locked".equals(attribute("body", "data-journal")));
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
            click(trusted + " .revoke-confirm");
            BROWSER.await().until(ExpectedConditions.numberOfElementsToBe(By.cssSelector(trusted), 0));
            assertTrue(textOf("#status").contains("Revocation is local to this device"), textOf("#status"));
            assertFalse(phone.deviceId.equals(attribute("#sync-progress", "data-device-id"))
                    && BROWSER.driver().findElement(By.id("sync-progress")).isDisplayed(),
                    "the revoked device's last sync is no longer shown");
            BROWSER.screenshot("devices-revoked");

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
            BROWSER.driver().navigate().refresh();
            BROWSER.await().until(driver -> "locked".equals(attribute("body", "data-journal")));
            BROWSER.js().executeScript("window.ran = false; window.alert = () => { window.ran = true; };");
            String[] offer = showPin();

            evil.api.post("/api/pairing/accept", "{\"host\":\"127.0.0.1\",\"port\":" + offer[1]
                    + ",\"pin\":\"" + offer[0] + "\"}");

            BROWSER.await().until(driver -> EVIL.equals(textOf("#pair-request-name")));
            BROWSER.await().until(driver -> driver.findElements(By.cssSelector("#notices .notice")).stream()
                    .anyMatch(n -> n.getText().contains(EVIL)));
            click("#pair-approve");
            String trusted = "#devices-trusted li[data-device-id='" + evil.deviceId + "']";
            BROWSER.await().until(driver -> EVIL.equals(textOf(trusted + " .device-name")));
            BROWSER.await().until(driver -> textOf("#pair-state").equals("Paired with \u201c" + EVIL + "\u201d."));

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
        BROWSER.driver().navigate().refresh();
        BROWSER.await().until(driver -> "locked".equals(attribute("body", "data-journal")));
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
        BROWSER.await().until(driver -> textOf("#pair-state").equals("Pairing was cancelled."));
        assertFalse(BROWSER.driver().findElement(By.id("pair-holder")).isDisplayed(), "a cancelled PIN has no holder");
    }
}
