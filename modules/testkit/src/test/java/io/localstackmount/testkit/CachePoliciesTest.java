package io.localstackmount.testkit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.localstackmount.api.Errno;
import io.localstackmount.api.FsException;
import io.localstackmount.api.FsPath;
import io.localstackmount.api.OpenFlags;
import io.localstackmount.api.PluginKind;
import io.localstackmount.api.PluginSettings;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;

/**
 * The cache policies at open (close-to-open) and the content cache the files plugin reads through,
 * on a whole mount: what each open and read costs, and what version it reads. Blocks are 4 KiB
 * (the smallest the cache takes), so a "large" object here is a few dozen blocks.
 *
 * <pre>
 * b
 * └── f    written by "another client" in each test, read through the mount
 * </pre>
 */
@DisplayName("cache policies")
class CachePoliciesTest {
    static final int BLOCK = 4096;
    static final FsPath F = FsPath.parse("/b/f");

    @TempDir
    Path dir;
    TestMount m;

    @AfterEach
    void unmount() {
        if (m != null) {
            m.close();
        }
    }

    /** A mount with this policy, its settings, and 4 KiB blocks; attributes trusted for {@code ttl}. */
    TestMount mount(String policy, Map<String, String> settings, Duration ttl) {
        m = TestMount.builder(dir).buckets("b").config(c -> c.cachePolicy(policy).cacheBlockSize(BLOCK).metadataTtl(ttl)
                .settings(PluginKind.CACHE, new PluginSettings(settings))).start();
        return m;
    }

    TestMount mount(String policy) {
        return mount(policy, Map.of(), Duration.ofSeconds(2));
    }

    static byte[] bytes(int size, long seed) {
        byte[] b = new byte[size];
        new Random(seed).nextBytes(b);
        return b;
    }

    /** Another client stores {@code body} as b/f; the mount then looks it up once, and the counters start from zero. */
    void stored(byte[] body) {
        m.s3().put("b", "f", body, Map.of(), null);
        m.stat("/b/f");
        m.requests().reset();
    }

    /** Another client replaces b/f; the mount is not told. */
    void replacedByAnotherClient(byte[] body) {
        m.s3().put("b", "f", body, Map.of(), null);
    }

    /** {@code cat}: open, read 64 KiB at a time to the end, close. */
    byte[] cat() {
        long h = m.fs().open(F, OpenFlags.READ_ONLY);
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            byte[] buf = new byte[64 * 1024];
            long offset = 0;
            int n;
            while ((n = m.fs().read(F, h, buf, offset, buf.length)) > 0) {
                out.write(buf, 0, n);
                offset += n;
            }
            m.fs().flush(F, h);
            return out.toByteArray();
        } finally {
            m.fs().release(F, h);
        }
    }

    byte[] read(long h, long offset, int length) {
        byte[] buf = new byte[length];
        int n = m.fs().read(F, h, buf, offset, length);
        return Arrays.copyOf(buf, n);
    }

    static void assertErrno(Errno expected, Executable call) {
        FsException e = assertThrows(FsException.class, call);
        assertEquals(expected, e.errno(), e.getMessage());
    }

    @Nested
    @DisplayName("none")
    class None {
        @Test
        @DisplayName("no content cache: the open sends nothing, every read window is a ranged GET, the cache folder is never opened")
        void noCache() {
            mount("none");
            byte[] body = bytes(5000, 1);
            stored(body);

            assertArrayEquals(body, cat());
            assertEquals(Map.of("read", 1L), m.requests().counts());
            m.requests().reset();
            assertArrayEquals(body, cat());
            assertEquals(Map.of("read", 1L), m.requests().counts(), "nothing kept: fetched again");
            assertTrue(m.filesystem().contentCache().isEmpty());
            assertFalse(Files.exists(dir.resolve("cache").resolve("blocks")));
        }

        @Test
        @DisplayName("a change by another client is read at the next read, even within the TTL")
        void seesChange() {
            mount("none");
            stored(bytes(5000, 2));
            cat();
            byte[] newer = bytes(5000, 3);
            replacedByAnotherClient(newer);
            assertArrayEquals(newer, cat());
        }
    }

    @Nested
    @DisplayName("etag (the default)")
    class Etag {
        @Test
        @DisplayName("is what a mount uses unless config names another")
        void isDefault() {
            m = TestMount.builder(dir).buckets("b").start();
            stored(bytes(100, 4));
            cat();
            m.requests().reset();
            cat();
            assertEquals(1, m.requests().notModified());
        }

        @Test
        @DisplayName("first cat of a small file: one unconditional GET, which brings its content and caches it")
        void firstCat() {
            mount("etag");
            byte[] body = bytes(3000, 5);
            stored(body);

            assertArrayEquals(body, cat());

            assertEquals(Map.of("get", 1L), m.requests().counts());
            assertEquals(0, m.requests().notModified());
            assertEquals(body.length, m.requests().bytesRead());
            assertTrue(m.filesystem().contentCache().orElseThrow()
                    .find("b", "f", m.s3().object("b", "f").orElseThrow().etag()).isPresent());
        }

        @Test
        @DisplayName("second cat of an unchanged file: one GET answered 304, no body")
        void secondCat() {
            mount("etag");
            byte[] body = bytes(3 * BLOCK + 17, 6);
            stored(body);
            cat();
            m.requests().reset();

            assertArrayEquals(body, cat());

            assertEquals(Map.of("get", 1L), m.requests().counts());
            assertEquals(1, m.requests().notModified());
            assertEquals(0, m.requests().bytesRead());
        }

        @Test
        @DisplayName("a change by another client, within the same second and the TTL, is seen at the next open; the namespace learns its size")
        void changeSeen() {
            mount("etag", Map.of(), Duration.ofHours(1));
            stored(bytes(100, 7));
            cat();
            byte[] longer = bytes(2 * BLOCK + 5, 8);
            replacedByAnotherClient(longer);
            m.requests().reset();

            assertArrayEquals(longer, cat());

            assertEquals(0, m.requests().notModified());
            assertEquals(2, m.requests().count("get"), "the open's answer brings block 0, one more GET the rest");
            m.requests().reset();
            assertEquals(longer.length, m.stat("/b/f").size());
            assertEquals(0, m.requests().total(), "known from the open's answer");
        }

        @Test
        @DisplayName("a file read twice: the second time one 304, every block from the cache")
        void largeTwice() {
            mount("etag");
            byte[] body = bytes(40 * BLOCK + 3, 9);
            stored(body);
            assertArrayEquals(body, cat());
            m.requests().reset();

            assertArrayEquals(body, cat());

            assertEquals(Map.of("get", 1L), m.requests().counts());
            assertEquals(0, m.requests().bytesRead());
        }

        @Test
        @DisplayName("head -c 4096 of a large object fetches one block, not the object")
        void head() {
            mount("etag");
            stored(bytes(256 * BLOCK, 10));

            long h = m.fs().open(F, OpenFlags.READ_ONLY);
            assertEquals(4096, read(h, 0, 4096).length);
            m.fs().release(F, h);

            assertEquals(Map.of("get", 1L), m.requests().counts());
            assertEquals(BLOCK, m.requests().bytesRead());
        }

        @Test
        @DisplayName("a random read fetches the one aligned block around it")
        void randomRead() {
            mount("etag");
            byte[] body = bytes(16 * BLOCK, 11);
            stored(body);
            long h = m.fs().open(F, OpenFlags.READ_ONLY);
            m.requests().reset();

            long at = 10L * BLOCK + 123;
            assertArrayEquals(Arrays.copyOfRange(body, (int) at, (int) at + 100), read(h, at, 100));

            assertEquals(Map.of("get", 1L), m.requests().counts());
            assertEquals(BLOCK, m.requests().bytesRead());
            m.fs().release(F, h);
        }

        @Test
        @DisplayName("only the blocks missing from the cache are fetched, one GET per run of them")
        void partial() {
            mount("etag");
            byte[] body = bytes(10 * BLOCK, 12);
            stored(body);
            long h = m.fs().open(F, OpenFlags.READ_ONLY); // caches block 0
            read(h, 5L * BLOCK, 10); // caches block 5
            m.fs().release(F, h);
            m.requests().reset();

            assertArrayEquals(body, cat());

            assertEquals(1 + 2, m.requests().count("get"), "the 304, then blocks 1-4 and 6-9");
            assertEquals(1, m.requests().notModified());
            assertEquals(8L * BLOCK, m.requests().bytesRead());
        }

        @Test
        @DisplayName("a block of another version is never served: the object changed while open answers EIO")
        void changedWhileOpen() {
            mount("etag");
            stored(bytes(4 * BLOCK, 13));
            long h = m.fs().open(F, OpenFlags.READ_ONLY);
            byte[] newer = bytes(4 * BLOCK, 14);
            replacedByAnotherClient(newer);

            FsException e = assertThrows(FsException.class, () -> read(h, 2L * BLOCK, 100));
            assertEquals(Errno.EIO, e.errno());
            assertTrue(e.getMessage().contains("changed in S3 while it was open"), e.getMessage());
            m.fs().release(F, h);

            assertArrayEquals(newer, cat(), "opened again, it reads the new version");
        }

        @Test
        @DisplayName("renamed while open: reads follow the new name")
        void renamedWhileOpen() {
            mount("etag");
            byte[] body = bytes(3 * BLOCK, 15);
            stored(body);
            long h = m.fs().open(F, OpenFlags.READ_ONLY);

            m.fs().rename(F, FsPath.parse("/b/moved"));

            byte[] buf = new byte[100];
            assertEquals(100, m.fs().read(FsPath.parse("/b/moved"), h, buf, 2L * BLOCK, 100));
            assertArrayEquals(Arrays.copyOfRange(body, 2 * BLOCK, 2 * BLOCK + 100), buf);
            m.fs().release(FsPath.parse("/b/moved"), h);
        }

        @Test
        @DisplayName("an open that finds the object deleted by another client answers ENOENT, and so does the next stat, with no request")
        void deletedByAnotherClient() {
            mount("etag", Map.of(), Duration.ofHours(1));
            stored(bytes(100, 16));
            m.s3().delete("b", "f");

            assertErrno(Errno.ENOENT, () -> m.fs().open(F, OpenFlags.READ_ONLY));
            m.requests().reset();
            assertErrno(Errno.ENOENT, () -> m.stat("/b/f"));
            assertEquals(0, m.requests().total(), m.requests().summary());
        }

        @Test
        @DisplayName("cached blocks survive a remount: its first cat of an unchanged file is one 304")
        void afterRemount() {
            mount("etag");
            byte[] body = bytes(5 * BLOCK, 17);
            stored(body);
            cat();
            m = m.remount();
            m.stat("/b/f");
            m.requests().reset();

            assertArrayEquals(body, cat());

            assertEquals(Map.of("get", 1L), m.requests().counts());
            assertEquals(1, m.requests().notModified());
        }

        @Test
        @DisplayName("what this mount writes is read back from S3 once, then from the cache (writes are not cached)")
        void ownWrite() {
            mount("etag");
            m.write("/b/f", "mine");
            m.requests().reset();
            assertEquals("mine", new String(cat()));
            assertEquals(0, m.requests().notModified());
            m.requests().reset();
            assertEquals("mine", new String(cat()));
            assertEquals(1, m.requests().notModified());
        }
    }

    @Nested
    @DisplayName("if-modified-since")
    class IfModifiedSince {
        @Test
        @DisplayName("second cat of an unchanged file: one GET answered 304")
        void secondCat() {
            mount("if-modified-since");
            byte[] body = bytes(2 * BLOCK, 18);
            stored(body);
            cat();
            m.requests().reset();

            assertArrayEquals(body, cat());

            assertEquals(Map.of("get", 1L), m.requests().counts());
            assertEquals(1, m.requests().notModified());
        }

        @Test
        @DisplayName("a rewrite in a later second is seen at the next open")
        void laterSecond() {
            mount("if-modified-since");
            stored(bytes(100, 19));
            cat();
            m.time().advance(Duration.ofSeconds(1));
            byte[] newer = bytes(100, 20);
            replacedByAnotherClient(newer);

            assertArrayEquals(newer, cat());
        }

        @Test
        @DisplayName("the documented weakness: a rewrite within the same second, while the mount still shows the old version, is answered 304 and read stale")
        void sameSecondIsStale() {
            mount("if-modified-since");
            byte[] old = bytes(100, 21);
            stored(old);
            cat();
            replacedByAnotherClient(bytes(100, 22));
            m.requests().reset();

            assertArrayEquals(old, cat());

            assertEquals(1, m.requests().notModified());
        }

        @Test
        @DisplayName("the same rewrite under etag is seen (the contrast that makes etag the default)")
        void sameSecondUnderEtag() {
            mount("etag");
            stored(bytes(100, 21));
            cat();
            byte[] newer = bytes(100, 22);
            replacedByAnotherClient(newer);

            assertArrayEquals(newer, cat());
        }
    }

    @Nested
    @DisplayName("trust-for (setting seconds)")
    class TrustFor {
        /** Attributes trusted for an hour, so that only the policy's period decides. */
        void mountTrusting(String seconds) {
            mount("trust-for", Map.of("seconds", seconds), Duration.ofHours(1));
        }

        @Test
        @DisplayName("within `seconds` of S3's confirmation: no request at open, nor for the cached blocks")
        void within() {
            mountTrusting("5");
            byte[] body = bytes(3 * BLOCK, 23);
            stored(body);
            cat();
            m.time().advance(Duration.ofSeconds(4));
            m.requests().reset();

            assertArrayEquals(body, cat());

            assertEquals(0, m.requests().total(), m.requests().summary());
        }

        @Test
        @DisplayName("after the period: one conditional GET (a 304), which confirms the version for another period")
        void after() {
            mountTrusting("5");
            byte[] body = bytes(3 * BLOCK, 24);
            stored(body);
            cat();
            m.time().advance(Duration.ofSeconds(6));
            m.requests().reset();

            assertArrayEquals(body, cat());
            assertEquals(Map.of("get", 1L), m.requests().counts());
            assertEquals(1, m.requests().notModified());

            m.time().advance(Duration.ofSeconds(4));
            m.requests().reset();
            assertArrayEquals(body, cat());
            assertEquals(0, m.requests().total(), "confirmed 4 s ago by the 304");
        }

        @Test
        @DisplayName("a change by another client within the period is NOT seen until the period ends (while the mount still shows the old version)")
        void changeNotSeenWithinPeriod() {
            mountTrusting("5");
            byte[] old = bytes(100, 25);
            stored(old);
            cat();
            byte[] newer = bytes(100, 26);
            replacedByAnotherClient(newer);

            m.time().advance(Duration.ofSeconds(3));
            assertArrayEquals(old, cat(), "trusted: the old version, no request");

            m.time().advance(Duration.ofSeconds(3));
            assertArrayEquals(newer, cat(), "the period is over: asked, and answered with the new version");
        }

        @Test
        @DisplayName("a listing that shows another version ends the trust early: the next open fetches that version")
        void listingShowsChange() {
            mountTrusting("5");
            stored(bytes(100, 27));
            cat();
            byte[] newer = bytes(100, 28);
            replacedByAnotherClient(newer);

            m.ls("/b");

            assertArrayEquals(newer, cat());
        }

        @Test
        @DisplayName("what this mount writes is seen at once: the cache is keyed by ETag")
        void ownWrite() {
            mountTrusting("5");
            stored(bytes(100, 29));
            cat();
            m.write("/b/f", "mine");
            assertEquals("mine", new String(cat()));
        }

        @Test
        @DisplayName("blocks of an earlier mount were never confirmed to this one: its first open asks")
        void earlierMount() {
            mountTrusting("5");
            byte[] body = bytes(100, 30);
            stored(body);
            cat();
            m = m.remount();
            m.stat("/b/f");
            m.requests().reset();

            assertArrayEquals(body, cat());

            assertEquals(Map.of("get", 1L), m.requests().counts());
            assertEquals(1, m.requests().notModified());
        }

        @Test
        @DisplayName("seconds is written as config writes times (1m); the default is 10 s")
        void settingSyntax() {
            mountTrusting("1m");
            stored(bytes(100, 31));
            cat();
            m.time().advance(Duration.ofSeconds(59));
            m.requests().reset();
            cat();
            assertEquals(0, m.requests().total());
            m.close();

            mount("trust-for", Map.of(), Duration.ofHours(1));
            stored(bytes(100, 32));
            cat();
            m.time().advance(Duration.ofSeconds(9));
            m.requests().reset();
            cat();
            assertEquals(0, m.requests().total(), "9 s: within the default 10 s");
            m.time().advance(Duration.ofSeconds(2));
            cat();
            assertEquals(1, m.requests().notModified());
        }

        @Test
        @DisplayName("a negative time or an undeclared setting stops the start, naming it")
        void invalid() {
            for (Map<String, String> bad : List.of(Map.of("seconds", "-1"), Map.of("second", "5"))) {
                TestMount.Builder builder = TestMount.builder(dir).buckets("b").config(c -> c.cachePolicy("trust-for")
                        .settings(PluginKind.CACHE, new PluginSettings(bad)));
                IllegalArgumentException e = assertThrows(IllegalArgumentException.class, builder::start, bad.toString());
                assertTrue(e.getMessage().contains("second"), e.getMessage());
            }
        }
    }

    @Test
    @DisplayName("an unknown policy name stops the start and lists the policies found")
    void unknownPolicy() {
        TestMount.Builder builder = TestMount.builder(dir).buckets("b").config(c -> c.cachePolicy("etags"));
        IllegalStateException e = assertThrows(IllegalStateException.class, builder::start);
        for (String name : List.of("none", "etag", "if-modified-since", "trust-for")) {
            assertTrue(e.getMessage().contains(name), e.getMessage());
        }
    }
}
