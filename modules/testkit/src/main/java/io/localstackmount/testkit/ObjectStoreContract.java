package io.localstackmount.testkit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.localstackmount.api.Errno;
import io.localstackmount.api.FsException;
import io.localstackmount.api.ListPage;
import io.localstackmount.api.Listing;
import io.localstackmount.api.ObjectInfo;
import io.localstackmount.api.ObjectStore;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;

/**
 * The behaviour every {@link ObjectStore} must show, whatever the backend: subclasses say which
 * store to test (S3Proxy in-process here; an in-memory fake or LocalStack elsewhere). Each test
 * gets a fresh bucket, so one server serves the whole class.
 */
public abstract class ObjectStoreContract {

    /** For the test classes that run the contract on one store each. */
    protected ObjectStoreContract() {
    }
    private static final AtomicInteger BUCKETS = new AtomicInteger();

    /** The store under test; the same instance for every test of the class. */
    protected abstract ObjectStore store();

    /**
     * Keys to create for the pagination test: one full page of 1,000 and a partial second page
     * prove the loop; more only costs time (about 7 ms per PUT on S3Proxy on a 2-CPU machine).
     */
    protected int paginationKeys() {
        return 1_200;
    }

    protected String bucket;

    @TempDir
    protected Path tmp;

    @BeforeEach
    void freshBucket() {
        bucket = "contract-" + ProcessHandle.current().pid() + "-" + BUCKETS.incrementAndGet();
        store().createBucket(bucket);
    }

    @Nested
    @DisplayName("buckets")
    class Buckets {
        @Test
        @DisplayName("create, list, exists, delete")
        void lifecycle() {
            String name = bucket + "-b";
            assertFalse(store().bucketExists(name));
            store().createBucket(name);
            assertTrue(store().bucketExists(name));
            assertTrue(store().listBuckets().contains(name), "listBuckets shows the new bucket");
            store().deleteBucket(name);
            assertFalse(store().bucketExists(name));
            assertFalse(store().listBuckets().contains(name));
        }

        @Test
        @DisplayName("creating a bucket we already own is not an error")
        void createTwice() {
            store().createBucket(bucket);
            assertTrue(store().bucketExists(bucket));
        }

        @Test
        @DisplayName("deleting a bucket with objects is ENOTEMPTY")
        void deleteNotEmpty() {
            store().put(bucket, "x", bytes("x"), Map.of(), null);
            assertErrno(Errno.ENOTEMPTY, () -> store().deleteBucket(bucket));
            assertTrue(store().bucketExists(bucket));
        }

        @Test
        @DisplayName("deleting a missing bucket is ENOENT")
        void deleteMissing() {
            assertErrno(Errno.ENOENT, () -> store().deleteBucket(bucket + "-missing"));
        }
    }

    @Nested
    @DisplayName("put and head")
    class PutHead {
        @Test
        @DisplayName("head returns size, ETag without quotes, lower-case metadata and content type")
        void putThenHead() {
            ObjectInfo put = store().put(bucket, "dir/file.txt", bytes("hello"), Map.of("Mode", "0644", "uid", "1000"), "text/plain");
            assertEquals(5, put.size());
            assertNotNull(put.etag());
            assertFalse(put.etag().contains("\""), "no quotes in " + put.etag());

            ObjectInfo head = store().head(bucket, "dir/file.txt").orElseThrow();
            assertEquals("dir/file.txt", head.key());
            assertEquals(5, head.size());
            assertEquals(put.etag(), head.etag());
            assertEquals(Map.of("mode", "0644", "uid", "1000"), head.metadata());
            assertTrue(head.contentType().startsWith("text/plain"), head.contentType());
            assertNotNull(head.lastModified());
        }

        @Test
        @DisplayName("head of a missing key, or in a missing bucket, is empty")
        void headMissing() {
            assertEquals(Optional.empty(), store().head(bucket, "nothing-here"));
            assertEquals(Optional.empty(), store().head(bucket + "-missing", "nothing-here"));
        }

        @Test
        @DisplayName("put replaces the whole object")
        void overwrite() {
            store().put(bucket, "k", bytes("first version"), Map.of("a", "1"), null);
            ObjectInfo second = store().put(bucket, "k", bytes("2nd"), Map.of(), null);
            ObjectInfo head = store().head(bucket, "k").orElseThrow();
            assertEquals(3, head.size());
            assertEquals(second.etag(), head.etag());
            assertEquals(Map.of(), head.metadata());
        }

        @Test
        @DisplayName("put into a missing bucket is ENOENT")
        void putMissingBucket() {
            assertErrno(Errno.ENOENT, () -> store().put(bucket + "-missing", "k", bytes("x"), Map.of(), null));
        }
    }

    @Nested
    @DisplayName("read")
    class Read {
        private final byte[] data = random(1000, 1);

        @BeforeEach
        void object() {
            store().put(bucket, "data.bin", data, Map.of(), null);
        }

        @Test
        @DisplayName("ranges at the start, in the middle, into a buffer offset")
        void ranges() {
            byte[] dst = new byte[200];
            assertEquals(100, store().read(bucket, "data.bin", 0, dst, 0, 100));
            assertArrayEquals(Arrays.copyOfRange(data, 0, 100), Arrays.copyOfRange(dst, 0, 100));
            assertEquals(100, store().read(bucket, "data.bin", 500, dst, 50, 100));
            assertArrayEquals(Arrays.copyOfRange(data, 500, 600), Arrays.copyOfRange(dst, 50, 150));
        }

        @Test
        @DisplayName("a range over the end returns the bytes that exist")
        void overTheEnd() {
            byte[] dst = new byte[100];
            assertEquals(50, store().read(bucket, "data.bin", 950, dst, 0, 100));
            assertArrayEquals(Arrays.copyOfRange(data, 950, 1000), Arrays.copyOfRange(dst, 0, 50));
        }

        @Test
        @DisplayName("at or past the end reads 0 bytes")
        void pastTheEnd() {
            byte[] dst = new byte[10];
            assertEquals(0, store().read(bucket, "data.bin", 1000, dst, 0, 10));
            assertEquals(0, store().read(bucket, "data.bin", 5000, dst, 0, 10));
        }

        @Test
        @DisplayName("a 0-byte object reads 0 bytes")
        void emptyObject() {
            store().put(bucket, "empty", new byte[0], Map.of(), null);
            assertEquals(0, store().head(bucket, "empty").orElseThrow().size());
            assertEquals(0, store().read(bucket, "empty", 0, new byte[10], 0, 10));
        }

        @Test
        @DisplayName("a missing key or bucket is ENOENT")
        void missing() {
            assertErrno(Errno.ENOENT, () -> store().read(bucket, "nothing-here", 0, new byte[10], 0, 10));
            assertErrno(Errno.ENOENT, () -> store().read(bucket + "-missing", "k", 0, new byte[10], 0, 10));
        }
    }

    @Nested
    @DisplayName("upload and download")
    class Transfers {
        @Test
        @DisplayName("a 20 MiB file round-trips byte-exact")
        void bigRoundTrip() throws IOException {
            byte[] data = random(20 * 1024 * 1024, 2);
            Path source = tmp.resolve("source.bin");
            Files.write(source, data);
            ObjectInfo up = store().upload(bucket, "big/file.bin", source, Map.of("mode", "0600"), "application/x-test");
            assertEquals(data.length, up.size());
            assertNotNull(up.etag());

            ObjectInfo head = store().head(bucket, "big/file.bin").orElseThrow();
            assertEquals(data.length, head.size());
            assertEquals(up.etag(), head.etag());
            assertEquals("0600", head.metadata().get("mode"));
            assertEquals("application/x-test", head.contentType());

            Path target = tmp.resolve("target.bin");
            ObjectInfo down = store().download(bucket, "big/file.bin", target);
            assertEquals(data.length, down.size());
            assertEquals(-1, Files.mismatch(source, target), "downloaded bytes differ from the upload");

            byte[] middle = new byte[1 << 20];
            assertEquals(middle.length, store().read(bucket, "big/file.bin", 10_000_000, middle, 0, middle.length));
            assertArrayEquals(Arrays.copyOfRange(data, 10_000_000, 10_000_000 + middle.length), middle);
        }

        @Test
        @DisplayName("a ranged download writes the range at its own offset of the target, only while the ETag matches")
        void downloadRange() throws IOException {
            byte[] body = random(300_000, 3);
            ObjectInfo info = store().put(bucket, "k", body, Map.of(), null);
            Path target = tmp.resolve("sparse.bin");
            try (FileChannel ch = FileChannel.open(target, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
                store().downloadRange(bucket, "k", info.etag(), 100_000, 150_000, ch);
                assertEquals(250_000, ch.size());
                ByteBuffer got = ByteBuffer.allocate(150_000);
                ch.read(got, 100_000);
                assertArrayEquals(Arrays.copyOfRange(body, 100_000, 250_000), got.array());
                assertErrno(Errno.EIO, () -> store().downloadRange(bucket, "k", "0123456789abcdef0123456789abcdef", 0, 10, ch));
                assertErrno(Errno.ENOENT, () -> store().downloadRange(bucket, "gone", info.etag(), 0, 10, ch));
            }
        }

        @Test
        @DisplayName("download replaces an existing file")
        void downloadReplaces() throws IOException {
            store().put(bucket, "k", bytes("new content"), Map.of(), null);
            Path target = tmp.resolve("existing.txt");
            Files.writeString(target, "old content that is longer");
            store().download(bucket, "k", target);
            assertEquals("new content", Files.readString(target));
        }

        @Test
        @DisplayName("a 0-byte file uploads and downloads")
        void emptyFile() throws IOException {
            Path source = Files.createFile(tmp.resolve("empty"));
            assertEquals(0, store().upload(bucket, "empty", source, Map.of(), null).size());
            Path target = tmp.resolve("empty-down");
            assertEquals(0, store().download(bucket, "empty", target).size());
            assertEquals(0, Files.size(target));
        }

        @Test
        @DisplayName("downloading a missing key is ENOENT and leaves the target alone")
        void downloadMissing() throws IOException {
            Path target = tmp.resolve("keep.txt");
            Files.writeString(target, "keep");
            assertErrno(Errno.ENOENT, () -> store().download(bucket, "nothing-here", target));
            assertEquals("keep", Files.readString(target));
            try (var files = Files.list(tmp)) {
                assertEquals(List.of(target), files.collect(Collectors.toList()), "no partial file left behind");
            }
        }
    }

    @Nested
    @DisplayName("copy and delete")
    class CopyDelete {
        @Test
        @DisplayName("copy without metadata keeps metadata and content type")
        void copyKeeps() {
            ObjectInfo src = store().put(bucket, "src", bytes("payload"), Map.of("mode", "0640"), "text/x-src");
            ObjectInfo copy = store().copy(bucket, "src", bucket, "dst", null);
            assertEquals("dst", copy.key());
            assertEquals(7, copy.size());
            assertEquals(src.etag(), copy.etag(), "a single-part copy keeps the MD5 ETag");
            ObjectInfo head = store().head(bucket, "dst").orElseThrow();
            assertEquals(Map.of("mode", "0640"), head.metadata());
            assertTrue(head.contentType().startsWith("text/x-src"), head.contentType());
            assertEquals(copy.etag(), head.etag());
        }

        @Test
        @DisplayName("copy with metadata replaces it and keeps the content type")
        void copyReplaces() {
            store().put(bucket, "src", bytes("payload"), Map.of("mode", "0640", "uid", "1"), "text/x-src");
            ObjectInfo copy = store().copy(bucket, "src", bucket, "dst", Map.of("mode", "0600"));
            assertEquals(Map.of("mode", "0600"), copy.metadata());
            ObjectInfo head = store().head(bucket, "dst").orElseThrow();
            assertEquals(Map.of("mode", "0600"), head.metadata());
            assertTrue(head.contentType().startsWith("text/x-src"), head.contentType());
            byte[] dst = new byte[7];
            assertEquals(7, store().read(bucket, "dst", 0, dst, 0, 7));
            assertEquals("payload", new String(dst, StandardCharsets.UTF_8));
        }

        @Test
        @DisplayName("copy onto itself with new metadata (what chmod does)")
        void copyInPlace() {
            store().put(bucket, "f", bytes("payload"), Map.of("mode", "0644"), "text/plain");
            store().copy(bucket, "f", bucket, "f", Map.of("mode", "0755"));
            assertEquals(Map.of("mode", "0755"), store().head(bucket, "f").orElseThrow().metadata());
        }

        @Test
        @DisplayName("UploadPartCopy copies byte ranges of a source into a multipart upload, only while its ETag matches")
        void partCopy() {
            byte[] body = random(6 * 1024 * 1024 + 10, 7);
            ObjectInfo src = store().put(bucket, "src", body, Map.of(), "application/octet-stream");
            String upload = store().startMultipart(bucket, "dst", Map.of("mode", "0600"), "text/x-dst");
            long split = 5L * 1024 * 1024;
            String one = store().uploadPartCopy(bucket, "dst", upload, 1, bucket, "src", src.etag(), 0, split);
            String two = store().uploadPartCopy(bucket, "dst", upload, 2, bucket, "src", src.etag(), split, body.length - split);
            store().completeMultipart(bucket, "dst", upload, List.of(one, two));
            byte[] back = new byte[body.length];
            assertEquals(body.length, store().read(bucket, "dst", 0, back, 0, body.length));
            assertArrayEquals(body, back);
            assertEquals(Map.of("mode", "0600"), store().head(bucket, "dst").orElseThrow().metadata());

            String stale = store().startMultipart(bucket, "dst2", Map.of(), null);
            assertErrno(Errno.EIO, () -> store().uploadPartCopy(bucket, "dst2", stale, 1, bucket, "src", "0123456789abcdef0123456789abcdef", 0, 10));
            store().abortMultipart(bucket, "dst2", stale);
        }

        @Test
        @DisplayName("copying a missing key is ENOENT")
        void copyMissing() {
            assertErrno(Errno.ENOENT, () -> store().copy(bucket, "nothing-here", bucket, "dst", null));
        }

        @Test
        @DisplayName("delete removes; deleting a missing key is fine")
        void delete() {
            store().put(bucket, "k", bytes("x"), Map.of(), null);
            store().delete(bucket, "k");
            assertEquals(Optional.empty(), store().head(bucket, "k"));
            store().delete(bucket, "k");
        }
    }

    /**
     * <pre>
     * bucket
     * ├── a.txt
     * ├── dir/            folder marker "dir/"
     * │   ├── x
     * │   └── sub/
     * │       └── y
     * └── other/          no marker
     *     └── z
     * </pre>
     */
    @Nested
    @DisplayName("listing")
    class Listings {
        @BeforeEach
        void tree() {
            for (String key : List.of("a.txt", "dir/", "dir/x", "dir/sub/y", "other/z")) {
                store().put(bucket, key, key.endsWith("/") ? new byte[0] : bytes(key), Map.of(), null);
            }
        }

        @Test
        @DisplayName("the bucket root: files and common prefixes, no metadata")
        void root() {
            Listing l = store().list(bucket, "");
            assertEquals(List.of("a.txt"), keys(l.objects()));
            assertEquals(List.of("dir/", "other/"), sorted(l.commonPrefixes()));
            ObjectInfo a = l.objects().get(0);
            assertNull(a.metadata(), "listings carry no metadata");
            assertFalse(a.metadataKnown());
            assertEquals(5, a.size());
            assertFalse(a.etag().contains("\""));
            assertNotNull(a.lastModified());
        }

        @Test
        @DisplayName("a folder with a marker lists the marker itself")
        void folderWithMarker() {
            Listing l = store().list(bucket, "dir/");
            assertEquals(List.of("dir/", "dir/x"), sorted(keys(l.objects())));
            assertEquals(List.of("dir/sub/"), l.commonPrefixes());
        }

        @Test
        @DisplayName("a folder without a marker")
        void folderWithoutMarker() {
            Listing l = store().list(bucket, "other/");
            assertEquals(List.of("other/z"), keys(l.objects()));
            assertTrue(l.commonPrefixes().isEmpty());
        }

        @Test
        @DisplayName("a prefix nothing is under lists empty")
        void empty() {
            assertTrue(store().list(bucket, "nothing/").isEmpty());
        }

        @Test
        @DisplayName("listing a missing bucket is ENOENT")
        void missingBucket() {
            assertErrno(Errno.ENOENT, () -> store().list(bucket + "-missing", ""));
        }
    }

    @Nested
    @DisplayName("pagination")
    class Pagination {
        @Test
        @DisplayName("more than 1,000 keys come back complete, 1,000 per page")
        void manyKeys() throws Exception {
            int n = paginationKeys();
            ExecutorService pool = Executors.newFixedThreadPool(8);
            try {
                List<Future<?>> puts = new ArrayList<>();
                for (int i = 0; i < n; i++) {
                    String key = String.format("many/k%05d", i);
                    puts.add(pool.submit(() -> store().put(bucket, key, new byte[0], Map.of(), null)));
                }
                for (Future<?> f : puts) {
                    f.get();
                }
            } finally {
                pool.shutdown();
            }
            ListPage first = store().listPage(bucket, "many/", null, 5_000);
            assertEquals(1_000, first.objects().size(), "a page holds at most 1,000 keys");
            assertNotNull(first.nextToken());

            Listing all = store().list(bucket, "many/");
            assertEquals(n, all.objects().size());
            assertEquals(n, all.objects().stream().map(ObjectInfo::key).distinct().count(), "no key twice");
        }
    }

    protected static void assertErrno(Errno expected, Executable action) {
        FsException e = assertThrows(FsException.class, action);
        assertEquals(expected, e.errno(), e.getMessage());
    }

    protected static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    protected static byte[] random(int size, long seed) {
        byte[] b = new byte[size];
        new Random(seed).nextBytes(b);
        return b;
    }

    private static List<String> keys(List<ObjectInfo> objects) {
        return objects.stream().map(ObjectInfo::key).collect(Collectors.toList());
    }

    private static List<String> sorted(List<String> list) {
        return list.stream().sorted().collect(Collectors.toList());
    }
}
