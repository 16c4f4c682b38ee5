package org.moodhaven.identity.internal;

import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

import com.fasterxml.jackson.databind.ObjectMapper;

import org.moodhaven.api.event.EventTopics;
import org.moodhaven.api.identity.DeviceIdentity;
import org.moodhaven.api.identity.TrustStore;
import org.moodhaven.api.identity.TrustStoreException;
import org.moodhaven.api.identity.TrustedDevice;
import org.moodhaven.api.node.NodeSettings;
import org.moodhaven.common.events.EventPoster;
import org.moodhaven.common.files.AtomicFiles;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.event.EventAdmin;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The trust store in {@code trusted_devices.json}. The file is the truth: every
 * read checks whether it changed on disk (cheaply, by its size, time and inode),
 * and a watcher re-reads it as soon as it changes, so a tool or a person can add
 * or remove a device while the node runs and a revocation closes sessions at once.
 */
@Component(service = TrustStore.class)
public final class FileTrustStore implements TrustStore {

    static final String FILE_NAME = "trusted_devices.json";

    private static final Logger LOG = LoggerFactory.getLogger(FileTrustStore.class);

    private final Path file;
    private final String ownDeviceId;
    private final ObjectMapper json = JsonFiles.mapper();
    private final WatchService watcher;
    private final Thread watchThread;

    private final EventPoster events = new EventPoster();

    /** Guarded by {@code this}. */
    private TrustFile content;
    /** Guarded by {@code this}: what the file looked like when {@link #content} was read. */
    private FileStamp stamp;

    /**
     * Reads the trust file and starts watching it.
     *
     * @param settings the data folder
     * @param identity this device, which never trusts itself
     * @throws IOException if the data folder cannot be watched
     */
    @Activate
    public FileTrustStore(@Reference NodeSettings settings, @Reference DeviceIdentity identity) throws IOException {
        this.file = settings.dataFolder().resolve(FILE_NAME);
        this.ownDeviceId = identity.deviceId();
        synchronized (this) {
            reload(false);
        }
        this.watcher = FileSystems.getDefault().newWatchService();
        settings.dataFolder().register(watcher, StandardWatchEventKinds.ENTRY_CREATE,
                StandardWatchEventKinds.ENTRY_MODIFY, StandardWatchEventKinds.ENTRY_DELETE);
        this.watchThread = new Thread(this::watch, "moodhaven-trust-watch");
        watchThread.setDaemon(true);
        watchThread.start();
    }

    /**
     * Binds Event Admin (optional: changes are announced when it is there).
     *
     * @param admin Event Admin
     */
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    public void setEvents(EventAdmin admin) {
        events.bind(admin);
    }

    /**
     * @param admin Event Admin going away
     */
    public void unsetEvents(EventAdmin admin) {
        events.unbind(admin);
    }

    /**
     * Stops watching the file.
     *
     * @throws IOException          if the watcher cannot be closed
     * @throws InterruptedException if interrupted while waiting for the watcher thread
     */
    @Deactivate
    public void deactivate() throws IOException, InterruptedException {
        watcher.close();
        watchThread.join(5_000);
    }

    @Override
    public synchronized List<TrustedDevice> list() {
        refreshIfChanged();
        return content.devices();
    }

    @Override
    public synchronized Optional<TrustedDevice> find(String deviceId) {
        refreshIfChanged();
        return Optional.ofNullable(content.byId().get(deviceId));
    }

    @Override
    public synchronized List<String> problems() {
        refreshIfChanged();
        return content.problems();
    }

    @Override
    public void trust(TrustedDevice device) throws TrustStoreException {
        Optional<String> problem = TrustFile.problem(device.deviceId(), device.deviceName(), device.publicKey(), null);
        if (problem.isPresent()) {
            throw new IllegalArgumentException("cannot trust this device: " + problem.get());
        }
        if (device.deviceId().equals(ownDeviceId)) {
            throw new IllegalArgumentException("a device never trusts itself");
        }
        if (device.protocol() != null && device.protocol() != 1 && device.protocol() != 2) {
            throw new IllegalArgumentException("protocol must be 1, 2 or absent");
        }
        synchronized (this) {
            refreshIfChanged();
            requireWritable();
            try {
                write(content.withOnly(device));
            } catch (IOException e) {
                throw new TrustStoreException("could not write " + file + ": " + e.getMessage(), e);
            }
        }
        LOG.info("trusting device {} ({})", device.deviceId(), device.deviceName());
    }

    @Override
    public boolean revoke(String deviceId) throws TrustStoreException {
        int entries;
        synchronized (this) {
            refreshIfChanged();
            if (!content.byId().containsKey(deviceId)) {
                return false;
            }
            requireWritable();
            entries = content.entriesFor(deviceId);
            try {
                // Every entry with this deviceId goes: an ignored duplicate left behind would be
                // trusted on the next read, with no revocation event and the caller told "revoked".
                write(content.without(deviceId));
            } catch (IOException e) {
                throw new TrustStoreException("could not write " + file + ": " + e.getMessage(), e);
            }
        }
        if (entries > 1) {
            LOG.info("revoked device {} and removed all {} entries {} held for it", deviceId, entries, FILE_NAME);
        } else {
            LOG.info("revoked device {}", deviceId);
        }
        return true;
    }

    @Override
    public void recordAddress(String deviceId, String address) throws TrustStoreException {
        synchronized (this) {
            refreshIfChanged();
            TrustedDevice device = content.byId().get(deviceId);
            if (device == null || Objects.equals(device.lastAddress(), address) || !content.writable()) {
                return;
            }
            if (address.length() > TrustFile.MAX_ADDRESS_LENGTH) {
                throw new IllegalArgumentException("not a host:port address");
            }
            try {
                write(content.withDevice(device.withLastAddress(address)));
            } catch (IOException e) {
                throw new TrustStoreException("could not write " + file + ": " + e.getMessage(), e);
            }
        }
    }

    private void requireWritable() throws TrustStoreException {
        if (!content.writable()) {
            throw new TrustStoreException(file + " cannot be read as a JSON array, so it is not overwritten; "
                    + "fix it by hand or move it away, then try again", null);
        }
    }

    /** Writes the file atomically, then takes what was written as the new content. Holds {@code this}. */
    private void write(byte[] bytes) throws IOException {
        AtomicFiles.writeOwnerOnly(file, bytes);
        apply(TrustFile.parse(json, ownDeviceId, bytes), FileStamp.of(file));
    }

    /** Holds {@code this}. */
    private void refreshIfChanged() {
        if (!Objects.equals(FileStamp.of(file), stamp)) {
            reload(true);
        }
    }

    /** Holds {@code this}. */
    private void reload(boolean announce) {
        FileStamp before = FileStamp.of(file);
        TrustFile read;
        try {
            read = TrustFile.parse(json, ownDeviceId, Files.readAllBytes(file));
            AtomicFiles.restrictToOwner(file);
        } catch (NoSuchFileException e) {
            read = TrustFile.empty(json);
        } catch (IOException e) {
            LOG.error("cannot read {}: {}; keeping the trust list as it was", file, e.getMessage());
            return;
        }
        for (String problem : read.problems()) {
            LOG.warn("{}: {}", FILE_NAME, problem);
        }
        if (announce) {
            apply(read, before);
        } else {
            content = read;
            stamp = before;
        }
    }

    /** Replaces the content and announces what changed. Holds {@code this}. */
    private void apply(TrustFile read, FileStamp readStamp) {
        Map<String, TrustedDevice> old = content == null ? Map.of() : new HashMap<>(content.byId());
        content = read;
        stamp = readStamp;
        List<String> changed = new ArrayList<>();
        List<String> endSessions = new ArrayList<>();
        for (TrustedDevice device : read.devices()) {
            TrustedDevice previous = old.remove(device.deviceId());
            if (previous == null) {
                changed.add(device.deviceId());
            } else if (!previous.publicKey().equals(device.publicKey())) {
                // A session authenticated with the old key must not outlive the change.
                changed.add(device.deviceId());
                endSessions.add(device.deviceId());
            } else if (!previous.deviceName().equals(device.deviceName())
                    || !Objects.equals(previous.protocol(), device.protocol())) {
                changed.add(device.deviceId());
            }
        }
        List<String> removed = new ArrayList<>(old.keySet());
        endSessions.addAll(removed);
        if (!changed.isEmpty() || !removed.isEmpty()) {
            events.post(EventTopics.TRUST_CHANGED, Map.of(EventTopics.DEVICE_IDS, changed.toArray(String[]::new),
                    EventTopics.REMOVED_DEVICE_IDS, removed.toArray(String[]::new)));
        }
        for (String deviceId : endSessions) {
            events.post(EventTopics.TRUST_REVOKED, Map.of(EventTopics.DEVICE_ID, deviceId));
        }
    }

    private void watch() {
        try {
            while (true) {
                WatchKey key = watcher.take();
                boolean ours = false;
                for (WatchEvent<?> event : key.pollEvents()) {
                    Object context = event.context();
                    ours |= event.kind() == StandardWatchEventKinds.OVERFLOW
                            || (context instanceof Path changed && changed.toString().equals(FILE_NAME));
                }
                key.reset();
                if (ours) {
                    synchronized (this) {
                        refreshIfChanged();
                    }
                }
            }
        } catch (ClosedWatchServiceException | InterruptedException e) {
            // deactivated
        }
    }

    /** What identifies one version of the file on disk without reading it. */
    private record FileStamp(long modifiedNanos, long size, Object fileKey) {

        static FileStamp of(Path file) {
            try {
                BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class);
                return new FileStamp(attributes.lastModifiedTime().to(java.util.concurrent.TimeUnit.NANOSECONDS),
                        attributes.size(), attributes.fileKey());
            } catch (IOException e) {
                return null;
            }
        }
    }
}
