package org.moodhaven.store.derby.internal;

import java.sql.SQLException;

/**
 * Called inside a write transaction after each entry row it wrote. A seam for
 * tests only: throwing here makes a batch fail midway, to prove that a failed
 * batch leaves the store as it was.
 */
@FunctionalInterface
interface RowHook {

    /** Does nothing: production. */
    RowHook NONE = rows -> {
    };

    /**
     * @param rowsWritten how many entry rows this transaction has written so far
     * @throws SQLException to fail the transaction
     */
    void afterRow(int rowsWritten) throws SQLException;
}
