package org.moodhaven.sync.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.moodhaven.api.entry.CanonicalJson;
import org.moodhaven.api.entry.Timestamps;
import org.moodhaven.api.sync.SyncRecord;
import org.moodhaven.api.sync.SyncResult;
import org.moodhaven.common.files.AtomicFiles;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.moodhaven.common.json.StrictJson;

/**
 * The recent syncs, newest first, kept in {@code {data}/sync-history.json} so
 * they survive a restart. Bounded: the oldest records go first.
 */
final class SyncHistory {

    static final String FILE_NAME = "sync-history.json";

    private static final Logger LOG = LoggerFactory.getLogger(SyncHistory.class);

    private final Path file;
    private final int capacity;
    private final Deque<SyncRecord> records = new ArrayDeque<>();
    private final java.util.concurrent.ExecutorService writer = java.util.concurrent.Executors
            .newSingleThreadExecutor(task -> {
                Thread thread = new Thread(task, "moodhaven-sync-history");
                thread.setDaemon(true);
                return thread;
            });
    /** Guarded by {@code this}: a save is queued and has not yet taken the records. */
    private boolean savePending;

    SyncHistory(Path dataFolder, int capacity) {
        this.file = dataFolder.resolve(FILE_NAME);
        this.capacity = Math.max(1, capacity);
        load();
    }

    /**
     * Adds a record. The file is written in the background (several records in a row
     * are written once), so the history never adds its disk writes to a sync's time.
     */
    synchronized void add(SyncRecord record) {
        records.addFirst(record);
        while (records.size() > capacity) {
            records.removeLast();
        }
        if (!savePending) {
            savePending = true;
            writer.execute(this::save);
        }
    }

    private void save() {
        String json;
        synchronized (this) {
            savePending = false;
            json = toJson();
        }
        try {
            AtomicFiles.writeOwnerOnly(file, json.getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            LOG.warn("could not save the sync history to {}: {}", file, e.getMessage());
        }
    }

    /** Writes what is pending and stops the writer. */
    void close() throws InterruptedException {
        writer.shutdown();
        writer.awaitTermination(10, java.util.concurrent.TimeUnit.SECONDS);
    }

    synchronized List<SyncRecord> recent(Optional<String> deviceId, int limit) {
        List<SyncRecord> out = new ArrayList<>();
        Iterator<SyncRecord> newestFirst = records.iterator();
        while (newestFirst.hasNext() && out.size() < limit) {
            SyncRecord record = newestFirst.next();
            if (deviceId.isEmpty() || deviceId.get().equals(record.deviceId())) {
                out.add(record);
            }
        }
        return out;
    }

    private String toJson() {
        StringBuilder out = new StringBuilder("[\n");
        boolean first = true;
        for (SyncRecord record : records) {
            out.append(first ? "" : ",\n");
            first = false;
            SyncResult result = record.result();
            out.append("{\"deviceId\":");
            CanonicalJson.string(out, record.deviceId());
            out.append(",\"deviceName\":");
            CanonicalJson.string(out, record.deviceName());
            out.append(",\"direction\":");
            CanonicalJson.string(out, record.direction());
            out.append(",\"startedAt\":\"").append(Timestamps.format(record.startedAt()));
            out.append("\",\"finishedAt\":\"").append(Timestamps.format(record.finishedAt())).append('"');
            out.append(",\"address\":");
            CanonicalJson.string(out, record.address());
            out.append(",\"protocol\":").append(record.protocol());
            out.append(",\"ok\":").append(result.ok());
            out.append(",\"sent\":").append(result.sent());
            out.append(",\"received\":").append(result.received());
            out.append(",\"rejected\":").append(result.rejected());
            out.append(",\"bytesSent\":").append(result.bytesSent());
            out.append(",\"bytesReceived\":").append(result.bytesReceived());
            if (result.error() != null) {
                out.append(",\"error\":");
                CanonicalJson.string(out, result.error());
                out.append(",\"message\":");
                CanonicalJson.string(out, result.message() == null ? "" : result.message());
            }
            out.append('}');
        }
        return out.append("\n]\n").toString();
    }

    private void load() {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            return;
        } catch (IOException e) {
            LOG.warn("could not read the sync history {}: {}", file, e.getMessage());
            return;
        }
        try {
            // The file is an array; wrap it so the strict object parser reads it.
            byte[] wrapped = ("{\"records\":" + new String(bytes, StandardCharsets.UTF_8) + "}")
                    .getBytes(StandardCharsets.UTF_8);
            Map<String, Object> root = Messages.JSON.parseObject(wrapped, 0, wrapped.length);
            for (Object value : Fields.array(root, "records", Integer.MAX_VALUE)) {
                Map<String, Object> object = Fields.object(value, "a record");
                SyncResult result = new SyncResult(Fields.bool(object, "ok"), Fields.count(object, "sent"),
                        Fields.count(object, "received"), Fields.count(object, "rejected"),
                        Fields.count(object, "bytesSent"), Fields.count(object, "bytesReceived"),
                        object.get("error") instanceof String error ? error : null,
                        object.get("message") instanceof String message ? message : null);
                records.addLast(new SyncRecord(Fields.string(object, "deviceId"),
                        Fields.string(object, "deviceName"), Fields.string(object, "direction"),
                        Timestamps.parse(Fields.string(object, "startedAt")),
                        Timestamps.parse(Fields.string(object, "finishedAt")), Fields.string(object, "address"),
                        (int) Fields.count(object, "protocol"), result));
                if (records.size() >= capacity) {
                    break;
                }
            }
        } catch (StrictJson.MalformedJson | SyncFailure | IllegalArgumentException e) {
            LOG.warn("the sync history {} cannot be read ({}); starting a new one", file, e.getMessage());
            records.clear();
        }
    }
}
