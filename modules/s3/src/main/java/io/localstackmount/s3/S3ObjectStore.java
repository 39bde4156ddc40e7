package io.localstackmount.s3;

import io.localstackmount.api.Errno;
import io.localstackmount.api.FsException;
import io.localstackmount.api.GetResult;
import io.localstackmount.api.ListPage;
import io.localstackmount.api.Listings;
import io.localstackmount.api.ObjectInfo;
import io.localstackmount.api.ObjectStore;
import io.localstackmount.api.Precondition;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.Bucket;
import software.amazon.awssdk.services.s3.model.CommonPrefix;
import software.amazon.awssdk.services.s3.model.CompleteMultipartUploadResponse;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.CopyObjectRequest;
import software.amazon.awssdk.services.s3.model.CopyObjectResponse;
import software.amazon.awssdk.services.s3.model.CreateBucketRequest;
import software.amazon.awssdk.services.s3.model.GetObjectRequest;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.ListBucketsResponse;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Request;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Response;
import software.amazon.awssdk.services.s3.model.MetadataDirective;
import software.amazon.awssdk.services.s3.model.PutObjectResponse;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * {@link ObjectStore} over the AWS SDK v2 sync client: one SDK call per method (copy adds a HEAD, and
 * over 5 GiB is a multipart copy),
 * every failure translated by {@link S3Errors}. Every request is bounded by {@link Deadlines}: a dead
 * or stalled server costs a caller at most the call deadline, then EIO. Client settings (path-style,
 * plain bodies, retries, fast failure of a dead endpoint) are {@link S3Clients}' job; where the
 * settings come from is {@link S3ConfigResolver}'s. Thread-safe: the SDK client is, and this class
 * keeps no other state.
 */
public final class S3ObjectStore implements ObjectStore {
    private static final Logger LOG = LoggerFactory.getLogger(S3ObjectStore.class);
    /** What S3 itself assumes for a body without a Content-Type. */
    static final String DEFAULT_CONTENT_TYPE = "application/octet-stream";
    /** us-east-1 is the one region whose CreateBucket must not carry a LocationConstraint. */
    private static final String US_EAST_1 = "us-east-1";
    /** Files above this go up in parts, in parallel: one PUT is a single stream. */
    private static final long MULTIPART_THRESHOLD = 16L * 1024 * 1024;
    /** Part size of whole-file uploads; grows for files over 80 GiB to stay within S3's 10,000 parts. */
    private static final long PART_SIZE = 8L * 1024 * 1024;
    private static final int MAX_PARTS = 10_000;
    /** Parallel part uploads of one store: enough to fill the link, few enough for 2 cores. */
    private static final int TRANSFER_THREADS = 8;
    /** Largest object a single CopyObject can copy. */
    private static final long MAX_COPY_SIZE = 5L * 1024 * 1024 * 1024;
    /** Parts of a multipart copy: 512 MiB keeps a 5 TiB object within 10,000 parts' reach of a few threads. */
    private static final long COPY_PART_SIZE = 512L * 1024 * 1024;

    private final S3Client client;
    private final AutoCloseable owned;
    private final String region;
    private final String description;
    private final S3Errors errors;
    private final Clock clock;
    private final long maxCopySize;
    private final Deadlines deadlines;
    /** Aborts response bodies read past their deadline ({@link DeadlineBody}). */
    private final ScheduledThreadPoolExecutor timers;
    /** Uploads running now, for status. */
    private final UploadsInFlight uploads = new UploadsInFlight();
    private final ExecutorService transfers = Executors.newFixedThreadPool(TRANSFER_THREADS, r -> {
        Thread t = new Thread(r, "s3-transfer");
        t.setDaemon(true);
        return t;
    });

    /** A store with the default deadlines (tests over a stub client). */
    S3ObjectStore(S3Client client, AutoCloseable owned, String region, String description, Clock clock) {
        this(client, owned, region, description, clock, MAX_COPY_SIZE, new Deadlines(S3StoreConfig.builder().build()));
    }

    /**
     * @param maxCopySize the largest object copied by one CopyObject (tests lower it)
     * @param deadlines   the bounds of each request; the client's own timeouts must be those of {@link Deadlines#metadata()}
     */
    S3ObjectStore(S3Client client, AutoCloseable owned, String region, String description, Clock clock, long maxCopySize,
                  Deadlines deadlines) {
        this.maxCopySize = maxCopySize;
        this.deadlines = Objects.requireNonNull(deadlines);
        this.timers = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "s3-deadline");
            t.setDaemon(true);
            return t;
        });
        this.timers.setRemoveOnCancelPolicy(true);
        this.client = Objects.requireNonNull(client);
        this.owned = owned;
        this.region = Objects.requireNonNull(region);
        this.description = Objects.requireNonNull(description);
        this.errors = new S3Errors(description, deadlines);
        this.clock = Objects.requireNonNull(clock);
    }

    /** A store with its own SDK client built from {@code config}; {@link #close()} closes the client. */
    public static S3ObjectStore create(S3StoreConfig config) {
        S3Clients.Built built = S3Clients.build(config);
        return new S3ObjectStore(built.client(), built, config.region(), config.describe(), Clock.systemUTC(), MAX_COPY_SIZE,
                new Deadlines(config));
    }

    /** The SDK client, for {@link EndpointCheck} to probe with. */
    S3Client client() {
        return client;
    }

    @Override
    public List<String> listBuckets() {
        List<String> names = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        String token = null;
        try {
            do {
                String current = token;
                ListBucketsResponse page = client.listBuckets(b -> b.continuationToken(current));
                for (Bucket bucket : page.buckets()) {
                    names.add(bucket.name());
                }
                token = page.continuationToken();
                if (token != null && !seen.add(token)) {
                    throw new FsException(Errno.EIO, "ListBuckets at " + description + " repeated continuation token " + token);
                }
            } while (token != null);
        } catch (SdkException | IllegalArgumentException | UncheckedIOException e) {
            throw errors.map("ListBuckets", null, null, e);
        }
        return names;
    }

    @Override
    public boolean bucketExists(String bucket) {
        try {
            client.headBucket(b -> b.bucket(bucket));
            return true;
        } catch (SdkException | IllegalArgumentException | UncheckedIOException e) {
            if (S3Errors.isNotFound(e)) {
                return false;
            }
            throw errors.map("HeadBucket", bucket, null, e);
        }
    }

    @Override
    public void createBucket(String bucket) {
        CreateBucketRequest.Builder request = CreateBucketRequest.builder().bucket(bucket);
        if (!US_EAST_1.equals(region)) {
            request.createBucketConfiguration(c -> c.locationConstraint(region));
        }
        try {
            client.createBucket(request.build());
        } catch (SdkException | IllegalArgumentException | UncheckedIOException e) {
            if (S3Errors.BUCKET_ALREADY_OWNED_BY_YOU.equals(S3Errors.code(e))) {
                return;
            }
            throw errors.map("CreateBucket", bucket, null, e);
        }
    }

    @Override
    public void deleteBucket(String bucket) {
        try {
            client.deleteBucket(b -> b.bucket(bucket));
        } catch (SdkException | IllegalArgumentException | UncheckedIOException e) {
            throw errors.map("DeleteBucket", bucket, null, e);
        }
    }

    @Override
    public Optional<ObjectInfo> head(String bucket, String key) {
        try {
            HeadObjectResponse r = client.headObject(b -> b.bucket(bucket).key(key));
            return Optional.of(new ObjectInfo(key, size(r.contentLength()), r.lastModified(), stripQuotes(r.eTag()),
                    lowerCaseKeys(r.metadata()), r.contentType()));
        } catch (SdkException | IllegalArgumentException | UncheckedIOException e) {
            if (S3Errors.isNotFound(e)) {
                return Optional.empty();
            }
            throw errors.map("HeadObject", bucket, key, e);
        }
    }

    @Override
    public ListPage listPage(String bucket, String prefix, String token, int maxKeys) {
        // No encoding-type=url: LocalStack loops on it; S3 caps pages at 1000, LocalStack does not.
        ListObjectsV2Request request = ListObjectsV2Request.builder()
                .bucket(bucket)
                .prefix(prefix == null || prefix.isEmpty() ? null : prefix)
                .delimiter("/")
                .maxKeys(Math.max(1, Math.min(maxKeys, Listings.PAGE_SIZE)))
                .continuationToken(token)
                .build();
        ListObjectsV2Response r;
        try {
            r = client.listObjectsV2(request);
        } catch (SdkException | IllegalArgumentException | UncheckedIOException e) {
            throw errors.map("ListObjectsV2", bucket, prefix, e);
        }
        List<ObjectInfo> objects = new ArrayList<>(r.contents().size());
        for (S3Object o : r.contents()) {
            objects.add(new ObjectInfo(o.key(), size(o.size()), o.lastModified(), stripQuotes(o.eTag()), null, null));
        }
        List<String> prefixes = new ArrayList<>(r.commonPrefixes().size());
        for (CommonPrefix p : r.commonPrefixes()) {
            prefixes.add(p.prefix());
        }
        String next = null;
        if (Boolean.TRUE.equals(r.isTruncated())) {
            next = r.nextContinuationToken();
            if (next == null || next.isEmpty() || next.equals(token)) {
                throw new FsException(Errno.EIO, "ListObjectsV2 " + S3Errors.location(bucket, prefix) + " at " + description
                        + " is truncated but gave " + (next == null || next.isEmpty() ? "no" : "the same") + " continuation token");
            }
        }
        return new ListPage(objects, prefixes, next);
    }

    @Override
    public int read(String bucket, String key, long offset, byte[] dst, int dstOffset, int length) {
        Objects.checkFromIndexSize(dstOffset, length, dst.length);
        if (offset < 0) {
            throw new FsException(Errno.EINVAL, "negative read offset " + offset + " in " + S3Errors.location(bucket, key));
        }
        if (length == 0) {
            return 0;
        }
        String range = "bytes=" + offset + "-" + (offset + length - 1);
        Deadlines.Budget budget = deadlines.transfer(length);
        long started = System.nanoTime();
        try (ResponseInputStream<GetObjectResponse> response = client.getObject(b -> b.bucket(bucket).key(key).range(range)
                .overrideConfiguration(budget::apply));
             DeadlineBody in = body(response, started, budget)) {
            if (response.response().contentRange() == null && offset > 0) {
                // A server that ignores Range sends the whole object: skip to the offset ourselves.
                try {
                    in.skipNBytes(offset);
                } catch (EOFException atEnd) {
                    return 0;
                }
            }
            int total = readFully(in, dst, dstOffset, length);
            if (total == length && response.response().contentRange() == null) {
                in.abort(); // do not drain the rest of a whole-object answer just to reuse the connection
            }
            return total;
        } catch (SdkException | IllegalArgumentException | UncheckedIOException e) {
            // 416: offset at or past the end, and every ranged GET of a 0-byte object (LocalStack, S3).
            if (S3Errors.status(e) == 416) {
                return 0;
            }
            throw errors.map("GetObject " + range, bucket, key, e, budget);
        } catch (IOException e) {
            throw errors.io("GetObject " + range, bucket, key, e);
        }
    }

    /**
     * One GetObject with a Range and at most one validator. 304 and 412 come from the SDK as an
     * S3Exception: the status code says which. A 416 (offset past the end, or any range of an
     * empty object) carries no ETag, so a HEAD describes the object then and decides the condition.
     */
    @Override
    public GetResult get(String bucket, String key, Precondition condition, long offset, byte[] dst, int dstOffset, int length) {
        Objects.checkFromIndexSize(dstOffset, length, dst.length);
        if (offset < 0) {
            throw new FsException(Errno.EINVAL, "negative read offset " + offset + " in " + S3Errors.location(bucket, key));
        }
        if (length == 0) {
            return describe(bucket, key, condition);
        }
        String range = "bytes=" + offset + "-" + (offset + length - 1);
        Deadlines.Budget budget = deadlines.transfer(length);
        GetObjectRequest.Builder request = GetObjectRequest.builder().bucket(bucket).key(key).range(range)
                .overrideConfiguration(budget::apply);
        switch (condition.kind()) {
            // Alone, never together: LocalStack ORs the two and can answer a stale 304.
            case IF_NONE_MATCH -> request.ifNoneMatch(quoted(condition.etag()));
            case IF_MODIFIED_SINCE -> request.ifModifiedSince(condition.since());
            case NONE -> { }
        }
        String what = "GetObject " + range + (condition.kind() == Precondition.Kind.NONE ? "" : " " + condition.kind());
        long started = System.nanoTime();
        try (ResponseInputStream<GetObjectResponse> response = client.getObject(request.build());
             DeadlineBody in = body(response, started, budget)) {
            GetObjectResponse r = response.response();
            if (r.contentRange() == null && offset > 0) {
                try {
                    in.skipNBytes(offset);
                } catch (EOFException atEnd) {
                    return GetResult.content(info(key, r), 0);
                }
            }
            int total = readFully(in, dst, dstOffset, length);
            if (total == length && r.contentRange() == null) {
                in.abort(); // do not drain the rest of a whole-object answer just to reuse the connection
            }
            return GetResult.content(info(key, r), total);
        } catch (SdkException | IllegalArgumentException | UncheckedIOException e) {
            int status = S3Errors.status(e);
            if (status == 304) {
                return GetResult.notModified();
            }
            if (status == 416) {
                return describe(bucket, key, condition);
            }
            throw errors.map(what, bucket, key, e, budget);
        } catch (IOException e) {
            throw errors.io(what, bucket, key, e);
        }
    }

    /** A GET of nothing: a HEAD decides the condition and describes the object. */
    private GetResult describe(String bucket, String key, Precondition condition) {
        ObjectInfo current = head(bucket, key).orElseThrow(() -> new FsException(Errno.ENOENT,
                "GetObject " + S3Errors.location(bucket, key) + " at " + description + ": no such key"));
        return condition.unchanged(current) ? GetResult.notModified() : GetResult.content(current, 0);
    }

    /** The object a GET answer describes; its size is the whole object's, from Content-Range when ranged. */
    private static ObjectInfo info(String key, GetObjectResponse r) {
        return new ObjectInfo(key, totalSize(r), r.lastModified(), stripQuotes(r.eTag()), lowerCaseKeys(r.metadata()),
                r.contentType());
    }

    /** {@code bytes 0-1023/4096} says 4096; without a range (or with {@code /*}) the body is the object. */
    static long totalSize(GetObjectResponse r) {
        String range = r.contentRange();
        if (range != null) {
            int slash = range.lastIndexOf('/');
            if (slash >= 0 && slash + 1 < range.length() && !range.endsWith("*")) {
                try {
                    return Long.parseLong(range.substring(slash + 1).trim());
                } catch (NumberFormatException ignored) {
                    // fall through to the body length
                }
            }
        }
        return size(r.contentLength());
    }

    @Override
    public ObjectInfo download(String bucket, String key, Path target) throws IOException {
        Path dir = target.toAbsolutePath().getParent();
        Path temp = Files.createTempFile(dir, "." + target.getFileName() + ".", ".part");
        try {
            GetObjectResponse r;
            // The size is known once the headers are in: the body's deadline counts from then.
            try (ResponseInputStream<GetObjectResponse> response = client.getObject(b -> b.bucket(bucket).key(key));
                 DeadlineBody in = body(response, System.nanoTime(), deadlines.transfer(size(response.response().contentLength())))) {
                r = response.response();
                Files.copy(in, temp, StandardCopyOption.REPLACE_EXISTING);
            } catch (SdkException | IllegalArgumentException | UncheckedIOException e) {
                throw errors.map("GetObject", bucket, key, e);
            }
            Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            return new ObjectInfo(key, size(r.contentLength()), r.lastModified(), stripQuotes(r.eTag()),
                    lowerCaseKeys(r.metadata()), r.contentType());
        } finally {
            Files.deleteIfExists(temp);
        }
    }

    @Override
    public void downloadRange(String bucket, String key, String etag, long offset, long length, FileChannel target) {
        if (length <= 0) {
            return;
        }
        String range = "bytes=" + offset + "-" + (offset + length - 1);
        String what = "GetObject " + range + " If-Match";
        Deadlines.Budget budget = deadlines.transfer(length);
        long started = System.nanoTime();
        try (ResponseInputStream<GetObjectResponse> response = client.getObject(b -> b.bucket(bucket).key(key).range(range)
                .ifMatch(quoted(etag)).overrideConfiguration(budget::apply));
             DeadlineBody in = body(response, started, budget)) {
            long at = offset;
            long end = offset + length;
            byte[] chunk = new byte[(int) Math.min(length, 256 * 1024)];
            while (at < end) {
                int n = in.read(chunk, 0, (int) Math.min(chunk.length, end - at));
                if (n < 0) {
                    throw new EOFException("the object ended " + (end - at) + " bytes early");
                }
                ByteBuffer buf = ByteBuffer.wrap(chunk, 0, n);
                while (buf.hasRemaining()) {
                    at += target.write(buf, at);
                }
            }
        } catch (SdkException | IllegalArgumentException | UncheckedIOException e) {
            if (S3Errors.status(e) == 412) {
                throw new FsException(Errno.EIO, what + " " + S3Errors.location(bucket, key) + " at " + description
                        + ": the object was changed by another client since it was opened", e);
            }
            throw errors.map(what, bucket, key, e, budget);
        } catch (IOException e) {
            throw errors.io(what, bucket, key, e);
        }
    }

    @Override
    public ObjectInfo upload(String bucket, String key, Path source, Map<String, String> metadata, String contentType) {
        long size;
        try {
            size = Files.size(source);
        } catch (IOException e) {
            throw errors.io("PutObject (reading " + source + ")", bucket, key, e);
        }
        if (size > MULTIPART_THRESHOLD) {
            return uploadInParts(bucket, key, source, size, metadata, contentType);
        }
        String id = uploads.begin(null, bucket, key, size);
        try {
            return putObject(bucket, key, RequestBody.fromFile(source), size, metadata, contentType);
        } finally {
            uploads.end(id);
        }
    }

    /** The uploads running now with their progress, for {@code status}. */
    public List<UploadsInFlight.Progress> uploadsInFlight() {
        return uploads.snapshot();
    }

    /** Parallel parts from the file; part size grows so that even a huge file fits in 10,000 parts. */
    private ObjectInfo uploadInParts(String bucket, String key, Path source, long size,
                                     Map<String, String> metadata, String contentType) {
        long partSize = Math.max(PART_SIZE, (size + MAX_PARTS - 1) / MAX_PARTS);
        String uploadId = startMultipart(bucket, key, metadata, contentType);
        uploads.total(uploadId, size);
        return inParts(bucket, key, uploadId, size, partSize,
                (partNumber, offset, length) -> uploadPart(bucket, key, uploadId, partNumber, source, offset, length))
                .withSize(size);
    }

    /** One part of a multipart upload: sends {@code length} bytes at {@code offset} as part {@code partNumber}; answers its ETag. */
    private interface PartRequest {
        String send(int partNumber, long offset, long length);
    }

    /**
     * Sends the parts of a started multipart upload of {@code size} bytes in parallel and completes
     * it; any failure aborts the upload (no orphaned parts) and is rethrown as the part threw it.
     */
    private ObjectInfo inParts(String bucket, String key, String uploadId, long size, long partSize, PartRequest request) {
        int count = (int) ((size + partSize - 1) / partSize);
        try {
            List<CompletableFuture<String>> parts = new ArrayList<>(count);
            for (int i = 0; i < count; i++) {
                int partNumber = i + 1;
                long offset = i * partSize;
                long length = Math.min(partSize, size - offset);
                parts.add(CompletableFuture.supplyAsync(() -> request.send(partNumber, offset, length), transfers));
            }
            List<String> etags = new ArrayList<>(count);
            for (CompletableFuture<String> part : parts) {
                etags.add(part.join());
            }
            return completeMultipart(bucket, key, uploadId, etags);
        } catch (RuntimeException e) {
            abortMultipart(bucket, key, uploadId);
            if (e instanceof CompletionException && e.getCause() instanceof RuntimeException cause) {
                throw cause;
            }
            throw e;
        }
    }

    @Override
    public String startMultipart(String bucket, String key, Map<String, String> metadata, String contentType) {
        Map<String, String> meta = metadata == null ? Map.of() : Map.copyOf(metadata);
        String type = contentType == null ? DEFAULT_CONTENT_TYPE : contentType;
        try {
            String id = client.createMultipartUpload(b -> b.bucket(bucket).key(key).metadata(meta).contentType(type)).uploadId();
            uploads.begin(id, bucket, key, -1);
            return id;
        } catch (SdkException | IllegalArgumentException | UncheckedIOException e) {
            throw errors.map("CreateMultipartUpload", bucket, key, e);
        }
    }

    @Override
    public String uploadPart(String bucket, String key, String uploadId, int partNumber, Path source, long offset, long length) {
        // A provider that opens the file range anew for every attempt: the SDK may read the body
        // twice (signing, retries) and nothing of it is held on the heap.
        RequestBody body = RequestBody.fromContentProvider(() -> rangeStream(source, offset, length), length, DEFAULT_CONTENT_TYPE);
        Deadlines.Budget budget = deadlines.transfer(length);
        try {
            String etag = client.uploadPart(b -> b.bucket(bucket).key(key).uploadId(uploadId).partNumber(partNumber)
                    .contentLength(length).overrideConfiguration(budget::apply), body).eTag();
            uploads.sent(uploadId, length);
            return etag;
        } catch (SdkException | IllegalArgumentException | UncheckedIOException e) {
            throw errors.map("UploadPart " + partNumber, bucket, key, e, budget);
        }
    }

    @Override
    public String uploadPartCopy(String bucket, String key, String uploadId, int partNumber,
                                 String srcBucket, String srcKey, String sourceEtag, long offset, long length) {
        String range = "bytes=" + offset + "-" + (offset + length - 1);
        Deadlines.Budget budget = deadlines.transfer(length);
        try {
            return client.uploadPartCopy(b -> b.sourceBucket(srcBucket).sourceKey(srcKey).copySourceRange(range)
                    .copySourceIfMatch(quoted(sourceEtag))
                    .destinationBucket(bucket).destinationKey(key).uploadId(uploadId).partNumber(partNumber)
                    .overrideConfiguration(budget::apply))
                    .copyPartResult().eTag();
        } catch (SdkException | IllegalArgumentException | UncheckedIOException e) {
            String what = "UploadPartCopy " + partNumber + " from " + S3Errors.location(srcBucket, srcKey) + " " + range + " to";
            if (S3Errors.status(e) == 412) {
                throw new FsException(Errno.EIO, what + " " + S3Errors.location(bucket, key) + " at " + description
                        + ": the source was changed by another client", e);
            }
            throw errors.map(what, bucket, key, e, budget);
        }
    }

    @Override
    public ObjectInfo completeMultipart(String bucket, String key, String uploadId, List<String> partEtags) {
        List<CompletedPart> parts = new ArrayList<>(partEtags.size());
        for (int i = 0; i < partEtags.size(); i++) {
            parts.add(CompletedPart.builder().partNumber(i + 1).eTag(partEtags.get(i)).build());
        }
        Deadlines.Budget budget = deadlines.completion(parts.size());
        try {
            CompleteMultipartUploadResponse r = client.completeMultipartUpload(b -> b.bucket(bucket).key(key)
                    .uploadId(uploadId).multipartUpload(m -> m.parts(parts)).overrideConfiguration(budget::apply));
            uploads.end(uploadId);
            return new ObjectInfo(key, -1, clock.instant(), stripQuotes(r.eTag()), null, null);
        } catch (SdkException | IllegalArgumentException | UncheckedIOException e) {
            throw errors.map("CompleteMultipartUpload", bucket, key, e, budget);
        }
    }

    @Override
    public void abortMultipart(String bucket, String key, String uploadId) {
        uploads.end(uploadId);
        try {
            client.abortMultipartUpload(b -> b.bucket(bucket).key(key).uploadId(uploadId));
        } catch (SdkException | IllegalArgumentException | UncheckedIOException e) {
            if (S3Errors.isNotFound(e)) {
                return;
            }
            throw errors.map("AbortMultipartUpload", bucket, key, e);
        }
    }

    private static InputStream rangeStream(Path source, long offset, long length) {
        try {
            FileChannel channel = FileChannel.open(source, StandardOpenOption.READ);
            channel.position(offset);
            InputStream in = Channels.newInputStream(channel);
            return new BoundedInputStream(in, length);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public ObjectInfo put(String bucket, String key, byte[] body, Map<String, String> metadata, String contentType) {
        return putObject(bucket, key, RequestBody.fromBytes(body), body.length, metadata, contentType);
    }

    private ObjectInfo putObject(String bucket, String key, RequestBody body, long size,
                                 Map<String, String> metadata, String contentType) {
        Map<String, String> meta = metadata == null ? Map.of() : Map.copyOf(metadata);
        // Always send a Content-Type: otherwise the SDK guesses one from the staging file's name.
        String type = contentType == null ? DEFAULT_CONTENT_TYPE : contentType;
        Deadlines.Budget budget = deadlines.transfer(size);
        try {
            PutObjectResponse r = client.putObject(b -> b.bucket(bucket).key(key).metadata(meta).contentType(type)
                    .overrideConfiguration(budget::apply), body);
            // PutObject answers no Last-Modified; the server's clock is within a second of ours on loopback.
            return new ObjectInfo(key, size, clock.instant(), stripQuotes(r.eTag()), lowerCaseKeys(meta), type);
        } catch (SdkException | IllegalArgumentException | UncheckedIOException e) {
            throw errors.map("PutObject", bucket, key, e, budget);
        }
    }

    @Override
    public void delete(String bucket, String key) {
        try {
            client.deleteObject(b -> b.bucket(bucket).key(key));
        } catch (SdkException | IllegalArgumentException | UncheckedIOException e) {
            if ("NoSuchKey".equals(S3Errors.code(e))) {
                return; // S3 answers 204 for a missing key; some emulators answer 404
            }
            throw errors.map("DeleteObject", bucket, key, e);
        }
    }

    @Override
    public ObjectInfo copy(String srcBucket, String srcKey, String dstBucket, String dstKey, Map<String, String> metadata) {
        return copy(srcBucket, srcKey, dstBucket, dstKey, metadata, java.util.function.UnaryOperator.identity());
    }

    @Override
    public ObjectInfo copy(String srcBucket, String srcKey, String dstBucket, String dstKey, Map<String, String> metadata,
                           java.util.function.UnaryOperator<String> retype) {
        // The HEAD gives the size for the answer and the headers a REPLACE would otherwise drop;
        // copying only while the ETag still matches keeps the two consistent.
        String what = "CopyObject " + S3Errors.location(srcBucket, srcKey) + " to";
        HeadObjectResponse source;
        try {
            source = client.headObject(b -> b.bucket(srcBucket).key(srcKey));
        } catch (SdkException | IllegalArgumentException | UncheckedIOException e) {
            throw errors.map(what + " (HeadObject of the source)", dstBucket, dstKey, e);
        }
        long size = size(source.contentLength());
        String type = retype.apply(source.contentType());
        if (type != null && !type.equals(source.contentType()) && metadata == null) {
            // A new Content-Type needs REPLACE, which sends the user metadata again.
            metadata = source.metadata();
        }
        if (size > maxCopySize) {
            return copyInParts(srcBucket, srcKey, dstBucket, dstKey, source, size, metadata, type);
        }
        Deadlines.Budget budget = deadlines.transfer(size);
        CopyObjectRequest.Builder request = CopyObjectRequest.builder()
                .sourceBucket(srcBucket).sourceKey(srcKey)
                .destinationBucket(dstBucket).destinationKey(dstKey)
                .overrideConfiguration(budget::apply);
        if (source.eTag() != null) {
            request.copySourceIfMatch(source.eTag());
        }
        Map<String, String> resultMeta;
        if (metadata != null) {
            resultMeta = lowerCaseKeys(metadata);
            // REPLACE drops every header that is not sent again, Content-Type included.
            request.metadataDirective(MetadataDirective.REPLACE).metadata(Map.copyOf(metadata))
                    .contentType(type != null ? type : source.contentType())
                    .contentEncoding(source.contentEncoding())
                    .contentDisposition(source.contentDisposition())
                    .contentLanguage(source.contentLanguage())
                    .cacheControl(source.cacheControl());
        } else {
            resultMeta = lowerCaseKeys(source.metadata());
            request.metadataDirective(MetadataDirective.COPY);
        }
        try {
            CopyObjectResponse r = client.copyObject(request.build());
            Instant modified = r.copyObjectResult().lastModified() != null ? r.copyObjectResult().lastModified() : clock.instant();
            return new ObjectInfo(dstKey, size, modified, stripQuotes(r.copyObjectResult().eTag()), resultMeta,
                    metadata != null && type != null ? type : source.contentType());
        } catch (SdkException | IllegalArgumentException | UncheckedIOException e) {
            if (S3Errors.status(e) == 412) {
                throw new FsException(Errno.EIO, what + " " + S3Errors.location(dstBucket, dstKey) + " at " + description
                        + ": the source changed during the copy", e);
            }
            throw errors.map(what, dstBucket, dstKey, e, budget);
        }
    }

    /**
     * A copy too large for one CopyObject: parallel UploadPartCopy requests of up to
     * {@link #COPY_PART_SIZE}, each only while the source's ETag is unchanged; aborted on failure.
     * Content-Type and, unless replaced, user metadata come from the source.
     */
    private ObjectInfo copyInParts(String srcBucket, String srcKey, String dstBucket, String dstKey,
                                   HeadObjectResponse source, long size, Map<String, String> metadata, String contentType) {
        Map<String, String> resultMeta = lowerCaseKeys(metadata != null ? metadata : source.metadata());
        String etag = stripQuotes(source.eTag());
        long partSize = Math.max(Math.min(COPY_PART_SIZE, maxCopySize), (size + MAX_PARTS - 1) / MAX_PARTS);
        String type = contentType != null ? contentType : source.contentType();
        String uploadId = startMultipart(dstBucket, dstKey, resultMeta, type);
        ObjectInfo done = inParts(dstBucket, dstKey, uploadId, size, partSize, (partNumber, offset, length) ->
                uploadPartCopy(dstBucket, dstKey, uploadId, partNumber, srcBucket, srcKey, etag, offset, length));
        return new ObjectInfo(dstKey, size, done.lastModified(), done.etag(), resultMeta, type);
    }

    private static String quoted(String etag) {
        return etag.startsWith("\"") ? etag : "\"" + etag + "\"";
    }

    /** E.g. {@code http://localhost:4566 (us-east-1)}. */
    @Override
    public String describe() {
        return description;
    }

    @Override
    public void close() {
        transfers.shutdownNow();
        timers.shutdownNow();
        try {
            if (owned != null) {
                owned.close();
            } else {
                client.close();
            }
        } catch (Exception e) {
            LOG.debug("closing the S3 client for {} failed", description, e);
        }
    }

    /** {@code response}'s body, aborted if it is still being read when the call's deadline passes. */
    private DeadlineBody body(ResponseInputStream<?> response, long started, Deadlines.Budget budget) {
        return new DeadlineBody(response, timers, budget.call().toNanos() - (System.nanoTime() - started), budget.describe());
    }

    private static int readFully(InputStream in, byte[] dst, int off, int len) throws IOException {
        int total = 0;
        while (total < len) {
            int n = in.read(dst, off + total, len - total);
            if (n < 0) {
                break;
            }
            total += n;
        }
        return total;
    }

    static String stripQuotes(String etag) {
        if (etag == null) {
            return null;
        }
        String e = etag.trim();
        if (e.startsWith("W/")) {
            e = e.substring(2);
        }
        if (e.length() >= 2 && e.startsWith("\"") && e.endsWith("\"")) {
            e = e.substring(1, e.length() - 1);
        }
        return e;
    }

    private static Map<String, String> lowerCaseKeys(Map<String, String> metadata) {
        if (metadata == null || metadata.isEmpty()) {
            return Map.of();
        }
        Map<String, String> out = new LinkedHashMap<>();
        metadata.forEach((k, v) -> out.put(k.toLowerCase(Locale.ROOT), v));
        return Map.copyOf(out);
    }

    private static long size(Long value) {
        return value == null ? 0 : value;
    }
}
