package io.localstackmount.core;

import io.localstackmount.api.FsException;
import io.localstackmount.api.OpenFile;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Files whose last descriptor closed with data that could not be uploaded ({@link
 * io.localstackmount.api.Staging#keep}). Each stays in the {@link HandleTable} under a handle of
 * its own, so that it still is what the mount shows at its path, a new open joins it and renames
 * move it; one thread retries storing it, first after {@code firstDelay}, then after twice as long
 * each time up to {@link #MAX_DELAY}, and drops it once it is stored, set aside or removed.
 */
final class KeptFiles implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(KeptFiles.class);
    /** A server that is down for long is asked once a minute: cheap, and a restart is noticed soon. */
    static final Duration MAX_DELAY = Duration.ofMinutes(1);

    private final HandleTable handles;
    private final Duration firstDelay;
    private final ScheduledExecutorService retries;

    KeptFiles(HandleTable handles, Duration firstDelay) {
        this.handles = handles;
        this.firstDelay = firstDelay;
        this.retries = Executors.newSingleThreadScheduledExecutor(Filesystem.daemonThreads("lsm-retry"));
    }

    /** Keeps {@code file} open and retries it; {@code where} says where its data is, for the log. */
    void keep(OpenFile file, String where) {
        long handle = handles.register(file);
        LOG.warn("{} was closed with data that could not be uploaded; it is kept ({}) and retried in {} s",
                file.path(), where, firstDelay.toMillis() / 1000.0);
        schedule(handle, file, firstDelay, 1);
    }

    private void schedule(long handle, OpenFile file, Duration delay, int attempt) {
        try {
            retries.schedule(() -> attempt(handle, file, delay, attempt), delay.toMillis(), TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            // unmount: the file stays in the handle table, whose closing keeps its data for the next start
        }
    }

    private void attempt(long handle, OpenFile file, Duration delay, int attempt) {
        if (file.unsavedNode().isEmpty()) {
            release(handle, file); // stored by a later close of the same path, removed, or set aside
            return;
        }
        try {
            if (file.saveUnattended()) {
                LOG.info("{}: stored on retry {}", file.path(), attempt);
            }
            release(handle, file);
        } catch (FsException | UnsupportedOperationException e) {
            Duration next = delay.multipliedBy(2).compareTo(MAX_DELAY) > 0 ? MAX_DELAY : delay.multipliedBy(2);
            LOG.warn("{}: retry {} failed ({}); next in {} s", file.path(), attempt, e.getMessage(), next.toMillis() / 1000.0);
            schedule(handle, file, next, attempt + 1);
        } catch (RuntimeException e) {
            LOG.error("{}: retry {} failed unexpectedly; the data stays staged for the next start", file.path(), attempt, e);
        }
    }

    private void release(long handle, OpenFile file) {
        try {
            handles.remove(handle);
        } catch (FsException gone) {
            return; // unmount took it already
        }
        file.discard();
    }

    /** Stops retrying; the files stay in the handle table for unmount. */
    @Override
    public void close() {
        retries.shutdownNow();
    }
}
