package org.moodhaven.itests.browser;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Level;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Debian's headless Chromium, driven through the installed chromedriver (nothing is
 * downloaded), for one test class: {@code @RegisterExtension static final Browser BROWSER = new Browser();}.
 * After each test it saves a screenshot to {@code target/screenshots/<class>-<test>.png}
 * and fails the test if the browser's console logged an error the test did not
 * {@linkplain #expectConsoleError expect}. Without Chromium or chromedriver the class
 * is skipped, except in CI ({@code CI=true}), where these tests must run.
 */
public final class Browser implements BeforeAllCallback, AfterAllCallback, BeforeEachCallback, AfterEachCallback {

    /** Debian's Chromium; {@code -Dmoodhaven.chromium=...} names another. */
    public static final Path CHROMIUM = Path.of(System.getProperty("moodhaven.chromium", "/usr/bin/chromium"));
    /** The chromedriver of the same package; {@code -Dmoodhaven.chromedriver=...} names another. */
    public static final Path CHROMEDRIVER = Path.of(System.getProperty("moodhaven.chromedriver",
            "/usr/bin/chromedriver"));
    private static final Path SCREENSHOTS = Path.of(System.getProperty("moodhaven.screenshots",
            "target/screenshots"));

    private ChromeDriver driver;
    private final List<Pattern> expected = new ArrayList<>();
    private final List<LogEntry> console = new ArrayList<>();

    @Override
    public void beforeAll(ExtensionContext context) {
        List<String> missing = new ArrayList<>();
        for (Path binary : List.of(CHROMIUM, CHROMEDRIVER)) {
            if (!Files.isExecutable(binary)) {
                missing.add(binary.toString());
            }
        }
        if (!missing.isEmpty()) {
            String message = "browser tests need Debian's Chromium and chromedriver (missing: "
                    + String.join(", ", missing) + "); install them with: apt-get install -y chromium chromium-driver";
            if ("true".equals(System.getenv("CI"))) {
                Assertions.fail("CI must run the browser tests: " + message);
            }
            // Surefire's summary counts a skipped class as no tests at all; say why in the build log.
            System.err.println("SKIPPED " + context.getDisplayName() + ": " + message);
            Assumptions.abort(message);
        }
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--no-first-run", "--window-size=1280,900");
        LoggingPreferences logs = new LoggingPreferences();
        logs.enable(LogType.BROWSER, Level.ALL);
        options.setCapability(ChromeOptions.LOGGING_PREFS, logs);
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(CHROMEDRIVER.toFile())
                .usingAnyFreePort()
                .build();
        driver = new ChromeDriver(service, options);
        driver.manage().timeouts().scriptTimeout(Duration.ofSeconds(30));
        driver.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(30));
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        expected.clear();
        console.clear();
        drainConsole();
        console.clear();
    }

    @Override
    public void afterEach(ExtensionContext context) throws IOException {
        if (driver == null) {
            return;
        }
        String name = context.getRequiredTestClass().getSimpleName() + "-" + context.getRequiredTestMethod().getName();
        screenshot(name);
        drainConsole();
        List<String> errors = new ArrayList<>();
        for (LogEntry entry : console) {
            if (entry.getLevel().intValue() >= Level.SEVERE.intValue()
                    && expected.stream().noneMatch(p -> p.matcher(entry.getMessage()).find())) {
                errors.add(entry.getMessage());
            }
        }
        Assertions.assertTrue(errors.isEmpty(), "the browser console logged errors: " + errors);
    }

    @Override
    public void afterAll(ExtensionContext context) {
        if (driver != null) {
            driver.quit();
            driver = null;
        }
    }

    /** @return the driver (started before the class's first test) */
    public ChromeDriver driver() {
        return driver;
    }

    /** @return a JavaScript runner on the current page */
    public JavascriptExecutor js() {
        return driver;
    }

    /** @return a wait of up to 30 s for a condition in the page */
    public WebDriverWait await() {
        WebDriverWait wait = new WebDriverWait(driver, Duration.ofSeconds(30));
        // The pages re-render their lists as events arrive: an element found a moment ago may be
        // replaced before it is read, so such a condition is simply tried again.
        wait.ignoring(org.openqa.selenium.StaleElementReferenceException.class);
        return wait;
    }

    /**
     * Lets the current test's console log an error matching {@code pattern}, e.g. the
     * Content-Security-Policy violation a test provokes on purpose.
     */
    public void expectConsoleError(String pattern) {
        expected.add(Pattern.compile(pattern));
    }

    /** @return the console entries logged so far in the current test */
    public List<LogEntry> console() {
        drainConsole();
        return List.copyOf(console);
    }

    /** Saves a screenshot of the page as {@code target/screenshots/<name>.png}; answers the file. */
    public Path screenshot(String name) throws IOException {
        Files.createDirectories(SCREENSHOTS);
        File shot = driver.getScreenshotAs(OutputType.FILE);
        Path target = SCREENSHOTS.resolve(name + ".png");
        Files.copy(shot.toPath(), target, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        return target;
    }

    /**
     * @return the controls shown on the page that are smaller than a phone's tap target, 44 x 44 CSS pixels,
     *         as "id (or class, or text) WxH"
     */
    @SuppressWarnings("unchecked")
    public List<String> smallTapTargets() {
        return (List<String>) js().executeScript(
                "return [...document.querySelectorAll('button, input:not([type=hidden]), select, textarea, a[href]')]"
                + ".filter(e => e.getClientRects().length > 0)"
                + ".map(e => [e, e.getBoundingClientRect()])"
                + ".filter(([e, r]) => r.height < 44 || r.width < 44)"
                + ".map(([e, r]) => (e.id || e.className || e.textContent.trim()) + ' ' + Math.round(r.width) + 'x'"
                + " + Math.round(r.height))");
    }

    /** The browser hands each console entry over once; keep them for the test's end. */
    private void drainConsole() {
        if (driver != null) {
            driver.manage().logs().get(LogType.BROWSER).forEach(console::add);
        }
    }
}
