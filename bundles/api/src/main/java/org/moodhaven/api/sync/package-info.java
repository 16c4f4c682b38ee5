/** Syncing the journal with trusted devices over TCP (PROTOCOL.md sections 3 and 6). */
@Export
@Version("1.0.0")
package org.moodhaven.api.sync;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
