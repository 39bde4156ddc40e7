package io.localstackmount.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.common.jimfs.Configuration;
import com.google.common.jimfs.Jimfs;
import io.localstackmount.api.CachedVersion;
import java.io.IOException;
import java.nio.file.FileSystem;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The disk content cache on Jimfs (the root is injected): round trips, keys by version, the size
 * bound, damaged and missing files, a restart, and concurrent readers and writers of one block.
 *
 * <pre>
 *   /cache/lock
 *   /cache/blocks/ab/ab12...&lt;random&gt;.blk
 *   /cache/tmp/
 * </pre>
 */
@DisplayName("DiskContentCache")
class DiskContentCacheTest {
    private static final int BLOCK = 1024;
    private static final Instant MODIFIED = Instant.parse("2025-03-01T10:00:00Z");
    private static final CachedVersion V1 = new CachedVersion("bucket", "dir/file.bin", "etag-1", MODIFIED, 3000, null);
    /** A large object, for tests that need many blocks. */
    private static final CachedVersion BIG = new CachedVersion("bucket", "big.bin", "etag-big", MODIFIED, 1000L * BLOCK, null);

    private FileSystem fs;
    private Path root;
    private DiskContentCache cache;

    @BeforeEach
    void setUp() {
        fs = Jimfs.newFileSystem(Configuration.unix());
        root = fs.getPath("/cache");
        cache = DiskContentCache.open(root, 64 * BLOCK, BLOCK);
    }

    @AfterEach
    void tearDown() throws IOException {
        cache.close();
        fs.close();
    }

    private static byte[] block(long seed, int length) {
        byte[] b = new byte[length];
        new Random(seed).nextBytes(b);
        return b;
    }

    private List<Path> blockFiles() throws IOException {
        if (!Files.isDirectory(root.resolve("blocks"))) {
            return List.of();
        }
        try (Stream<Path> walk = Files.walk(root.resolve("blocks"))) {
            return walk.filter(Files::isRegularFile).toList();
        }
    }

    private long bytesOnDisk() throws IOException {
        long total = 0;
        for (Path p : blockFiles()) {
            total += Files.size(p);
        }
        return total;
    }

    private Path onlyFile() throws IOException {
        List<Path> files = blockFiles();
        assertEquals(1, files.size(), "one block file: " + files);
        return files.get(0);
    }

    private int read(CachedVersion v, long index, byte[] dst) {
        return cache.read(v.bucket(), v.key(), v.etag(), index, dst, 0);
    }

    @Nested
    @DisplayName("blocks")
    class Blocks {
        @Test
        @DisplayName("a written block reads back byte for byte, a short last block too")
        void roundTrip() {
            byte[] full = block(1, BLOCK);
            byte[] last = block(2, 3000 - 2 * BLOCK);
            cache.write(V1, 0, full, 0, BLOCK);
            cache.write(V1, 2, last, 0, last.length);
            byte[] dst = new byte[BLOCK];
            assertEquals(BLOCK, read(V1, 0, dst));
            assertArrayEquals(full, dst);
            assertEquals(last.length, read(V1, 2, dst));
            assertArrayEquals(last, Arrays.copyOf(dst, last.length));
            assertEquals(-1, read(V1, 1, dst), "never written");
        }

        @Test
        @DisplayName("writes from an offset of the source and reads to an offset of the destination")
        void offsets() {
            byte[] source = block(3, 3 * BLOCK);
            cache.write(V1, 1, source, BLOCK, BLOCK);
            byte[] dst = new byte[3 * BLOCK];
            assertEquals(BLOCK, cache.read(V1.bucket(), V1.key(), V1.etag(), 1, dst, 2 * BLOCK));
            assertArrayEquals(Arrays.copyOfRange(source, BLOCK, 2 * BLOCK), Arrays.copyOfRange(dst, 2 * BLOCK, 3 * BLOCK));
        }

        @Test
        @DisplayName("is keyed by version: another ETag of the same key misses")
        void byVersion() {
            cache.write(V1, 0, block(1, BLOCK), 0, BLOCK);
            byte[] dst = new byte[BLOCK];
            assertEquals(-1, cache.read(V1.bucket(), V1.key(), "etag-2", 0, dst, 0));
            assertEquals(-1, cache.read("other", V1.key(), V1.etag(), 0, dst, 0));
            assertTrue(cache.find(V1.bucket(), V1.key(), "etag-2").isEmpty());
        }

        @Test
        @DisplayName("find() describes a version by its first block: Last-Modified and size")
        void find() {
            assertTrue(cache.find(V1.bucket(), V1.key(), V1.etag()).isEmpty());
            cache.write(V1, 1, block(1, BLOCK), 0, BLOCK);
            assertTrue(cache.find(V1.bucket(), V1.key(), V1.etag()).isEmpty(), "only block 0 counts");
            cache.write(V1, 0, block(2, BLOCK), 0, BLOCK);
            assertEquals(V1, cache.find(V1.bucket(), V1.key(), V1.etag()).orElseThrow());
        }

        @Test
        @DisplayName("an unknown Last-Modified is kept as unknown")
        void noTime() {
            CachedVersion v = new CachedVersion("b", "k", "e", null, 10, null);
            cache.write(v, 0, new byte[10], 0, 10);
            assertEquals(v, cache.find("b", "k", "e").orElseThrow());
        }

        @Test
        @DisplayName("refuses a block whose length does not fit the object and the block size")
        void wrongLength() {
            org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                    () -> cache.write(V1, 1, new byte[BLOCK], 0, 500));
            org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                    () -> cache.write(V1, 3, new byte[BLOCK], 0, 10), "past the end");
        }

        @Test
        @DisplayName("rewriting a block replaces its file")
        void rewrite() throws IOException {
            cache.write(V1, 0, block(1, BLOCK), 0, BLOCK);
            cache.write(V1, 0, block(1, BLOCK), 0, BLOCK);
            onlyFile();
        }
    }

    @Nested
    @DisplayName("bounded")
    class Bounded {
        @Test
        @DisplayName("the files never exceed the size limit; evicted blocks are deleted and miss")
        void limit() throws IOException {
            for (int i = 0; i < 200; i++) {
                cache.write(BIG, i, block(i, BLOCK), 0, BLOCK);
                assertTrue(bytesOnDisk() <= 64 * BLOCK, "after block " + i + ": " + bytesOnDisk() + " bytes on disk");
            }
            DiskContentCache.Stats stats = cache.stats();
            assertEquals(blockFiles().size(), stats.entries(), "index and folder agree");
            assertEquals(bytesOnDisk(), stats.bytes());
            assertTrue(stats.evictions() >= 200 - 64, "evicted: " + stats.evictions());
            int hits = 0;
            byte[] dst = new byte[BLOCK];
            for (int i = 0; i < 200; i++) {
                int n = read(BIG, i, dst);
                if (n >= 0) {
                    hits++;
                    assertArrayEquals(block(i, BLOCK), dst, "block " + i + " is intact");
                }
            }
            assertEquals(stats.entries(), hits);
        }

        @Test
        @DisplayName("recently written blocks are kept: the last one written always reads back")
        void recency() {
            byte[] dst = new byte[BLOCK];
            for (int i = 0; i < 200; i++) {
                cache.write(BIG, i, block(i, BLOCK), 0, BLOCK);
                assertEquals(BLOCK, read(BIG, i, dst), "block " + i + " just written");
            }
        }

        @Test
        @DisplayName("least recently used first: a block read again outlives blocks written after it")
        void lru() {
            byte[] dst = new byte[BLOCK];
            for (int i = 0; i < 40; i++) {
                cache.write(BIG, i, block(i, BLOCK), 0, BLOCK);
            }
            assertEquals(BLOCK, read(BIG, 0, dst), "block 0 is used again");
            for (int i = 40; i < 80; i++) {
                cache.write(BIG, i, block(i, BLOCK), 0, BLOCK);
            }
            assertEquals(BLOCK, read(BIG, 0, dst), "recently used: kept");
            assertArrayEquals(block(0, BLOCK), dst);
            assertEquals(-1, read(BIG, 1, dst), "written before block 0 was used, never used since: evicted");
            assertEquals(BLOCK, read(BIG, 79, dst), "the newest is kept");
        }

        @Test
        @DisplayName("a block larger than the whole cache is not kept")
        void tooLarge() throws IOException {
            DiskContentCache tiny = DiskContentCache.open(fs.getPath("/tiny"), 100, BLOCK);
            tiny.write(V1, 0, block(1, BLOCK), 0, BLOCK);
            assertEquals(-1, tiny.read(V1.bucket(), V1.key(), V1.etag(), 0, new byte[BLOCK], 0));
            tiny.close();
        }
    }

    @Nested
    @DisplayName("damaged or missing files are detected, dropped and miss (so the caller refetches)")
    class Damage {
        private final byte[] data = block(7, BLOCK);

        @BeforeEach
        void oneBlock() {
            cache.write(V1, 0, data, 0, BLOCK);
        }

        private void assertDropped(Path file) {
            assertEquals(-1, read(V1, 0, new byte[BLOCK]));
            assertFalse(Files.exists(file), "the damaged file is deleted");
            assertTrue(cache.find(V1.bucket(), V1.key(), V1.etag()).isEmpty(), "and forgotten");
            assertEquals(1, cache.stats().damaged());
            cache.write(V1, 0, data, 0, BLOCK);
            byte[] dst = new byte[BLOCK];
            assertEquals(BLOCK, read(V1, 0, dst), "a refetched block is cached again");
            assertArrayEquals(data, dst);
        }

        @Test
        @DisplayName("a flipped bit in the data (checksum)")
        void flippedBit() throws IOException {
            Path file = onlyFile();
            byte[] bytes = Files.readAllBytes(file);
            bytes[bytes.length - 100] ^= 0x10;
            Files.write(file, bytes);
            assertDropped(file);
        }

        @Test
        @DisplayName("a truncated file (length)")
        void truncated() throws IOException {
            Path file = onlyFile();
            byte[] bytes = Files.readAllBytes(file);
            Files.write(file, Arrays.copyOf(bytes, bytes.length - 10));
            assertDropped(file);
        }

        @Test
        @DisplayName("an empty file")
        void empty() throws IOException {
            Path file = onlyFile();
            Files.write(file, new byte[0]);
            assertDropped(file);
        }

        @Test
        @DisplayName("a file deleted behind the cache's back")
        void deleted() throws IOException {
            Path file = onlyFile();
            Files.delete(file);
            assertDropped(file);
        }

        @Test
        @DisplayName("another block's file in its place (header identity)")
        void otherBlock() throws IOException {
            Path file = onlyFile();
            CachedVersion other = new CachedVersion("bucket", "dir/file.bin", "etag-OTHER", MODIFIED, 3000, null);
            cache.write(other, 0, data, 0, BLOCK);
            Path otherFile = blockFiles().stream().filter(p -> !p.equals(file)).findFirst().orElseThrow();
            Files.copy(otherFile, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            assertDropped(file);
        }

        @Test
        @DisplayName("a read of a damaged block never puts wrong bytes where they could be used")
        void noWrongBytes() throws IOException {
            Path file = onlyFile();
            byte[] bytes = Files.readAllBytes(file);
            bytes[bytes.length - 5] ^= 0x01;
            Files.write(file, bytes);
            assertEquals(-1, read(V1, 0, new byte[BLOCK]), "-1, whatever the buffer now holds");
        }
    }

    @Nested
    @DisplayName("restart")
    class Restart {
        @Test
        @DisplayName("blocks written by one instance are found by the next one over the same folder")
        void survives() {
            byte[] a = block(1, BLOCK);
            byte[] b = block(2, 3000 - 2 * BLOCK);
            cache.write(V1, 0, a, 0, BLOCK);
            cache.write(V1, 2, b, 0, b.length);
            cache.close();
            cache = DiskContentCache.open(root, 64 * BLOCK, BLOCK);
            assertEquals(V1, cache.find(V1.bucket(), V1.key(), V1.etag()).orElseThrow());
            byte[] dst = new byte[BLOCK];
            assertEquals(BLOCK, read(V1, 0, dst));
            assertArrayEquals(a, dst);
            assertEquals(b.length, read(V1, 2, dst));
            assertArrayEquals(b, Arrays.copyOf(dst, b.length));
        }

        @Test
        @DisplayName("blocks written with another block size are not used: they cover other ranges")
        void otherBlockSize() throws IOException {
            cache.write(V1, 0, block(1, BLOCK), 0, BLOCK);
            cache.close();
            cache = DiskContentCache.open(root, 64 * BLOCK, BLOCK / 2);
            assertEquals(0, cache.stats().entries());
            assertTrue(blockFiles().isEmpty(), "removed at start");
            assertTrue(cache.find(V1.bucket(), V1.key(), V1.etag()).isEmpty());
        }

        @Test
        @DisplayName("recency survives: the block used last before a restart outlives older ones")
        void recencySurvives() throws Exception {
            for (int i = 0; i < 50; i++) {
                cache.write(BIG, i, block(i, BLOCK), 0, BLOCK);
            }
            Thread.sleep(20);
            assertEquals(BLOCK, read(BIG, 0, new byte[BLOCK]), "touches block 0's file");
            cache.close();
            cache = DiskContentCache.open(root, 10 * BLOCK, BLOCK);
            assertEquals(BLOCK, read(BIG, 0, new byte[BLOCK]), "kept: used last");
            assertEquals(-1, read(BIG, 1, new byte[BLOCK]), "evicted: older");
        }

        @Test
        @DisplayName("partial writes and files that do not parse are removed at start")
        void cleansUp() throws IOException {
            cache.write(V1, 0, block(1, BLOCK), 0, BLOCK);
            cache.close();
            Files.createDirectories(root.resolve("tmp"));
            Files.write(root.resolve("tmp/abc.tmp"), new byte[100]);
            Files.createDirectories(root.resolve("blocks/00"));
            Path garbage = root.resolve("blocks/00/0000.1.blk");
            Files.write(garbage, "not a block".getBytes());
            Path cut = onlyFileExcept(garbage);
            byte[] bytes = Files.readAllBytes(cut);
            Path truncatedCopy = cut.resolveSibling(cut.getFileName().toString().replace(".blk", "9.blk"));
            Files.write(truncatedCopy, Arrays.copyOf(bytes, bytes.length - 1));

            cache = DiskContentCache.open(root, 64 * BLOCK, BLOCK);
            assertFalse(Files.exists(root.resolve("tmp/abc.tmp")));
            assertFalse(Files.exists(garbage));
            assertFalse(Files.exists(truncatedCopy));
            assertEquals(1, cache.stats().entries());
            assertEquals(BLOCK, read(V1, 0, new byte[BLOCK]));
        }

        private Path onlyFileExcept(Path excluded) throws IOException {
            return blockFiles().stream().filter(p -> !p.equals(excluded)).findFirst().orElseThrow();
        }

        @Test
        @DisplayName("a smaller limit at restart evicts down to it")
        void shrinks() throws IOException {
            for (int i = 0; i < 60; i++) {
                cache.write(BIG, i, block(i, BLOCK), 0, BLOCK);
            }
            cache.close();
            cache = DiskContentCache.open(root, 10 * BLOCK, BLOCK);
            assertTrue(bytesOnDisk() <= 10 * BLOCK, bytesOnDisk() + " bytes on disk");
            assertEquals(blockFiles().size(), cache.stats().entries());
        }

        @Test
        @DisplayName("of two copies of one block (a crash between write and cleanup) the newer is kept")
        void duplicates() throws IOException {
            cache.write(V1, 0, block(1, BLOCK), 0, BLOCK);
            Path file = onlyFile();
            cache.close();
            Path copy = file.resolveSibling(file.getFileName().toString().replace(".blk", "0.blk"));
            Files.copy(file, copy);
            Files.setLastModifiedTime(copy, java.nio.file.attribute.FileTime.from(Instant.now().plusSeconds(60)));
            cache = DiskContentCache.open(root, 64 * BLOCK, BLOCK);
            assertEquals(copy, onlyFile());
            assertEquals(BLOCK, read(V1, 0, new byte[BLOCK]));
        }
    }

    @Nested
    @DisplayName("concurrency")
    class Concurrency {
        @Test
        @DisplayName("readers of one block see it whole or not at all while it is rewritten and evicted")
        void readersAndWriters() throws Exception {
            byte[] data = block(5, BLOCK);
            cache.write(V1, 0, data, 0, BLOCK);
            ExecutorService pool = Executors.newFixedThreadPool(10);
            AtomicBoolean stop = new AtomicBoolean();
            CountDownLatch go = new CountDownLatch(1);
            List<Future<int[]>> readers = new ArrayList<>();
            try {
                for (int t = 0; t < 8; t++) {
                    readers.add(pool.submit(() -> {
                        go.await();
                        int hits = 0;
                        int misses = 0;
                        byte[] dst = new byte[BLOCK];
                        for (int i = 0; i < 2000; i++) {
                            int n = read(V1, 0, dst);
                            if (n == BLOCK) {
                                assertArrayEquals(data, dst);
                                hits++;
                            } else {
                                assertEquals(-1, n);
                                misses++;
                            }
                        }
                        return new int[] {hits, misses};
                    }));
                }
                Future<?> writer = pool.submit(() -> {
                    go.await();
                    int i = 1;
                    while (!stop.get()) {
                        cache.write(V1, 0, data, 0, BLOCK); // the same block again
                        cache.write(BIG, i++ % 500 + 1, block(i, BLOCK), 0, BLOCK); // pressure: evictions
                    }
                    return null;
                });
                go.countDown();
                int hits = 0;
                for (Future<int[]> r : readers) {
                    hits += r.get(60, TimeUnit.SECONDS)[0];
                }
                stop.set(true);
                writer.get(60, TimeUnit.SECONDS);
                assertTrue(hits > 0, "readers did hit");
            } finally {
                stop.set(true);
                pool.shutdownNow();
            }
            assertTrue(bytesOnDisk() <= 64 * BLOCK);
            assertEquals(blockFiles().size(), cache.stats().entries(), "no orphan files and no dangling entries");
        }
    }

    @Nested
    @DisplayName("one folder, two mounts")
    class TwoMounts {
        @Test
        @DisplayName("a second mount of the same folder caches privately and removes that at close")
        void privateFolder(@TempDir Path dir) {
            DiskContentCache first = DiskContentCache.open(dir, 64 * BLOCK, BLOCK);
            DiskContentCache second = DiskContentCache.open(dir, 64 * BLOCK, BLOCK);
            try {
                assertNotEquals(first.root(), second.root());
                assertTrue(second.root().startsWith(dir));
                second.write(V1, 0, block(1, BLOCK), 0, BLOCK);
                assertEquals(BLOCK, second.read(V1.bucket(), V1.key(), V1.etag(), 0, new byte[BLOCK], 0));
                assertEquals(-1, first.read(V1.bucket(), V1.key(), V1.etag(), 0, new byte[BLOCK], 0));
            } finally {
                second.close();
                first.close();
            }
            assertFalse(Files.exists(second.root()), "the private folder is gone");
            DiskContentCache again = DiskContentCache.open(dir, 64 * BLOCK, BLOCK);
            assertEquals(dir, again.root(), "the folder is free again");
            again.close();
        }
    }
}
