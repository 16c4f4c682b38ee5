/** Devices running a MoodHaven node nearby: found by mDNS or added by address (PROTOCOL.md section 4). */
@Export
@Version("1.0.0")
package org.moodhaven.api.discovery;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
