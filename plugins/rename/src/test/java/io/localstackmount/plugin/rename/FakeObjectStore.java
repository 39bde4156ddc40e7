package io.localstackmount.plugin.rename;

import io.localstackmount.api.Errno;
import io.localstackmount.api.FsException;
import io.localstackmount.api.ListPage;
import io.localstackmount.api.ObjectInfo;
import io.localstackmount.api.ObjectStore;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

/**
 * An in-memory {@link ObjectStore}: buckets of keys to bytes plus metadata, delimited listings as S3
 * answers them, request counters, and failures injected by request number or by key. Data
 * transfers ({@code read}, {@code download}, {@code upload}, multipart) are not supported: rename
 * must never need them.
 */
final class FakeObjectStore implements ObjectStore {
    /** One stored object; {@code size} may claim more than {@code body} holds (large-object tests). */
    record Blob(byte[] body, long size, Map<String, String> metadata, String contentType, String etag, Instant modified) {
    }

    private final Map<String, ConcurrentSkipListMap<String, Blob>> buckets = new ConcurrentHashMap<>();
    private final AtomicInteger etags = new AtomicInteger();
    final AtomicInteger copies = new AtomicInteger();
    final AtomicInteger deletes = new AtomicInteger();
    final AtomicInteger lists = new AtomicInteger();
    final AtomicInteger puts = new AtomicInteger();
    private final AtomicInteger inFlight = new AtomicInteger();
    final AtomicInteger maxInFlight = new AtomicInteger();
    private volatile int failNthCopy = -1;
    private volatile Predicate<String> failCopyOf = k -> false;
    private volatile Predicate<String> failDeleteOf = k -> false;
    private volatile long copyDelayMillis;

    FakeObjectStore failNthCopy(int n) {
        this.failNthCopy = n;
        return this;
    }

    FakeObjectStore failCopiesOf(Predicate<String> sourceKey) {
        this.failCopyOf = sourceKey;
        return this;
    }

    FakeObjectStore failDeletesOf(Predicate<String> key) {
        this.failDeleteOf = key;
        return this;
    }

    FakeObjectStore copyDelay(long millis) {
        this.copyDelayMillis = millis;
        return this;
    }

    void resetCounters() {
        copies.set(0);
        deletes.set(0);
        lists.set(0);
        puts.set(0);
    }

    /** Puts a text object; returns this for chaining. */
    FakeObjectStore with(String bucket, String key, String body) {
        put(bucket, key, body.getBytes(), Map.of(), "text/plain");
        return this;
    }

    /** An object that claims {@code size} bytes without holding them. */
    FakeObjectStore withSized(String bucket, String key, long size) {
        bucket(bucket).put(key, new Blob(new byte[0], size, Map.of(), null, nextEtag(), Instant.now()));
        return this;
    }

    Optional<Blob> blob(String bucket, String key) {
        return Optional.ofNullable(bucket(bucket).get(key));
    }

    /** Every key of a bucket, sorted. */
    List<String> keys(String bucket) {
        return new ArrayList<>(bucket(bucket).keySet());
    }

    String text(String bucket, String key) {
        return new String(blob(bucket, key).orElseThrow().body());
    }

    private ConcurrentSkipListMap<String, Blob> bucket(String name) {
        ConcurrentSkipListMap<String, Blob> b = buckets.get(name);
        if (b == null) {
            throw new FsException(Errno.ENOENT, "no such bucket " + name);
        }
        return b;
    }

    private String nextEtag() {
        return HexFormat.of().toHexDigits(etags.incrementAndGet());
    }

    private static ObjectInfo info(String key, Blob b) {
        return new ObjectInfo(key, b.size(), b.modified(), b.etag(), b.metadata(), b.contentType());
    }

    @Override
    public List<String> listBuckets() {
        return new ArrayList<>(buckets.keySet());
    }

    @Override
    public boolean bucketExists(String bucket) {
        return buckets.containsKey(bucket);
    }

    @Override
    public void createBucket(String bucket) {
        buckets.putIfAbsent(bucket, new ConcurrentSkipListMap<>());
    }

    @Override
    public void deleteBucket(String bucket) {
        if (!bucket(bucket).isEmpty()) {
            throw new FsException(Errno.ENOTEMPTY, bucket);
        }
        buckets.remove(bucket);
    }

    @Override
    public Optional<ObjectInfo> head(String bucket, String key) {
        Blob b = bucket(bucket).get(key);
        return b == null ? Optional.empty() : Optional.of(info(key, b));
    }

    /** Delimiter {@code /}; the token is the last entry (key or common prefix) of the previous page. */
    @Override
    public ListPage listPage(String bucket, String prefix, String token, int maxKeys) {
        lists.incrementAndGet();
        NavigableMap<String, Blob> below = bucket(bucket).tailMap(prefix, true);
        TreeSet<String> entries = new TreeSet<>();
        for (String key : below.keySet()) {
            if (!key.startsWith(prefix)) {
                break;
            }
            int slash = key.indexOf('/', prefix.length());
            entries.add(slash < 0 ? key : key.substring(0, slash + 1));
        }
        List<ObjectInfo> objects = new ArrayList<>();
        List<String> prefixes = new ArrayList<>();
        String last = null;
        for (String entry : token == null ? entries : entries.tailSet(token, false)) {
            if (objects.size() + prefixes.size() == maxKeys) {
                return new ListPage(objects, prefixes, last);
            }
            Blob b = below.get(entry);
            if (entry.endsWith("/") && !entry.equals(prefix)) {
                prefixes.add(entry);
            } else {
                objects.add(new ObjectInfo(entry, b.size(), b.modified(), b.etag(), null, null));
            }
            last = entry;
        }
        return new ListPage(objects, prefixes, null);
    }

    @Override
    public int read(String bucket, String key, long offset, byte[] dst, int dstOffset, int length) {
        throw new UnsupportedOperationException("rename must not read data");
    }

    @Override
    public io.localstackmount.api.GetResult get(String bucket, String key, io.localstackmount.api.Precondition condition,
                                                long offset, byte[] dst, int dstOffset, int length) {
        throw new UnsupportedOperationException("rename must not read data");
    }

    @Override
    public ObjectInfo download(String bucket, String key, Path target) {
        throw new UnsupportedOperationException("rename must not read data");
    }

    @Override
    public ObjectInfo upload(String bucket, String key, Path source, Map<String, String> metadata, String contentType) {
        throw new UnsupportedOperationException("rename must not write data");
    }

    @Override
    public String startMultipart(String bucket, String key, Map<String, String> metadata, String contentType) {
        throw new UnsupportedOperationException("rename must not write data");
    }

    @Override
    public String uploadPart(String bucket, String key, String uploadId, int partNumber, Path source, long offset, long length) {
        throw new UnsupportedOperationException("rename must not write data");
    }

    @Override
    public void downloadRange(String bucket, String key, String etag, long offset, long length, java.nio.channels.FileChannel target) {
        throw new UnsupportedOperationException("rename must not read data");
    }

    @Override
    public String uploadPartCopy(String bucket, String key, String uploadId, int partNumber,
                                 String srcBucket, String srcKey, String sourceEtag, long offset, long length) {
        throw new UnsupportedOperationException("rename copies whole objects");
    }

    @Override
    public ObjectInfo completeMultipart(String bucket, String key, String uploadId, List<String> partEtags) {
        throw new UnsupportedOperationException("rename must not write data");
    }

    @Override
    public void abortMultipart(String bucket, String key, String uploadId) {
        throw new UnsupportedOperationException("rename must not write data");
    }

    @Override
    public ObjectInfo put(String bucket, String key, byte[] body, Map<String, String> metadata, String contentType) {
        puts.incrementAndGet();
        Blob b = new Blob(body.clone(), body.length, Map.copyOf(metadata), contentType, nextEtag(), Instant.now());
        bucket(bucket).put(key, b);
        return info(key, b);
    }

    @Override
    public void delete(String bucket, String key) {
        deletes.incrementAndGet();
        if (failDeleteOf.test(key)) {
            throw new FsException(Errno.EIO, "injected failure deleting " + key);
        }
        bucket(bucket).remove(key);
    }

    @Override
    public ObjectInfo copy(String srcBucket, String srcKey, String dstBucket, String dstKey, Map<String, String> metadata) {
        int n = copies.incrementAndGet();
        int now = inFlight.incrementAndGet();
        maxInFlight.accumulateAndGet(now, Math::max);
        try {
            if (copyDelayMillis > 0) {
                Thread.sleep(copyDelayMillis);
            }
            if (n == failNthCopy || failCopyOf.test(srcKey)) {
                throw new FsException(Errno.EIO, "injected failure copying " + srcKey);
            }
            Blob source = bucket(srcBucket).get(srcKey);
            if (source == null) {
                throw new FsException(Errno.ENOENT, "no such key " + srcKey);
            }
            Blob copy = new Blob(source.body(), source.size(), metadata == null ? source.metadata() : Map.copyOf(metadata),
                    source.contentType(), nextEtag(), Instant.now());
            bucket(dstBucket).put(dstKey, copy);
            return info(dstKey, copy);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new FsException(Errno.EIO, "interrupted", e);
        } finally {
            inFlight.decrementAndGet();
        }
    }

    @Override
    public String describe() {
        return "fake";
    }

    @Override
    public void close() {
    }
}
