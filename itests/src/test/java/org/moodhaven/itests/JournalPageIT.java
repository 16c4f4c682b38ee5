package org.moodhaven.itests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.moodhaven.itests.browser.Browser;
import org.moodhaven.tools.NodeApi;
import org.moodhaven.tools.NodeProcess;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.interactions.Actions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;

/**
 * The journal page in a real browser against one real node that also has its console, so
 * the JVM journal and the browser write and read the same journal: an entry written at the
 * console opens in the browser; a wrong password is refused and changes nothing; the keyboard
 * alone saves, and Lock keeps an unsaved draft unless told to drop it; the mood chart shows the entries' moods; an entry's earlier versions are shown
 * and one is restored. The Browser extension fails a test whose console logged an error.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class JournalPageIT {

    @RegisterExtension
    static final Browser BROWSER = new Browser();

    private static final String PASSWORD = "the journal page's own pass phrase";
    private static final Duration STEP = Duration.ofSeconds(60);

    private NodeProcess node;
    private NodeApi api;
    private String page;

    @BeforeAll
    void start(@TempDir Path folder) throws Exception {
        Path data = folder.resolve("data");
        Path home = Files.createDirectories(folder.resolve("home"));
        node = NodeProcess.start(data, home, "--name", "Journal page test", "--http-port", "0", "--sync-port", "0",
                "--no-mdns", "--no-auto-sync");
        Matcher printed = node.expect("Web UI and JSON API: (http://127\\.0\\.0\\.1:(\\d+))/\\?token=(\\S+)", STEP);
        page = printed.group(1);
        api = new NodeApi(Integer.parseInt(printed.group(2)), data);
        node.type("mh:unlock", PASSWORD, PASSWORD); // a new journal: its password, typed twice
        node.expect("Journal unlocked", STEP);
        if (BROWSER.driver() != null) {
            BROWSER.driver().get(page + "/?token=" + printed.group(3));
            BROWSER.await().until(ExpectedConditions.urlToBe(page + "/"));
        }
    }

    @AfterAll
    void stop() throws Exception {
        if (node != null) {
            node.close();
        }
    }

    // ------------------------------------------------------------------ helpers

    /** Loads the page afresh (locked, as after opening it) and unlocks it with a password. */
    private static void openAndUnlock(String password) {
        BROWSER.driver().navigate().refresh();
        BROWSER.await().until(driver -> "locked".equals(bodyData("journal")));
        WebElement field = BROWSER.await().until(ExpectedConditions.visibilityOfElementLocated(By.id("password")));
        field.sendKeys(password);
        WebElement repeat = BROWSER.driver().findElement(By.id("password-repeat"));
        if (repeat.isDisplayed()) {
            repeat.sendKeys(password); // no entries yet (the first test to run): the password is chosen, twice
        }
        BROWSER.driver().findElement(By.id("unlock")).click();
        BROWSER.await().until(driver -> "ready".equals(bodyData("journal")));
    }

    private static String bodyData(String name) {
        return BROWSER.driver().findElement(By.tagName("body")).getAttribute("data-" + name);
    }

    private static WebElement entry(String id) {
        return BROWSER.await().until(ExpectedConditions.visibilityOfElementLocated(
                By.cssSelector("#entries li.entry[data-entry-id='" + id + "']")));
    }

    /** Writes an entry on the page; answers its id. */
    private static String writeInBrowser(String text, int mood) {
        WebElement field = BROWSER.await().until(ExpectedConditions.visibilityOfElementLocated(By.id("new-text")));
        field.sendKeys(text);
        new Select(BROWSER.driver().findElement(By.id("new-mood"))).selectByValue(String.valueOf(mood));
        BROWSER.driver().findElement(By.id("save")).click();
        WebElement saved = BROWSER.await().until(driver -> driver.findElements(By.cssSelector("#entries li.entry"))
                .stream().filter(e -> e.getText().contains(text)).findFirst().orElse(null));
        return saved.getAttribute("data-entry-id");
    }

    private static String text(WebElement scope, String css) {
        return scope.findElement(By.cssSelector(css)).getText();
    }

    // ------------------------------------------------------------------ tests

    @Test
    void anEntryWrittenAtTheConsoleOpensInTheBrowserWithTheSamePassword() throws Exception {
        String marker = "written at the console " + UUID.randomUUID();
        node.type("mh:write --mood 2", "Dear diary, " + marker, ".");
        String id = node.expect("Saved entry ([A-Za-z0-9_-]+) \\(mood 2", STEP).group(1);

        openAndUnlock(PASSWORD);
        WebElement written = entry(id);
        assertEquals("true", written.getAttribute("data-readable"));
        assertEquals("Dear diary, " + marker, text(written, ".entry-text"));
        assertEquals("Mood 2 \u00b7 low", text(written, ".entry-mood"));
        assertTrue(written.findElement(By.cssSelector(".edit")).isDisplayed(), "the right password may edit it");
        assertEquals(0, written.findElements(By.cssSelector(".versions")).size(), "never edited: no earlier versions");
    }

    @Test
    void aWrongPasswordIsRefusedShowsNothingAndChangesNothing() throws Exception {
        String marker = "kept private " + UUID.randomUUID();
        node.type("mh:write --mood 4", marker, ".");
        node.expect("Saved entry ([A-Za-z0-9_-]+) \\(mood 4", STEP);
        Map<String, String> before = api.digest();

        BROWSER.driver().navigate().refresh();
        BROWSER.await().until(driver -> "locked".equals(bodyData("journal")));
        assertEquals("Unlock your journal", BROWSER.driver().findElement(By.id("unlock-title")).getText());
        assertFalse(BROWSER.driver().findElement(By.id("password-repeat")).isDisplayed(), "asked once");
        WebElement field = BROWSER.driver().findElement(By.id("password"));
        field.sendKeys("not the journal's password");
        BROWSER.driver().findElement(By.id("unlock")).click();
        WebElement refused = BROWSER.await().until(ExpectedConditions.visibilityOfElementLocated(
                By.id("unlock-message")));
        assertTrue(refused.getText().startsWith("Wrong password"), refused.getText());
        assertEquals("locked", bodyData("journal"));
        assertFalse(BROWSER.driver().findElement(By.id("journal-view")).isDisplayed(), "no entry, no mood shown");
        assertEquals(0, BROWSER.driver().findElements(By.cssSelector("#entries li.entry")).size());
        assertFalse(BROWSER.driver().getPageSource().contains(marker));
        assertEquals(field, BROWSER.driver().switchTo().activeElement(), "the password field, to try again");
        BROWSER.screenshot("journal-wrong-password");
        assertEquals(before, api.digest(), "the node's entries are exactly as they were");

        field.clear();
        field.sendKeys(PASSWORD);
        BROWSER.driver().findElement(By.id("unlock")).click();
        BROWSER.await().until(driver -> "ready".equals(bodyData("journal")));
        assertFalse(BROWSER.driver().findElement(By.id("unlock-message")).isDisplayed());
    }

    @Test
    void theKeyboardAloneSavesAndLockKeepsAnUnsavedDraft() throws Exception {
        openAndUnlock(PASSWORD);
        String text = "Written and saved from the keyboard " + UUID.randomUUID();
        WebElement field = BROWSER.driver().findElement(By.id("new-text"));
        assertEquals(field, BROWSER.driver().switchTo().activeElement(), "unlocking puts the cursor in the entry");
        field.sendKeys(text);
        // Mood 4, like every entry the other tests write today: the chart test reads today's point as 2 or 4.
        new Select(BROWSER.driver().findElement(By.id("new-mood"))).selectByValue("4");
        field.sendKeys(Keys.chord(Keys.CONTROL, Keys.ENTER));
        WebElement saved = BROWSER.await().until(driver -> driver.findElements(By.cssSelector("#entries li.entry"))
                .stream().filter(e -> e.getText().contains(text)).findFirst().orElse(null));
        BROWSER.await().until(driver -> saved.equals(driver.switchTo().activeElement()));
        assertEquals("Saved.", BROWSER.driver().findElement(By.id("write-message")).getText());

        field.sendKeys("A draft not saved yet");
        BROWSER.driver().findElement(By.id("lock")).click();
        WebElement ask = BROWSER.await().until(ExpectedConditions.visibilityOfElementLocated(By.id("lock-confirm")));
        assertTrue(ask.getText().contains("not saved"), ask.getText());
        assertEquals("ready", bodyData("journal"), "still unlocked while it asks");
        BROWSER.driver().findElement(By.id("lock-keep")).click();
        assertEquals("A draft not saved yet", field.getAttribute("value"));
        assertEquals(field, BROWSER.driver().switchTo().activeElement());

        BROWSER.driver().findElement(By.id("lock")).click();
        BROWSER.await().until(ExpectedConditions.visibilityOfElementLocated(By.id("lock-drop"))).click();
        BROWSER.await().until(driver -> "locked".equals(bodyData("journal")));
        assertEquals("", field.getAttribute("value"), "the draft is dropped only when the person says so");
    }

    @Test
    void onAPhoneTheJournalsControlsAreTapTargetsOf44Pixels() throws Exception {
        Dimension before = BROWSER.driver().manage().window().getSize();
        try {
            BROWSER.driver().manage().window().setSize(new Dimension(390, 844));
            BROWSER.await().until(driver -> ((Number) BROWSER.js().executeScript("return window.innerWidth"))
                    .intValue() <= 420);
            BROWSER.driver().navigate().refresh();
            BROWSER.await().until(driver -> "locked".equals(bodyData("journal")));
            assertEquals(List.of(), BROWSER.smallTapTargets(), "the unlock page");
            openAndUnlock(PASSWORD);
            writeInBrowser("Written on a phone " + UUID.randomUUID(), 4);
            assertEquals(List.of(), BROWSER.smallTapTargets(), "the journal with an entry");
            BROWSER.driver().findElement(By.id("new-text")).sendKeys("a draft");
            BROWSER.driver().findElement(By.id("lock")).click();
            BROWSER.await().until(ExpectedConditions.visibilityOfElementLocated(By.id("lock-keep")));
            assertEquals(List.of(), BROWSER.smallTapTargets(), "asking before dropping a draft");
            BROWSER.screenshot("journal-phone");
            BROWSER.driver().findElement(By.id("lock-drop")).click();
            BROWSER.await().until(driver -> "locked".equals(bodyData("journal")));
        } finally {
            BROWSER.driver().manage().window().setSize(before);
        }
    }

    @Test
    void theMoodChartShowsTheEntriesMoodsByWhenTheyWereWritten() throws Exception {
        openAndUnlock(PASSWORD);
        // Two weeks of earlier entries, as a sync from another device would bring them: written after the
        // page's own below would be, but dated before them, so the chart must order by created_at.
        int[] earlier = {3, 2, 2, 3, 4, 3, 5, 4, 4, 3, 2, 3, 4, 5};
        String run = UUID.randomUUID().toString().substring(0, 8);
        writeInBrowser("Slept badly, a grey morning. (" + run + ")", 2);
        writeInBrowser("Better after a walk by the river. (" + run + ")", 4);
        Object posted = BROWSER.js().executeAsyncScript(POST_DATED_ENTRIES, PASSWORD, earlier, run);
        assertEquals("ok", posted);
        openAndUnlock(PASSWORD);

        List<String> expected = new ArrayList<>();
        for (JsonNode e : api.get("/api/entries?limit=1000").get("entries")) {
            if (e.path("mood").isInt()) {
                expected.add(e.get("created_at").asText() + " " + e.get("mood").asInt());
            }
        }
        Collections.sort(expected); // oldest first: one timestamp format, so text order is time order
        BROWSER.await().until(driver -> String.valueOf(expected.size()).equals(
                driver.findElement(By.id("mood-chart")).getAttribute("data-points")));

        // The table under the chart lists every point, oldest first.
        List<WebElement> rows = BROWSER.driver().findElements(By.cssSelector("#mood-table tbody tr"));
        List<String> tabled = rows.stream().map(r -> r.findElements(By.tagName("td")).get(1)
                .getAttribute("textContent")).toList();
        List<String> moods = expected.stream().map(p -> p.substring(p.lastIndexOf(' ') + 1)).toList();
        assertEquals(moods, tabled.stream().map(t -> t.substring(0, 1)).toList());
        assertEquals("3 \u00b7 okay", tabled.get(0), "the oldest is the one dated two weeks ago");
        assertEquals(List.of("2 \u00b7 low", "4 \u00b7 good"), tabled.subList(tabled.size() - 2, tabled.size()),
                "today's two come last, though written first");

        // The chart itself: pointing at its right end shows one of today's entries (written seconds apart, both
        // under its last pixels; which one depends on the time of day), at its left end the oldest's.
        WebElement over = BROWSER.driver().findElement(By.cssSelector("#mood-chart .u-over"));
        assertTrue(over.getSize().getWidth() > 100 && over.getSize().getHeight() > 100, over.getSize().toString());
        new Actions(BROWSER.driver()).moveToElement(over, over.getSize().getWidth() / 2 - 2, 0).perform();
        BROWSER.await().withMessage(() -> "the legend shows " + legendValue(1) + " of "
                + BROWSER.driver().findElement(By.cssSelector("#mood-chart .u-legend")).getAttribute("textContent"))
                .until(driver -> List.of("2 \u00b7 low", "4 \u00b7 good").contains(legendValue(1)));
        new Actions(BROWSER.driver()).moveToElement(over, -over.getSize().getWidth() / 2 + 2, 0).perform();
        BROWSER.await().until(driver -> "3 \u00b7 okay".equals(legendValue(1)));
        assertEquals(Boolean.TRUE, BROWSER.js().executeScript(
                "const c = document.querySelector('#mood-chart canvas');"
                + "const px = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;"
                + "for (let i = 0; i < px.length; i += 4) {"
                + "  if (px[i] === 0x3b && px[i + 1] === 0x7a && px[i + 2] === 0x6b && px[i + 3] === 255) return true;"
                + "} return false;"), "the mood line is drawn in the page's accent colour");
        BROWSER.js().executeScript("document.getElementById('mood').scrollIntoView()");
        new Actions(BROWSER.driver()).moveToElement(over, over.getSize().getWidth() / 4, 0).perform();
        BROWSER.screenshot("journal");
    }

    /**
     * Encrypts and posts entries dated one a day before today, with the page's own crypto.js and the
     * journal's salt, as another device with the same password would have written them. Arguments:
     * the password, the moods (oldest first), a marker for their text.
     */
    private static final String POST_DATED_ENTRIES = """
            const done = arguments[arguments.length - 1];
            const [password, moods, run] = arguments;
            (async () => {
              const c = await import('/static/crypto.js');
              const { salt } = await (await fetch('/api/journal')).json();
              const key = await c.deriveKey(password, c.base64ToBytes(salt));
              for (let i = 0; i < moods.length; i++) {
                const at = new Date(Date.now() - (moods.length - i) * 86400000).toISOString();
                const id = c.newEntryId();
                const entry = { id, created_at: at, updated_at: at, mood: moods[i], privacy_mode: 'normal',
                  book_id: null, pinned: false,
                  content: await c.encryptText(key, salt, id, 'Day ' + (i + 1) + ' of two weeks ' + run) };
                const answer = await fetch('/api/entries', { method: 'POST', body: JSON.stringify(entry),
                  headers: { 'Content-Type': 'application/json' } });
                if (!answer.ok) {
                  throw new Error(answer.status + ' ' + await answer.text());
                }
              }
            })().then(() => done('ok'), (e) => done('failed: ' + e));
            """;

    private static String legendValue(int series) {
        List<WebElement> rows = BROWSER.driver().findElements(By.cssSelector("#mood-chart .u-legend .u-series"));
        // textContent, not getText(): the legend may sit just below the window, where getText() answers "".
        return rows.size() > series
                ? rows.get(series).findElement(By.cssSelector(".u-value")).getAttribute("textContent") : null;
    }

    @Test
    void anEarlierVersionIsShownAndRestoredAsItWas() throws Exception {
        openAndUnlock(PASSWORD);
        String run = UUID.randomUUID().toString().substring(0, 8);
        String first = "A long day at work, too tired to think. (" + run + ")";
        String second = "A long day, but a good talk with Sam in the evening. (" + run + ")";
        String id = writeInBrowser(first, 2);

        WebElement item = entry(id);
        item.findElement(By.cssSelector(".edit")).click();
        WebElement edit = BROWSER.await().until(ExpectedConditions.visibilityOfElementLocated(
                By.cssSelector("#entries li[data-entry-id='" + id + "'] .edit-text")));
        edit.clear();
        edit.sendKeys(second);
        new Select(BROWSER.driver().findElement(By.cssSelector("#entries li[data-entry-id='" + id + "'] .edit-mood")))
                .selectByValue("5");
        BROWSER.driver().findElement(By.cssSelector("#entries li[data-entry-id='" + id + "'] .edit-save")).click();
        BROWSER.await().until(driver -> second.equals(text(entry(id), ".entry-text")));

        entry(id).findElement(By.cssSelector(".versions")).click();
        WebElement version = BROWSER.await().until(ExpectedConditions.visibilityOfElementLocated(
                By.cssSelector("#entries li[data-entry-id='" + id + "'] .version")));
        assertEquals(1, entry(id).findElements(By.cssSelector(".version")).size());
        assertEquals(first, text(version, ".version-text"));
        assertEquals("Mood 2 \u00b7 low", text(version, ".version-mood"));
        assertTrue(text(version, ".version-date").endsWith("by an edit on this device"), text(version, ".version-date"));
        BROWSER.screenshot("versions");
        JsonNode kept = api.get("/api/entries/" + id + "/versions").get("versions").get(0);

        version.findElement(By.cssSelector(".restore")).click();
        BROWSER.await().until(driver -> first.equals(text(entry(id), ".entry-text")));
        assertEquals("Mood 2 \u00b7 low", text(entry(id), ".entry-mood"));
        // The panel opens again on the new history: the version the restore replaced is kept in turn.
        BROWSER.await().until(driver -> entry(id).findElements(By.cssSelector(".version")).size() == 2);
        assertEquals(second, text(entry(id).findElements(By.cssSelector(".version")).get(0), ".version-text"));

        // On the node: the restored version is current, with the kept version's very ciphertext and a new updated_at.
        JsonNode current = null;
        for (JsonNode e : api.get("/api/entries?limit=1000").get("entries")) {
            if (id.equals(e.get("id").asText())) {
                current = e;
            }
        }
        assertEquals(kept.get("entry").get("content"), current.get("content"));
        assertEquals(2, current.get("mood").asInt());
        assertTrue(current.get("updated_at").asText().compareTo(kept.get("replacedAt").asText()) >= 0);

        // And the JVM journal reads it back with the same password.
        node.type("mh:show " + id);
        node.expect(Pattern.quote(first), STEP);

        // Reloaded, the page still shows the restored text.
        openAndUnlock(PASSWORD);
        assertEquals(first, text(entry(id), ".entry-text"));
    }
}
