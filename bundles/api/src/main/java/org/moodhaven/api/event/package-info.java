/** Event Admin topics and property names that MoodHaven components publish. */
@Export
@Version("1.2.0")
package org.moodhaven.api.event;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
