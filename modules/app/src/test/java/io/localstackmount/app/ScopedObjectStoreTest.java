package io.localstackmount.app;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.localstackmount.api.Errno;
import io.localstackmount.api.FsException;
import io.localstackmount.api.Listing;
import io.localstackmount.api.ObjectInfo;
import io.localstackmount.api.ObjectStore;
import io.localstackmount.api.Precondition;
import io.localstackmount.s3.S3ObjectStore;
import io.localstackmount.s3proxy.S3ProxyServer;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * The bucket filter and the prefix mount, over S3Proxy in-process.
 *
 * <pre>
 *   data/exports/a.csv          data/other.txt
 *   data/exports/2024/b.csv     logs/x.log
 *   data/exports/               (marker)
 * </pre>
 */
class ScopedObjectStoreTest {
    private static S3ProxyServer server;
    private static S3ObjectStore s3;

    @BeforeAll
    static void start() {
        server = S3ProxyServer.start();
        s3 = server.newStore();
        s3.createBucket("data");
        s3.createBucket("logs");
        for (String key : List.of("exports/a.csv", "exports/2024/b.csv", "exports/", "other.txt")) {
            s3.put("data", key, key.getBytes(UTF_8), Map.of(), "text/plain");
        }
        s3.put("logs", "x.log", new byte[1], Map.of(), "text/plain");
    }

    @AfterAll
    static void stop() {
        s3.close();
        server.close();
    }

    private static List<String> keys(Listing l) {
        return l.objects().stream().map(ObjectInfo::key).collect(Collectors.toList());
    }

    @Nested
    @DisplayName("mount.bucket = data/exports")
    class Prefix {
        private final ObjectStore store = new ScopedObjectStore(server.newStore(), BucketScope.of("data/exports"));

        @Test
        @DisplayName("only the bucket, without ListBuckets")
        void buckets() {
            assertEquals(List.of("data"), store.listBuckets());
            assertTrue(store.bucketExists("data"));
            assertFalse(store.bucketExists("logs"));
        }

        @Test
        @DisplayName("listings show the prefix's content with the prefix taken off; its marker is the root")
        void listing() {
            Listing root = store.list("data", "");
            assertEquals(List.of("a.csv"), keys(root));
            assertEquals(List.of("2024/"), root.commonPrefixes());
            assertEquals(List.of("2024/b.csv"), keys(store.list("data", "2024/")));
        }

        @Test
        @DisplayName("reads, writes, copies and deletes land under the prefix")
        void objects() throws Exception {
            assertEquals("exports/a.csv".length(), store.head("data", "a.csv").orElseThrow().size());
            assertEquals("a.csv", store.head("data", "a.csv").orElseThrow().key());
            assertTrue(store.head("data", "other.txt").isEmpty());
            byte[] buf = new byte[64];
            assertEquals("exports/a.csv", new String(buf, 0, store.read("data", "a.csv", 0, buf, 0, 64), UTF_8));
            var get = store.get("data", "a.csv", Precondition.NONE, 0, buf, 0, 64);
            assertEquals("a.csv", get.object().key());
            ObjectInfo put = store.put("data", "new.txt", "n".getBytes(UTF_8), Map.of(), "text/plain");
            assertEquals("new.txt", put.key());
            assertTrue(s3.head("data", "exports/new.txt").isPresent());
            store.copy("data", "new.txt", "data", "copy.txt", null);
            assertTrue(s3.head("data", "exports/copy.txt").isPresent());
            store.delete("data", "new.txt");
            store.delete("data", "copy.txt");
            assertFalse(s3.head("data", "exports/new.txt").isPresent());
        }

        @Test
        @DisplayName("outside: ENOENT; no new buckets, and the bucket is never deleted (EPERM)")
        void outside() {
            assertEquals(Errno.ENOENT, assertThrows(FsException.class, () -> store.head("logs", "x.log")).errno());
            assertEquals(Errno.EPERM, assertThrows(FsException.class, () -> store.createBucket("new-one")).errno());
            assertEquals(Errno.EPERM, assertThrows(FsException.class, () -> store.deleteBucket("data")).errno());
        }
    }

    @Nested
    @DisplayName("mount.bucket-filter = log*")
    class Filter {
        private final ObjectStore store = ScopedObjectStore.wrap(server.newStore(), BucketScope.filter("log*"));

        @Test
        @DisplayName("lists matching buckets only; keys are untouched")
        void filter() {
            assertEquals(List.of("logs"), store.listBuckets());
            assertEquals(List.of("x.log"), keys(store.list("logs", "")));
            assertEquals(Errno.ENOENT, assertThrows(FsException.class, () -> store.list("data", "")).errno());
        }

        @Test
        @DisplayName("a new bucket must match the filter")
        void create() {
            assertEquals(Errno.EPERM, assertThrows(FsException.class, () -> store.createBucket("other")).errno());
            store.createBucket("logs-2");
            assertTrue(s3.bucketExists("logs-2"));
            store.deleteBucket("logs-2");
        }
    }

    @Test
    @DisplayName("every bucket: the store itself")
    void all() {
        ObjectStore plain = server.newStore();
        assertTrue(plain == ScopedObjectStore.wrap(plain, BucketScope.ALL));
        plain.close();
    }
}
