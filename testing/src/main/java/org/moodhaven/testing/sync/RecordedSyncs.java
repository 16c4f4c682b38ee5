package org.moodhaven.testing.sync;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.moodhaven.api.sync.SyncAddress;
import org.moodhaven.api.sync.SyncRecord;
import org.moodhaven.api.sync.SyncResult;
import org.moodhaven.api.sync.SyncService;

/** A sync service that only has a history, newest first, as the test writes it. */
public final class RecordedSyncs implements SyncService {

    /** The history, newest first; tests add records. */
    public final List<SyncRecord> history = new ArrayList<>();

    @Override
    public int port() {
        return 44000;
    }

    @Override
    public SyncResult sync(String deviceId, Optional<SyncAddress> address) {
        throw new UnsupportedOperationException("not in this test");
    }

    @Override
    public boolean isSyncing(String deviceId) {
        return false;
    }

    @Override
    public List<SyncRecord> history(Optional<String> deviceId, int limit) {
        return history.stream().filter(r -> deviceId.isEmpty() || deviceId.get().equals(r.deviceId()))
                .limit(limit).toList();
    }
}
