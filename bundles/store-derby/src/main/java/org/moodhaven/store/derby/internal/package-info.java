/** The Derby journal store: entries, replaced versions and peer sync state in an embedded database in the node's data folder. */
package org.moodhaven.store.derby.internal;
