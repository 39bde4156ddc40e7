package io.localstackmount.testkit;

import io.localstackmount.api.Errno;
import io.localstackmount.api.FsException;
import io.localstackmount.api.GetResult;
import io.localstackmount.api.ListPage;
import io.localstackmount.api.ObjectInfo;
import io.localstackmount.api.ObjectStore;
import io.localstackmount.api.Precondition;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * An in-memory {@link ObjectStore} that answers the way S3 does, for tests: buckets of keys (sorted
 * in UTF-8 byte order, as S3 sorts them) to bytes, user metadata, content type, ETag and time.
 *
 * <p>What it reproduces: delimited listings with real pagination (at most 1,000 entries a page,
 * objects and common prefixes counted together, opaque continuation tokens); listings carry no
 * metadata, HEAD does; MD5 ETags, {@code md5-of-md5s-N} for multipart uploads; parts smaller than
 * 5 MiB refused except the last; lower-cased metadata keys; ENOENT for missing buckets and keys
 * (HEAD answers empty), ENOTEMPTY when deleting a bucket with objects.
 *
 * <p>It does not count requests: wrap it in core's {@code CountingObjectStore}, as the mount does ({@link TestMount#requests()}).
 * Failures are injected with {@link #failOn}. Changes made directly on this object play "another
 * client": the namespace under test only sees them through requests. Every method is
 * {@code synchronized}, so it is safe behind parallel lookups.
 */
public final class FakeObjectStore implements ObjectStore {
    /** S3's page size limit. */
    public static final int MAX_PAGE = 1000;
    /** S3's smallest part, except the last one. */
    public static final long DEFAULT_MIN_PART_SIZE = 5L * 1024 * 1024;
    /** What S3 stores as Content-Type when a PUT sends none. */
    public static final String DEFAULT_CONTENT_TYPE = "binary/octet-stream";
    private static final String TOKEN_PREFIX = "fake-token:";

    /** UTF-8 byte order equals code point order; Java's String order (UTF-16) differs above U+FFFF. */
    public static final Comparator<String> UTF8_ORDER = (a, b) -> {
        int i = 0;
        int j = 0;
        while (i < a.length() && j < b.length()) {
            int ca = a.codePointAt(i);
            int cb = b.codePointAt(j);
            if (ca != cb) {
                return Integer.compare(ca, cb);
            }
            i += Character.charCount(ca);
            j += Character.charCount(cb);
        }
        return Boolean.compare(i < a.length(), j < b.length());
    };

    /** One stored object. The body array is never handed out. */
    public record StoredObject(byte[] body, Map<String, String> metadata, String contentType, String etag, Instant lastModified) {
        public ObjectInfo info(String key, boolean withMetadata) {
            return new ObjectInfo(key, body.length, lastModified, etag, withMetadata ? Map.copyOf(metadata) : null, contentType);
        }

        public String text() {
            return new String(body, StandardCharsets.UTF_8);
        }
    }

    private record Failure(String operation, String keyPrefix, Errno errno) {
    }

    private record Upload(String bucket, String key, Map<String, String> metadata, String contentType,
                          TreeMap<Integer, byte[]> parts) {
    }

    private final Clock clock;
    private final Map<String, NavigableMap<String, StoredObject>> buckets = new TreeMap<>();
    private final Map<String, Upload> uploads = new HashMap<>();
    private final List<Failure> failures = new CopyOnWriteArrayList<>();
    private long minPartSize = DEFAULT_MIN_PART_SIZE;
    private long nextUploadId = 1;
    private boolean closed;

    public FakeObjectStore() {
        this(Clock.systemUTC());
    }

    /** A store whose Last-Modified times come from {@code clock} (truncated to seconds, like S3's). */
    public FakeObjectStore(Clock clock) {
        this.clock = clock;
    }

    // ---- test helpers: "another client" and inspection -------------------------------------

    /** Creates the buckets; returns this for chaining. */
    public FakeObjectStore withBuckets(String... names) {
        for (String name : names) {
            createBucket(name);
        }
        return this;
    }

    /** Puts a UTF-8 text object without metadata; a key ending in "/" gets an empty body. */
    public FakeObjectStore with(String bucket, String key, String text) {
        put(bucket, key, text.getBytes(StandardCharsets.UTF_8), Map.of(), null);
        return this;
    }

    /** Puts each key: folder markers ({@code .../}) empty, other keys with their own name as body. */
    public FakeObjectStore withKeys(String bucket, String... keys) {
        for (String key : keys) {
            with(bucket, key, key.endsWith("/") ? "" : key);
        }
        return this;
    }

    public synchronized Optional<StoredObject> object(String bucket, String key) {
        NavigableMap<String, StoredObject> objects = buckets.get(bucket);
        return objects == null ? Optional.empty() : Optional.ofNullable(objects.get(key));
    }

    /** Every key of a bucket in S3's order. */
    public synchronized List<String> keys(String bucket) {
        return new ArrayList<>(bucketOrThrow(bucket).keySet());
    }

    /** Multipart uploads started and neither completed nor aborted. */
    public synchronized int pendingUploads() {
        return uploads.size();
    }

    public synchronized boolean isClosed() {
        return closed;
    }

    /** Parts smaller than this (except the last) make completeMultipart fail, as on S3. */
    public synchronized FakeObjectStore minPartSize(long bytes) {
        this.minPartSize = bytes;
        return this;
    }

    /**
     * Makes every request of {@code operation} (an {@link ObjectStore} method name such as
     * {@code head} or {@code listPage}) on a key or prefix starting with {@code keyPrefix} fail with
     * {@code errno}, until {@link #clearFailures()}. Bucket-level operations match on {@code ""}.
     */
    public FakeObjectStore failOn(String operation, String keyPrefix, Errno errno) {
        failures.add(new Failure(operation, keyPrefix, errno));
        return this;
    }

    public FakeObjectStore clearFailures() {
        failures.clear();
        return this;
    }

    private void maybeFail(String operation, String bucket, String key) {
        for (Failure f : failures) {
            if (f.operation().equals(operation) && key.startsWith(f.keyPrefix())) {
                throw new FsException(f.errno(), "injected failure of " + operation + " s3://" + bucket + "/" + key);
            }
        }
    }

    // ---- buckets -----------------------------------------------------------------------------

    @Override
    public synchronized List<String> listBuckets() {
        maybeFail("listBuckets", "", "");
        return new ArrayList<>(buckets.keySet());
    }

    @Override
    public synchronized boolean bucketExists(String bucket) {
        maybeFail("bucketExists", bucket, "");
        return buckets.containsKey(bucket);
    }

    @Override
    public synchronized void createBucket(String bucket) {
        maybeFail("createBucket", bucket, "");
        buckets.computeIfAbsent(bucket, b -> new TreeMap<>(UTF8_ORDER));
    }

    @Override
    public synchronized void deleteBucket(String bucket) {
        maybeFail("deleteBucket", bucket, "");
        if (!bucketOrThrow(bucket).isEmpty()) {
            throw new FsException(Errno.ENOTEMPTY, "bucket " + bucket + " is not empty");
        }
        buckets.remove(bucket);
    }

    // ---- reading -----------------------------------------------------------------------------

    @Override
    public synchronized Optional<ObjectInfo> head(String bucket, String key) {
        maybeFail("head", bucket, key);
        return object(bucket, key).map(o -> o.info(key, true));
    }

    @Override
    public synchronized ListPage listPage(String bucket, String prefix, String token, int maxKeys) {
        maybeFail("listPage", bucket, prefix);
        if (maxKeys < 1) {
            throw new IllegalArgumentException("maxKeys must be at least 1: " + maxKeys);
        }
        NavigableMap<String, StoredObject> objects = bucketOrThrow(bucket);
        int limit = Math.min(maxKeys, MAX_PAGE);
        String after = token == null ? null : decodeToken(token);
        NavigableMap<String, StoredObject> tail = after == null ? objects.tailMap(prefix, true) : objects.tailMap(after, false);
        List<ObjectInfo> pageObjects = new ArrayList<>();
        List<String> pagePrefixes = new ArrayList<>();
        String lastEntry = null;
        int count = 0;
        for (Map.Entry<String, StoredObject> e : tail.entrySet()) {
            String key = e.getKey();
            if (!key.startsWith(prefix)) {
                break; // keys sharing a prefix are contiguous in byte order
            }
            int slash = key.indexOf('/', prefix.length());
            String entry = slash < 0 ? key : key.substring(0, slash + 1);
            if (entry.equals(lastEntry) || (after != null && UTF8_ORDER.compare(entry, after) <= 0)) {
                continue; // more keys under a common prefix already returned
            }
            if (count == limit) {
                return new ListPage(pageObjects, pagePrefixes, encodeToken(lastEntry));
            }
            if (slash < 0) {
                pageObjects.add(e.getValue().info(key, false));
            } else {
                pagePrefixes.add(entry);
            }
            lastEntry = entry;
            count++;
        }
        return new ListPage(pageObjects, pagePrefixes, null);
    }

    @Override
    public synchronized int read(String bucket, String key, long offset, byte[] dst, int dstOffset, int length) {
        maybeFail("read", bucket, key);
        byte[] body = existing(bucket, key).body();
        if (offset < 0 || length < 0) {
            throw new IllegalArgumentException("negative offset or length");
        }
        if (offset >= body.length) {
            return 0;
        }
        int n = (int) Math.min(length, body.length - offset);
        System.arraycopy(body, (int) offset, dst, dstOffset, n);
        return n;
    }

    /** A ranged GET that honours {@code condition} as S3 does: 304 (not modified) without a body while it holds. */
    @Override
    public synchronized GetResult get(String bucket, String key, Precondition condition, long offset, byte[] dst, int dstOffset, int length) {
        maybeFail("get", bucket, key);
        Objects.checkFromIndexSize(dstOffset, length, dst.length);
        if (offset < 0) {
            throw new FsException(Errno.EINVAL, "negative read offset " + offset);
        }
        StoredObject object = existing(bucket, key);
        ObjectInfo info = object.info(key, true);
        if (condition.unchanged(info)) {
            return GetResult.notModified();
        }
        byte[] body = object.body();
        int n = offset >= body.length ? 0 : (int) Math.min(length, body.length - offset);
        System.arraycopy(body, (int) Math.min(offset, body.length), dst, dstOffset, n);
        return GetResult.content(info, n);
    }

    @Override
    public ObjectInfo download(String bucket, String key, Path target) throws IOException {
        StoredObject object;
        synchronized (this) {
            maybeFail("download", bucket, key);
            object = existing(bucket, key);
        }
        Files.write(target, object.body());
        return object.info(key, true);
    }

    @Override
    public void downloadRange(String bucket, String key, String etag, long offset, long length, FileChannel target) {
        StoredObject object;
        synchronized (this) {
            maybeFail("downloadRange", bucket, key);
            object = sameVersion(bucket, key, etag);
        }
        try {
            ByteBuffer range = ByteBuffer.wrap(object.body(), (int) offset, (int) length);
            while (range.hasRemaining()) {
                target.write(range, range.position()); // wrapped at offset: the position is the object offset
            }
        } catch (IOException e) {
            throw new FsException(Errno.EIO, "cannot write the range", e);
        }
    }

    // ---- writing -----------------------------------------------------------------------------

    @Override
    public ObjectInfo upload(String bucket, String key, Path source, Map<String, String> metadata, String contentType) {
        byte[] body;
        try {
            body = Files.readAllBytes(source);
        } catch (IOException e) {
            throw new FsException(Errno.EIO, "cannot read " + source, e);
        }
        synchronized (this) {
            maybeFail("upload", bucket, key);
            return store(bucket, key, body, metadata, contentType, md5Hex(body));
        }
    }

    @Override
    public synchronized ObjectInfo put(String bucket, String key, byte[] body, Map<String, String> metadata, String contentType) {
        maybeFail("put", bucket, key);
        return store(bucket, key, body.clone(), metadata, contentType, md5Hex(body));
    }

    @Override
    public synchronized String startMultipart(String bucket, String key, Map<String, String> metadata, String contentType) {
        maybeFail("startMultipart", bucket, key);
        bucketOrThrow(bucket);
        String id = "upload-" + nextUploadId++;
        uploads.put(id, new Upload(bucket, key, lowerCaseKeys(metadata), contentType, new TreeMap<>()));
        return id;
    }

    @Override
    public String uploadPart(String bucket, String key, String uploadId, int partNumber, Path source, long offset, long length) {
        if (partNumber < 1 || partNumber > 10_000) {
            throw new FsException(Errno.EINVAL, "part number out of range: " + partNumber);
        }
        byte[] data = readRange(source, offset, length);
        synchronized (this) {
            maybeFail("uploadPart", bucket, key);
            upload(bucket, key, uploadId).parts().put(partNumber, data);
        }
        return md5Hex(data);
    }

    @Override
    public synchronized String uploadPartCopy(String bucket, String key, String uploadId, int partNumber,
                                              String srcBucket, String srcKey, String sourceEtag, long offset, long length) {
        maybeFail("uploadPartCopy", bucket, key);
        byte[] data = Arrays.copyOfRange(sameVersion(srcBucket, srcKey, sourceEtag).body(), (int) offset, (int) (offset + length));
        upload(bucket, key, uploadId).parts().put(partNumber, data);
        return md5Hex(data);
    }

    @Override
    public synchronized ObjectInfo completeMultipart(String bucket, String key, String uploadId, List<String> partEtags) {
        maybeFail("completeMultipart", bucket, key);
        Upload upload = upload(bucket, key, uploadId);
        if (partEtags.isEmpty()) {
            throw new FsException(Errno.EINVAL, "a multipart upload needs at least one part");
        }
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        ByteArrayOutputStream md5s = new ByteArrayOutputStream();
        for (int i = 0; i < partEtags.size(); i++) {
            byte[] part = upload.parts().get(i + 1);
            if (part == null || !md5Hex(part).equals(partEtags.get(i))) {
                throw new FsException(Errno.EINVAL, "part " + (i + 1) + " of " + uploadId + " is missing or has another ETag");
            }
            if (i < partEtags.size() - 1 && part.length < minPartSize) {
                throw new FsException(Errno.EINVAL, "part " + (i + 1) + " is " + part.length + " bytes, below the minimum " + minPartSize);
            }
            body.writeBytes(part);
            md5s.writeBytes(md5(part));
        }
        uploads.remove(uploadId);
        String etag = md5Hex(md5s.toByteArray()) + "-" + partEtags.size();
        return store(bucket, key, body.toByteArray(), upload.metadata(), upload.contentType(), etag);
    }

    @Override
    public synchronized void abortMultipart(String bucket, String key, String uploadId) {
        maybeFail("abortMultipart", bucket, key);
        uploads.remove(uploadId);
    }

    @Override
    public synchronized void delete(String bucket, String key) {
        maybeFail("delete", bucket, key);
        bucketOrThrow(bucket).remove(key);
    }

    @Override
    public synchronized ObjectInfo copy(String srcBucket, String srcKey, String dstBucket, String dstKey, Map<String, String> metadata) {
        return copy(srcBucket, srcKey, dstBucket, dstKey, metadata, java.util.function.UnaryOperator.identity());
    }

    @Override
    public synchronized ObjectInfo copy(String srcBucket, String srcKey, String dstBucket, String dstKey, Map<String, String> metadata,
                                        java.util.function.UnaryOperator<String> contentType) {
        maybeFail("copy", srcBucket, srcKey);
        StoredObject src = existing(srcBucket, srcKey);
        bucketOrThrow(dstBucket);
        StoredObject copy = new StoredObject(src.body(), metadata == null ? src.metadata() : lowerCaseKeys(metadata),
                contentType.apply(src.contentType()), src.etag(), now());
        bucketOrThrow(dstBucket).put(dstKey, copy);
        return copy.info(dstKey, true);
    }

    @Override
    public String describe() {
        return "in-memory fake store";
    }

    @Override
    public synchronized void close() {
        closed = true;
    }

    // ---- internals ---------------------------------------------------------------------------

    private ObjectInfo store(String bucket, String key, byte[] body, Map<String, String> metadata, String contentType, String etag) {
        NavigableMap<String, StoredObject> objects = bucketOrThrow(bucket);
        StoredObject object = new StoredObject(body, lowerCaseKeys(metadata),
                contentType == null ? DEFAULT_CONTENT_TYPE : contentType, etag, now());
        objects.put(key, object);
        return object.info(key, true);
    }

    private Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.SECONDS);
    }

    private NavigableMap<String, StoredObject> bucketOrThrow(String bucket) {
        NavigableMap<String, StoredObject> objects = buckets.get(bucket);
        if (objects == null) {
            throw new FsException(Errno.ENOENT, "no such bucket: " + bucket);
        }
        return objects;
    }

    private StoredObject existing(String bucket, String key) {
        StoredObject object = bucketOrThrow(bucket).get(key);
        if (object == null) {
            throw new FsException(Errno.ENOENT, "no such key: s3://" + bucket + "/" + key);
        }
        return object;
    }

    /** The object while its ETag is {@code etag} (If-Match); EIO as a changed object's 412 is. */
    private StoredObject sameVersion(String bucket, String key, String etag) {
        StoredObject object = existing(bucket, key);
        if (!object.etag().equals(etag)) {
            throw new FsException(Errno.EIO, "s3://" + bucket + "/" + key + " changed: ETag " + object.etag() + ", not " + etag);
        }
        return object;
    }

    private Upload upload(String bucket, String key, String uploadId) {
        Upload upload = uploads.get(uploadId);
        if (upload == null || !upload.bucket().equals(bucket) || !upload.key().equals(key)) {
            throw new FsException(Errno.ENOENT, "no such upload " + uploadId + " of s3://" + bucket + "/" + key);
        }
        return upload;
    }

    private static Map<String, String> lowerCaseKeys(Map<String, String> metadata) {
        Map<String, String> m = new HashMap<>();
        if (metadata != null) {
            metadata.forEach((k, v) -> m.put(k.toLowerCase(Locale.ROOT), v));
        }
        return Map.copyOf(m);
    }

    private static byte[] readRange(Path source, long offset, long length) {
        try (InputStream in = Files.newInputStream(source)) {
            in.skipNBytes(offset);
            byte[] data = in.readNBytes((int) length);
            if (data.length != length) {
                throw new FsException(Errno.EIO, "part source " + source + " is shorter than " + (offset + length));
            }
            return data;
        } catch (IOException e) {
            throw new FsException(Errno.EIO, "cannot read " + source, e);
        }
    }

    private static String encodeToken(String lastEntry) {
        return TOKEN_PREFIX + Base64.getUrlEncoder().encodeToString(lastEntry.getBytes(StandardCharsets.UTF_8));
    }

    private static String decodeToken(String token) {
        if (!token.startsWith(TOKEN_PREFIX)) {
            throw new FsException(Errno.EIO, "invalid continuation token: " + token);
        }
        try {
            return new String(Base64.getUrlDecoder().decode(token.substring(TOKEN_PREFIX.length())), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw new FsException(Errno.EIO, "invalid continuation token: " + token, e);
        }
    }

    private static byte[] md5(byte[] data) {
        try {
            return MessageDigest.getInstance("MD5").digest(data);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static String md5Hex(byte[] data) {
        return HexFormat.of().formatHex(md5(data));
    }
}
