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
import java.util.stream.Collectors;

/**
 * A store that shows only the buckets of a {@link BucketScope}, and for a prefix mount only the
 * keys under the prefix, with the prefix taken off: core and the handlers see an ordinary bucket
 * whose root is the prefix. It sits under everything else, so caches, counting and the handlers
 * need no change.
 *
 * <pre>
 *   mount.bucket = data/exports        S3                         the mount
 *                                      data/exports/a.csv    ->   mnt/data/a.csv
 *                                      data/exports/2024/b   ->   mnt/data/2024/b
 *                                      data/other.txt             (not shown)
 *                                      logs/...                   (not shown)
 * </pre>
 *
 * Outside the scope nothing exists (ENOENT), and nothing can be made there (EPERM): a new folder at
 * the mount root is a new bucket, which a filter must match and a one-bucket mount never allows;
 * nor does a one-bucket mount delete its bucket. With one bucket, ListBuckets is never sent (a
 * HeadBucket answers), so credentials limited to that bucket work.
 */
final class ScopedObjectStore implements ObjectStore {
    private final ObjectStore delegate;
    private final BucketScope scope;
    private final String prefix;

    ScopedObjectStore(ObjectStore delegate, BucketScope scope) {
        this.delegate = delegate;
        this.scope = scope;
        this.prefix = scope.prefix();
    }

    /** The store itself when the scope is every bucket, else a scoped view of it. */
    static ObjectStore wrap(ObjectStore store, BucketScope scope) {
        return scope.isAll() ? store : new ScopedObjectStore(store, scope);
    }

    private void require(String bucket) {
        if (!scope.shows(bucket)) {
            throw new FsException(Errno.ENOENT, "bucket " + bucket + " is outside this mount (" + scope.describe() + ")");
        }
    }

    private String in(String key) {
        return prefix + key;
    }

    private ObjectInfo out(ObjectInfo info) {
        if (info == null || prefix.isEmpty() || !info.key().startsWith(prefix)) {
            return info;
        }
        return new ObjectInfo(info.key().substring(prefix.length()), info.size(), info.lastModified(), info.etag(),
                info.metadata(), info.contentType());
    }

    @Override
    public List<String> listBuckets() {
        if (scope.bucket() != null) {
            return delegate.bucketExists(scope.bucket()) ? List.of(scope.bucket()) : List.of();
        }
        return delegate.listBuckets().stream().filter(scope::shows).collect(Collectors.toList());
    }

    @Override
    public boolean bucketExists(String bucket) {
        return scope.shows(bucket) && delegate.bucketExists(bucket);
    }

    @Override
    public void createBucket(String bucket) {
        if (scope.bucket() != null || !scope.shows(bucket)) {
            throw new FsException(Errno.EPERM, "cannot create bucket " + bucket + ": this mount shows only " + scope.describe());
        }
        delegate.createBucket(bucket);
    }

    @Override
    public void deleteBucket(String bucket) {
        if (scope.bucket() != null) {
            throw new FsException(Errno.EPERM, "this mount shows only " + scope.describe() + " and does not delete it");
        }
        require(bucket);
        delegate.deleteBucket(bucket);
    }

    @Override
    public Optional<ObjectInfo> head(String bucket, String key) {
        require(bucket);
        return delegate.head(bucket, in(key)).map(this::out);
    }

    @Override
    public ListPage listPage(String bucket, String listPrefix, String token, int maxKeys) {
        require(bucket);
        ListPage page = delegate.listPage(bucket, in(listPrefix), token, maxKeys);
        if (prefix.isEmpty()) {
            return page;
        }
        List<ObjectInfo> objects = page.objects().stream().map(this::out)
                // the prefix's own marker object is the root, not an entry of it
                .filter(o -> !o.key().isEmpty())
                .collect(Collectors.toList());
        List<String> prefixes = page.commonPrefixes().stream()
                .map(p -> p.startsWith(prefix) ? p.substring(prefix.length()) : p)
                .collect(Collectors.toList());
        return new ListPage(objects, prefixes, page.nextToken());
    }

    @Override
    public int read(String bucket, String key, long offset, byte[] dst, int dstOffset, int length) {
        require(bucket);
        return delegate.read(bucket, in(key), offset, dst, dstOffset, length);
    }

    @Override
    public GetResult get(String bucket, String key, Precondition condition, long offset, byte[] dst, int dstOffset, int length) {
        require(bucket);
        GetResult result = delegate.get(bucket, in(key), condition, offset, dst, dstOffset, length);
        return result.modified() ? GetResult.content(out(result.object()), result.length()) : result;
    }

    @Override
    public ObjectInfo download(String bucket, String key, Path target) throws IOException {
        require(bucket);
        return out(delegate.download(bucket, in(key), target));
    }

    @Override
    public void downloadRange(String bucket, String key, String etag, long offset, long length, FileChannel target) {
        require(bucket);
        delegate.downloadRange(bucket, in(key), etag, offset, length, target);
    }

    @Override
    public ObjectInfo upload(String bucket, String key, Path source, Map<String, String> metadata, String contentType) {
        require(bucket);
        return out(delegate.upload(bucket, in(key), source, metadata, contentType));
    }

    @Override
    public ObjectInfo put(String bucket, String key, byte[] body, Map<String, String> metadata, String contentType) {
        require(bucket);
        return out(delegate.put(bucket, in(key), body, metadata, contentType));
    }

    @Override
    public String startMultipart(String bucket, String key, Map<String, String> metadata, String contentType) {
        require(bucket);
        return delegate.startMultipart(bucket, in(key), metadata, contentType);
    }

    @Override
    public String uploadPart(String bucket, String key, String uploadId, int partNumber, Path source, long offset, long length) {
        require(bucket);
        return delegate.uploadPart(bucket, in(key), uploadId, partNumber, source, offset, length);
    }

    @Override
    public String uploadPartCopy(String bucket, String key, String uploadId, int partNumber,
                                 String srcBucket, String srcKey, String sourceEtag, long offset, long length) {
        require(bucket);
        require(srcBucket);
        return delegate.uploadPartCopy(bucket, in(key), uploadId, partNumber, srcBucket, in(srcKey), sourceEtag, offset, length);
    }

    @Override
    public ObjectInfo completeMultipart(String bucket, String key, String uploadId, List<String> partEtags) {
        require(bucket);
        return out(delegate.completeMultipart(bucket, in(key), uploadId, partEtags));
    }

    @Override
    public void abortMultipart(String bucket, String key, String uploadId) {
        require(bucket);
        delegate.abortMultipart(bucket, in(key), uploadId);
    }

    @Override
    public void delete(String bucket, String key) {
        require(bucket);
        delegate.delete(bucket, in(key));
    }

    @Override
    public ObjectInfo copy(String srcBucket, String srcKey, String dstBucket, String dstKey, Map<String, String> metadata) {
        require(srcBucket);
        require(dstBucket);
        return out(delegate.copy(srcBucket, in(srcKey), dstBucket, in(dstKey), metadata));
    }

    @Override
    public ObjectInfo copy(String srcBucket, String srcKey, String dstBucket, String dstKey, Map<String, String> metadata,
                           java.util.function.UnaryOperator<String> contentType) {
        require(srcBucket);
        require(dstBucket);
        return out(delegate.copy(srcBucket, in(srcKey), dstBucket, in(dstKey), metadata, contentType));
    }

    @Override
    public String describe() {
        return delegate.describe() + ", " + scope.describe();
    }

    @Override
    public void close() {
        delegate.close();
    }
}
