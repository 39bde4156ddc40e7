package io.localstackmount.core;

import io.localstackmount.api.FsPath;
import io.localstackmount.api.LocalDisk;
import io.localstackmount.api.ObjectInfo;
import io.localstackmount.api.StagingFile;
import io.localstackmount.core.StagingRecord.State;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One staging file of {@link StagingArea} and its record ({@code f-7.data}, {@code f-7.rec}). The
 * record exists exactly while the content is not stored (state DIRTY or UPLOADING): it is written
 * when the content first changes, rewritten when an upload starts or fails, and deleted when the
 * content is stored, removed or discarded clean.
 */
final class StagedEntry implements StagingFile {
    private static final Logger LOG = LoggerFactory.getLogger(StagedEntry.class);

    private final StagingArea area;
    private final Path data;
    private final Path recordFile;
    private FsPath path;
    private String base;
    /** Null while nothing needs storing (no record on disk). */
    private State state;
    private boolean gone;
    private boolean partial;

    StagedEntry(StagingArea area, Path data, Path recordFile, FsPath path, String base) {
        this.area = area;
        this.data = data;
        this.recordFile = recordFile;
        this.path = path;
        this.base = base;
    }

    @Override
    public Path file() {
        return data;
    }

    @Override
    public synchronized String baseEtag() {
        return base;
    }

    synchronized FsPath path() {
        return path;
    }

    /** True while the content is not stored: what unmount and recovery care about. */
    synchronized boolean unsaved() {
        return state != null && !gone;
    }

    @Override
    public synchronized void changed() {
        if (state == State.DIRTY || gone) {
            return;
        }
        try {
            record(State.DIRTY);
        } catch (IOException e) {
            throw LocalDisk.failure("cannot record the staging file " + data + " of " + path, e);
        }
    }

    @Override
    public synchronized void partial() {
        partial = true;
    }

    @Override
    public synchronized void replacing(String etag) {
        base = etag;
    }

    @Override
    public synchronized void uploading() {
        if (state != null && !gone) {
            recordQuietly(State.UPLOADING);
        }
    }

    @Override
    public synchronized void failed() {
        if (state != null && !gone) {
            recordQuietly(State.DIRTY);
        }
    }

    @Override
    public synchronized void saved(FsPath at, String etag) {
        path = at;
        base = etag;
        forgetRecord();
    }

    /** The path was renamed (or a folder above it): the content belongs to {@code to}, based on its copy {@code newBase}. */
    synchronized void moved(FsPath to, String newBase) {
        path = to;
        if (base != null) {
            base = newBase;
        }
        if (state != null) {
            recordQuietly(state);
        }
    }

    /** The name was removed while open: the content is never to be stored. */
    synchronized void removed() {
        forgetRecord();
    }

    @Override
    public synchronized Path setAside(ObjectInfo current) {
        try {
            Path kept = Conflicts.setAside(area.root(), data, area.record(path, base, State.CONFLICT).partial(partial), current,
                    area.now());
            forgetRecord();
            gone = true;
            area.forget(this);
            return kept;
        } catch (IOException e) {
            throw LocalDisk.failure("cannot set " + data + " aside", e);
        }
    }

    @Override
    public synchronized void delete() {
        forgetRecord();
        gone = true;
        area.forget(this);
        try {
            Files.deleteIfExists(data);
        } catch (IOException e) {
            LOG.warn("could not delete the staging file {}: {}", data, e.toString());
        }
    }

    /** Closed by unmount without being stored: the data and record stay for the next start. */
    synchronized String describe() {
        return area.record(path, base, state).s3() + " in " + data;
    }

    private void record(State newState) throws IOException {
        area.record(path, base, newState).partial(partial).write(recordFile);
        state = newState;
    }

    private void recordQuietly(State newState) {
        try {
            record(newState);
        } catch (IOException e) {
            // The previous record stays: still DIRTY or UPLOADING, which recovery handles the same way.
            LOG.warn("could not update the record of {}: {}", data, e.toString());
        }
    }

    private void forgetRecord() {
        state = null;
        try {
            Files.deleteIfExists(recordFile);
        } catch (IOException e) {
            LOG.warn("could not delete the staging record {}: {}", recordFile, e.toString());
        }
    }
}
