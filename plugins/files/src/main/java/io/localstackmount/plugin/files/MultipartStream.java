package io.localstackmount.plugin.files;

import io.localstackmount.api.Errno;
import io.localstackmount.api.FsContext;
import io.localstackmount.api.FsException;
import io.localstackmount.api.FsPath;
import io.localstackmount.api.MultipartUpload;
import io.localstackmount.api.Node;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Semaphore;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A multipart upload that runs while a file is still being written sequentially: every time the
 * staging file grows past another {@code partSize}, that part is uploaded in the background (at
 * most {@code maxInFlight} at once; the writer waits beyond that, which bounds the work queued).
 * {@link #complete} uploads the tail and completes the upload; any failure aborts it, so no parts
 * are left orphaned, and the caller falls back to a whole upload (which then reports the error).
 * Parts are read from the staging file, never held on the heap by this class. An in-place edit of
 * a large object uses it too, with the parts it did not change copied server-side ({@link #submitCopy}).
 */
final class MultipartStream {
    private static final Logger LOG = LoggerFactory.getLogger(MultipartStream.class);

    private final MultipartUpload upload;
    private final ExecutorService executor;
    private final FsPath path;
    private final Path stagingFile;
    private final long partSize;
    private final Semaphore inFlight;
    private final List<CompletableFuture<String>> parts = new ArrayList<>();
    private volatile Throwable failure;

    private MultipartStream(MultipartUpload upload, ExecutorService executor, FsPath path, Path stagingFile,
                            long partSize, int maxInFlight) {
        this.upload = upload;
        this.executor = executor;
        this.path = path;
        this.stagingFile = stagingFile;
        this.partSize = partSize;
        this.inFlight = new Semaphore(maxInFlight);
    }

    static MultipartStream start(FsContext ctx, FsPath path, Path stagingFile, long partSize, int maxInFlight,
                                 Map<String, String> metadata, String contentType) {
        MultipartUpload upload = ctx.storage().startUpload(path, metadata, contentType);
        LOG.debug("streaming {} as a multipart upload", path);
        return new MultipartStream(upload, ctx.workers(), path, stagingFile, partSize, maxInFlight);
    }

    /** Bytes covered by parts submitted so far. */
    long submittedBytes() {
        return parts.size() * partSize;
    }

    boolean failed() {
        return failure != null;
    }

    /** Submits every whole part below {@code stagedSize} not yet submitted; false when streaming cannot go on. */
    boolean submitUpTo(long stagedSize) {
        while (failure == null && stagedSize - submittedBytes() >= partSize) {
            if (parts.size() + 1 >= LocalParts.MAX_PARTS) {
                return false;
            }
            submitStaged(submittedBytes(), partSize);
        }
        return failure == null;
    }

    /** Submits the next part: {@code length} bytes of the staging file at {@code offset}. */
    void submitStaged(long offset, long length) {
        int partNumber = parts.size() + 1;
        submit(partNumber, () -> upload.uploadPart(partNumber, stagingFile, offset, length));
    }

    /** Submits the next part as a server-side copy of bytes of {@code source}, while its ETag is {@code etag}. */
    void submitCopy(FsPath source, String etag, long offset, long length) {
        int partNumber = parts.size() + 1;
        submit(partNumber, () -> upload.copyPart(partNumber, source, etag, offset, length));
    }

    private void submit(int partNumber, Supplier<String> request) {
        inFlight.acquireUninterruptibly();
        CompletableFuture<String> part = CompletableFuture.supplyAsync(request, executor);
        part.whenComplete((etag, error) -> {
            inFlight.release();
            if (error != null && failure == null) {
                failure = error instanceof CompletionException c && c.getCause() != null ? c.getCause() : error;
                LOG.warn("part {} of {} failed: {}", partNumber, path, failure.getMessage());
            }
        });
        parts.add(part);
    }

    /** Uploads the rest up to {@code size} and completes; throws when anything failed (after aborting). */
    Node complete(long size) {
        try {
            if (failure == null && size > submittedBytes()) {
                submitStaged(submittedBytes(), size - submittedBytes());
            }
            List<String> etags = new ArrayList<>(parts.size());
            for (CompletableFuture<String> part : parts) {
                etags.add(part.join());
            }
            return upload.complete(etags, size);
        } catch (RuntimeException e) {
            abort();
            Throwable cause = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
            throw new FsException(Errno.EIO, "multipart upload of " + path + " failed: " + cause.getMessage(), cause);
        }
    }

    /** Stops the upload: waits for parts in flight, then aborts it so that no parts stay orphaned. */
    void abort() {
        for (CompletableFuture<String> part : parts) {
            try {
                part.join();
            } catch (RuntimeException ignored) {
                // the failure is already recorded; aborting is what matters now
            }
        }
        try {
            upload.abort();
        } catch (RuntimeException e) {
            LOG.warn("aborting the multipart upload of {} failed: {}; its parts may stay until the bucket's lifecycle removes them",
                    path, e.getMessage());
        }
    }
}
