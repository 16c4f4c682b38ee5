/** Node-wide settings and the clock every component reads time from. */
@Export
@Version("1.0.0")
package org.moodhaven.api.node;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
