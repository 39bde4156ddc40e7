package io.localstackmount.app.it;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.localstackmount.core.CountingObjectStore;
import io.localstackmount.core.DiskContentCache;
import io.localstackmount.core.FsConfig;
import io.localstackmount.s3proxy.S3ProxyServer;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The content cache and the request counts that prove it, on a real mount over S3Proxy. The mount
 * counts its own requests ({@link MountFixture#requests()}); S3Proxy's metrics say what reached the
 * server and with which status, which is how "304 with no body" is shown. One shared mount (policy
 * etag, TTL 60 s so that counts do not depend on timing, its own cache folder); tests that need
 * other settings mount their own.
 *
 * <pre>
 *   cache-&lt;n&gt;/    a fresh bucket per test, made through S3
 *     ...           objects put through S3 ("another client")
 *   tmp/cache/      the shared mount's content cache
 * </pre>
 */
@DisplayName("caching on a real mount")
class CachingIT {
    private static final Duration TTL = Duration.ofSeconds(60);
    private static final Pattern COUNT_LINE =
            Pattern.compile("^http_server_request_duration_seconds_count\\{([^}]*)}\\s+(\\S+)\\s*$", Pattern.MULTILINE);
    private static final AtomicInteger BUCKETS = new AtomicInteger();

    @TempDir
    static Path tmp;
    private static MountFixture fx;

    private String bucketName;
    private Path bucket;

    @BeforeAll
    static void mount() {
        fx = MountFixture.start(S3ProxyServer.builder().metrics().start(),
                b -> b.cacheDir(tmp.resolve("cache")).metadataTtl(TTL).negativeTtl(TTL));
    }

    @AfterAll
    static void unmount() {
        if (fx != null) {
            fx.close();
        }
    }

    @BeforeEach
    void freshBucket() {
        bucketName = "cache-" + BUCKETS.incrementAndGet();
        bucket = fx.bucket(bucketName);
    }

    private void put(String key, byte[] body) {
        fx.s3().put(bucketName, key, body, Map.of(), "application/octet-stream");
    }

    private void put(String key, String body) {
        put(key, body.getBytes(UTF_8));
    }

    private static byte[] random(int size, long seed) {
        byte[] b = new byte[size];
        new Random(seed).nextBytes(b);
        return b;
    }

    private static byte[] read(Path file) {
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** GetObject answers S3Proxy gave with {@code status} (any status when null), from its metrics. */
    private static long served(MountFixture mount, String status) {
        long total = 0;
        Matcher m = COUNT_LINE.matcher(mount.server().metricsText());
        while (m.find()) {
            String labels = m.group(1);
            if (labels.contains("s3_operation=\"GetObject\"")
                    && (status == null || labels.contains("http_response_status_code=\"" + status + "\""))) {
                total += (long) Double.parseDouble(m.group(2));
            }
        }
        return total;
    }

    private static void putMany(MountFixture mount, String bucketName, String folder, int count) {
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<?>> puts = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                String key = String.format("%s/f%04d.txt", folder, i);
                puts.add(pool.submit(() -> mount.s3().put(bucketName, key, key.getBytes(UTF_8), Map.of(), "text/plain")));
            }
            for (Future<?> f : puts) {
                f.get();
            }
        } catch (Exception e) {
            throw new IllegalStateException(e);
        } finally {
            pool.shutdownNow();
        }
    }

    private static List<Path> blockFiles(Path cacheDir) {
        if (!Files.isDirectory(cacheDir.resolve("blocks"))) {
            return List.of();
        }
        try (Stream<Path> walk = Files.walk(cacheDir.resolve("blocks"))) {
            return walk.filter(p -> p.toString().endsWith(".blk")).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A mount of its own, for tests that need other settings; the server has metrics. */
    private static MountFixture mountWith(S3ProxyServer server, Consumer<FsConfig.Builder> settings) {
        return MountFixture.start(server, settings);
    }

    @Nested
    @DisplayName("request counts")
    class RequestCounts {
        @Test
        @DisplayName("ls -l of a 1,000-object folder: its listing and a HEAD per object once, then its listing alone")
        void lsOfThousand() {
            putMany(fx, bucketName, "many", 1_000);
            MountFixture.run(bucket, "stat", "many");
            fx.requests().reset();
            String out = MountFixture.run(bucket, "ls", "-l", "many");
            assertEquals(1_000, out.lines().filter(l -> l.contains("f0")).count(), "every entry listed");
            CountingObjectStore r = fx.requests();
            assertEquals(1_000, r.count("head"), "the metadata of every object, once: " + r.counts());
            fx.requests().reset();
            MountFixture.run(bucket, "ls", "-l", "many");
            assertEquals(r.count("listPage"), r.total(), "only listing pages: " + r.counts());
            assertTrue(r.count("listPage") <= 2, "1,000 keys are one page (two if the server marks it truncated): " + r.counts());
        }

        @Test
        @DisplayName("the second cat of an unchanged file is one conditional GET, answered 304 with no body")
        void secondCat() {
            put("notes.txt", "hello from S3\n");
            assertEquals("hello from S3\n", MountFixture.run(bucket, "cat", "notes.txt"));
            fx.requests().reset();
            long getsBefore = served(fx, null);
            long notModifiedBefore = served(fx, "304");

            assertEquals("hello from S3\n", MountFixture.run(bucket, "cat", "notes.txt"));

            CountingObjectStore r = fx.requests();
            assertEquals(Map.of("get", 1L), r.counts(), "one request, the open's GET");
            assertEquals(1, r.notModified(), "answered 304");
            assertEquals(0, r.bytesRead(), "no body");
            assertEquals(getsBefore + 1, served(fx, null), "S3Proxy saw one GetObject");
            assertEquals(notModifiedBefore + 1, served(fx, "304"), "and answered it 304");
        }

        @Test
        @DisplayName("100 probes of a missing .git cost at most one request")
        void gitProbes() {
            put("repo/README.md", "readme");
            put("repo/src/main.c", "int main;");
            MountFixture.run(bucket, "stat", "repo");
            fx.requests().reset();
            Path git = bucket.resolve("repo/.git");
            for (int i = 0; i < 100; i++) {
                assertFalse(Files.exists(git));
            }
            assertTrue(fx.requests().total() <= 1, fx.requests().counts().toString());
        }

        @Test
        @DisplayName("in a folder larger than one page, 100 probes cost the first page and one LIST of the name")
        void gitProbesLargeFolder() {
            putMany(fx, bucketName, "big", 1_001);
            MountFixture.run(bucket, "stat", "big");
            fx.requests().reset();
            Path git = bucket.resolve("big/.git");
            for (int i = 0; i < 100; i++) {
                assertFalse(Files.exists(git));
            }
            CountingObjectStore r = fx.requests();
            assertEquals(r.count("listPage"), r.total(), "no HEAD: " + r.counts());
            assertTrue(r.total() <= 2, r.counts().toString());
        }

        @Test
        @DisplayName("stat of bucket/a/b/c/file after ls -l bucket/a/b/c costs no request")
        void statAfterListing() {
            put("a/b/c/file", "deep");
            put("a/b/c/other", "deeper");
            MountFixture.run(bucket, "ls", "-l", "a/b/c");
            fx.requests().reset();
            String out = MountFixture.run(bucket, "stat", "-c", "%s %F", "a/b/c/file");
            assertEquals("4 regular file", out.trim());
            assertEquals(0, fx.requests().total(), fx.requests().counts().toString());
        }

        @Test
        @DisplayName("head -c 4096 of a 1 GiB object reads one block, not the object")
        void headOfHuge(@TempDir Path local) throws IOException {
            Path huge = local.resolve("huge.bin");
            byte[] start = random(4096, 42);
            try (RandomAccessFile f = new RandomAccessFile(huge.toFile(), "rw")) {
                f.write(start);
                f.setLength(1L << 30);
            }
            fx.s3().upload(bucketName, "huge.bin", huge, Map.of(), "application/octet-stream");
            Files.delete(huge);
            MountFixture.run(bucket, "stat", "huge.bin");
            fx.requests().reset();
            byte[] got;
            try (var in = Files.newInputStream(bucket.resolve("huge.bin"))) {
                got = in.readNBytes(4096);
            }
            assertArrayEquals(start, got);
            CountingObjectStore r = fx.requests();
            assertTrue(r.bytesRead() <= (1 << 20), "at most one 1 MiB block: " + r.bytesRead() + " bytes, " + r.counts());
            assertTrue(r.total() <= 2, r.counts().toString());
        }
    }

    @Nested
    @DisplayName("close-to-open")
    class CloseToOpen {
        @Test
        @DisplayName("a file another client changed is seen at the next open, long before the TTL")
        void seenAtNextOpen() {
            put("config.json", "{\"v\": 1}");
            assertEquals("{\"v\": 1}", MountFixture.run(bucket, "cat", "config.json"));
            put("config.json", "{\"v\": 2}"); // same size: the attributes cached for 60 s still fit
            fx.requests().reset();
            assertEquals("{\"v\": 2}", MountFixture.run(bucket, "cat", "config.json"));
            assertEquals(1, fx.requests().count("get"), "one GET: the open's revalidation brought the new body");
            assertEquals(0, fx.requests().notModified());
        }

        @Test
        @DisplayName("attributes stay as cached until the TTL: stat shows the old size")
        void attributesStale() {
            put("grows.txt", "short");
            assertEquals("5", MountFixture.run(bucket, "stat", "-c", "%s", "grows.txt").trim());
            put("grows.txt", "much longer now");
            assertEquals("5", MountFixture.run(bucket, "stat", "-c", "%s", "grows.txt").trim(),
                    "within the 60 s TTL the cached size stands");
        }

        @Test
        @DisplayName("with --ttl 0 a change of size is seen at once, by stat and by cat")
        void ttlZero(@TempDir Path dir) throws Exception {
            try (MountFixture zero = mountWith(S3ProxyServer.start(),
                    b -> b.cacheDir(dir.resolve("cache")).metadataTtl(Duration.ZERO).negativeTtl(Duration.ZERO))) {
                Path b = zero.bucket("zero");
                zero.s3().put("zero", "grows.txt", "short".getBytes(UTF_8), Map.of(), "text/plain");
                assertEquals("short", MountFixture.run(b, "cat", "grows.txt"));
                zero.s3().put("zero", "grows.txt", "much longer now".getBytes(UTF_8), Map.of(), "text/plain");
                Thread.sleep(1_100); // the kernel's own attribute cache (1 s in the fixture)
                assertEquals("15", MountFixture.run(b, "stat", "-c", "%s", "grows.txt").trim());
                assertEquals("much longer now", MountFixture.run(b, "cat", "grows.txt"));
            }
        }

        @Test
        @DisplayName("a file deleted by another client fails the next open (ENOENT), however long the TTL")
        void deleted() {
            put("gone.txt", "here");
            assertEquals("here", MountFixture.run(bucket, "cat", "gone.txt"));
            fx.s3().delete(bucketName, "gone.txt");
            MountFixture.Result r = MountFixture.runAllowingFailure(bucket, "cat", "gone.txt");
            assertTrue(r.exitCode() != 0 && r.output().contains("No such file"), r.output());
        }
    }

    @Nested
    @DisplayName("disk cache")
    class DiskCache {
        @Test
        @DisplayName("survives a remount: an unchanged file costs a 304; a changed one is never served from it")
        void survivesRestart(@TempDir Path dir) {
            Path data = dir.resolve("s3");
            Path cache = dir.resolve("cache");
            byte[] body = random(3 * (1 << 20) + 100, 1);
            try (MountFixture first = mountWith(S3ProxyServer.builder().filesystem(data).metrics().start(), b -> b.cacheDir(cache))) {
                Path b = first.bucket("persist");
                first.s3().put("persist", "data.bin", body, Map.of(), "application/octet-stream");
                first.s3().put("persist", "changes.txt", "before".getBytes(UTF_8), Map.of(), "text/plain");
                assertArrayEquals(body, read(b.resolve("data.bin")));
                assertEquals("before", new String(read(b.resolve("changes.txt")), UTF_8));
            }
            assertTrue(blockFiles(cache).size() >= 5, "4 blocks of data.bin and 1 of changes.txt stay on disk");
            try (MountFixture second = mountWith(S3ProxyServer.builder().filesystem(data).metrics().start(), b -> b.cacheDir(cache))) {
                Path b = second.root().resolve("persist");
                second.s3().put("persist", "changes.txt", "after!".getBytes(UTF_8), Map.of(), "text/plain");
                MountFixture.run(b, "stat", "data.bin", "changes.txt");
                second.requests().reset();
                long before304 = served(second, "304");

                assertArrayEquals(body, read(b.resolve("data.bin")));
                assertEquals(Map.of("get", 1L), second.requests().counts());
                assertEquals(1, second.requests().notModified());
                assertEquals(0, second.requests().bytesRead(), "all 3 MiB came from the disk cache");
                assertEquals(before304 + 1, served(second, "304"));

                assertEquals("after!", new String(read(b.resolve("changes.txt")), UTF_8), "a new ETag: never the cached body");
                assertTrue(second.filesystem().contentCache().orElseThrow().stats().hits() >= 4);
            }
        }

        @Test
        @DisplayName("stays within its size limit")
        void bounded(@TempDir Path dir) throws IOException {
            Path cache = dir.resolve("cache");
            long limit = 4L << 20;
            try (MountFixture small = mountWith(S3ProxyServer.start(), b -> b.cacheDir(cache).cacheMaxBytes(limit))) {
                Path b = small.bucket("small");
                for (int i = 0; i < 5; i++) {
                    byte[] body = random(3 << 20, i);
                    small.s3().put("small", "f" + i, body, Map.of(), "application/octet-stream");
                    assertArrayEquals(body, read(b.resolve("f" + i)));
                    long onDisk = 0;
                    for (Path p : blockFiles(cache)) {
                        onDisk += Files.size(p);
                    }
                    assertTrue(onDisk <= limit, "after file " + i + ": " + onDisk + " bytes cached");
                }
                DiskContentCache.Stats stats = small.filesystem().contentCache().orElseThrow().stats();
                assertTrue(stats.evictions() > 0, stats.toString());
            }
        }

        @Test
        @DisplayName("a damaged block file is detected and fetched again")
        void damaged() throws IOException {
            byte[] body = random(100_000, 7);
            put("fragile.bin", body);
            assertArrayEquals(body, read(bucket.resolve("fragile.bin")));
            Path cacheRoot = fx.filesystem().contentCache().orElseThrow().root();
            long damagedBefore = fx.filesystem().contentCache().orElseThrow().stats().damaged();
            boolean flipped = false;
            for (Path file : blockFiles(cacheRoot)) {
                byte[] bytes = Files.readAllBytes(file);
                if (bytes.length > 100_000 && new String(bytes, UTF_8).contains("fragile.bin")) {
                    bytes[bytes.length - 1000] ^= 0x40;
                    Files.write(file, bytes);
                    flipped = true;
                }
            }
            assertTrue(flipped, "found the block file");
            fx.requests().reset();
            assertArrayEquals(body, read(bucket.resolve("fragile.bin")));
            assertEquals(damagedBefore + 1, fx.filesystem().contentCache().orElseThrow().stats().damaged());
            assertEquals(2, fx.requests().count("get"), "the 304, then the refetch: " + fx.requests().counts());
            assertEquals(body.length, fx.requests().bytesRead());
        }
    }

    @Nested
    @DisplayName("policies")
    class Policies {
        @Test
        @DisplayName("none: every open reads from S3 again, and no content is cached")
        void none(@TempDir Path dir) {
            Path cache = dir.resolve("cache");
            try (MountFixture plain = mountWith(S3ProxyServer.start(), b -> b.cachePolicy("none").cacheDir(cache))) {
                Path b = plain.bucket("plain");
                plain.s3().put("plain", "a.txt", "plain text".getBytes(UTF_8), Map.of(), "text/plain");
                assertEquals("plain text", MountFixture.run(b, "cat", "a.txt"));
                plain.requests().reset();
                assertEquals("plain text", MountFixture.run(b, "cat", "a.txt"));
                assertEquals(Map.of("read", 1L), plain.requests().counts());
                assertEquals(10, plain.requests().bytesRead());
                assertTrue(plain.filesystem().contentCache().isEmpty());
            }
            assertFalse(Files.exists(cache.resolve("blocks")), "none caches no content (the folder keeps only metadata)");
        }

        @Test
        @DisplayName("if-modified-since: correct on S3Proxy; 304 once S3Proxy's mtimes have S3's whole seconds")
        void ifModifiedSince(@TempDir Path dir) throws Exception {
            Path data = dir.resolve("s3");
            try (MountFixture ims = mountWith(S3ProxyServer.builder().filesystem(data).metrics().start(),
                    b -> b.cachePolicy("if-modified-since").cacheDir(dir.resolve("cache")))) {
                Path b = ims.bucket("ims");
                ims.s3().put("ims", "t.txt", "one".getBytes(UTF_8), Map.of(), "text/plain");
                assertEquals("one", MountFixture.run(b, "cat", "t.txt"));

                // S3Proxy compares milliseconds: its answer to If-Modified-Since: <Last-Modified> is 200.
                ims.requests().reset();
                assertEquals("one", MountFixture.run(b, "cat", "t.txt"));
                assertEquals(0, ims.requests().notModified(), "S3Proxy deviation: 200, not 304");
                assertEquals(3, ims.requests().bytesRead());

                // Give the stored object a whole-second mtime, as S3 has: now it answers 304.
                Path stored = data.resolve("ims").resolve("t.txt");
                assertTrue(Files.exists(stored), "S3Proxy's filesystem store keeps objects as files: " + stored);
                Instant mtime = Files.getLastModifiedTime(stored).toInstant();
                Files.setLastModifiedTime(stored, FileTime.from(Instant.ofEpochSecond(mtime.getEpochSecond())));
                ims.requests().reset();
                long before304 = served(ims, "304");
                assertEquals("one", MountFixture.run(b, "cat", "t.txt"));
                assertEquals(1, ims.requests().notModified(), ims.requests().counts().toString());
                assertEquals(0, ims.requests().bytesRead());
                assertEquals(before304 + 1, served(ims, "304"));
            }
        }

        @Test
        @DisplayName("an unknown policy name stops the mount and lists the policies found")
        void unknown(@TempDir Path dir) {
            S3ProxyServer server = S3ProxyServer.start();
            try {
                IllegalStateException e = assertThrows(IllegalStateException.class,
                        () -> MountFixture.start(server, b -> b.cachePolicy("lru").cacheDir(dir.resolve("cache"))));
                assertTrue(e.getMessage().contains("'lru'"), e.getMessage());
                for (String name : List.of("none", "etag", "if-modified-since")) {
                    assertTrue(e.getMessage().contains(name), e.getMessage());
                }
            } finally {
                server.close();
            }
        }
    }
}
