package io.localstackmount.testkit;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.localstackmount.api.Errno;
import io.localstackmount.api.FsException;
import io.localstackmount.api.FsPath;
import io.localstackmount.api.LocalDisk;
import io.localstackmount.api.OpenFlags;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Never lose a write: data that close() accepted, or that a failed upload left behind, stays
 * staged and recorded until S3 has it, across retries, unmounts and the next start.
 *
 * <pre>
 *   dir/staging/mount-*&#47;f-N.data + f-N.rec    what one mount keeps (a record while unsaved)
 *   dir/staging/conflicts/                    data not uploaded over another client's change
 * </pre>
 */
class DurableStagingTest {
    @TempDir
    Path dir;

    private TestMount mount() {
        return TestMount.builder(dir).buckets("b").config(c -> c.uploadRetry(Duration.ofMillis(50))).start();
    }

    private Path staging() {
        return dir.resolve("staging");
    }

    /** Files under the staging root whose names end with {@code suffix}. */
    private List<Path> staged(String suffix) {
        try (Stream<Path> files = Files.walk(staging())) {
            return files.filter(p -> p.getFileName().toString().endsWith(suffix)).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void eventually(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within 5 s: " + what);
            }
            Thread.sleep(10);
        }
    }

    /** create, write, and keep open: what a killed writer leaves. */
    private static long writeOpen(TestMount m, String path, String text) {
        FsPath p = FsPath.parse(path);
        long h = m.fs().create(p, 0644, new OpenFlags(false, true, true, false, false));
        byte[] data = text.getBytes(UTF_8);
        m.fs().write(p, h, data, 0, data.length);
        return h;
    }

    private static String body(TestMount m, String key) {
        return m.s3().object("b", key).map(FakeObjectStore.StoredObject::text).orElse(null);
    }

    @Nested
    @DisplayName("a failed upload at close")
    class FailedClose {
        @Test
        @DisplayName("close fails with EIO, the data stays staged and shown, and the retry stores it")
        void retried() throws Exception {
            try (TestMount m = mount()) {
                m.s3().failOn("upload", "f.txt", Errno.EIO);
                FsException e = assertThrows(FsException.class, () -> m.write("/b/f.txt", "hello"));
                assertEquals(Errno.EIO, e.errno());
                assertTrue(e.getMessage().contains(".data"), "the error names the staging file: " + e.getMessage());
                assertEquals(5, m.stat("/b/f.txt").size(), "the mount still shows the data written");
                assertEquals(1, staged(".rec").size(), "recorded as not stored");
                FsPath p = FsPath.parse("/b/f.txt");
                long h = m.fs().open(p, OpenFlags.READ_ONLY);
                byte[] read = new byte[16];
                assertEquals("hello", new String(read, 0, m.fs().read(p, h, read, 0, read.length), UTF_8), "and reads it");
                m.fs().release(p, h);

                m.s3().clearFailures();
                eventually(() -> "hello".equals(body(m, "f.txt")), "the retry stores f.txt");
                eventually(() -> staged(".rec").isEmpty() && staged(".data").isEmpty(), "the staging file is gone once stored");
            }
        }

        @Test
        @DisplayName("the next close of the path stores the kept data with what was written since")
        void nextFlush() {
            try (TestMount m = TestMount.builder(dir).buckets("b").config(c -> c.uploadRetry(Duration.ofHours(1))).start()) {
                m.s3().failOn("upload", "f.txt", Errno.EIO);
                assertThrows(FsException.class, () -> m.write("/b/f.txt", "one"));
                m.s3().clearFailures();
                FsPath p = FsPath.parse("/b/f.txt");
                long h = m.fs().open(p, new OpenFlags(false, true, false, true, false));
                m.fs().write(p, h, " two".getBytes(UTF_8), 3, 4);
                m.fs().flush(p, h);
                m.fs().release(p, h);
                assertEquals("one two", body(m, "f.txt"));
            }
        }

        @Test
        @DisplayName("a retry never overwrites another client's change: the data is set aside as a conflict")
        void conflict() throws Exception {
            try (TestMount m = mount()) {
                m.s3().with("b", "f.txt", "v1");
                m.s3().failOn("upload", "f.txt", Errno.EIO);
                assertThrows(FsException.class, () -> m.write("/b/f.txt", "mine"));
                m.s3().with("b", "f.txt", "theirs");
                m.s3().clearFailures();
                eventually(() -> staged(".rec").stream().anyMatch(p -> p.getParent().endsWith("conflicts")), "set aside");
                assertEquals("theirs", body(m, "f.txt"));
                Path kept = staging().resolve("conflicts").resolve(Files.list(staging().resolve("conflicts"))
                        .map(p -> p.getFileName().toString()).filter(n -> !n.endsWith(".rec")).findFirst().orElseThrow());
                assertEquals("mine", Files.readString(kept));
                assertTrue(kept.getFileName().toString().endsWith("-b-f.txt"), kept.toString());
                eventually(() -> m.stat("/b/f.txt").size() == 6 || m.read("/b/f.txt").equals("theirs"), "the mount shows theirs");
            }
        }

        @Test
        @DisplayName("a path truncate whose upload fails keeps its data and retries it")
        void truncate() throws Exception {
            try (TestMount m = mount()) {
                m.s3().with("b", "t.txt", "0123456789");
                m.s3().failOn("upload", "t.txt", Errno.EIO);
                assertThrows(FsException.class, () -> m.fs().truncate(FsPath.parse("/b/t.txt"), 4, 0));
                m.s3().clearFailures();
                eventually(() -> "0123".equals(body(m, "t.txt")), "the truncated content is stored");
            }
        }
    }

    @Nested
    @DisplayName("unmount and the next start")
    class NextStart {
        @Test
        @DisplayName("unmount stores what open files hold")
        void unmountFlushes() {
            TestMount m = mount();
            writeOpen(m, "/b/open.txt", "still open");
            assertEquals(0, m.filesystem().flushUnsaved(Duration.ofSeconds(5)));
            assertEquals("still open", body(m, "open.txt"));
            m.close();
            assertTrue(staged(".data").isEmpty(), "nothing left staged");
            assertFalse(Files.exists(staging().resolve("conflicts")));
        }

        @Test
        @DisplayName("data a mount could not store is uploaded at the next start when the object is unchanged")
        void recoveredUnchanged() {
            TestMount m = mount();
            m.s3().with("b", "old.txt", "before");
            m.write("/b/untouched.txt", "x");
            m.s3().failOn("upload", "", Errno.EIO);
            FsPath p = FsPath.parse("/b/old.txt");
            long h = m.fs().open(p, new OpenFlags(false, true, true, false, false));
            m.fs().write(p, h, "after".getBytes(UTF_8), 0, 5);
            writeOpen(m, "/b/new.txt", "brand new");
            assertEquals(2, m.filesystem().flushUnsaved(Duration.ofSeconds(5)));
            m.close();
            assertEquals(2, staged(".rec").size(), "both recorded for the next start");

            m.s3().clearFailures();
            try (TestMount next = m.remount()) {
                assertEquals("after", body(next, "old.txt"));
                assertEquals("brand new", body(next, "new.txt"));
                assertEquals("x", body(next, "untouched.txt"));
                assertTrue(staged(".data").isEmpty() && staged(".rec").isEmpty(), "the stale folder is gone");
                assertEquals(List.of(), folders(), "only the running mount's folder remains");
            }
        }

        @Test
        @DisplayName("data whose object another client changed meanwhile is set aside, not uploaded")
        void recoveredConflict() throws IOException {
            TestMount m = mount();
            m.s3().with("b", "c.txt", "base");
            FsPath p = FsPath.parse("/b/c.txt");
            long h = m.fs().open(p, new OpenFlags(false, true, true, false, false));
            m.fs().write(p, h, "ours".getBytes(UTF_8), 0, 4);
            writeOpen(m, "/b/created.txt", "ours too");
            m.close();
            m.s3().with("b", "c.txt", "theirs");
            m.s3().with("b", "created.txt", "theirs too");

            try (TestMount next = m.remount()) {
                assertEquals("theirs", body(next, "c.txt"));
                assertEquals("theirs too", body(next, "created.txt"));
                List<Path> conflicts = staged(".rec");
                assertEquals(2, conflicts.size(), conflicts.toString());
                for (Path rec : conflicts) {
                    Properties record = new Properties();
                    record.load(Files.newBufferedReader(rec));
                    assertEquals("CONFLICT", record.getProperty("state"));
                    Path data = rec.resolveSibling(rec.getFileName().toString().replaceFirst("\\.rec$", ""));
                    assertEquals(record.getProperty("key").equals("c.txt") ? "ours" : "ours too", Files.readString(data));
                }
            }
        }

        @Test
        @DisplayName("a removed file's data is not brought back; a renamed one is stored under its new name")
        void removedAndRenamed() {
            TestMount m = mount();
            writeOpen(m, "/b/gone.txt", "deleted");
            m.fs().unlink(FsPath.parse("/b/gone.txt"));
            writeOpen(m, "/b/from.txt", "moved");
            m.fs().rename(FsPath.parse("/b/from.txt"), FsPath.parse("/b/to.txt"));
            m.close();
            try (TestMount next = m.remount()) {
                assertEquals(null, body(next, "gone.txt"));
                assertEquals(null, body(next, "from.txt"));
                assertEquals("moved", body(next, "to.txt"));
            }
        }

        @Test
        @DisplayName("a multipart upload a killed mount recorded is aborted at the next start")
        void abortsUploads() throws IOException {
            FakeObjectStore s3 = new FakeObjectStore().withBuckets("b");
            String id = s3.startMultipart("b", "big.bin", Map.of(), null);
            Path stale = Files.createDirectories(staging().resolve("mount-killed"));
            Properties record = new Properties();
            TestMount probe = TestMount.builder(dir).store(s3).start();
            String store = probe.requests().describe();
            probe.close();
            record.setProperty("store", store);
            record.setProperty("bucket", "b");
            record.setProperty("key", "big.bin");
            record.setProperty("base", id);
            record.setProperty("state", "UPLOADING");
            record.setProperty("since", "2025-01-01T00:00:00Z");
            try (var out = Files.newBufferedWriter(stale.resolve("u-1.upload"))) {
                record.store(out, null);
            }
            Files.createFile(stale.resolve("lock"));
            assertEquals(1, s3.pendingUploads());
            try (TestMount next = TestMount.builder(dir).store(s3).start()) {
                assertEquals(0, s3.pendingUploads());
                assertFalse(Files.exists(stale));
            }
        }

        private List<Path> folders() {
            try (Stream<Path> list = Files.list(staging())) {
                return list.filter(p -> p.getFileName().toString().startsWith("mount-") && !Files.exists(p.resolve("lock"))).toList();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    @Test
    @DisplayName("a full disk is ENOSPC, not EIO")
    void diskFull() {
        assertEquals(Errno.ENOSPC, LocalDisk.failure("writing", new IOException("No space left on device")).errno());
        assertEquals(Errno.ENOSPC, LocalDisk.failure("writing", new IOException(new IOException("Disk quota exceeded"))).errno());
        assertEquals(Errno.EIO, LocalDisk.failure("writing", new IOException("Input/output error")).errno());
    }

    @Test
    @DisplayName("statfs reports the staging disk's free space as available, 1 PiB in all")
    void statfs() throws IOException {
        try (TestMount m = mount()) {
            var s = m.fs().statfs(FsPath.parse("/"));
            long free = Files.getFileStore(staging()).getUsableSpace() / s.blockSize();
            assertEquals((1L << 50) / s.blockSize(), s.blocks());
            assertTrue(Math.abs(s.availableBlocks() - free) < free / 100 + 256, s + " vs " + free);
        }
    }
}
