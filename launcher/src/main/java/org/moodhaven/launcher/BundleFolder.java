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
 * services before our components, the console last.
 */
public final class BundleFolder {

    /** Level of a bundle the configuration does not name. */
    public static final int DEFAULT_LEVEL = 4;

    /**
     * A bundle to install.
     *
     * @param file         the jar
     * @param symbolicName its Bundle-SymbolicName
     * @param fragment     whether it is a fragment (never started)
     * @param startLevel   its start level
     */
    public record BundleJar(Path file, String symbolicName, boolean fragment, int startLevel) {
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
    public static List<BundleJar> scan(Path folder, Map<String, Integer> levels) throws IOException {
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
     * @return the levels it gives
     * @throws IOException if it cannot be read
     */
    public static Map<String, Integer> readLevels(Path file) throws IOException {
        Properties properties = new Properties();
        try (InputStream in = Files.newInputStream(file)) {
            properties.load(in);
        }
        Map<String, Integer> levels = new java.util.LinkedHashMap<>();
        for (String name : properties.stringPropertyNames()) {
            levels.put(name, Integer.parseInt(properties.getProperty(name).trim()));
        }
        return levels;
    }

    static int levelOf(String bsn, Map<String, Integer> levels) {
        Integer exact = levels.get(bsn);
        if (exact != null) {
            return exact;
        }
        int best = DEFAULT_LEVEL;
        int bestLength = -1;
        for (Map.Entry<String, Integer> pattern : levels.entrySet()) {
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
