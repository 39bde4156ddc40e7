package io.localstackmount.testkit;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.localstackmount.api.Errno;
import io.localstackmount.api.FsException;
import io.localstackmount.api.FsPath;
import io.localstackmount.api.Node;
import io.localstackmount.api.NodeType;
import io.localstackmount.api.OpenFlags;
import io.localstackmount.api.PosixMetadata;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;

/**
 * The files plugin through the dispatcher, operation by operation: small objects, the default cache
 * policy (etag). Large objects (streamed and part-by-part uploads, prefetch) are {@link LargeFilesTest}'s;
 * what an upload keeps of the stored object is {@link WriteBackTest}'s.
 *
 * <pre>
 * b
 * ├── hello.txt     "hello"
 * └── dir/          marker
 *     └── inner.txt "inner"
 * </pre>
 */
@DisplayName("files")
class FilesTest {
    static final OpenFlags WRITE = new OpenFlags(false, true, false, false, false);
    static final OpenFlags READ_WRITE = new OpenFlags(true, true, false, false, false);
    static final OpenFlags TRUNCATE = new OpenFlags(false, true, true, false, false);
    static final OpenFlags APPEND = new OpenFlags(false, true, false, true, false);
    static final OpenFlags EXCLUSIVE = new OpenFlags(false, true, false, false, true);

    @TempDir
    Path dir;
    TestMount m;

    @BeforeEach
    void mount() {
        m = TestMount.builder(dir).buckets("b").start();
        m.s3().with("b", "hello.txt", "hello").withKeys("b", "dir/").with("b", "dir/inner.txt", "inner");
    }

    @AfterEach
    void unmount() {
        m.close();
    }

    static FsPath p(String path) {
        return FsPath.parse(path);
    }

    static void assertErrno(Errno expected, Executable call) {
        FsException e = assertThrows(FsException.class, call);
        assertEquals(expected, e.errno(), e.getMessage());
    }

    String stored(String key) {
        return m.s3().object("b", key).orElseThrow(() -> new AssertionError("no object b/" + key)).text();
    }

    boolean inS3(String key) {
        return m.s3().object("b", key).isPresent();
    }

    void write(long h, String path, String text, long offset) {
        byte[] data = text.getBytes(UTF_8);
        assertEquals(data.length, m.fs().write(p(path), h, data, offset, data.length));
    }

    String read(long h, String path, long offset, int length) {
        byte[] buf = new byte[length];
        int n = m.fs().read(p(path), h, buf, offset, length);
        return new String(buf, 0, n, UTF_8);
    }

    /** flush and release, as close(2) does. */
    void close(long h, String path) {
        try {
            m.fs().flush(p(path), h);
        } finally {
            m.fs().release(p(path), h);
        }
    }

    @Nested
    @DisplayName("create")
    class Create {
        @Test
        @DisplayName("a new file is stored at its first close: one PUT, after one LIST that says the name is free")
        void newFile() {
            m.stat("/b");
            m.requests().reset();

            m.write("/b/new.txt", "fresh");

            assertEquals("fresh", stored("new.txt"));
            assertEquals(Map.of("listPage", 1L, "upload", 1L), m.requests().counts());
        }

        @Test
        @DisplayName("closing a file created without writes stores an empty object")
        void empty() {
            long h = m.fs().create(p("/b/empty"), 0644, WRITE);
            close(h, "/b/empty");
            assertEquals("", stored("empty"));
            assertEquals(0, m.stat("/b/empty").size());
        }

        @Test
        @DisplayName("the new file shows with its local size before it is stored, and with its mode")
        void visibleBeforeClose() {
            long h = m.fs().create(p("/b/wip"), 0600, WRITE);
            write(h, "/b/wip", "abc", 0);

            Node node = m.stat("/b/wip");
            assertEquals(3, node.size());
            assertEquals(0600, node.mode());
            assertFalse(inS3("wip"));
            assertTrue(m.ls("/b").contains("wip"));
            close(h, "/b/wip");
            assertEquals(Integer.toString(PosixMetadata.S_IFREG | 0600), m.s3().object("b", "wip").orElseThrow().metadata().get("mode"));
        }

        @Test
        @DisplayName("O_EXCL on an existing name answers EEXIST and changes nothing")
        void exclusive() {
            assertErrno(Errno.EEXIST, () -> m.fs().create(p("/b/hello.txt"), 0644, EXCLUSIVE));
            assertErrno(Errno.EEXIST, () -> m.fs().create(p("/b/dir"), 0644, EXCLUSIVE));
            assertEquals("hello", stored("hello.txt"));
        }

        @Test
        @DisplayName("at the mount root answers EPERM: the root holds buckets only")
        void atRoot() {
            assertErrno(Errno.EPERM, () -> m.fs().create(p("/file"), 0644, WRITE));
            assertErrno(Errno.EPERM, () -> m.fs().create(FsPath.ROOT, 0644, WRITE));
            assertEquals(List.of("b"), m.s3().listBuckets());
        }

        @Test
        @DisplayName("a name over 255 bytes answers ENAMETOOLONG; 255 bytes are fine")
        void nameTooLong() {
            assertErrno(Errno.ENAMETOOLONG, () -> m.fs().create(p("/b/" + "n".repeat(256)), 0644, WRITE));
            // 128 two-byte characters: 256 bytes
            assertErrno(Errno.ENAMETOOLONG, () -> m.fs().create(p("/b/" + "é".repeat(128)), 0644, WRITE));
            m.write("/b/" + "n".repeat(255), "ok");
            assertEquals("ok", stored("n".repeat(255)));
        }
    }

    @Nested
    @DisplayName("open")
    class Open {
        @Test
        @DisplayName("a folder answers EISDIR")
        void folder() {
            assertErrno(Errno.EISDIR, () -> m.fs().open(p("/b/dir"), OpenFlags.READ_ONLY));
            assertErrno(Errno.EISDIR, () -> m.fs().open(p("/b"), OpenFlags.READ_ONLY));
        }

        @Test
        @DisplayName("a missing name answers ENOENT")
        void missing() {
            assertErrno(Errno.ENOENT, () -> m.fs().open(p("/b/nothing"), OpenFlags.READ_ONLY));
            assertErrno(Errno.ENOENT, () -> m.fs().open(p("/b/nothing"), WRITE));
        }

        @Test
        @DisplayName("O_TRUNC empties the file: nothing is downloaded, and close stores it empty")
        void truncate() {
            m.stat("/b/hello.txt");
            m.requests().reset();
            long h = m.fs().open(p("/b/hello.txt"), TRUNCATE);
            assertEquals(0, m.stat("/b/hello.txt").size());
            close(h, "/b/hello.txt");

            assertEquals("", stored("hello.txt"));
            assertEquals(0, m.requests().count("get") + m.requests().count("download") + m.requests().count("read"));
        }

        @Test
        @DisplayName("opening for writing and closing without a write stores nothing")
        void noWrite() {
            m.stat("/b/hello.txt");
            m.requests().reset();
            long h = m.fs().open(p("/b/hello.txt"), WRITE);
            close(h, "/b/hello.txt");
            assertEquals(0, m.requests().total(), m.requests().summary());
        }
    }

    @Nested
    @DisplayName("read")
    class Read {
        @Test
        @DisplayName("a range reads just those bytes; reads at and past the end read nothing")
        void ranges() {
            long h = m.fs().open(p("/b/hello.txt"), OpenFlags.READ_ONLY);
            assertEquals("ell", read(h, "/b/hello.txt", 1, 3));
            assertEquals("lo", read(h, "/b/hello.txt", 3, 100));
            assertEquals("", read(h, "/b/hello.txt", 5, 10));
            assertEquals("", read(h, "/b/hello.txt", 1000, 10));
            close(h, "/b/hello.txt");
        }

        @Test
        @DisplayName("cat of a small file is one GET, which also answers every read")
        void oneGet() {
            m.stat("/b/dir/inner.txt");
            m.requests().reset();
            assertEquals("inner", m.read("/b/dir/inner.txt"));
            assertEquals(Map.of("get", 1L), m.requests().counts());
        }

        @Test
        @DisplayName("an empty object is never range-read: no request at all")
        void emptyObject() {
            m.s3().with("b", "zero", "");
            m.stat("/b/zero");
            m.requests().reset();
            assertEquals("", m.read("/b/zero"));
            assertEquals(0, m.requests().total(), m.requests().summary());
        }

        @Test
        @DisplayName("a read on a released handle answers EBADF")
        void released() {
            long h = m.fs().open(p("/b/hello.txt"), OpenFlags.READ_ONLY);
            m.fs().release(p("/b/hello.txt"), h);
            assertErrno(Errno.EBADF, () -> read(h, "/b/hello.txt", 0, 5));
        }
    }

    @Nested
    @DisplayName("write, flush, fsync, release")
    class Write {
        @Test
        @DisplayName("writes are uploaded once at flush; a second flush and the release send nothing")
        void flushUploadsOnce() {
            long h = m.fs().create(p("/b/w.txt"), 0644, WRITE);
            write(h, "/b/w.txt", "one ", 0);
            write(h, "/b/w.txt", "two", 4);
            assertFalse(inS3("w.txt"), "nothing is sent before flush");
            m.requests().reset();

            m.fs().flush(p("/b/w.txt"), h);
            m.fs().flush(p("/b/w.txt"), h);
            m.fs().release(p("/b/w.txt"), h);

            assertEquals("one two", stored("w.txt"));
            assertEquals(Map.of("upload", 1L), m.requests().counts());
        }

        @Test
        @DisplayName("fsync uploads what is dirty; the writes after it are uploaded by the next flush")
        void fsync() {
            long h = m.fs().create(p("/b/s.txt"), 0644, WRITE);
            write(h, "/b/s.txt", "abc", 0);
            m.fs().fsync(p("/b/s.txt"), h);
            assertEquals("abc", stored("s.txt"));

            write(h, "/b/s.txt", "def", 3);
            assertEquals("abc", stored("s.txt"));
            close(h, "/b/s.txt");
            assertEquals("abcdef", stored("s.txt"));
        }

        @Test
        @DisplayName("a write in the middle of an existing small object downloads it once and stores the whole")
        void inPlace() {
            m.stat("/b/hello.txt");
            m.requests().reset();
            long h = m.fs().open(p("/b/hello.txt"), READ_WRITE);
            write(h, "/b/hello.txt", "J", 0);
            assertEquals("Jello", read(h, "/b/hello.txt", 0, 10));
            close(h, "/b/hello.txt");

            assertEquals("Jello", stored("hello.txt"));
            assertEquals(1, m.requests().count("download"));
            assertEquals(1, m.requests().count("upload"));
        }

        @Test
        @DisplayName("a write past the end leaves a hole of zeros")
        void hole() {
            long h = m.fs().open(p("/b/hello.txt"), WRITE);
            write(h, "/b/hello.txt", "!", 7);
            close(h, "/b/hello.txt");
            assertArrayEquals("hello\0\0!".getBytes(UTF_8), m.s3().object("b", "hello.txt").orElseThrow().body());
        }

        @Test
        @DisplayName("release without a flush loses nothing: the data stays shown and core stores it later")
        void releaseWithoutFlush() {
            long h = m.fs().create(p("/b/kept"), 0644, WRITE);
            write(h, "/b/kept", "x", 0);
            m.fs().release(p("/b/kept"), h);
            assertEquals(1, m.stat("/b/kept").size());
        }
    }

    @Nested
    @DisplayName("truncate")
    class Truncate {
        @Test
        @DisplayName("by path: shrinking stores the shorter object at once")
        void shrinkByPath() {
            m.fs().truncate(p("/b/hello.txt"), 2, 0);
            assertEquals("he", stored("hello.txt"));
            assertEquals(2, m.stat("/b/hello.txt").size());
        }

        @Test
        @DisplayName("by path: growing pads with zeros")
        void growByPath() {
            m.fs().truncate(p("/b/hello.txt"), 7, 0);
            assertArrayEquals("hello\0\0".getBytes(UTF_8), m.s3().object("b", "hello.txt").orElseThrow().body());
        }

        @Test
        @DisplayName("by path to 0: nothing is downloaded")
        void toZeroByPath() {
            m.stat("/b/hello.txt");
            m.requests().reset();
            m.fs().truncate(p("/b/hello.txt"), 0, 0);
            assertEquals("", stored("hello.txt"));
            assertEquals(0, m.requests().count("download") + m.requests().count("get"));
        }

        @Test
        @DisplayName("by path on a folder answers EISDIR, on a missing name ENOENT")
        void errors() {
            assertErrno(Errno.EISDIR, () -> m.fs().truncate(p("/b/dir"), 0, 0));
            assertErrno(Errno.ENOENT, () -> m.fs().truncate(p("/b/none"), 0, 0));
        }

        @Test
        @DisplayName("by handle (ftruncate): shrink then grow, stored at flush")
        void byHandle() {
            long h = m.fs().open(p("/b/hello.txt"), READ_WRITE);
            m.fs().truncate(p("/b/hello.txt"), 3, h);
            assertEquals("hel", read(h, "/b/hello.txt", 0, 10));
            m.fs().truncate(p("/b/hello.txt"), 5, h);
            assertEquals("hel\0\0", read(h, "/b/hello.txt", 0, 10));
            assertEquals("hello", stored("hello.txt"), "nothing is stored before the flush");
            close(h, "/b/hello.txt");
            assertEquals("hel\0\0", stored("hello.txt"));
        }

        @Test
        @DisplayName("by path while another descriptor has unsaved data: joins it, and that descriptor's close stores both")
        void byPathWhileDirty() {
            long h = m.fs().open(p("/b/hello.txt"), WRITE);
            write(h, "/b/hello.txt", "HELLO, world", 0);
            m.requests().reset();

            m.fs().truncate(p("/b/hello.txt"), 5, 0);

            assertEquals(0, m.requests().count("upload"), "the writer's changes are not the truncate's to store");
            assertEquals(5, m.stat("/b/hello.txt").size());
            close(h, "/b/hello.txt");
            assertEquals("HELLO", stored("hello.txt"));
        }

        @Test
        @DisplayName("a negative size answers EINVAL")
        void negative() {
            long h = m.fs().open(p("/b/hello.txt"), WRITE);
            assertErrno(Errno.EINVAL, () -> m.fs().truncate(p("/b/hello.txt"), -1, h));
            m.fs().release(p("/b/hello.txt"), h);
        }
    }

    @Nested
    @DisplayName("unlink")
    class Unlink {
        @Test
        @DisplayName("removes the object with one DELETE")
        void removes() {
            m.stat("/b/hello.txt");
            m.requests().reset();
            m.fs().unlink(p("/b/hello.txt"));
            assertFalse(inS3("hello.txt"));
            assertEquals(Map.of("delete", 1L), m.requests().counts());
            assertErrno(Errno.ENOENT, () -> m.stat("/b/hello.txt"));
        }

        @Test
        @DisplayName("a folder answers EISDIR, a missing name ENOENT")
        void errors() {
            assertErrno(Errno.EISDIR, () -> m.fs().unlink(p("/b/dir")));
            assertErrno(Errno.ENOENT, () -> m.fs().unlink(p("/b/none")));
            assertTrue(inS3("dir/"));
        }

        @Test
        @DisplayName("the last file of an implicit folder: the folder stays, with a marker")
        void keepsFolder() {
            // b/imp/only (no marker imp/)
            m.s3().with("b", "imp/only", "x");
            m.fs().unlink(p("/b/imp/only"));
            assertEquals(List.of("dir/", "dir/inner.txt", "hello.txt", "imp/"), m.s3().keys("b"));
            assertTrue(m.stat("/b/imp").isDirectory());
        }

        @Test
        @DisplayName("an open descriptor keeps reading what it opened, and its close does not bring the file back")
        void openReader() {
            long h = m.fs().open(p("/b/hello.txt"), OpenFlags.READ_ONLY);
            m.fs().unlink(p("/b/hello.txt"));

            assertFalse(inS3("hello.txt"));
            assertEquals("hello", read(h, "/b/hello.txt", 0, 100));
            close(h, "/b/hello.txt");
            assertFalse(inS3("hello.txt"));
            assertErrno(Errno.ENOENT, () -> m.stat("/b/hello.txt"));
        }

        @Test
        @DisplayName("a descriptor with unsaved writes keeps them to read, and its close stores nothing")
        void openWriter() {
            long h = m.fs().open(p("/b/hello.txt"), READ_WRITE);
            write(h, "/b/hello.txt", "HE", 0);
            m.fs().unlink(p("/b/hello.txt"));

            write(h, "/b/hello.txt", "!", 5);
            assertEquals("HEllo!", read(h, "/b/hello.txt", 0, 100));
            m.requests().reset();
            close(h, "/b/hello.txt");
            assertFalse(inS3("hello.txt"));
            assertEquals(0, m.requests().count("upload"));
        }

        @Test
        @DisplayName("libfuse's hiding of an open file is a removal: no copy to .fuse_hidden, which only the descriptors see")
        void fuseHidden() {
            long h = m.fs().open(p("/b/hello.txt"), OpenFlags.READ_ONLY);
            m.requests().reset();
            FsPath hidden = p("/b/.fuse_hidden0000000100000001");

            m.fs().rename(p("/b/hello.txt"), hidden);

            assertEquals(0, m.requests().count("copy"));
            assertEquals(List.of("dir/", "dir/inner.txt"), m.s3().keys("b"));
            assertEquals(5, m.fs().getattr(hidden).size());
            assertEquals("hello", new String(readAll(h, hidden), UTF_8));
            m.fs().release(hidden, h);
            m.fs().unlink(hidden);
            assertEquals(List.of("dir/", "dir/inner.txt"), m.s3().keys("b"));
        }
    }

    byte[] readAll(long h, FsPath path) {
        byte[] buf = new byte[1024];
        int n = m.fs().read(path, h, buf, 0, buf.length);
        return Arrays.copyOf(buf, n);
    }

    @Nested
    @DisplayName("symlink and readlink")
    class Symlinks {
        @Test
        @DisplayName("stored as s3fs does: the body is the target, the mode S_IFLNK|0777")
        void storedAsS3fs() {
            m.fs().symlink("../hello.txt", p("/b/dir/link"));

            FakeObjectStore.StoredObject link = m.s3().object("b", "dir/link").orElseThrow();
            assertEquals("../hello.txt", link.text());
            assertEquals(Integer.toString(PosixMetadata.S_IFLNK | 0777), link.metadata().get("mode"));
            Node node = m.stat("/b/dir/link");
            assertEquals(NodeType.SYMLINK, node.type());
            assertEquals(0777, node.mode());
            assertEquals(12, node.size());
            assertEquals("../hello.txt", m.fs().readlink(p("/b/dir/link")));
        }

        @Test
        @DisplayName("an s3fs symlink is read back after a remount, from its stored mode")
        void afterRemount() {
            m.fs().symlink("hello.txt", p("/b/ln"));
            m = m.remount();
            assertEquals(NodeType.SYMLINK, m.stat("/b/ln").type());
            assertEquals("hello.txt", m.fs().readlink(p("/b/ln")));
        }

        @Test
        @DisplayName("an existing name answers EEXIST and changes nothing")
        void exists() {
            assertErrno(Errno.EEXIST, () -> m.fs().symlink("x", p("/b/hello.txt")));
            assertErrno(Errno.EEXIST, () -> m.fs().symlink("x", p("/b/dir")));
            assertEquals("hello", stored("hello.txt"));
        }

        @Test
        @DisplayName("readlink of a file or folder answers EINVAL, of a missing name ENOENT")
        void notALink() {
            assertErrno(Errno.EINVAL, () -> m.fs().readlink(p("/b/hello.txt")));
            assertErrno(Errno.EINVAL, () -> m.fs().readlink(p("/b/dir")));
            assertErrno(Errno.ENOENT, () -> m.fs().readlink(p("/b/none")));
        }

        @Test
        @DisplayName("at the mount root answers EPERM")
        void atRoot() {
            assertErrno(Errno.EPERM, () -> m.fs().symlink("b", p("/link")));
        }
    }

    @Nested
    @DisplayName("descriptors sharing one file")
    class Shared {
        @Test
        @DisplayName("a second descriptor reads the first one's unsaved writes")
        void readsUnsaved() {
            long w = m.fs().open(p("/b/hello.txt"), WRITE);
            write(w, "/b/hello.txt", "HELLO", 0);
            m.requests().reset();

            long r = m.fs().open(p("/b/hello.txt"), OpenFlags.READ_ONLY);
            assertEquals("HELLO", read(r, "/b/hello.txt", 0, 100));
            assertEquals(0, m.requests().total(), "nothing is asked of S3: the content is local");
            close(r, "/b/hello.txt");
            close(w, "/b/hello.txt");
            assertEquals("HELLO", stored("hello.txt"));
        }

        @Test
        @DisplayName("O_APPEND writes land at the end of what the other descriptor wrote")
        void append() {
            long w = m.fs().create(p("/b/log"), 0644, WRITE);
            write(w, "/b/log", "first\n", 0);
            long a = m.fs().open(p("/b/log"), APPEND);
            write(a, "/b/log", "second\n", 0);
            write(w, "/b/log", "third\n", 13);

            close(a, "/b/log");
            assertEquals("first\nsecond\nthird\n", stored("log"));
            close(w, "/b/log");
            assertEquals("first\nsecond\nthird\n", stored("log"));
        }

        @Test
        @DisplayName("the first close uploads the writes of all descriptors, once")
        void firstCloseUploads() {
            long one = m.fs().open(p("/b/hello.txt"), WRITE);
            long two = m.fs().open(p("/b/hello.txt"), WRITE);
            write(one, "/b/hello.txt", "H", 0);
            write(two, "/b/hello.txt", "O", 4);
            m.requests().reset();

            close(one, "/b/hello.txt");
            close(two, "/b/hello.txt");

            assertEquals("HellO", stored("hello.txt"));
            assertEquals(1, m.requests().count("upload"));
        }

        @Test
        @DisplayName("O_TRUNC by a second descriptor empties the content for both")
        void truncateShared() {
            long r = m.fs().open(p("/b/hello.txt"), READ_WRITE);
            write(r, "/b/hello.txt", "J", 0);
            long t = m.fs().open(p("/b/hello.txt"), TRUNCATE);
            assertEquals("", read(r, "/b/hello.txt", 0, 10));
            close(t, "/b/hello.txt");
            close(r, "/b/hello.txt");
            assertEquals("", stored("hello.txt"));
        }
    }

    @Nested
    @DisplayName("a failed upload")
    class FailedUpload {
        @Test
        @DisplayName("fails flush with EIO, leaves the stored object untouched, and a later flush retries and succeeds")
        void flushRetries() {
            long h = m.fs().open(p("/b/hello.txt"), WRITE);
            write(h, "/b/hello.txt", "HELLO", 0);
            m.s3().failOn("upload", "hello.txt", Errno.EIO);

            assertErrno(Errno.EIO, () -> m.fs().flush(p("/b/hello.txt"), h));
            assertEquals("hello", stored("hello.txt"));
            assertEquals(5, m.stat("/b/hello.txt").size(), "the unsaved data is still the file's");

            m.s3().clearFailures();
            m.fs().flush(p("/b/hello.txt"), h);
            m.fs().release(p("/b/hello.txt"), h);
            assertEquals("HELLO", stored("hello.txt"));
        }

        @Test
        @DisplayName("fails fsync with EIO too, whatever the store answered")
        void fsync() {
            long h = m.fs().create(p("/b/new"), 0644, WRITE);
            write(h, "/b/new", "data", 0);
            m.s3().failOn("upload", "new", Errno.EACCES);

            assertErrno(Errno.EIO, () -> m.fs().fsync(p("/b/new"), h));
            assertFalse(inS3("new"));

            m.s3().clearFailures();
            close(h, "/b/new");
            assertEquals("data", stored("new"));
        }

        @Test
        @DisplayName("a new file whose upload failed stays after its release: core keeps its data and retries it (DurableStagingTest)")
        void releasedAfterFailure() {
            long h = m.fs().create(p("/b/new"), 0644, WRITE);
            write(h, "/b/new", "data", 0);
            m.s3().failOn("upload", "new", Errno.EIO);
            assertErrno(Errno.EIO, () -> m.fs().flush(p("/b/new"), h));
            m.fs().release(p("/b/new"), h);

            assertFalse(inS3("new"));
            assertEquals(4, m.stat("/b/new").size());
        }
    }
}
