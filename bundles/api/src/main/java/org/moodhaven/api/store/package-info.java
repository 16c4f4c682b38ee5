/** Persistent storage of entries, sequence numbers and per-peer sync state. */
@Export
@Version("1.2.0")
package org.moodhaven.api.store;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
