package io.localstackmount.core;

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
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * Counts the requests every store operation makes, and the bytes read, without changing them.
 * The mount always goes through one, so {@code --debug} and tests can show what an operation
 * cost in S3 requests. Counts are by operation name, e.g. {@code head}, {@code listPage}, {@code get};
 * {@link #notModified()} says how many of the {@code get}s were answered 304 without a body.
 */
public final class CountingObjectStore implements ObjectStore {
    private final ObjectStore delegate;
    private final Map<String, LongAdder> counts = new ConcurrentHashMap<>();
    private final LongAdder bytesRead = new LongAdder();
    private final LongAdder notModified = new LongAdder();

    public CountingObjectStore(ObjectStore delegate) {
        this.delegate = delegate;
    }

    /** Requests per operation since start or the last {@link #reset()}, sorted by name. */
    public Map<String, Long> counts() {
        Map<String, Long> snapshot = new TreeMap<>();
        counts.forEach((op, n) -> {
            if (n.sum() > 0) {
                snapshot.put(op, n.sum());
            }
        });
        return snapshot;
    }

    public long count(String operation) {
        LongAdder n = counts.get(operation);
        return n == null ? 0 : n.sum();
    }

    public long total() {
        return counts.values().stream().mapToLong(LongAdder::sum).sum();
    }

    /** Bytes returned by ranged reads and downloads. */
    public long bytesRead() {
        return bytesRead.sum();
    }

    /** Conditional GETs answered "not modified" (304, no body). */
    public long notModified() {
        return notModified.sum();
    }

    /** One line for logs: requests by operation, 304s and bytes read. */
    public String summary() {
        return total() + " requests " + counts() + ", " + notModified() + " answered 304, " + bytesRead() + " bytes read";
    }

    public void reset() {
        counts.values().forEach(LongAdder::reset);
        bytesRead.reset();
        notModified.reset();
    }

    private void increment(String operation) {
        counts.computeIfAbsent(operation, k -> new LongAdder()).increment();
    }

    @Override
    public List<String> listBuckets() {
        increment("listBuckets");
        return delegate.listBuckets();
    }

    @Override
    public boolean bucketExists(String bucket) {
        increment("bucketExists");
        return delegate.bucketExists(bucket);
    }

    @Override
    public void createBucket(String bucket) {
        increment("createBucket");
        delegate.createBucket(bucket);
    }

    @Override
    public void deleteBucket(String bucket) {
        increment("deleteBucket");
        delegate.deleteBucket(bucket);
    }

    @Override
    public Optional<ObjectInfo> head(String bucket, String key) {
        increment("head");
        return delegate.head(bucket, key);
    }

    @Override
    public ListPage listPage(String bucket, String prefix, String token, int maxKeys) {
        increment("listPage");
        return delegate.listPage(bucket, prefix, token, maxKeys);
    }

    @Override
    public int read(String bucket, String key, long offset, byte[] dst, int dstOffset, int length) {
        increment("read");
        int n = delegate.read(bucket, key, offset, dst, dstOffset, length);
        bytesRead.add(n);
        return n;
    }

    @Override
    public GetResult get(String bucket, String key, Precondition condition, long offset, byte[] dst, int dstOffset, int length) {
        increment("get");
        GetResult result = delegate.get(bucket, key, condition, offset, dst, dstOffset, length);
        if (result.modified()) {
            bytesRead.add(result.length());
        } else {
            notModified.increment();
        }
        return result;
    }

    @Override
    public ObjectInfo download(String bucket, String key, Path target) throws IOException {
        increment("download");
        ObjectInfo info = delegate.download(bucket, key, target);
        bytesRead.add(info.size());
        return info;
    }

    @Override
    public void downloadRange(String bucket, String key, String etag, long offset, long length, FileChannel target) {
        increment("downloadRange");
        delegate.downloadRange(bucket, key, etag, offset, length, target);
        bytesRead.add(length);
    }

    @Override
    public ObjectInfo upload(String bucket, String key, Path source, Map<String, String> metadata, String contentType) {
        increment("upload");
        return delegate.upload(bucket, key, source, metadata, contentType);
    }

    @Override
    public ObjectInfo put(String bucket, String key, byte[] body, Map<String, String> metadata, String contentType) {
        increment("put");
        return delegate.put(bucket, key, body, metadata, contentType);
    }

    @Override
    public String startMultipart(String bucket, String key, Map<String, String> metadata, String contentType) {
        increment("startMultipart");
        return delegate.startMultipart(bucket, key, metadata, contentType);
    }

    @Override
    public String uploadPart(String bucket, String key, String uploadId, int partNumber, Path source, long offset, long length) {
        increment("uploadPart");
        return delegate.uploadPart(bucket, key, uploadId, partNumber, source, offset, length);
    }

    @Override
    public String uploadPartCopy(String bucket, String key, String uploadId, int partNumber,
                                 String srcBucket, String srcKey, String sourceEtag, long offset, long length) {
        increment("uploadPartCopy");
        return delegate.uploadPartCopy(bucket, key, uploadId, partNumber, srcBucket, srcKey, sourceEtag, offset, length);
    }

    @Override
    public ObjectInfo completeMultipart(String bucket, String key, String uploadId, List<String> partEtags) {
        increment("completeMultipart");
        return delegate.completeMultipart(bucket, key, uploadId, partEtags);
    }

    @Override
    public void abortMultipart(String bucket, String key, String uploadId) {
        increment("abortMultipart");
        delegate.abortMultipart(bucket, key, uploadId);
    }

    @Override
    public void delete(String bucket, String key) {
        increment("delete");
        delegate.delete(bucket, key);
    }

    @Override
    public ObjectInfo copy(String srcBucket, String srcKey, String dstBucket, String dstKey, Map<String, String> metadata) {
        increment("copy");
        return delegate.copy(srcBucket, srcKey, dstBucket, dstKey, metadata);
    }

    @Override
    public ObjectInfo copy(String srcBucket, String srcKey, String dstBucket, String dstKey, Map<String, String> metadata,
                           java.util.function.UnaryOperator<String> contentType) {
        increment("copy");
        return delegate.copy(srcBucket, srcKey, dstBucket, dstKey, metadata, contentType);
    }

    @Override
    public String describe() {
        return delegate.describe();
    }

    @Override
    public void close() {
        delegate.close();
    }
}
