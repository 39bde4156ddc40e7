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
import io.localstackmount.api.PosixMetadata;
import java.io.ByteArrayOutputStream;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;

/**
 * Objects of several parts: the streamed multipart upload of a file written from its start, the
 * part-by-part upload of an in-place edit, and the prefetching reader. The part size is S3's
 * smallest (5 MiB), so "large" here is 11 MiB: three parts, the last one short.
 *
 * <pre>
 * b
 * └── big    11 MiB, x-amz-meta-color=red, Content-Type application/x-big (in-place edits only)
 * </pre>
 */
@DisplayName("large files")
class LargeFilesTest {
    static final int MIB = 1024 * 1024;
    static final int PART = 5 * MIB;
    static final int SIZE = 11 * MIB;
    static final OpenFlags WRITE = new OpenFlags(false, true, false, false, false);
    static final FsPath BIG = FsPath.parse("/b/big");

    @TempDir
    Path dir;
    TestMount m;

    @BeforeEach
    void mount() {
        m = TestMount.builder(dir).buckets("b")
                .config(c -> c.settings(PluginKind.FILES, new PluginSettings(Map.of("part-size", "5m"))))
                .start();
    }

    @AfterEach
    void unmount() {
        m.close();
    }

    static byte[] bytes(int size, long seed) {
        byte[] b = new byte[size];
        new Random(seed).nextBytes(b);
        return b;
    }

    static void assertErrno(Errno expected, Executable call) {
        FsException e = assertThrows(FsException.class, call);
        assertEquals(expected, e.errno(), e.getMessage());
    }

    byte[] stored() {
        return m.s3().object("b", "big").orElseThrow(() -> new AssertionError("no object b/big")).body();
    }

    /** Writes {@code data} from offset 0 in 1 MiB writes, as cp does (a sequential writer). */
    long writeSequentially(byte[] data, int upTo) {
        long h = m.fs().create(BIG, 0644, WRITE);
        writeFrom(h, data, 0, upTo);
        return h;
    }

    void writeFrom(long h, byte[] data, int from, int to) {
        for (int at = from; at < to; at += MIB) {
            int n = Math.min(MIB, to - at);
            m.fs().write(BIG, h, Arrays.copyOfRange(data, at, at + n), at, n);
        }
    }

    void close(long h) {
        try {
            m.fs().flush(BIG, h);
        } finally {
            m.fs().release(BIG, h);
        }
    }

    @Nested
    @DisplayName("a file written sequentially (streamed multipart upload)")
    class Streamed {
        @Test
        @DisplayName("streams its parts while it is written and completes at close: no whole upload, no copy")
        void streams() {
            byte[] data = bytes(SIZE, 1);
            long h = writeSequentially(data, 6 * MIB);
            assertEquals(1, m.s3().pendingUploads(), "past one part, the multipart upload is running");
            writeFrom(h, data, 6 * MIB, SIZE);
            assertFalse(m.s3().object("b", "big").isPresent(), "nothing shows before it completes");

            close(h);

            assertArrayEquals(data, stored());
            assertTrue(m.s3().object("b", "big").orElseThrow().etag().endsWith("-3"), "three parts: 5 + 5 + 1 MiB");
            assertEquals(1, m.requests().count("startMultipart"));
            assertEquals(3, m.requests().count("uploadPart"));
            assertEquals(1, m.requests().count("completeMultipart"));
            assertEquals(0, m.requests().count("upload") + m.requests().count("copy"));
            assertEquals(0, m.s3().pendingUploads());
            assertEquals(SIZE, m.stat("/b/big").size());
        }

        @Test
        @DisplayName("a failing part aborts the multipart upload (no parts left behind) and the whole file is uploaded instead")
        void partFails() {
            m.s3().failOn("uploadPart", "big", Errno.EIO);
            byte[] data = bytes(SIZE, 2);
            long h = writeSequentially(data, SIZE);

            close(h);

            assertArrayEquals(data, stored());
            assertEquals(0, m.s3().pendingUploads());
            assertEquals(1, m.requests().count("abortMultipart"));
            assertEquals(0, m.requests().count("completeMultipart"));
            assertEquals(1, m.requests().count("upload"));
        }

        @Test
        @DisplayName("a failing completion aborts too, and the whole file is uploaded instead")
        void completeFails() {
            m.s3().failOn("completeMultipart", "big", Errno.EIO);
            byte[] data = bytes(SIZE, 3);
            long h = writeSequentially(data, SIZE);

            close(h);

            assertArrayEquals(data, stored());
            assertEquals(0, m.s3().pendingUploads());
            assertEquals(1, m.requests().count("abortMultipart"));
            assertEquals(1, m.requests().count("upload"));
        }

        @Test
        @DisplayName("when the whole upload fails as well, close answers EIO, nothing is stored and no upload is pending")
        void everythingFails() {
            m.s3().failOn("uploadPart", "big", Errno.EIO).failOn("upload", "big", Errno.EIO);
            long h = writeSequentially(bytes(SIZE, 4), SIZE);

            assertErrno(Errno.EIO, () -> m.fs().flush(BIG, h));
            m.fs().release(BIG, h);

            assertFalse(m.s3().object("b", "big").isPresent());
            assertEquals(0, m.s3().pendingUploads());
        }

        @Test
        @DisplayName("a write elsewhere stops streaming (the upload is aborted) and the file is uploaded whole at close")
        void randomWriteStops() {
            byte[] data = bytes(SIZE, 5);
            long h = writeSequentially(data, 7 * MIB);
            m.fs().write(BIG, h, new byte[] {42}, 10, 1);
            data[10] = 42;
            assertEquals(0, m.s3().pendingUploads(), "aborted at once");
            writeFrom(h, data, 7 * MIB, SIZE);

            close(h);

            assertArrayEquals(data, stored());
            assertEquals(1, m.requests().count("upload"));
            assertEquals(0, m.s3().pendingUploads());
        }

        @Test
        @DisplayName("chmod while streaming: the parts carry the old mode, so one server-side copy stores the new one")
        void chmodWhileStreaming() {
            byte[] data = bytes(SIZE, 6);
            long h = writeSequentially(data, 6 * MIB);
            m.fs().chmod(BIG, 0600);
            writeFrom(h, data, 6 * MIB, SIZE);

            close(h);

            assertArrayEquals(data, stored());
            assertEquals(1, m.requests().count("copy"));
            assertEquals(Integer.toString(PosixMetadata.S_IFREG | 0600), m.s3().object("b", "big").orElseThrow().metadata().get("mode"));
            assertEquals(0600, m.stat("/b/big").mode());
        }
    }

    @Nested
    @DisplayName("an in-place edit of a stored object of three parts")
    class InPlace {
        byte[] base;

        @BeforeEach
        void storeBig() {
            base = bytes(SIZE, 7);
            m.s3().put("b", "big", base, Map.of("color", "red"), "application/x-big");
            m.stat("/b/big");
            m.requests().reset();
        }

        @Test
        @DisplayName("fetches and uploads only the part it changed, and copies the others server-side (UploadPartCopy)")
        void partCopies() {
            long h = m.fs().open(BIG, WRITE);
            byte[] patch = "patched!".getBytes();
            m.fs().write(BIG, h, patch, 6 * MIB + 3, patch.length);
            close(h);

            byte[] expected = base.clone();
            System.arraycopy(patch, 0, expected, 6 * MIB + 3, patch.length);
            assertArrayEquals(expected, stored());
            assertEquals(Map.of("head", 2L, "downloadRange", 1L, "startMultipart", 1L, "uploadPart", 1L,
                    "uploadPartCopy", 2L, "completeMultipart", 1L), m.requests().counts());
            assertEquals(PART, m.requests().bytesRead(), "one part fetched, not the object");
        }

        @Test
        @DisplayName("keeps the object's user metadata and Content-Type")
        void keepsMetadata() {
            long h = m.fs().open(BIG, WRITE);
            m.fs().write(BIG, h, new byte[] {1}, 0, 1);
            close(h);

            FakeObjectStore.StoredObject after = m.s3().object("b", "big").orElseThrow();
            assertEquals("red", after.metadata().get("color"));
            assertEquals("application/x-big", after.contentType());
        }

        @Test
        @DisplayName("a part a write replaces whole is not fetched")
        void wholePart() {
            long h = m.fs().open(BIG, WRITE);
            byte[] part = bytes(PART, 8);
            m.fs().write(BIG, h, part, PART, PART);
            close(h);

            byte[] expected = base.clone();
            System.arraycopy(part, 0, expected, PART, PART);
            assertArrayEquals(expected, stored());
            assertEquals(0, m.requests().count("downloadRange"));
            assertEquals(2, m.requests().count("uploadPartCopy"));
        }

        @Test
        @DisplayName("reads of the edited file fetch the parts they touch, and see the edit")
        void readsSeeEdit() {
            long h = m.fs().open(BIG, new OpenFlags(true, true, false, false, false));
            m.fs().write(BIG, h, new byte[] {7, 7}, SIZE - 2, 2);
            byte[] buf = new byte[4];
            assertEquals(4, m.fs().read(BIG, h, buf, SIZE - 4, 4));
            assertArrayEquals(new byte[] {base[SIZE - 4], base[SIZE - 3], 7, 7}, buf);
            assertEquals(4, m.fs().read(BIG, h, buf, 0, 4));
            assertArrayEquals(Arrays.copyOf(base, 4), buf);
            assertEquals(2, m.requests().count("downloadRange"), "the last part for the write, the first for the read");
            close(h);
        }

        @Test
        @DisplayName("another client replacing the object meanwhile fails close with EIO, and their object stays")
        void replacedMeanwhile() {
            long h = m.fs().open(BIG, WRITE);
            m.fs().write(BIG, h, new byte[] {1}, 6 * MIB, 1);
            m.s3().with("b", "big", "theirs");

            assertErrno(Errno.EIO, () -> m.fs().flush(BIG, h));
            m.fs().release(BIG, h);

            assertEquals("theirs", m.s3().object("b", "big").orElseThrow().text());
            assertEquals(0, m.s3().pendingUploads());
        }
    }

    @Nested
    @DisplayName("reading a large object")
    class Prefetch {
        @Test
        @DisplayName("cat of 24 MiB: the open's GET of the first 1 MiB block, then three 8 MiB GETs ahead of the reader; nothing fetched twice")
        void prefetch() {
            byte[] data = bytes(24 * MIB, 9);
            m.s3().put("b", "big", data, Map.of(), null);
            m.stat("/b/big");
            m.requests().reset();

            assertArrayEquals(data, cat());

            assertEquals(Map.of("get", 4L), m.requests().counts());
            assertEquals(data.length, m.requests().bytesRead());
        }

        @Test
        @DisplayName("read again after a remount: one GET answered 304, every block from the disk cache")
        void secondRead() {
            byte[] data = bytes(24 * MIB, 10);
            m.s3().put("b", "big", data, Map.of(), null);
            cat();
            m = m.remount(); // waits for the prefetch threads that cache blocks
            m.stat("/b/big");
            m.requests().reset();

            assertArrayEquals(data, cat());

            assertEquals(Map.of("get", 1L), m.requests().counts());
            assertEquals(1, m.requests().notModified());
            assertEquals(0, m.requests().bytesRead());
        }

        /** Reads the whole file as the kernel does, 128 KiB at a time. */
        byte[] cat() {
            long h = m.fs().open(BIG, OpenFlags.READ_ONLY);
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            byte[] buf = new byte[128 * 1024];
            long offset = 0;
            int n;
            while ((n = m.fs().read(BIG, h, buf, offset, buf.length)) > 0) {
                out.write(buf, 0, n);
                offset += n;
            }
            close(h);
            return out.toByteArray();
        }
    }
}
