package io.localstackmount.testkit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.localstackmount.api.Errno;
import io.localstackmount.api.FsException;
import io.localstackmount.api.GetResult;
import io.localstackmount.api.ListPage;
import io.localstackmount.api.Listing;
import io.localstackmount.api.ObjectInfo;
import io.localstackmount.api.Precondition;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeSet;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the fake does beyond the shared store contract ({@link FakeObjectStoreContractTest}): the S3
 * details other tests lean on. Listing fixture:
 * <pre>
 * b
 * ├── a, b, c
 * ├── d/          marker
 * │   └── 1, 2
 * ├── e/1, e/2/x  implicit
 * └── f
 * </pre>
 */
class FakeObjectStoreTest {
    private final ManualTime time = new ManualTime();
    private final FakeObjectStore store = new FakeObjectStore(time.clock()).withBuckets("b");

    @TempDir
    Path tmp;

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** Every entry of every page, objects and prefixes in the order S3 would give them, page by page. */
    private List<List<String>> pages(String prefix, int maxKeys) {
        List<List<String>> pages = new ArrayList<>();
        String token = null;
        do {
            ListPage page = store.listPage("b", prefix, token, maxKeys);
            TreeSet<String> entries = new TreeSet<>(FakeObjectStore.UTF8_ORDER);
            page.objects().forEach(o -> entries.add(o.key()));
            entries.addAll(page.commonPrefixes());
            pages.add(List.copyOf(entries));
            token = page.nextToken();
        } while (token != null);
        return pages;
    }

    @Nested
    @DisplayName("listings")
    class Listings {
        @Test
        @DisplayName("maxKeys counts objects and common prefixes together; the last page has no token")
        void smallPages() {
            store.withKeys("b", "a", "b", "c", "d/", "d/1", "d/2", "e/1", "e/2/x", "f");
            assertEquals(List.of(List.of("a", "b"), List.of("c", "d/"), List.of("e/", "f")), pages("", 2));
            assertEquals(List.of(List.of("a", "b", "c", "d/", "e/", "f")), pages("", 1000));
            assertEquals(List.of(List.of("d/"), List.of("d/1"), List.of("d/2")), pages("d/", 1));
            assertEquals(List.of(List.of("e/1", "e/2/")), pages("e/", 5));
        }

        @Test
        @DisplayName("a prefix that matches the start of names lists what starts with it")
        void partialPrefix() {
            store.withKeys("b", "dir/x", "dirt", "dix");
            Listing l = store.list("b", "dir");
            assertEquals(List.of("dirt"), l.objects().stream().map(ObjectInfo::key).toList());
            assertEquals(List.of("dir/"), l.commonPrefixes());
        }

        @Test
        @DisplayName("every page size gives the same entries, each once (seeded random trees)")
        void anyPageSize() {
            Random random = new Random(7);
            for (int i = 0; i < 300; i++) {
                store.with("b", "p/" + random.nextInt(20) + (random.nextBoolean() ? "/" + random.nextInt(5) : ""), "x");
            }
            List<String> whole = pages("p/", 1000).get(0);
            for (int size = 1; size <= 25; size++) {
                List<String> joined = pages("p/", size).stream().flatMap(List::stream).toList();
                assertEquals(whole, joined, "page size " + size);
            }
        }

        @Test
        @DisplayName("at most 1,000 entries a page, whatever maxKeys asks for")
        void capped() {
            for (int i = 0; i < 1_500; i++) {
                store.put("b", String.format("k%04d", i), new byte[0], Map.of(), null);
            }
            ListPage first = store.listPage("b", "", null, 5_000);
            assertEquals(1_000, first.objects().size());
            ListPage second = store.listPage("b", "", first.nextToken(), 5_000);
            assertEquals(500, second.objects().size());
            assertNull(second.nextToken());
        }

        @Test
        @DisplayName("keys sort in UTF-8 byte order, as on S3 (not Java's UTF-16 order)")
        void utf8Order() {
            String bmpHigh = "\uFF21";      // FULLWIDTH A, U+FF21: after U+1F600 in UTF-16, before it in UTF-8
            String astral = "\uD83D\uDE00"; // U+1F600
            store.withKeys("b", astral, bmpHigh, "z", "A");
            assertEquals(List.of("A", "z", bmpHigh, astral), store.keys("b"));
            assertEquals(List.of("A", "z", bmpHigh, astral), store.list("b", "").objects().stream().map(ObjectInfo::key).toList());
        }

        @Test
        @DisplayName("listings carry no metadata; HEAD does")
        void noMetadata() {
            store.put("b", "k", bytes("x"), Map.of("Mode", "33188"), "text/plain");
            assertNull(store.list("b", "").objects().get(0).metadata());
            assertEquals(Map.of("mode", "33188"), store.head("b", "k").orElseThrow().metadata());
        }

        @Test
        @DisplayName("a token the store did not issue is EIO; a missing bucket is ENOENT; maxKeys below 1 is refused")
        void badArguments() {
            assertEquals(Errno.EIO, assertThrows(FsException.class, () -> store.listPage("b", "", "forged", 10)).errno());
            assertEquals(Errno.ENOENT, assertThrows(FsException.class, () -> store.listPage("nope", "", null, 10)).errno());
            assertThrows(IllegalArgumentException.class, () -> store.listPage("b", "", null, 0));
        }
    }

    @Nested
    @DisplayName("objects")
    class Objects {
        @Test
        @DisplayName("ETag is the MD5 of the body; Last-Modified the clock's second; the default Content-Type S3's")
        void putAttributes() {
            time.advanceMillis(1_500);
            ObjectInfo info = store.put("b", "k", bytes("hello"), null, null);
            assertEquals("5d41402abc4b2a76b9719d911017c592", info.etag());
            assertEquals(ManualTime.START.plusSeconds(1), info.lastModified());
            assertEquals(FakeObjectStore.DEFAULT_CONTENT_TYPE, info.contentType());
            assertEquals(Map.of(), info.metadata());
        }

        @Test
        @DisplayName("the stored body is a copy: changing the caller's array changes nothing")
        void defensiveCopy() {
            byte[] body = bytes("abc");
            store.put("b", "k", body, Map.of(), null);
            body[0] = 'X';
            assertEquals("abc", store.object("b", "k").orElseThrow().text());
        }

        @Test
        @DisplayName("get: a range, the object's whole size, and 304 while the ETag or date still match")
        void conditionalGet() {
            time.advanceMillis(10_000);
            ObjectInfo put = store.put("b", "k", bytes("0123456789"), Map.of("mode", "33188"), null);
            byte[] dst = new byte[4];
            GetResult r = store.get("b", "k", Precondition.NONE, 3, dst, 0, 4);
            assertTrue(r.modified());
            assertEquals(4, r.length());
            assertEquals("3456", new String(dst, StandardCharsets.UTF_8));
            assertEquals(10, r.object().size());
            assertEquals(Map.of("mode", "33188"), r.object().metadata());
            assertFalse(store.get("b", "k", Precondition.ifNoneMatch(put.etag()), 0, dst, 0, 4).modified());
            assertTrue(store.get("b", "k", Precondition.ifNoneMatch("other"), 0, dst, 0, 4).modified());
            assertFalse(store.get("b", "k", Precondition.ifModifiedSince(put.lastModified()), 0, dst, 0, 4).modified());
            assertTrue(store.get("b", "k", Precondition.ifModifiedSince(put.lastModified().minusSeconds(1)), 0, dst, 0, 4).modified());
            assertEquals(0, store.get("b", "k", Precondition.NONE, 10, dst, 0, 4).length(), "at the end");
            assertEquals(0, store.get("b", "k", Precondition.NONE, 99, dst, 0, 4).length(), "past the end");
            assertEquals(Errno.ENOENT, assertThrows(FsException.class,
                    () -> store.get("b", "nope", Precondition.NONE, 0, dst, 0, 4)).errno());
        }

        @Test
        @DisplayName("copy keeps the ETag and body; with metadata it replaces it (lower-cased)")
        void copy() {
            ObjectInfo src = store.put("b", "src", bytes("body"), Map.of("a", "1"), "text/x");
            ObjectInfo kept = store.copy("b", "src", "b", "kept", null);
            ObjectInfo replaced = store.copy("b", "src", "b", "replaced", Map.of("B", "2"));
            assertEquals(src.etag(), kept.etag());
            assertEquals(Map.of("a", "1"), kept.metadata());
            assertEquals(Map.of("b", "2"), replaced.metadata());
            assertEquals("text/x", store.head("b", "replaced").orElseThrow().contentType());
            assertEquals(Errno.ENOENT, assertThrows(FsException.class, () -> store.copy("b", "src", "nope", "x", null)).errno());
        }

        @Test
        @DisplayName("download writes the whole body, replacing the target")
        void download() throws Exception {
            store.put("b", "k", bytes("new"), Map.of(), null);
            Path target = Files.writeString(tmp.resolve("t"), "old and longer");
            assertEquals(3, store.download("b", "k", target).size());
            assertEquals("new", Files.readString(target));
        }
    }

    @Nested
    @DisplayName("multipart uploads")
    class Multipart {
        private Path source(int size) throws Exception {
            byte[] data = new byte[size];
            new Random(size).nextBytes(data);
            return Files.write(tmp.resolve("src-" + size), data);
        }

        @Test
        @DisplayName("parts join in order; the ETag is md5-of-md5s and the part count; the object appears only on completion")
        void complete() throws Exception {
            store.minPartSize(10);
            Path src = source(25);
            String id = store.startMultipart("b", "big", Map.of("Mode", "33188"), "application/x-test");
            String e1 = store.uploadPart("b", "big", id, 1, src, 0, 10);
            String e2 = store.uploadPart("b", "big", id, 2, src, 10, 10);
            String e3 = store.uploadPart("b", "big", id, 3, src, 20, 5);
            assertTrue(store.object("b", "big").isEmpty());
            assertEquals(1, store.pendingUploads());
            ObjectInfo done = store.completeMultipart("b", "big", id, List.of(e1, e2, e3));
            assertEquals(25, done.size());
            assertTrue(done.etag().endsWith("-3"), done.etag());
            assertArrayEquals(Files.readAllBytes(src), store.object("b", "big").orElseThrow().body());
            assertEquals(Map.of("mode", "33188"), done.metadata());
            assertEquals(0, store.pendingUploads());
        }

        @Test
        @DisplayName("a part under the minimum (except the last), a wrong part ETag or an unknown upload fail")
        void failures() throws Exception {
            Path src = source(20);
            String id = store.startMultipart("b", "k", Map.of(), null);
            String e1 = store.uploadPart("b", "k", id, 1, src, 0, 10);
            String e2 = store.uploadPart("b", "k", id, 2, src, 10, 10);
            assertEquals(Errno.EINVAL, assertThrows(FsException.class,
                    () -> store.completeMultipart("b", "k", id, List.of(e1, e2))).errno(), "5 MiB minimum");
            store.minPartSize(1);
            assertEquals(Errno.EINVAL, assertThrows(FsException.class,
                    () -> store.completeMultipart("b", "k", id, List.of(e2, e1))).errno(), "parts out of order");
            assertEquals(Errno.ENOENT, assertThrows(FsException.class,
                    () -> store.uploadPart("b", "k", "upload-999", 1, src, 0, 1)).errno());
            assertEquals(Errno.ENOENT, assertThrows(FsException.class,
                    () -> store.uploadPart("b", "other-key", id, 1, src, 0, 1)).errno());
        }

        @Test
        @DisplayName("abort frees the upload; aborting an unknown one is fine")
        void abort() throws Exception {
            String id = store.startMultipart("b", "k", Map.of(), null);
            store.uploadPart("b", "k", id, 1, source(3), 0, 3);
            store.abortMultipart("b", "k", id);
            store.abortMultipart("b", "k", "upload-unknown");
            assertEquals(0, store.pendingUploads());
            assertTrue(store.object("b", "k").isEmpty());
        }
    }

    @Nested
    @DisplayName("failure injection")
    class Failures {
        @Test
        @DisplayName("fails the named operation on matching keys only, until cleared")
        void failOn() {
            store.with("b", "dir/a", "x").with("b", "other", "y");
            store.failOn("head", "dir/", Errno.EIO);
            assertEquals(Errno.EIO, assertThrows(FsException.class, () -> store.head("b", "dir/a")).errno());
            assertTrue(store.head("b", "other").isPresent());
            assertEquals(1, store.list("b", "dir/").objects().size(), "other operations are unaffected");
            store.clearFailures();
            assertTrue(store.head("b", "dir/a").isPresent());
        }
    }

    @Test
    @DisplayName("test helpers: buckets, keys in order, text bodies")
    void helpers() {
        store.withBuckets("c").withKeys("c", "z", "a/", "m");
        assertEquals(List.of("a/", "m", "z"), store.keys("c"));
        assertEquals("", store.object("c", "a/").orElseThrow().text());
        assertEquals("m", store.object("c", "m").orElseThrow().text());
        assertEquals(List.of("b", "c"), store.listBuckets());
        assertEquals(Instant.class, store.object("c", "m").orElseThrow().lastModified().getClass());
    }
}
