/** Pairing two devices with a PIN or QR code (PROTOCOL.md section 5). */
@Export
@Version("1.1.0")
package org.moodhaven.api.pairing;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
