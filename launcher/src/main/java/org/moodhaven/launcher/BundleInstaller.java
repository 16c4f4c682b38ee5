package org.moodhaven.launcher;

import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.FileSystemNotFoundException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleException;
import org.osgi.framework.Constants;
import org.osgi.framework.startlevel.BundleStartLevel;
import org.osgi.framework.wiring.FrameworkWiring;

/**
 * Brings the framework's installed bundles in line with the distribution's {@code bundle/}
 * folder at every start: new jars installed, changed ones updated, those gone uninstalled,
 * and the bundles of {@code {data}/deploy} left to FileInstall, which owns them.
 */
final class BundleInstaller {

    private BundleInstaller() {
    }

    /**
     * Installs the distribution's bundles, updating those whose jar changed and
     * removing those whose jar is gone, then sets every start level. Bundles installed from the
     * deploy folder are FileInstall's: it updates and removes them, and they stay. Only the
     * libraries and the framework's services (up to {@link Main#LIBRARY_LEVEL}) are
     * marked for the framework to start; {@code Main.startBundles} starts the rest.
     *
     * @return the installed bundles by location
     */
    static Map<String, Bundle> install(BundleContext context, List<BundleFolder.BundleJar> jars,
                                                      Path deploy)
            throws IOException, BundleException, InterruptedException {
        Map<String, Bundle> installed = new HashMap<>();
        for (Bundle bundle : context.getBundles()) {
            if (bundle.getBundleId() != 0) {
                installed.put(bundle.getLocation(), bundle);
            }
        }
        boolean changed = false;
        Set<String> wanted = new HashSet<>();
        for (BundleFolder.BundleJar jar : jars) {
            wanted.add(jar.location());
        }
        InstalledJars installedFrom = InstalledJars.load(Path.of(context.getProperty(Constants.FRAMEWORK_STORAGE)));
        // Gone first: a new version of the node in another folder brings the same bundles at new
        // locations, which Felix refuses to install beside the old ones (same name and version).
        for (Map.Entry<String, Bundle> old : installed.entrySet()) {
            if (!wanted.contains(old.getKey()) && !isDeployed(old.getKey(), deploy)) {
                old.getValue().uninstall();
                installedFrom.forget(old.getKey());
                changed = true;
            }
        }
        Map<String, Bundle> bundles = new HashMap<>();
        for (BundleFolder.BundleJar jar : jars) {
            Bundle bundle = installed.get(jar.location());
            if (bundle == null) {
                bundle = context.installBundle(jar.location());
                installedFrom.record(jar.location(), jar.file());
            } else if (installedFrom.changed(jar.location(), jar.file())) {
                // Not the jar's time: every jar of a build carries the same one (InstalledJars).
                bundle.update();
                installedFrom.record(jar.location(), jar.file());
                changed = true;
            }
            bundles.put(jar.location(), bundle);
            BundleStartLevel startLevel = bundle.adapt(BundleStartLevel.class);
            startLevel.setStartLevel(jar.startLevel());
            if (jar.fragment()) {
                continue;
            }
            if (startedByFramework(jar)) {
                bundle.start(Bundle.START_ACTIVATION_POLICY);
            } else if (startLevel.isPersistentlyStarted()) {
                bundle.stop(); // a cache from an older version may say the framework starts it
            }
        }
        installedFrom.save();
        if (changed) {
            CountDownLatch refreshed = new CountDownLatch(1);
            context.getBundle(0).adapt(FrameworkWiring.class).refreshBundles(null, event -> refreshed.countDown());
            refreshed.await(60, TimeUnit.SECONDS);
        }
        return bundles;
    }

    /**
     * @param location a bundle's location
     * @param deployFolder the deploy folder
     * @return whether FileInstall installed it from the deploy folder. Its locations are the jar's
     *         URI as {@code File.toURI} writes it ({@code file:/…}), not as {@code Path.toUri}
     *         does ({@code file:///…}), so they are compared as paths.
     */
    static boolean isDeployed(String location, Path deployFolder) {
        try {
            URI uri = new URI(location);
            return "file".equals(uri.getScheme()) && Path.of(uri).toAbsolutePath().normalize()
                    .startsWith(deployFolder.toAbsolutePath().normalize());
        } catch (URISyntaxException | IllegalArgumentException | FileSystemNotFoundException e) {
            return false; // not a file's location: not one of FileInstall's
        }
    }

    /**
     * @param jar one of the distribution's bundles
     * @return whether the framework starts it (a library or a service of the framework's, not
     *         marked {@code background}); the launcher starts the others itself
     */
    static boolean startedByFramework(BundleFolder.BundleJar jar) {
        return jar.startLevel() <= Main.LIBRARY_LEVEL && !jar.start().background();
    }
}
