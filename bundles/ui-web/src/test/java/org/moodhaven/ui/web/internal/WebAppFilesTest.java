package org.moodhaven.ui.web.internal;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

/**
 * Rules the web app's files keep, checked without a browser: nothing that the strict
 * Content-Security-Policy would block (inline script, inline style, event handler
 * attributes), no way to insert a string as HTML, and every file the shell names is bundled.
 * The chart library (unpacked from its WebJar at build time) is held to the same script rules.
 */
class WebAppFilesTest {

    private static final List<String> SCRIPTS = List.of("app.js", "api.js", "crypto.js", "devices.js",
            "messages.js", "mood-chart.js", "pairing.js", "pairing-card.js", "password-check.js", "peers.js",
            "trusted.js", "vendor/uplot/uPlot.esm.js");

    private static String read(String name) throws IOException {
        try (InputStream in = WebAppFilesTest.class.getClassLoader().getResourceAsStream(WebAssets.FOLDER + name)) {
            assertTrue(in != null, name + " is bundled");
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void theShellHasNoInlineScriptOrStyle() throws IOException {
        String html = read("index.html");
        Matcher script = Pattern.compile("<script([^>]*)>").matcher(html);
        while (script.find()) {
            assertTrue(script.group(1).contains("src=\"/static/"), "only bundled scripts: " + script.group());
        }
        assertFalse(html.contains("<style"), "no inline style element");
        assertFalse(Pattern.compile("\\sstyle=").matcher(html).find(), "no style attribute");
        assertFalse(Pattern.compile("\\son[a-z]+=", Pattern.CASE_INSENSITIVE).matcher(html).find(),
                "no event handler attribute");
    }

    @Test
    void everyFileTheShellNamesIsBundledAndServable() throws IOException {
        Matcher reference = Pattern.compile("(?:src|href)=\"/static/([^\"]+)\"").matcher(read("index.html"));
        int found = 0;
        while (reference.find()) {
            assertTrue(WebAssets.isPlainName(reference.group(1)), reference.group(1));
            read(reference.group(1));
            found++;
        }
        assertTrue(found >= 4, "the shell names its script, its styles (the chart's too) and icon");
        for (String script : SCRIPTS) {
            Matcher imports = Pattern.compile("from '\\./([^']+)'|\\bimport\\s*\\(").matcher(read(script));
            while (imports.find()) {
                assertTrue(imports.group(1) != null, script + " imports a module at run time");
                assertTrue(SCRIPTS.contains(imports.group(1)), script + " imports " + imports.group(1)
                        + ", which the rules here must check too");
            }
        }
    }

    @Test
    void scriptsNeverInsertStringsAsHtmlNorEvaluateThem() throws IOException {
        Pattern forbidden = Pattern.compile("innerHTML|outerHTML|insertAdjacentHTML|document\\.write|\\beval\\s*\\("
                + "|new\\s+Function|setTimeout\\s*\\(\\s*['\"`]|\\.style\\s*=|setAttribute\\(\\s*'style'");
        for (String name : SCRIPTS) {
            Matcher m = forbidden.matcher(read(name));
            assertFalse(m.find(), name + " uses " + (m.hitEnd() ? "" : m.group()));
        }
    }
}
