package io.localstackmount.plugin.files;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.localstackmount.api.CachePolicy;
import io.localstackmount.api.CachedVersion;
import io.localstackmount.api.ContentCache;
import io.localstackmount.api.Errno;
import io.localstackmount.api.FolderState;
import io.localstackmount.api.FsContext;
import io.localstackmount.api.FsException;
import io.localstackmount.api.FsPath;
import io.localstackmount.api.GetResult;
import io.localstackmount.api.ListPage;
import io.localstackmount.api.MountOptions;
import io.localstackmount.api.Namespace;
import io.localstackmount.api.Node;
import io.localstackmount.api.NodeType;
import io.localstackmount.api.ObjectInfo;
import io.localstackmount.api.ObjectStore;
import io.localstackmount.api.OpenFiles;
import io.localstackmount.api.PluginSettings;
import io.localstackmount.api.Precondition;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * The reader with a content cache, on an in-memory store that counts requests and an in-memory
 * cache: what an open and the reads after it cost, and that a handle never mixes versions.
 * The disk cache itself is tested in core; the whole path on a real mount in CachingIT.
 */
@DisplayName("ObjectReader with a content cache")
class ObjectReaderCacheTest {
    private static final int BLOCK = 1024 * 1024;
    private static final FsPath FILE = FsPath.parse("/bucket/dir/file.bin");

    private Store store;
    private MemoryCache cache;
    private Ctx ctx;

    @BeforeEach
    void setUp() {
        store = new Store();
        cache = new MemoryCache(BLOCK);
        ctx = new Ctx(store, Optional.of(new EtagPolicy(cache)));
    }

    @AfterEach
    void tearDown() {
        ctx.workers.shutdownNow();
    }

    private static byte[] bytes(int size, long seed) {
        byte[] b = new byte[size];
        new Random(seed).nextBytes(b);
        return b;
    }

    /** Opens and reads the whole file as the kernel does, 128 KiB at a time; returns what was read. */
    private byte[] cat(Node node) {
        ObjectReader reader = new ObjectReader(store, ctx.workers);
        Node current = reader.open(ctx, FILE, node);
        byte[] out = new byte[(int) current.size()];
        int pos = 0;
        byte[] buf = new byte[128 * 1024];
        while (pos < out.length) {
            int n = reader.read(FILE, current.size(), buf, pos, buf.length);
            assertTrue(n > 0, "progress at " + pos);
            System.arraycopy(buf, 0, out, pos, Math.min(n, out.length - pos));
            pos += n;
        }
        reader.clear();
        return out;
    }

    private Node node() {
        return ctx.namespace().nodeOf(FILE, store.head(FILE.bucket(), FILE.key()).orElseThrow());
    }

    @Nested
    @DisplayName("close-to-open")
    class CloseToOpen {
        @Test
        @DisplayName("first open of a small file: one GET, which also brings its content")
        void firstOpen() {
            byte[] content = bytes(5000, 1);
            store.put(FILE.key(), content);
            Node node = node();
            store.reset();
            assertArrayEquals(content, cat(node));
            assertEquals(1, store.gets.get(), "the open's GET of block 0 is the only request");
            assertEquals(0, store.conditional.get(), "nothing cached yet: unconditional");
            assertEquals(content.length, store.bytesServed.get());
            assertTrue(cache.find(FILE.bucket(), FILE.key(), node.etag()).isPresent(), "block 0 is cached");
        }

        @Test
        @DisplayName("second open of an unchanged file: one If-None-Match answered 304, no body")
        void secondOpen() {
            byte[] content = bytes(3 * BLOCK + 17, 2);
            store.put(FILE.key(), content);
            Node node = node();
            cat(node);
            store.reset();
            assertArrayEquals(content, cat(node));
            assertEquals(1, store.gets.get());
            assertEquals(1, store.notModified.get());
            assertEquals(Precondition.ifNoneMatch(node.etag()), store.lastCondition);
            assertEquals(0, store.bytesServed.get(), "every byte came from the cache");
        }

        @Test
        @DisplayName("a change behind the mount's back is seen at the next open and reported to the namespace")
        void changed() {
            store.put(FILE.key(), bytes(4000, 3));
            Node old = node();
            cat(old);
            byte[] newer = bytes(4000, 4);
            store.put(FILE.key(), newer);
            store.reset();
            ObjectReader reader = new ObjectReader(store, ctx.workers);
            Node current = reader.open(ctx, FILE, old);
            assertNotEquals(old.etag(), current.etag());
            assertEquals(List.of(FILE), ctx.created, "the namespace learns the new version");
            byte[] buf = new byte[8192];
            assertEquals(4000, reader.read(FILE, current.size(), buf, 0, buf.length));
            assertArrayEquals(newer, Arrays.copyOf(buf, 4000));
            assertEquals(1, store.gets.get(), "the open's answer carried the new block 0");
        }

        @Test
        @DisplayName("a new size comes back from the open")
        void resized() {
            store.put(FILE.key(), bytes(100, 5));
            Node old = node();
            cat(old);
            byte[] longer = bytes(2 * BLOCK + 5, 6);
            store.put(FILE.key(), longer);
            ObjectReader reader = new ObjectReader(store, ctx.workers);
            Node current = reader.open(ctx, FILE, old);
            assertEquals(longer.length, current.size());
        }

        @Test
        @DisplayName("a file deleted behind the mount's back fails the open with ENOENT and is forgotten")
        void deleted() {
            store.put(FILE.key(), bytes(100, 7));
            Node node = node();
            store.objects.clear();
            FsException e = assertThrows(FsException.class, () -> new ObjectReader(store, ctx.workers).open(ctx, FILE, node));
            assertEquals(Errno.ENOENT, e.errno());
            assertEquals(List.of(FILE), ctx.removed);
        }

        @Test
        @DisplayName("an empty file sends nothing")
        void empty() {
            store.put(FILE.key(), new byte[0]);
            Node node = node();
            store.reset();
            assertSame(node, new ObjectReader(store, ctx.workers).open(ctx, FILE, node));
            assertEquals(0, store.gets.get());
        }
    }

    @Nested
    @DisplayName("blocks")
    class Blocks {
        @Test
        @DisplayName("head -c 4096 of a large object fetches one block, not the object")
        void head() {
            store.put(FILE.key(), bytes(64 * BLOCK, 8));
            Node node = node();
            store.reset();
            ObjectReader reader = new ObjectReader(store, ctx.workers);
            reader.open(ctx, FILE, node);
            byte[] buf = new byte[4096];
            assertEquals(4096, reader.read(FILE, node.size(), buf, 0, 4096));
            assertEquals(BLOCK, store.bytesServed.get());
            assertEquals(1, store.gets.get());
        }

        @Test
        @DisplayName("a random read fetches the one aligned block around it")
        void random() {
            byte[] content = bytes(16 * BLOCK, 9);
            store.put(FILE.key(), content);
            Node node = node();
            ObjectReader reader = new ObjectReader(store, ctx.workers);
            reader.open(ctx, FILE, node);
            store.reset();
            byte[] buf = new byte[4096];
            long at = 10L * BLOCK + 12345;
            assertEquals(4096, reader.read(FILE, node.size(), buf, at, 4096));
            assertArrayEquals(Arrays.copyOfRange(content, (int) at, (int) at + 4096), buf);
            assertEquals(1, store.gets.get());
            assertEquals(BLOCK, store.bytesServed.get());
            assertEquals(Optional.of(10L * BLOCK), store.lastOffset);
        }

        @Test
        @DisplayName("a large file read twice: the second time costs one 304, with prefetch in between")
        void largeTwice() {
            byte[] content = bytes(40 * BLOCK + 3, 10);
            store.put(FILE.key(), content);
            Node node = node();
            assertArrayEquals(content, cat(node));
            cache.awaitBlocks(41); // prefetched blocks are stored by worker threads
            store.reset();
            assertArrayEquals(content, cat(node));
            assertEquals(1, store.gets.get());
            assertEquals(1, store.notModified.get());
            assertEquals(0, store.bytesServed.get());
        }

        @Test
        @DisplayName("only the blocks missing from the cache are fetched, one GET per run")
        void partial() {
            byte[] content = bytes(10 * BLOCK, 11);
            store.put(FILE.key(), content);
            Node node = node();
            cat(node);
            cache.awaitBlocks(10);
            cache.drop(FILE.key(), 3);
            cache.drop(FILE.key(), 4);
            cache.drop(FILE.key(), 8);
            store.reset();
            assertArrayEquals(content, cat(node));
            assertEquals(1 + 2, store.gets.get(), "the 304 and one GET per missing run (3-4, 8)");
            assertEquals(3L * BLOCK, store.bytesServed.get());
        }

        @Test
        @DisplayName("a block of another version is never served: the object changed while open is EIO")
        void changedWhileOpen() {
            store.put(FILE.key(), bytes(4 * BLOCK, 12));
            Node node = node();
            ObjectReader reader = new ObjectReader(store, ctx.workers);
            reader.open(ctx, FILE, node);
            store.put(FILE.key(), bytes(4 * BLOCK, 13));
            byte[] buf = new byte[4096];
            FsException e = assertThrows(FsException.class, () -> reader.read(FILE, node.size(), buf, 2L * BLOCK, 4096));
            assertEquals(Errno.EIO, e.errno());
            assertTrue(e.getMessage().contains("changed in S3 while it was open"), e.getMessage());
            assertTrue(cache.keys().stream().noneMatch(k -> k.endsWith("#2")), "nothing of it was cached under the old ETag");
        }

        @Test
        @DisplayName("renamed while open: reads follow the new path, uncached")
        void renamed() {
            byte[] content = bytes(3 * BLOCK, 14);
            store.put(FILE.key(), content);
            Node node = node();
            ObjectReader reader = new ObjectReader(store, ctx.workers);
            reader.open(ctx, FILE, node);
            FsPath moved = FsPath.parse("/bucket/dir/moved.bin");
            store.put(moved.key(), content);
            store.objects.remove(FILE.key());
            byte[] buf = new byte[4096];
            assertEquals(4096, reader.read(moved, node.size(), buf, 2L * BLOCK, 4096));
            assertArrayEquals(Arrays.copyOfRange(content, 2 * BLOCK, 2 * BLOCK + 4096), buf);
        }
    }

    @Nested
    @DisplayName("without a content cache (policy none)")
    class Uncached {
        @Test
        @DisplayName("an open sends nothing and every read window is a plain ranged GET")
        void none() {
            ctx = new Ctx(store, Optional.of(new NoCache()));
            byte[] content = bytes(5000, 15);
            store.put(FILE.key(), content);
            Node node = node();
            store.reset();
            assertArrayEquals(content, cat(node));
            assertEquals(0, store.gets.get());
            assertEquals(1, store.reads.get());
            store.reset();
            cat(node);
            assertEquals(1, store.reads.get(), "no cache: fetched again");
        }
    }

    // ------------------------------------------------------------------ fakes

    /** Revalidates with If-None-Match, like the etag plugin. */
    private record EtagPolicy(ContentCache cache) implements CachePolicy {
        @Override
        public Optional<ContentCache> contentCache() {
            return Optional.of(cache);
        }

        @Override
        public Precondition revalidation(CachedVersion cached) {
            return Precondition.ifNoneMatch(cached.etag());
        }
    }

    private static final class NoCache implements CachePolicy {
        @Override
        public Optional<ContentCache> contentCache() {
            return Optional.empty();
        }

        @Override
        public Precondition revalidation(CachedVersion cached) {
            return Precondition.NONE;
        }
    }

    /** Blocks in a map; checks lengths as the disk cache does. */
    private static final class MemoryCache implements ContentCache {
        private final int blockSize;
        private final Map<String, byte[]> blocks = new ConcurrentHashMap<>();
        private final Map<String, CachedVersion> versions = new ConcurrentHashMap<>();

        MemoryCache(int blockSize) {
            this.blockSize = blockSize;
        }

        private static String id(String bucket, String key, String etag, long index) {
            return bucket + "/" + key + "@" + etag + "#" + index;
        }

        List<String> keys() {
            return new ArrayList<>(blocks.keySet());
        }

        void awaitBlocks(int count) {
            long deadline = System.nanoTime() + 10_000_000_000L;
            while (blocks.size() < count) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError(blocks.size() + " blocks cached, expected " + count);
                }
                Thread.onSpinWait();
            }
        }

        void drop(String key, long index) {
            blocks.keySet().removeIf(k -> k.contains("/" + key + "@") && k.endsWith("#" + index));
        }

        @Override
        public int blockSize() {
            return blockSize;
        }

        @Override
        public Optional<CachedVersion> find(String bucket, String key, String etag) {
            return blocks.containsKey(id(bucket, key, etag, 0)) ? Optional.ofNullable(versions.get(id(bucket, key, etag, 0)))
                    : Optional.empty();
        }

        @Override
        public int read(String bucket, String key, String etag, long index, byte[] dst, int dstOffset) {
            byte[] b = blocks.get(id(bucket, key, etag, index));
            if (b == null) {
                return -1;
            }
            System.arraycopy(b, 0, dst, dstOffset, b.length);
            return b.length;
        }

        @Override
        public void write(CachedVersion version, long index, byte[] data, int offset, int length) {
            long expected = Math.min(blockSize, version.size() - index * blockSize);
            if (length != expected) {
                throw new IllegalArgumentException("block " + index + " of " + length + " bytes, expected " + expected);
            }
            String id = id(version.bucket(), version.key(), version.etag(), index);
            blocks.put(id, Arrays.copyOfRange(data, offset, offset + length));
            versions.put(id, version);
        }
    }

    /** One bucket in memory; S3's conditional semantics; counts what the reader sends. */
    private static final class Store implements ObjectStore {
        record Stored(byte[] body, String etag, Instant modified) {
        }

        final Map<String, Stored> objects = new ConcurrentHashMap<>();
        final AtomicInteger gets = new AtomicInteger();
        final AtomicInteger conditional = new AtomicInteger();
        final AtomicInteger notModified = new AtomicInteger();
        final AtomicInteger reads = new AtomicInteger();
        final AtomicLong bytesServed = new AtomicLong();
        private final AtomicInteger versions = new AtomicInteger();
        volatile Precondition lastCondition;
        volatile Optional<Long> lastOffset = Optional.empty();

        void put(String key, byte[] body) {
            int n = versions.incrementAndGet();
            objects.put(key, new Stored(body.clone(), "etag-" + n, Instant.parse("2025-01-01T00:00:00Z").plusSeconds(n)));
        }

        void reset() {
            gets.set(0);
            conditional.set(0);
            notModified.set(0);
            reads.set(0);
            bytesServed.set(0);
        }

        private Stored stored(String key) {
            Stored s = objects.get(key);
            if (s == null) {
                throw new FsException(Errno.ENOENT, "no such key " + key);
            }
            return s;
        }

        private static ObjectInfo info(String key, Stored s) {
            return new ObjectInfo(key, s.body().length, s.modified(), s.etag(), Map.of(), "application/octet-stream");
        }

        @Override
        public Optional<ObjectInfo> head(String bucket, String key) {
            Stored s = objects.get(key);
            return s == null ? Optional.empty() : Optional.of(info(key, s));
        }

        @Override
        public GetResult get(String bucket, String key, Precondition condition, long offset, byte[] dst, int dstOffset, int length) {
            gets.incrementAndGet();
            lastCondition = condition;
            lastOffset = Optional.of(offset);
            if (condition.kind() != Precondition.Kind.NONE) {
                conditional.incrementAndGet();
            }
            Stored s = stored(key);
            if (condition.unchanged(info(key, s))) {
                notModified.incrementAndGet();
                return GetResult.notModified();
            }
            int n = (int) Math.max(0, Math.min(length, s.body().length - offset));
            if (n > 0) {
                System.arraycopy(s.body(), (int) offset, dst, dstOffset, n);
            }
            bytesServed.addAndGet(n);
            return GetResult.content(info(key, s), n);
        }

        @Override
        public int read(String bucket, String key, long offset, byte[] dst, int dstOffset, int length) {
            reads.incrementAndGet();
            Stored s = stored(key);
            int n = (int) Math.max(0, Math.min(length, s.body().length - offset));
            System.arraycopy(s.body(), (int) offset, dst, dstOffset, n);
            bytesServed.addAndGet(n);
            return n;
        }

        // Nothing else is needed by reads.
        @Override public List<String> listBuckets() { throw new UnsupportedOperationException(); }
        @Override public boolean bucketExists(String bucket) { throw new UnsupportedOperationException(); }
        @Override public void createBucket(String bucket) { throw new UnsupportedOperationException(); }
        @Override public void deleteBucket(String bucket) { throw new UnsupportedOperationException(); }
        @Override public ListPage listPage(String bucket, String prefix, String token, int maxKeys) { throw new UnsupportedOperationException(); }
        @Override public ObjectInfo download(String bucket, String key, Path target) { throw new UnsupportedOperationException(); }
        @Override public ObjectInfo upload(String bucket, String key, Path source, Map<String, String> metadata, String contentType) { throw new UnsupportedOperationException(); }
        @Override public ObjectInfo put(String bucket, String key, byte[] body, Map<String, String> metadata, String contentType) { throw new UnsupportedOperationException(); }
        @Override public String startMultipart(String bucket, String key, Map<String, String> metadata, String contentType) { throw new UnsupportedOperationException(); }
        @Override public String uploadPart(String bucket, String key, String uploadId, int partNumber, Path source, long offset, long length) { throw new UnsupportedOperationException(); }
        @Override public void downloadRange(String bucket, String key, String etag, long offset, long length, java.nio.channels.FileChannel target) { throw new UnsupportedOperationException(); }
        @Override public String uploadPartCopy(String bucket, String key, String uploadId, int partNumber, String srcBucket, String srcKey, String sourceEtag, long offset, long length) { throw new UnsupportedOperationException(); }
        @Override public ObjectInfo completeMultipart(String bucket, String key, String uploadId, List<String> partEtags) { throw new UnsupportedOperationException(); }
        @Override public void abortMultipart(String bucket, String key, String uploadId) { throw new UnsupportedOperationException(); }
        @Override public void delete(String bucket, String key) { throw new UnsupportedOperationException(); }
        @Override public ObjectInfo copy(String srcBucket, String srcKey, String dstBucket, String dstKey, Map<String, String> metadata) { throw new UnsupportedOperationException(); }
        @Override public String describe() { return "memory"; }
        @Override public void close() { }
    }

    /** What the reader needs of a mount: the store, the policy, threads, and a namespace that records. */
    private static final class Ctx implements FsContext {
        final Store store;
        final Optional<CachePolicy> policy;
        final ExecutorService workers = Executors.newFixedThreadPool(4);
        final List<FsPath> created = new ArrayList<>();
        final List<FsPath> removed = new ArrayList<>();
        private final MountOptions options = new MountOptions(1000, 1000, 0022, false);

        Ctx(Store store, Optional<CachePolicy> policy) {
            this.store = store;
            this.policy = policy;
        }

        @Override public ObjectStore store() { return store; }
        @Override public OpenFiles openFiles() { throw new UnsupportedOperationException(); }
        @Override public MountOptions options() { return options; }
        @Override public PluginSettings settings() { return PluginSettings.EMPTY; }
        @Override public Path stagingDir() { throw new UnsupportedOperationException(); }
        @Override public Clock clock() { return Clock.systemUTC(); }
        @Override public ExecutorService workers() { return workers; }
        @Override public Optional<CachePolicy> cachePolicy() { return policy; }

        @Override
        public Namespace namespace() {
            return new Namespace() {
                @Override public Optional<Node> find(FsPath path) { throw new UnsupportedOperationException(); }
                @Override public List<Node> list(FsPath path) { throw new UnsupportedOperationException(); }
                @Override public FolderState folderState(FsPath path) { throw new UnsupportedOperationException(); }
                @Override public void created(FsPath path, Node node) { created.add(path); }
                @Override public void removed(FsPath path) { removed.add(path); }
                @Override public void keepFolder(FsPath folder) { throw new UnsupportedOperationException(); }
                @Override public void invalidate(FsPath path) { throw new UnsupportedOperationException(); }

                @Override
                public Node nodeOf(FsPath path, ObjectInfo object) {
                    return new Node(path.name(), NodeType.FILE, object.size(), object.lastModified(), 0644, 1000, 1000, object.etag());
                }

                @Override
                public Node folderNode(FsPath path, Instant mtime) {
                    throw new UnsupportedOperationException();
                }
            };
        }
    }
}
