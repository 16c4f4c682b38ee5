package org.moodhaven.itests.deployed;

import java.nio.file.Files;
import java.nio.file.Path;

import org.osgi.framework.BundleActivator;
import org.osgi.framework.BundleContext;

/**
 * The activator of the bundle {@code DeployFolderIT} builds and drops into a node's
 * {@code deploy/} folder: while the bundle runs, a file named after its version is in the data
 * folder, holding the bundle's id, so the test sees from outside which version of it runs, if any,
 * and whether it is still the same installation.
 */
public final class MarkerActivator implements BundleActivator {

    private Path marker;

    @Override
    public void start(BundleContext context) throws Exception {
        Path data = Path.of(context.getProperty("moodhaven.launcher.data"));
        marker = data.resolve("deployed-" + context.getBundle().getVersion() + ".running");
        Files.writeString(marker, Long.toString(context.getBundle().getBundleId()));
    }

    @Override
    public void stop(BundleContext context) throws Exception {
        Files.deleteIfExists(marker);
    }
}
