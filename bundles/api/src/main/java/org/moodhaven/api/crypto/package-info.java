/** Cryptographic primitives behind one interchangeable provider service. */
@Export
@Version("1.0.0")
package org.moodhaven.api.crypto;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
