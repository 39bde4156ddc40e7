package io.localstackmount.plugin.files;

import io.localstackmount.api.Errno;
import io.localstackmount.api.FsContext;
import io.localstackmount.api.FsException;
import io.localstackmount.api.FsPath;
import io.localstackmount.api.Node;
import io.localstackmount.api.ObjectInfo;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * The staging file of a large stored object edited in place, which holds only the parts that
 * writes and reads touched ({@link LocalParts}). The other parts stay in the object the edit began
 * from (the base): they are fetched when needed and copied server-side when the edit is uploaded,
 * always on the condition that the base still has the ETag it had, so that another client's
 * version is never mixed in. Callers hold the {@link StagedFile}'s lock.
 */
final class SparseStaging {
    private final FsContext ctx;
    private final Uploads uploads;
    private final Path stagingFile;
    private final FileChannel channel;
    private final LocalParts parts;
    private final long baseSize;
    private FsPath basePath;
    /** Null after a rename: the renamed copy may carry another ETag, asked of S3 when needed. */
    private String baseEtag;

    private SparseStaging(FsContext ctx, Uploads uploads, Path stagingFile, FileChannel channel, FsPath basePath,
                          ObjectInfo base) {
        this.ctx = ctx;
        this.uploads = uploads;
        this.stagingFile = stagingFile;
        this.channel = channel;
        this.basePath = basePath;
        this.baseEtag = base.etag();
        this.parts = new LocalParts(uploads.partSize(), base.size());
        this.baseSize = base.size();
    }

    /**
     * Stages the object at {@code path} in the empty {@code channel} without fetching it: the same
     * size, as a hole on disk, no part held yet. For objects {@link LocalParts#worthIt} says are
     * worth it; smaller ones are downloaded whole.
     */
    static SparseStaging stage(FsContext ctx, Uploads uploads, FsPath path, Path stagingFile, FileChannel channel)
            throws IOException {
        ObjectInfo base = ctx.store().head(path.bucket(), path.key())
                .orElseThrow(() -> new FsException(Errno.ENOENT, path + " was removed by another client"));
        if (base.size() > 0) {
            channel.write(ByteBuffer.wrap(new byte[1]), base.size() - 1);
        }
        return new SparseStaging(ctx, uploads, stagingFile, channel, path, base);
    }

    /** The base object's size: the size of the staged file before any change. */
    long baseSize() {
        return baseSize;
    }

    /** Fetches what a read of {@code [from, to)} needs. */
    void beforeRead(long from, long to) {
        fetch(parts.toFetchForRead(from, to));
    }

    /** Fetches what a write of {@code [from, to)} changes only partly, and what growing the file to {@code to} needs. */
    void beforeWrite(long from, long to) {
        beforeGrowing(to);
        fetch(parts.toFetchForWrite(from, to));
    }

    /** Before a truncate or extension to {@code newSize}. */
    void beforeResize(long newSize) {
        beforeGrowing(newSize);
        parts.resized(newSize);
    }

    /** Fetches every part still in S3 only: the content must outlive the object (rm while open). */
    void fetchAll(long size) {
        fetch(parts.notHeld(size));
    }

    /** True when some of a file of {@code size} is still in S3 only, so that saving needs {@link #upload}. */
    boolean hasPartsInS3(long size) {
        return parts.notHeld(size).length > 0;
    }

    /** The file was renamed: its base was copied server-side to {@code newPath}. */
    void moved(FsPath newPath) {
        basePath = newPath;
        baseEtag = null;
    }

    /** The edit was uploaded as {@code uploaded}: the parts not held are there now, at the same offsets. */
    void saved(FsPath target, Node uploaded) {
        basePath = target;
        baseEtag = uploaded.etag();
    }

    /**
     * Uploads the edit as {@code target}: the parts held from the staging file, the rest copied
     * server-side from the base (while its ETag is unchanged); EIO when anything fails, after
     * aborting the upload, so the stored object stays as it was.
     */
    Node upload(FsPath target, long size, Map<String, String> metadata, String contentType) {
        FsPath from = basePath;
        String etag = baseEtag();
        MultipartStream upload = MultipartStream.start(ctx, target, stagingFile, parts.partSize(),
                uploads.parallelism() * 2, metadata, contentType);
        try {
            channel.force(false);
        } catch (IOException e) {
            upload.abort();
            throw new FsException(Errno.EIO, "reading the staging file of " + target + " failed", e);
        }
        for (long offset = 0; offset < size; offset += parts.partSize()) {
            long length = Math.min(parts.partSize(), size - offset);
            if (parts.isLocal((int) (offset / parts.partSize()))) {
                upload.submitStaged(offset, length);
            } else {
                upload.submitCopy(from, etag, offset, length);
            }
        }
        try {
            return upload.complete(size);
        } catch (FsException e) {
            throw new FsException(Errno.EIO, "upload of " + target + " failed; the stored object is unchanged: " + e.getMessage(), e);
        }
    }

    private void beforeGrowing(long newSize) {
        int part = parts.toFetchBeforeGrowing(newSize);
        if (part >= 0) {
            fetch(new int[] {part});
        }
    }

    /** Fetches the given parts of the base into the staging file, in parallel. */
    private void fetch(int[] missing) {
        if (missing.length == 0) {
            return;
        }
        FsPath from = basePath;
        String etag = baseEtag();
        List<CompletableFuture<Void>> fetches = new ArrayList<>(missing.length);
        for (int part : missing) {
            long offset = parts.start(part);
            long length = parts.baseBytes(part);
            fetches.add(CompletableFuture.runAsync(() -> ctx.store().downloadRange(from.bucket(), from.key(), etag,
                    offset, length, channel), ctx.workers()));
        }
        try {
            CompletableFuture.allOf(fetches.toArray(CompletableFuture[]::new)).join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof FsException fs) {
                throw fs;
            }
            throw new FsException(Errno.EIO, "fetching parts of " + from + " failed: " + e.getCause(), e.getCause());
        }
        for (int part : missing) {
            parts.fetched(part);
        }
    }

    /** The ETag of the version the edit began from (asked of S3 after a rename). */
    String baseEtag() {
        if (baseEtag == null) {
            baseEtag = ctx.store().head(basePath.bucket(), basePath.key())
                    .orElseThrow(() -> new FsException(Errno.EIO, basePath + " was removed while being edited; its unchanged parts are gone"))
                    .etag();
        }
        return baseEtag;
    }
}
