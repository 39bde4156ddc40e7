package io.localstackmount.app;

import io.localstackmount.api.Errno;
import io.localstackmount.api.FsException;
import io.localstackmount.api.GetResult;
import io.localstackmount.api.ListPage;
import io.localstackmount.api.ObjectInfo;
import io.localstackmount.api.ObjectStore;
import io.localstackmount.api.Precondition;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * A store whose SDK client is still being built. Building the first AWS SDK client is the largest
 * single cost of start-up (about 0.4 s); when LocalStack's health answer has already shown the
 * endpoint is there, the mount need not wait for it: requests that reach S3 wait here instead,
 * usually for a fraction of the time the first {@code ls} takes anyway.
 */
final class DeferredObjectStore implements ObjectStore {
    private final CompletableFuture<? extends ObjectStore> pending;
    private final String description;

    DeferredObjectStore(CompletableFuture<? extends ObjectStore> pending, String description) {
        this.pending = pending;
        this.description = description;
    }

    private ObjectStore store() {
        try {
            return pending.join();
        } catch (CompletionException e) {
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            if (cause instanceof FsException fs) {
                throw fs;
            }
            throw new FsException(Errno.EIO, "the S3 client for " + description + " could not be built: " + cause, cause);
        }
    }

    @Override
    public List<String> listBuckets() {
        return store().listBuckets();
    }

    @Override
    public boolean bucketExists(String bucket) {
        return store().bucketExists(bucket);
    }

    @Override
    public void createBucket(String bucket) {
        store().createBucket(bucket);
    }

    @Override
    public void deleteBucket(String bucket) {
        store().deleteBucket(bucket);
    }

    @Override
    public Optional<ObjectInfo> head(String bucket, String key) {
        return store().head(bucket, key);
    }

    @Override
    public ListPage listPage(String bucket, String prefix, String token, int maxKeys) {
        return store().listPage(bucket, prefix, token, maxKeys);
    }

    @Override
    public int read(String bucket, String key, long offset, byte[] dst, int dstOffset, int length) {
        return store().read(bucket, key, offset, dst, dstOffset, length);
    }

    @Override
    public GetResult get(String bucket, String key, Precondition condition, long offset, byte[] dst, int dstOffset, int length) {
        return store().get(bucket, key, condition, offset, dst, dstOffset, length);
    }

    @Override
    public ObjectInfo download(String bucket, String key, Path target) throws IOException {
        return store().download(bucket, key, target);
    }

    @Override
    public void downloadRange(String bucket, String key, String etag, long offset, long length, FileChannel target) {
        store().downloadRange(bucket, key, etag, offset, length, target);
    }

    @Override
    public ObjectInfo upload(String bucket, String key, Path source, Map<String, String> metadata, String contentType) {
        return store().upload(bucket, key, source, metadata, contentType);
    }

    @Override
    public ObjectInfo put(String bucket, String key, byte[] body, Map<String, String> metadata, String contentType) {
        return store().put(bucket, key, body, metadata, contentType);
    }

    @Override
    public String startMultipart(String bucket, String key, Map<String, String> metadata, String contentType) {
        return store().startMultipart(bucket, key, metadata, contentType);
    }

    @Override
    public String uploadPart(String bucket, String key, String uploadId, int partNumber, Path source, long offset, long length) {
        return store().uploadPart(bucket, key, uploadId, partNumber, source, offset, length);
    }

    @Override
    public String uploadPartCopy(String bucket, String key, String uploadId, int partNumber,
                                 String srcBucket, String srcKey, String sourceEtag, long offset, long length) {
        return store().uploadPartCopy(bucket, key, uploadId, partNumber, srcBucket, srcKey, sourceEtag, offset, length);
    }

    @Override
    public ObjectInfo completeMultipart(String bucket, String key, String uploadId, List<String> partEtags) {
        return store().completeMultipart(bucket, key, uploadId, partEtags);
    }

    @Override
    public void abortMultipart(String bucket, String key, String uploadId) {
        store().abortMultipart(bucket, key, uploadId);
    }

    @Override
    public void delete(String bucket, String key) {
        store().delete(bucket, key);
    }

    @Override
    public ObjectInfo copy(String srcBucket, String srcKey, String dstBucket, String dstKey, Map<String, String> metadata) {
        return store().copy(srcBucket, srcKey, dstBucket, dstKey, metadata);
    }

    @Override
    public ObjectInfo copy(String srcBucket, String srcKey, String dstBucket, String dstKey, Map<String, String> metadata,
                           java.util.function.UnaryOperator<String> contentType) {
        return store().copy(srcBucket, srcKey, dstBucket, dstKey, metadata, contentType);
    }

    /** Known without the client, so logging it never waits. */
    @Override
    public String describe() {
        return description;
    }

    /** Closes the client once it is built, without waiting for it here. */
    @Override
    public void close() {
        pending.thenAccept(ObjectStore::close);
    }
}
