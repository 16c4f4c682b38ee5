/** Journal entries as they travel between devices, with the rules every device applies to them (PROTOCOL.md 6.4 to 6.5). */
@Export
@Version("1.1.0")
package org.moodhaven.api.entry;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
