package io.localstackmount.testkit;

import io.localstackmount.api.GetResult;
import io.localstackmount.api.ListPage;
import io.localstackmount.api.ObjectInfo;
import io.localstackmount.api.ObjectStore;
import io.localstackmount.api.Precondition;
import io.localstackmount.core.Filesystem;
import io.localstackmount.core.FsConfig;
import io.localstackmount.core.PluginRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;

/**
 * A {@link FakeObjectStore} seen through a window, for the few tests that need more than request
 * counts: it logs every request with its key or prefix ({@code "listPage b big/"}), records how many
 * HEADs were in flight at once, and can hold HEADs back, once answered, until a number of them are
 * in flight together (which proves they were sent in parallel, without any sleep) or until the test
 * lets them go.
 *
 * <p>{@link TestMount} mounts a {@link FakeObjectStore} only, so {@link #mount} builds the same
 * filesystem (the class path's plugins, the test's time) over this one.
 */
final class RequestLogStore implements ObjectStore {
    private final FakeObjectStore fake;
    private final List<String> log = new ArrayList<>();
    private final AtomicInteger headsInFlight = new AtomicInteger();
    private final AtomicInteger maxHeadsInFlight = new AtomicInteger();
    private volatile CountDownLatch headGate;
    /** True between {@link #holdHeads} and {@link #releaseHeads}: arriving HEADs do not open the gate. */
    private volatile boolean holding;
    /** The key whose first HEAD {@link #holdFirstHeadOf} holds, its arrival and its release. */
    private volatile String heldKey;
    private volatile CountDownLatch heldArrived;
    private volatile CountDownLatch heldReleased;
    /** One permit per HEAD that reached the gate. */
    private final Semaphore arrivals = new Semaphore(0);

    RequestLogStore(FakeObjectStore fake) {
        this.fake = fake;
    }

    /** A filesystem over this store, with its folders in {@code dir}, as {@link TestMount} builds one. */
    Filesystem mount(Path dir, ManualTime time, UnaryOperator<FsConfig.Builder> config) {
        try {
            Path staging = Files.createDirectories(dir.resolve("staging"));
            Path cache = Files.createDirectories(dir.resolve("cache"));
            return Filesystem.create(this, config.apply(FsConfig.builder(staging).cacheDir(cache)).build(),
                    PluginRegistry.load(ModuleLayer.boot(), RequestLogStore.class.getClassLoader()), time.clock(), time);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * From now on each HEAD, once it has its answer, waits until {@code heads} HEADs have reached
     * that point (at most ten seconds, so a serial sender fails the test instead of hanging it).
     */
    void holdHeadsUntilInFlight(int heads) {
        holding = false;
        headGate = new CountDownLatch(heads);
    }

    /** From now on each HEAD, once it has its answer, waits until {@link #releaseHeads} (at most ten seconds). */
    void holdHeads() {
        holding = true;
        headGate = new CountDownLatch(1);
    }

    /** Lets every held HEAD go, and every later one pass. */
    void releaseHeads() {
        holding = false;
        CountDownLatch gate = headGate;
        if (gate != null) {
            gate.countDown();
        }
    }

    /** Waits (at most ten seconds) until {@code heads} more HEADs have reached the gate. */
    void awaitHeadsAtGate(int heads) throws InterruptedException {
        if (!arrivals.tryAcquire(heads, 10, TimeUnit.SECONDS)) {
            throw new AssertionError("fewer than " + heads + " HEADs reached the gate");
        }
    }

    /**
     * The next HEAD of {@code key}, once it has its answer, waits until {@link #releaseHeld} (at most
     * ten seconds), deaf to interrupts: so that a test can change things meanwhile and then see what
     * that late answer does, even through an unmount, which waits for it.
     */
    void holdFirstHeadOf(String key) {
        heldArrived = new CountDownLatch(1);
        heldReleased = new CountDownLatch(1);
        heldKey = key;
    }

    /** Waits (at most ten seconds) until the HEAD {@link #holdFirstHeadOf} holds has its answer. */
    void awaitHeld() throws InterruptedException {
        if (!heldArrived.await(10, TimeUnit.SECONDS)) {
            throw new AssertionError("no HEAD of " + heldKey + " came");
        }
    }

    void releaseHeld() {
        heldReleased.countDown();
    }

    /** The most HEADs that were in flight at one moment. */
    int maxHeadsInFlight() {
        return maxHeadsInFlight.get();
    }

    /** Every request so far, in order: operation, bucket and key or prefix. */
    synchronized List<String> log() {
        return List.copyOf(log);
    }

    synchronized void clearLog() {
        log.clear();
    }

    private synchronized void record(String operation, String bucket, String key) {
        log.add(operation + " " + bucket + " " + key);
    }

    @Override
    public Optional<ObjectInfo> head(String bucket, String key) {
        record("head", bucket, key);
        int now = headsInFlight.incrementAndGet();
        maxHeadsInFlight.accumulateAndGet(now, Math::max);
        try {
            Optional<ObjectInfo> answer = fake.head(bucket, key);
            holdIfHeld(key);
            CountDownLatch gate = headGate;
            if (gate != null) {
                arrivals.release();
                if (!holding) {
                    gate.countDown();
                }
                gate.await(10, TimeUnit.SECONDS);
            }
            return answer;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while holding a HEAD", e);
        } finally {
            headsInFlight.decrementAndGet();
        }
    }

    private void holdIfHeld(String key) {
        synchronized (this) {
            if (!key.equals(heldKey)) {
                return;
            }
            heldKey = null; // the first one only
        }
        heldArrived.countDown();
        boolean interrupted = false;
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (heldReleased.getCount() > 0 && System.nanoTime() < until) {
            try {
                heldReleased.await(until - System.nanoTime(), TimeUnit.NANOSECONDS);
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public List<String> listBuckets() {
        record("listBuckets", "", "");
        return fake.listBuckets();
    }

    @Override
    public boolean bucketExists(String bucket) {
        record("bucketExists", bucket, "");
        return fake.bucketExists(bucket);
    }

    @Override
    public ListPage listPage(String bucket, String prefix, String token, int maxKeys) {
        record("listPage", bucket, prefix);
        return fake.listPage(bucket, prefix, token, maxKeys);
    }

    @Override
    public int read(String bucket, String key, long offset, byte[] dst, int dstOffset, int length) {
        record("read", bucket, key);
        return fake.read(bucket, key, offset, dst, dstOffset, length);
    }

    @Override
    public GetResult get(String bucket, String key, Precondition condition, long offset, byte[] dst, int dstOffset, int length) {
        record("get", bucket, key);
        return fake.get(bucket, key, condition, offset, dst, dstOffset, length);
    }

    @Override
    public ObjectInfo download(String bucket, String key, Path target) throws IOException {
        record("download", bucket, key);
        return fake.download(bucket, key, target);
    }

    @Override
    public void downloadRange(String bucket, String key, String etag, long offset, long length, FileChannel target) {
        record("downloadRange", bucket, key);
        fake.downloadRange(bucket, key, etag, offset, length, target);
    }

    @Override
    public void createBucket(String bucket) {
        record("createBucket", bucket, "");
        fake.createBucket(bucket);
    }

    @Override
    public void deleteBucket(String bucket) {
        record("deleteBucket", bucket, "");
        fake.deleteBucket(bucket);
    }

    @Override
    public ObjectInfo upload(String bucket, String key, Path source, Map<String, String> metadata, String contentType) {
        record("upload", bucket, key);
        return fake.upload(bucket, key, source, metadata, contentType);
    }

    @Override
    public ObjectInfo put(String bucket, String key, byte[] body, Map<String, String> metadata, String contentType) {
        record("put", bucket, key);
        return fake.put(bucket, key, body, metadata, contentType);
    }

    @Override
    public String startMultipart(String bucket, String key, Map<String, String> metadata, String contentType) {
        record("startMultipart", bucket, key);
        return fake.startMultipart(bucket, key, metadata, contentType);
    }

    @Override
    public String uploadPart(String bucket, String key, String uploadId, int partNumber, Path source, long offset, long length) {
        record("uploadPart", bucket, key);
        return fake.uploadPart(bucket, key, uploadId, partNumber, source, offset, length);
    }

    @Override
    public String uploadPartCopy(String bucket, String key, String uploadId, int partNumber,
                                 String srcBucket, String srcKey, String sourceEtag, long offset, long length) {
        record("uploadPartCopy", bucket, key);
        return fake.uploadPartCopy(bucket, key, uploadId, partNumber, srcBucket, srcKey, sourceEtag, offset, length);
    }

    @Override
    public ObjectInfo completeMultipart(String bucket, String key, String uploadId, List<String> partEtags) {
        record("completeMultipart", bucket, key);
        return fake.completeMultipart(bucket, key, uploadId, partEtags);
    }

    @Override
    public void abortMultipart(String bucket, String key, String uploadId) {
        record("abortMultipart", bucket, key);
        fake.abortMultipart(bucket, key, uploadId);
    }

    @Override
    public void delete(String bucket, String key) {
        record("delete", bucket, key);
        fake.delete(bucket, key);
    }

    @Override
    public ObjectInfo copy(String srcBucket, String srcKey, String dstBucket, String dstKey, Map<String, String> metadata) {
        record("copy", srcBucket, srcKey);
        return fake.copy(srcBucket, srcKey, dstBucket, dstKey, metadata);
    }

    @Override
    public String describe() {
        return "request log over " + fake.describe();
    }

    @Override
    public void close() {
        fake.close();
    }
}
