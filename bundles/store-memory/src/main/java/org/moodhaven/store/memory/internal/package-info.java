/** The in-memory journal store: the same semantics as the Derby store, kept only while the node runs. */
package org.moodhaven.store.memory.internal;
