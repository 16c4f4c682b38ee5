/** The person's journal: entries encrypted with their password (PROTOCOL.md section 7). */
@Export
@Version("2.0.0")
package org.moodhaven.api.journal;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
