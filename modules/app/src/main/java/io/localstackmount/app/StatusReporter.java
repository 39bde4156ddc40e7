package io.localstackmount.app;

import io.localstackmount.core.CountingObjectStore;
import io.localstackmount.core.DiskContentCache;
import io.localstackmount.core.Filesystem;
import io.localstackmount.s3.UploadsInFlight;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps this mount's runtime record ({@link MountRecords}) current: written once the mount
 * answers, rewritten every second while its live counts change (requests by kind, bytes read, 304s,
 * content cache hits, uploads in flight with their progress), removed at unmount. It also logs the
 * progress of an upload that runs long, since a {@code cp} of a big file blocks in close() meanwhile.
 */
final class StatusReporter implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(StatusReporter.class);
    /** How often counts are looked at: often enough for a person watching {@code status}. */
    private static final Duration PERIOD = Duration.ofSeconds(1);
    /** An upload running longer than this is logged, and again after as long: quiet for everyday files. */
    private static final Duration LONG_UPLOAD = Duration.ofSeconds(10);

    private final MountRecords records;
    private final long pid = ProcessHandle.current().pid();
    private final Map<String, String> fixed;
    private final Filesystem filesystem;
    private final Supplier<List<UploadsInFlight.Progress>> uploads;
    private final ScheduledExecutorService timer;
    private Map<String, String> lastWritten = Map.of();
    private long lastProgressLog = System.nanoTime();

    private StatusReporter(MountRecords records, Map<String, String> fixed, Filesystem filesystem,
                           Supplier<List<UploadsInFlight.Progress>> uploads) {
        this.records = records;
        this.fixed = fixed;
        this.filesystem = filesystem;
        this.uploads = uploads;
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "status");
            t.setDaemon(true);
            return t;
        });
    }

    /** Writes the record now and keeps it current; a record that cannot be written only warns. */
    static StatusReporter start(MountRecords records, Map<String, String> fixed, Filesystem filesystem,
                                Supplier<List<UploadsInFlight.Progress>> uploads) {
        StatusReporter reporter = new StatusReporter(records, new LinkedHashMap<>(fixed), filesystem, uploads);
        reporter.update();
        reporter.timer.scheduleWithFixedDelay(reporter::update, PERIOD.toMillis(), PERIOD.toMillis(), TimeUnit.MILLISECONDS);
        return reporter;
    }

    private synchronized void update() {
        try {
            Map<String, String> values = new LinkedHashMap<>(fixed);
            values.putAll(counts());
            if (!values.equals(lastWritten)) {
                Map<String, String> stamped = new LinkedHashMap<>(values);
                stamped.put("updated", Instant.now().toString());
                records.write(pid, stamped);
                lastWritten = values;
            }
            logLongUploads();
        } catch (IOException | RuntimeException e) {
            LOG.debug("could not update the runtime record in {}: {}", records.folder(), e.toString());
        }
    }

    /** The live counts as record keys. */
    private Map<String, String> counts() {
        Map<String, String> v = new LinkedHashMap<>();
        CountingObjectStore store = filesystem.store();
        v.put("requests", Long.toString(store.total()));
        store.counts().forEach((op, n) -> v.put("requests." + op, Long.toString(n)));
        v.put("bytes-read", Long.toString(store.bytesRead()));
        v.put("not-modified", Long.toString(store.notModified()));
        filesystem.contentCache().map(DiskContentCache::stats).ifPresent(s -> {
            v.put("cache.hits", Long.toString(s.hits()));
            v.put("cache.misses", Long.toString(s.misses()));
            v.put("cache.blocks", Long.toString(s.entries()));
            v.put("cache.bytes", Long.toString(s.bytes()));
        });
        List<UploadsInFlight.Progress> running = uploads.get();
        v.put("uploads", Integer.toString(running.size()));
        for (int i = 0; i < running.size(); i++) {
            UploadsInFlight.Progress p = running.get(i);
            v.put("upload." + (i + 1), "s3://" + p.bucket() + "/" + p.key() + " " + p.sent() + " " + p.total() + " " + p.started());
        }
        return v;
    }

    private void logLongUploads() {
        if (System.nanoTime() - lastProgressLog < LONG_UPLOAD.toNanos()) {
            return;
        }
        Instant now = Instant.now();
        for (UploadsInFlight.Progress p : uploads.get()) {
            Duration running = Duration.between(p.started(), now);
            if (running.compareTo(LONG_UPLOAD) >= 0) {
                LOG.info("uploading s3://{}/{}: {} for {} s", p.bucket(), p.key(), StatusCommand.progress(p.sent(), p.total()),
                        running.toSeconds());
                lastProgressLog = System.nanoTime();
            }
        }
    }

    /** Stops updating and removes the record: the mount is gone. */
    @Override
    public synchronized void close() {
        timer.shutdownNow();
        records.remove(pid);
    }
}
