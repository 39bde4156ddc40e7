package io.localstackmount.plugin.xattr;

import io.localstackmount.api.Errno;
import io.localstackmount.api.FsException;
import io.localstackmount.api.ListPage;
import io.localstackmount.api.ObjectInfo;
import io.localstackmount.api.ObjectStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An in-memory {@link ObjectStore} that behaves like S3 where the handlers can tell: ETags are the
 * body's MD5 (so a metadata-only copy keeps the ETag), user metadata keys come back lower-cased,
 * every write moves Last-Modified one second on, and {@link #copy} with metadata replaces it but
 * keeps the Content-Type, as the S3 store does. Counts requests by operation name.
 */
final class InMemoryStore implements ObjectStore {
    record Stored(byte[] body, Map<String, String> metadata, String contentType, Instant lastModified, String etag) {
    }

    private record Pending(String bucket, String key, Map<String, String> metadata, String contentType,
                           NavigableMap<Integer, byte[]> parts) {
    }

    private final Map<String, NavigableMap<String, Stored>> buckets = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> requests = new ConcurrentHashMap<>();
    private final Map<String, Pending> pending = new ConcurrentHashMap<>();
    private final AtomicInteger uploadIds = new AtomicInteger();
    private Instant now = Instant.parse("2025-01-01T00:00:00Z");
    /** Runs after a download, before it returns: a way to let "another client" write in between. */
    volatile Runnable afterDownload = () -> { };

    void createBucketQuietly(String bucket) {
        buckets.putIfAbsent(bucket, new ConcurrentSkipListMap<>());
    }

    /** Stores an object behind the counters' back, as another client would. */
    void putQuietly(String bucket, String key, byte[] body, Map<String, String> metadata, String contentType) {
        buckets.get(bucket).put(key, new Stored(body.clone(), lowerCaseKeys(metadata), contentType, tick(), md5(body)));
    }

    Stored object(String bucket, String key) {
        return buckets.get(bucket).get(key);
    }

    int requests(String operation) {
        AtomicInteger n = requests.get(operation);
        return n == null ? 0 : n.get();
    }

    int writes() {
        return requests("put") + requests("upload") + requests("copy") + requests("delete");
    }

    int total() {
        return requests.values().stream().mapToInt(AtomicInteger::get).sum();
    }

    private void count(String operation) {
        requests.computeIfAbsent(operation, k -> new AtomicInteger()).incrementAndGet();
    }

    private synchronized Instant tick() {
        now = now.plusSeconds(1);
        return now;
    }

    private NavigableMap<String, Stored> bucket(String bucket) {
        NavigableMap<String, Stored> b = buckets.get(bucket);
        if (b == null) {
            throw new FsException(Errno.ENOENT, "no such bucket " + bucket);
        }
        return b;
    }

    @Override
    public List<String> listBuckets() {
        count("listBuckets");
        return new ArrayList<>(new TreeSet<>(buckets.keySet()));
    }

    @Override
    public boolean bucketExists(String bucket) {
        count("bucketExists");
        return buckets.containsKey(bucket);
    }

    @Override
    public void createBucket(String bucket) {
        count("createBucket");
        createBucketQuietly(bucket);
    }

    @Override
    public void deleteBucket(String bucket) {
        count("deleteBucket");
        buckets.remove(bucket);
    }

    @Override
    public Optional<ObjectInfo> head(String bucket, String key) {
        count("head");
        Stored s = bucket(bucket).get(key);
        return s == null ? Optional.empty() : Optional.of(info(key, s, true));
    }

    @Override
    public ListPage listPage(String bucket, String prefix, String token, int maxKeys) {
        count("list");
        String p = prefix == null ? "" : prefix;
        List<ObjectInfo> objects = new ArrayList<>();
        TreeSet<String> prefixes = new TreeSet<>();
        for (Map.Entry<String, Stored> e : bucket(bucket).tailMap(p, true).entrySet()) {
            if (!e.getKey().startsWith(p)) {
                break;
            }
            String rest = e.getKey().substring(p.length());
            int slash = rest.indexOf('/');
            if (slash >= 0) {
                prefixes.add(p + rest.substring(0, slash + 1));
            } else {
                objects.add(info(e.getKey(), e.getValue(), false));
            }
        }
        // One page is enough for these tests; maxKeys is only honoured as far as probes need it.
        if (objects.size() + prefixes.size() > maxKeys) {
            List<ObjectInfo> cut = objects.subList(0, Math.min(objects.size(), maxKeys));
            List<String> cutPrefixes = new ArrayList<>(prefixes).subList(0, Math.min(prefixes.size(), Math.max(0, maxKeys - cut.size())));
            return new ListPage(new ArrayList<>(cut), new ArrayList<>(cutPrefixes), null);
        }
        return new ListPage(objects, new ArrayList<>(prefixes), null);
    }

    @Override
    public int read(String bucket, String key, long offset, byte[] dst, int dstOffset, int length) {
        count("read");
        Stored s = bucket(bucket).get(key);
        if (s == null) {
            throw new FsException(Errno.ENOENT, "no such key " + key);
        }
        int n = (int) Math.max(0, Math.min(length, s.body().length - offset));
        System.arraycopy(s.body(), (int) offset, dst, dstOffset, n);
        return n;
    }

    @Override
    public io.localstackmount.api.GetResult get(String bucket, String key, io.localstackmount.api.Precondition condition,
                                                long offset, byte[] dst, int dstOffset, int length) {
        count("get");
        Stored s = bucket(bucket).get(key);
        if (s == null) {
            throw new FsException(Errno.ENOENT, "no such key " + key);
        }
        ObjectInfo current = info(key, s, true);
        if (condition.unchanged(current)) {
            return io.localstackmount.api.GetResult.notModified();
        }
        int n = (int) Math.max(0, Math.min(length, s.body().length - offset));
        if (n > 0) {
            System.arraycopy(s.body(), (int) offset, dst, dstOffset, n);
        }
        return io.localstackmount.api.GetResult.content(current, n);
    }

    @Override
    public ObjectInfo download(String bucket, String key, Path target) throws IOException {
        count("download");
        Stored s = bucket(bucket).get(key);
        if (s == null) {
            throw new FsException(Errno.ENOENT, "no such key " + key);
        }
        Files.write(target, s.body());
        afterDownload.run();
        return info(key, s, true);
    }

    @Override
    public ObjectInfo upload(String bucket, String key, Path source, Map<String, String> metadata, String contentType) {
        count("upload");
        try {
            return store(bucket, key, Files.readAllBytes(source), metadata, contentType);
        } catch (IOException e) {
            throw new FsException(Errno.EIO, "reading " + source, e);
        }
    }

    @Override
    public ObjectInfo put(String bucket, String key, byte[] body, Map<String, String> metadata, String contentType) {
        count("put");
        return store(bucket, key, body, metadata, contentType);
    }

    private ObjectInfo store(String bucket, String key, byte[] body, Map<String, String> metadata, String contentType) {
        Stored s = new Stored(body.clone(), lowerCaseKeys(metadata), contentType == null ? "application/octet-stream" : contentType,
                tick(), md5(body));
        bucket(bucket).put(key, s);
        return info(key, s, true);
    }

    // The multipart methods carry no @Override so that this fake compiles with and without them in the api.

    public String startMultipart(String bucket, String key, Map<String, String> metadata, String contentType) {
        count("startMultipart");
        bucket(bucket);
        String id = "upload-" + uploadIds.incrementAndGet();
        pending.put(id, new Pending(bucket, key, metadata, contentType, new ConcurrentSkipListMap<>()));
        return id;
    }

    public String uploadPart(String bucket, String key, String uploadId, int partNumber, Path source, long offset, long length) {
        count("uploadPart");
        Pending p = pendingUpload(uploadId);
        try {
            byte[] all = Files.readAllBytes(source);
            byte[] part = java.util.Arrays.copyOfRange(all, (int) offset, (int) (offset + length));
            p.parts().put(partNumber, part);
            return md5(part);
        } catch (IOException e) {
            throw new FsException(Errno.EIO, "reading " + source, e);
        }
    }

    @Override
    public void downloadRange(String bucket, String key, String etag, long offset, long length, java.nio.channels.FileChannel target) {
        throw new UnsupportedOperationException("xattrs read no content ranges");
    }

    @Override
    public String uploadPartCopy(String bucket, String key, String uploadId, int partNumber,
                                 String srcBucket, String srcKey, String sourceEtag, long offset, long length) {
        throw new UnsupportedOperationException("xattrs copy whole objects");
    }

    public ObjectInfo completeMultipart(String bucket, String key, String uploadId, List<String> partEtags) {
        count("completeMultipart");
        Pending p = pending.remove(uploadId);
        if (p == null) {
            throw new FsException(Errno.EIO, "no such upload " + uploadId);
        }
        java.io.ByteArrayOutputStream body = new java.io.ByteArrayOutputStream();
        p.parts().values().forEach(body::writeBytes);
        return store(p.bucket(), p.key(), body.toByteArray(), p.metadata(), p.contentType());
    }

    public void abortMultipart(String bucket, String key, String uploadId) {
        count("abortMultipart");
        pending.remove(uploadId);
    }

    private Pending pendingUpload(String uploadId) {
        Pending p = pending.get(uploadId);
        if (p == null) {
            throw new FsException(Errno.EIO, "no such upload " + uploadId);
        }
        return p;
    }

    @Override
    public void delete(String bucket, String key) {
        count("delete");
        bucket(bucket).remove(key);
    }

    @Override
    public ObjectInfo copy(String srcBucket, String srcKey, String dstBucket, String dstKey, Map<String, String> metadata) {
        count("copy");
        Stored src = bucket(srcBucket).get(srcKey);
        if (src == null) {
            throw new FsException(Errno.ENOENT, "no such key " + srcKey);
        }
        Stored copy = new Stored(src.body(), metadata == null ? src.metadata() : lowerCaseKeys(metadata), src.contentType(),
                tick(), src.etag());
        bucket(dstBucket).put(dstKey, copy);
        return info(dstKey, copy, true);
    }

    @Override
    public String describe() {
        return "in-memory";
    }

    @Override
    public void close() {
    }

    private static ObjectInfo info(String key, Stored s, boolean withMetadata) {
        return new ObjectInfo(key, s.body().length, s.lastModified(), s.etag(),
                withMetadata ? s.metadata() : null, withMetadata ? s.contentType() : null);
    }

    private static Map<String, String> lowerCaseKeys(Map<String, String> metadata) {
        Map<String, String> out = new LinkedHashMap<>();
        if (metadata != null) {
            metadata.forEach((k, v) -> out.put(k.toLowerCase(Locale.ROOT), v));
        }
        return Map.copyOf(new TreeMap<>(out));
    }

    static String md5(byte[] body) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(body));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
