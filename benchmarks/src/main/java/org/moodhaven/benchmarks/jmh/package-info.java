/**
 * JMH benchmarks of the kernels a sync spends its time in; those that need the sync
 * bundle's package-private classes live in {@code org.moodhaven.sync.internal} of this
 * module (outside OSGi a package may span jars). Every benchmark forks one JVM with a
 * fixed 2 GiB heap, so heap growth does not show up as noise; {@code scripts/benchmark-kernels}
 * runs them all.
 */
package org.moodhaven.benchmarks.jmh;
