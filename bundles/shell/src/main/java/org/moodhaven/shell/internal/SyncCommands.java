package org.moodhaven.shell.internal;

import java.util.List;
import java.util.Optional;

import org.apache.felix.service.command.Descriptor;
import org.apache.felix.service.command.Parameter;
import org.moodhaven.api.sync.SyncAddress;
import org.moodhaven.api.sync.SyncRecord;
import org.moodhaven.api.sync.SyncResult;
import org.moodhaven.api.sync.SyncService;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/** Commands about syncing: {@code mh:sync} and {@code mh:synclog}. */
@Component(service = SyncCommands.class, property = {
        "osgi.command.scope=mh",
        "osgi.command.function=sync",
        "osgi.command.function=synclog"})
public final class SyncCommands {

    private final SyncService sync;

    /**
     * @param sync the sync service
     */
    @Activate
    public SyncCommands(@Reference SyncService sync) {
        this.sync = sync;
    }

    /**
     * @param deviceId the trusted device
     * @return what the sync did
     * @throws CommandFailure when the sync fails, with why
     */
    @Descriptor("Sync now with a trusted device, at the last address a sync with it used")
    public String sync(@Descriptor("the deviceId (see mh:trusted)") Object deviceId) throws CommandFailure {
        return report(sync.sync(Texts.deviceId(deviceId), Optional.empty()));
    }

    /**
     * @param deviceId the trusted device
     * @param host     its host name or address
     * @param port     its sync port
     * @return what the sync did
     * @throws CommandFailure when the sync fails, with why
     */
    @Descriptor("Sync now with a trusted device at the given address")
    public String sync(@Descriptor("the deviceId (see mh:trusted)") Object deviceId,
                       @Descriptor("its host name or IP address") String host,
                       @Descriptor("its sync port") int port) throws CommandFailure {
        SyncAddress address;
        try {
            address = new SyncAddress(host, port);
        } catch (IllegalArgumentException e) {
            throw CommandFailure.of(e.getMessage());
        }
        return report(sync.sync(Texts.deviceId(deviceId), Optional.of(address)));
    }

    private static String report(SyncResult result) throws CommandFailure {
        if (!result.ok()) {
            throw CommandFailure.of("Sync failed: " + result.message());
        }
        return "Sync complete: sent " + result.sent() + ", received " + result.received()
                + (result.rejected() > 0 ? ", rejected " + result.rejected() + " (see the node's log)" : "")
                + "; " + result.bytesSent() + " bytes out, " + result.bytesReceived() + " bytes in.";
    }

    /**
     * @param limit    how many
     * @param deviceId only syncs with this device (optional)
     * @return the recent syncs, newest first
     */
    @Descriptor("Show recent syncs, newest first")
    public String synclog(@Descriptor("how many to show")
                          @Parameter(names = {"-n", "--limit"}, absentValue = "20") int limit,
                          @Descriptor("only syncs with this device")
                          @Parameter(names = {"-d", "--device"}, absentValue = "") String deviceId) {
        List<SyncRecord> records = sync.history(deviceId.isEmpty() ? Optional.empty() : Optional.of(deviceId),
                Math.max(1, Math.min(limit, 500)));
        if (records.isEmpty()) {
            return "No syncs yet.";
        }
        StringBuilder out = new StringBuilder(String.format("%-19s  %-8s  %-16s  %-16s  %5s  %5s  %5s  %s%n",
                "FINISHED", "WAY", "DEVICE", "NAME", "SENT", "RECV", "REJ", "OUTCOME"));
        for (SyncRecord record : records) {
            SyncResult result = record.result();
            out.append(String.format("%-19s  %-8s  %-16s  %-16s  %5d  %5d  %5d  %s%n",
                    Texts.time(record.finishedAt()), record.direction(), record.deviceId(),
                    Texts.shorten(record.deviceName(), 16), result.sent(), result.received(), result.rejected(),
                    result.ok() ? "ok (" + result.bytesSent() + " B out, " + result.bytesReceived() + " B in)"
                            : result.error() + ": " + result.message()));
        }
        return out.toString().stripTrailing();
    }
}
