/** The device's own identity and the devices it trusts (PROTOCOL.md sections 1 and 2). */
@Export
@Version("1.0.0")
package org.moodhaven.api.identity;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
