package io.localstackmount.core;

import io.localstackmount.api.FsPath;
import io.localstackmount.api.LocalDisk;
import io.localstackmount.api.OpenFile;
import io.localstackmount.api.Staging;
import io.localstackmount.api.StagingFile;
import io.localstackmount.core.StagingRecord.State;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where written data waits for its upload ({@link Staging}): one folder per mount under the staging
 * root, locked while the mount runs, with a record beside every staged file whose content S3 does
 * not have yet, so that a failed upload, an unmount with unsaved files, or a killed process loses
 * nothing: {@link StagingRecovery} uploads (or sets aside) what a stale folder holds at the next start.
 *
 * <pre>
 *   root/                  mount.staging-dir ($XDG_STATE_HOME/localstackmount/staging by default)
 *     mount-123/           this mount's folder
 *       lock               locked while the mount runs ({@link FolderLock})
 *       f-7.data           the content of one open file
 *       f-7.rec            its {@link StagingRecord}, only while the content is not stored
 *       u-3.upload         a multipart upload this mount started and has not completed or aborted
 *     conflicts/           data not uploaded because another client changed the object ({@link Conflicts})
 * </pre>
 *
 * Core keeps the records in step with the namespace: {@link CoreStorage} moves them with renames and
 * drops them on unlink; retries of content closed unsaved are {@link KeptFiles}' job.
 */
final class StagingArea implements Staging, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(StagingArea.class);
    static final String FOLDER_PREFIX = "mount-";

    private final Path root;
    private final Path folder;
    private final FolderLock lock;
    private final String store;
    private final Clock clock;
    private final AtomicLong ids = new AtomicLong();
    private final Set<StagedEntry> entries = ConcurrentHashMap.newKeySet();
    /** Set once the mount keeps its files: null until then (see {@link #keepWith}). */
    private volatile KeptFiles kept;

    private StagingArea(Path root, Path folder, FolderLock lock, String store, Clock clock) {
        this.root = root;
        this.folder = folder;
        this.lock = lock;
        this.store = store;
        this.clock = clock;
    }

    /** Creates and locks a new folder for one mount under {@code root}; {@code store} names the store records are for. */
    static StagingArea open(Path root, String store, Clock clock) {
        try {
            Files.createDirectories(root);
            Path folder = Files.createTempDirectory(root, FOLDER_PREFIX);
            FolderLock lock = FolderLock.tryTake(folder);
            if (lock == null) {
                throw new IOException("its lock is held by someone else");
            }
            return new StagingArea(root, folder, lock, store, clock);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the staging folder under " + root + ": " + e.getMessage(), e);
        }
    }

    void keepWith(KeptFiles keptFiles) {
        this.kept = keptFiles;
    }

    Path root() {
        return root;
    }

    /** This mount's own folder. */
    Path folder() {
        return folder;
    }

    Instant now() {
        return clock.instant();
    }

    StagingRecord record(FsPath path, String base, State state) {
        return new StagingRecord(store, path.bucket(), path.key(), base, state == null ? State.DIRTY : state, now(), null, false);
    }

    @Override
    public StagingFile create(FsPath path, String baseEtag) {
        long id = ids.incrementAndGet();
        Path data = folder.resolve("f-" + id + ".data");
        try {
            Files.createFile(data);
        } catch (IOException e) {
            throw LocalDisk.failure("cannot stage " + path + " in " + folder, e);
        }
        StagedEntry entry = new StagedEntry(this, data, folder.resolve("f-" + id + ".rec"), path, baseEtag);
        entries.add(entry);
        return entry;
    }

    @Override
    public void keep(OpenFile file) {
        KeptFiles k = kept;
        if (k == null) {
            throw new IllegalStateException("the staging area keeps no files before the mount is built");
        }
        k.keep(file, where(file.path()).orElse(folder.toString()));
    }

    @Override
    public long usableSpace() {
        try {
            return Files.getFileStore(folder).getUsableSpace();
        } catch (IOException e) {
            LOG.debug("cannot read the free space of {}: {}", folder, e.toString());
            return 0;
        }
    }

    /** Where the unsaved content at {@code path} is kept, for log lines: {@code s3://b/k in /…/f-7.data}. */
    Optional<String> where(FsPath path) {
        return entries.stream().filter(e -> e.unsaved() && e.path().equals(path)).map(StagedEntry::describe).findFirst();
    }

    /** A rename moved {@code from} (a file, or a folder and everything below it) to {@code to}; {@code newBase} gives a moved path's copy's ETag. */
    void moved(FsPath from, FsPath to, Function<FsPath, String> newBase) {
        for (StagedEntry e : entries) {
            FsPath p = e.path();
            FsPath target = null;
            if (p.equals(from)) {
                target = to;
            } else if (from.contains(p)) {
                String rest = p.key().substring(from.key().isEmpty() ? 0 : from.key().length() + 1);
                target = FsPath.of(to.bucket(), to.key().isEmpty() ? rest : to.key() + "/" + rest);
            }
            if (target != null) {
                e.moved(target, newBase.apply(target));
            }
        }
    }

    /** {@code path} was removed (or replaced by a rename): content staged for it is never to be stored. */
    void removed(FsPath path) {
        for (StagedEntry e : entries) {
            if (e.path().equals(path)) {
                e.removed();
            }
        }
    }

    void forget(StagedEntry entry) {
        entries.remove(entry);
    }

    /** Records a multipart upload this mount started, so that the next start aborts it if it is left incomplete. */
    Path uploadStarted(FsPath path, String uploadId) {
        Path file = folder.resolve("u-" + ids.incrementAndGet() + ".upload");
        try {
            new StagingRecord(store, path.bucket(), path.key(), uploadId, State.UPLOADING, now(), null, false).write(file);
            return file;
        } catch (IOException e) {
            LOG.warn("could not record multipart upload {} of {}: {}; if this process dies now, its parts stay in S3",
                    uploadId, path, e.toString());
            return null;
        }
    }

    /** The upload recorded in {@code file} was completed or aborted. */
    void uploadEnded(Path file) {
        if (file != null) {
            try {
                Files.deleteIfExists(file);
            } catch (IOException e) {
                LOG.debug("could not delete {}: {}", file, e.toString());
            }
        }
    }

    /**
     * Unmount: the files not stored keep their data and records for the next start (logged one by
     * one); everything else goes, and the folder too when nothing is left. Open files are discarded
     * before this.
     */
    @Override
    public void close() {
        List<String> left = new ArrayList<>();
        for (StagedEntry e : entries) {
            if (e.unsaved()) {
                left.add(e.describe());
            }
        }
        try {
            lock.close();
        } catch (IOException e) {
            LOG.debug("releasing {} failed: {}", folder, e.toString());
        }
        if (left.isEmpty() && !hasRecords()) {
            deleteTree(folder);
            return;
        }
        for (String file : left) {
            LOG.warn("not uploaded at unmount: {}; the next start uploads it", file);
        }
        LOG.warn("{} staged files not uploaded are kept in {}; the next start of a mount of the same store uploads them"
                + " (or sets them aside when the object changed meanwhile)", left.size(), folder);
    }

    private boolean hasRecords() {
        try (Stream<Path> files = Files.list(folder)) {
            return files.anyMatch(f -> f.getFileName().toString().endsWith(".rec") || f.getFileName().toString().endsWith(".upload"));
        } catch (IOException e) {
            return true;
        }
    }

    static void deleteTree(Path dir) {
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    LOG.debug("could not delete {}: {}", p, e.toString());
                }
            });
        } catch (IOException e) {
            LOG.warn("could not remove the staging folder {}: {}", dir, e.toString());
        }
    }
}
