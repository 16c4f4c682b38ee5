package org.moodhaven.launcher;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.jar.JarFile;

/**
 * The bundles a node runs: every jar in the distribution's {@code bundle}
 * folder, each with the start level {@code conf/start-levels.properties} gives
 * its symbolic name (patterns may end with {@code *}). Levels order start-up:
 * the SPI weaver before SLF4J, SLF4J before anything logs, the framework
 * services before our components, the console last. A level may be followed by
 * the word {@code background}: such a bundle starts in a thread of its own once
 * the framework has reached its level, while the framework goes on with the next.
 */
public final class BundleFolder {

    /** Level of a bundle the configuration does not name. */
    public static final int DEFAULT_LEVEL = 4;

    /**
     * Where a bundle starts.
     *
     * @param level      its start level
     * @param background whether it starts in a thread of its own once the framework reaches its level
     */
    public record StartLevel(int level, boolean background) {
    }

    /**
     * A bundle to install.
     *
     * @param file         the jar
     * @param symbolicName its Bundle-SymbolicName
     * @param fragment     whether it is a fragment (never started)
     * @param start        where it starts
     */
    public record BundleJar(Path file, String symbolicName, boolean fragment, StartLevel start) {
        /** @return its start level */
        public int startLevel() {
            return start.level();
        }

        /** @return the location the bundle is installed from */
        public String location() {
            return file.toUri().toString();
        }
    }

    private BundleFolder() {
    }

    /**
     * @param folder the distribution's bundle folder
     * @param levels start levels by symbolic name or pattern
     * @return the bundles, in start-level order
     * @throws IOException if a jar cannot be read
     */
    public static List<BundleJar> scan(Path folder, Map<String, StartLevel> levels) throws IOException {
        List<BundleJar> jars = new ArrayList<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(folder, "*.jar")) {
            for (Path file : files) {
                try (JarFile jar = new JarFile(file.toFile())) {
                    if (jar.getManifest() == null) {
                        continue;
                    }
                    String bsn = jar.getManifest().getMainAttributes().getValue("Bundle-SymbolicName");
                    if (bsn == null) {
                        continue;
                    }
                    bsn = bsn.split(";")[0].trim();
                    boolean fragment = jar.getManifest().getMainAttributes().getValue("Fragment-Host") != null;
                    jars.add(new BundleJar(file.toAbsolutePath(), bsn, fragment, levelOf(bsn, levels)));
                }
            }
        }
        jars.sort((a, b) -> a.startLevel() != b.startLevel() ? Integer.compare(a.startLevel(), b.startLevel())
                : a.symbolicName().compareTo(b.symbolicName()));
        return jars;
    }

    /**
     * @param file {@code conf/start-levels.properties}
     * @return the levels it gives, by symbolic name or pattern
     * @throws IOException if it cannot be read
     * @throws IllegalArgumentException if a value is not a level, optionally followed by {@code background}
     */
    public static Map<String, StartLevel> readLevels(Path file) throws IOException {
        Properties properties = new Properties();
        try (InputStream in = Files.newInputStream(file)) {
            properties.load(in);
        }
        Map<String, StartLevel> levels = new java.util.LinkedHashMap<>();
        for (String name : properties.stringPropertyNames()) {
            levels.put(name, parseLevel(name, properties.getProperty(name)));
        }
        return levels;
    }

    static StartLevel parseLevel(String name, String value) {
        String[] words = value.trim().split("\\s+");
        boolean background = words.length == 2 && words[1].equals("background");
        if (words.length > 2 || words.length == 2 && !background || !words[0].matches("[1-9][0-9]*")) {
            throw new IllegalArgumentException("start level of " + name + " must be a number, optionally followed"
                    + " by 'background'; it is '" + value + "'");
        }
        return new StartLevel(Integer.parseInt(words[0]), background);
    }

    static StartLevel levelOf(String bsn, Map<String, StartLevel> levels) {
        StartLevel exact = levels.get(bsn);
        if (exact != null) {
            return exact;
        }
        StartLevel best = new StartLevel(DEFAULT_LEVEL, false);
        int bestLength = -1;
        for (Map.Entry<String, StartLevel> pattern : levels.entrySet()) {
            String key = pattern.getKey();
            if (key.endsWith("*") && bsn.startsWith(key.substring(0, key.length() - 1))
                    && key.length() > bestLength) {
                best = pattern.getValue();
                bestLength = key.length();
            }
        }
        return best;
    }
}
