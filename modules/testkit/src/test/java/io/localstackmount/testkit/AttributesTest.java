package io.localstackmount.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.localstackmount.api.Errno;
import io.localstackmount.api.FsException;
import io.localstackmount.api.FsPath;
import io.localstackmount.api.FsStats;
import io.localstackmount.api.MountOptions;
import io.localstackmount.api.Node;
import io.localstackmount.api.NodeType;
import io.localstackmount.api.OpenFlags;
import io.localstackmount.api.PosixMetadata;
import io.localstackmount.core.FsConfig;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Mode, owner and mtime: where stat takes them from, and what chmod, chown and utimens store. They
 * live in object user metadata in s3fs's format (decimal st_mode with type bits, decimal ids,
 * seconds), so objects carry them between this tool and s3fs, and across remounts. The tree
 * (umask 022, uid 1000, gid 1001):
 * <pre>
 * b/
 * ├── plain.txt        "hello", no metadata
 * ├── s3fs.sh          s3fs: mode 0100755, uid 7, gid 8, mtime 1600000000.5; x-amz-meta-note, text/x-sh
 * ├── s3fs-link        s3fs symlink (mode 0120777) to "plain.txt"
 * ├── s3fs-dir/        s3fs marker: mode 040750, uid 7, gid 8, mtime 1600000000.5
 * │   └── inside
 * ├── s3fs-old         an s3fs folder stored without the slash: mode 040700, no body
 * └── implicit/        no marker
 *     └── z
 * </pre>
 */
class AttributesTest {
    private static final int UID = 1000;
    private static final int GID = 1001;
    private static final Instant META_MTIME = Instant.ofEpochSecond(1600000000, 500_000_000);
    private static final Map<String, String> S3FS_OWNER = Map.of("uid", "7", "gid", "8", "mtime", "1600000000.5");
    private static final UnaryOperator<FsConfig.Builder> OPTIONS = b -> b.options(new MountOptions(UID, GID, 0022, false));

    @TempDir
    Path dir;

    private TestMount m;

    @BeforeEach
    void mount() {
        m = TestMount.builder(dir).config(OPTIONS).start();
        populate(m.s3());
        m.requests().reset();
    }

    @AfterEach
    void unmount() {
        m.close();
    }

    private static void populate(FakeObjectStore s3) {
        s3.withBuckets("b");
        s3.with("b", "plain.txt", "hello");
        s3.put("b", "s3fs.sh", bytes("#!/bin/sh\n"), with(S3FS_OWNER, "mode", mode(PosixMetadata.S_IFREG | 0755), "note", "keep"), "text/x-sh");
        s3.put("b", "s3fs-link", bytes("plain.txt"), Map.of("mode", mode(PosixMetadata.S_IFLNK | 0777)), null);
        s3.put("b", "s3fs-dir/", new byte[0], with(S3FS_OWNER, "mode", mode(PosixMetadata.S_IFDIR | 0750)), "application/x-directory");
        s3.put("b", "s3fs-old", new byte[0], Map.of("mode", mode(PosixMetadata.S_IFDIR | 0700)), null);
        s3.withKeys("b", "s3fs-dir/inside", "implicit/z");
    }

    private static Map<String, String> with(Map<String, String> base, String... pairs) {
        Map<String, String> m = new java.util.HashMap<>(base);
        for (int i = 0; i < pairs.length; i += 2) {
            m.put(pairs[i], pairs[i + 1]);
        }
        return Map.copyOf(m);
    }

    private static String mode(int stMode) {
        return Integer.toString(stMode);
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static FsPath path(String p) {
        return FsPath.parse(p);
    }

    private Map<String, String> stored(String key) {
        return m.s3().object("b", key).orElseThrow(() -> new AssertionError("no object " + key)).metadata();
    }

    /**
     * stat of every entry of /b, as ls -l does. The first lookup in a listing starts the HEADs of all
     * its entries in the background; once each was looked up, none is left to be counted later.
     */
    private void statAll() {
        for (String name : java.util.List.of("implicit", "plain.txt", "s3fs-dir", "s3fs-link", "s3fs-old", "s3fs.sh")) {
            m.stat("/b/" + name);
        }
    }

    private Node listed(TestMount mount, String folder, String name) {
        return mount.fs().readdir(path(folder)).stream().filter(n -> n.name().equals(name)).findFirst().orElseThrow();
    }

    private Errno errnoOf(Runnable op) {
        return assertThrows(FsException.class, op::run).errno();
    }

    /** Requests that change something in S3. */
    private long writes() {
        Map<String, Long> counts = m.requests().counts();
        return counts.entrySet().stream().filter(e -> !e.getKey().equals("head") && !e.getKey().equals("listPage")
                && !e.getKey().equals("bucketExists") && !e.getKey().equals("listBuckets")).mapToLong(Map.Entry::getValue).sum();
    }

    @Nested
    @DisplayName("getattr: where attributes come from")
    class Getattr {
        @Test
        @DisplayName("an object without metadata: 0666 minus the umask, the mount's owner, Last-Modified")
        void defaults() {
            Node n = m.stat("/b/plain.txt");
            assertEquals(0644, n.mode());
            assertEquals(UID, n.uid());
            assertEquals(GID, n.gid());
            assertEquals(ManualTime.START, n.mtime());
        }

        @Test
        @DisplayName("an object s3fs wrote: its mode, owner and mtime (to the nanosecond)")
        void s3fsFile() {
            Node n = m.stat("/b/s3fs.sh");
            assertEquals(NodeType.FILE, n.type());
            assertEquals(0755, n.mode());
            assertEquals(7, n.uid());
            assertEquals(8, n.gid());
            assertEquals(META_MTIME, n.mtime());
        }

        @Test
        @DisplayName("a symlink s3fs wrote: a symlink, 0777, whose target is its body")
        void s3fsSymlink() {
            Node n = m.stat("/b/s3fs-link");
            assertEquals(NodeType.SYMLINK, n.type());
            assertEquals(0777, n.mode());
            assertEquals("plain.txt", m.fs().readlink(path("/b/s3fs-link")));
        }

        @Test
        @DisplayName("a folder whose marker s3fs wrote: the marker's mode, owner, mtime and ETag")
        void s3fsFolder() {
            Node n = m.stat("/b/s3fs-dir");
            assertEquals(NodeType.DIRECTORY, n.type());
            assertEquals(0750, n.mode());
            assertEquals(7, n.uid());
            assertEquals(META_MTIME, n.mtime());
            assertEquals(m.s3().object("b", "s3fs-dir/").orElseThrow().etag(), n.etag());
        }

        @Test
        @DisplayName("a folder s3fs stored as an object without the slash (mode S_IFDIR) is a folder")
        void s3fsFolderWithoutSlash() {
            Node n = m.stat("/b/s3fs-old");
            assertEquals(NodeType.DIRECTORY, n.type());
            assertEquals(0700, n.mode());
            assertEquals(java.util.List.of(), m.ls("/b/s3fs-old"));
        }

        @Test
        @DisplayName("an implicit folder: 0777 minus the umask, the mount's owner, mount time")
        void implicitFolder() {
            assertEquals(new Node("implicit", NodeType.DIRECTORY, 0, ManualTime.START, 0755, UID, GID, null), m.stat("/b/implicit"));
        }

        @Test
        @DisplayName("umask 027 gives files 0640 and folders 0750; uid and gid from the options")
        void umask() {
            try (TestMount other = TestMount.builder(dir.resolve("other")).store(m.s3()).time(m.time())
                    .config(b -> b.options(new MountOptions(5, 6, 0027, false))).start()) {
                Node file = other.stat("/b/plain.txt");
                assertEquals(0640, file.mode());
                assertEquals(5, file.uid());
                assertEquals(6, file.gid());
                assertEquals(0750, other.stat("/b/implicit").mode());
                assertEquals(0750, other.stat("/b").mode());
            }
        }

        @Test
        @DisplayName("metadata that does not parse falls back to the defaults")
        void garbage() {
            m.s3().put("b", "garbage", bytes("x"), Map.of("mode", "rwx", "uid", "me", "gid", "", "mtime", "yesterday"), null);
            Node n = m.stat("/b/garbage");
            assertEquals(new Node("garbage", NodeType.FILE, 1, ManualTime.START, 0644, UID, GID,
                    m.s3().object("b", "garbage").orElseThrow().etag()), n);
        }

        @Test
        @DisplayName("an mtime no Instant can hold dates the object by Last-Modified, and its folder still lists")
        void outOfRangeMtime() {
            m.s3().put("b", "future", bytes("x"), Map.of("mtime", "1e30"), null);
            assertEquals(ManualTime.START, m.stat("/b/future").mtime());
            m.time().advance(Duration.ofSeconds(3));
            assertTrue(m.ls("/b").contains("future"));
        }

        @Test
        @DisplayName("a symlink keeps the permission bits stored with it")
        void symlinkModes() {
            m.s3().put("b", "l755", bytes("t"), Map.of("mode", mode(PosixMetadata.S_IFLNK | 0755)), null);
            assertEquals(0755, m.stat("/b/l755").mode());
        }
    }

    @Nested
    @DisplayName("chmod")
    class Chmod {
        @Test
        @DisplayName("of a stored file: one HEAD and one server-side copy; body, Content-Type and other metadata stay")
        void storedFile() {
            statAll();
            m.requests().reset();
            m.fs().chmod(path("/b/s3fs.sh"), 0640);
            assertEquals(Map.of("head", 1L, "copy", 1L), m.requests().counts());
            FakeObjectStore.StoredObject o = m.s3().object("b", "s3fs.sh").orElseThrow();
            assertEquals("#!/bin/sh\n", o.text());
            assertEquals("text/x-sh", o.contentType());
            assertEquals(mode(PosixMetadata.S_IFREG | 0640), o.metadata().get("mode"));
            assertEquals("keep", o.metadata().get("note"));
            assertEquals("7", o.metadata().get("uid"), "the owner stays");
            assertEquals("1600000000.5", o.metadata().get("mtime"), "the mtime stays");
        }

        @Test
        @DisplayName("shows at once, after the TTL and in later listings, without a HEAD")
        void shown() {
            statAll();
            m.fs().chmod(path("/b/plain.txt"), 0600);
            assertEquals(0600, m.stat("/b/plain.txt").mode());
            m.time().advance(Duration.ofSeconds(3));
            m.requests().reset();
            assertEquals(0600, listed(m, "/b", "plain.txt").mode());
            assertEquals(0600, m.stat("/b/plain.txt").mode());
            assertEquals(0, m.requests().count("head"), "remembered by version: " + m.requests().counts());
        }

        @Test
        @DisplayName("keeps the stored owner when the node came from a listing without metadata (head-unknown off)")
        void ownerFromObjectNotListing() {
            try (TestMount off = TestMount.builder(dir.resolve("off")).store(m.s3()).time(m.time())
                    .config(b -> OPTIONS.apply(b).headUnknown(false)).start()) {
                assertEquals(UID, listed(off, "/b", "s3fs.sh").uid(), "the listing shows the defaults");
                off.fs().chmod(path("/b/s3fs.sh"), 0600);
                assertEquals("7", stored("s3fs.sh").get("uid"));
                assertEquals("8", stored("s3fs.sh").get("gid"));
                assertEquals("1600000000.5", stored("s3fs.sh").get("mtime"));
                assertEquals(7, off.stat("/b/s3fs.sh").uid());
            }
        }

        @Test
        @DisplayName("to the mode a listing showed by default is still stored when S3 holds another (head-unknown off)")
        void toTheListedDefault() {
            try (TestMount off = TestMount.builder(dir.resolve("off")).store(m.s3()).time(m.time())
                    .config(b -> OPTIONS.apply(b).headUnknown(false)).start()) {
                assertEquals(0644, listed(off, "/b", "s3fs.sh").mode());
                off.fs().chmod(path("/b/s3fs.sh"), 0644);
                assertEquals(mode(PosixMetadata.S_IFREG | 0644), stored("s3fs.sh").get("mode"));
                assertEquals(0644, off.stat("/b/s3fs.sh").mode());
            }
        }

        @Test
        @DisplayName("to the mode a file has sends nothing more than the lookup")
        void unchanged() {
            statAll();
            m.requests().reset();
            m.fs().chmod(path("/b/s3fs.sh"), 0755);
            assertEquals(0, writes(), m.requests().counts().toString());
        }

        @Test
        @DisplayName("of a file open with unsaved data: no request; the mode is stored with its upload")
        void unsavedFile() {
            FsPath p = path("/b/new.txt");
            long h = m.fs().create(p, 0644, new OpenFlags(false, true, false, false, false));
            m.fs().write(p, h, bytes("data"), 0, 4);
            m.requests().reset();
            m.fs().chmod(p, 0600);
            assertEquals(0, m.requests().total());
            assertEquals(0600, m.stat("/b/new.txt").mode());
            m.fs().flush(p, h);
            m.fs().release(p, h);
            assertEquals(mode(PosixMetadata.S_IFREG | 0600), stored("new.txt").get("mode"));
            assertEquals(0, m.requests().count("copy"), "stored with the upload, no copy");
        }

        @Test
        @DisplayName("of an implicit folder writes its marker, with the mode and the folder's other attributes")
        void implicitFolder() {
            m.fs().chmod(path("/b/implicit"), 0700);
            FakeObjectStore.StoredObject marker = m.s3().object("b", "implicit/").orElseThrow();
            assertEquals(0, marker.body().length);
            assertEquals("application/x-directory", marker.contentType());
            assertEquals(mode(PosixMetadata.S_IFDIR | 0700), marker.metadata().get("mode"));
            assertEquals(Integer.toString(UID), marker.metadata().get("uid"));
            assertEquals(1, m.requests().count("put"));
            assertEquals(0700, m.stat("/b/implicit").mode());
            assertEquals(0700, listed(m, "/b", "implicit").mode());
            assertEquals(java.util.List.of("z"), m.ls("/b/implicit"), "the marker is not an entry");
        }

        @Test
        @DisplayName("of a folder with a marker: one copy of the marker, its other metadata kept")
        void markerFolder() {
            m.fs().chmod(path("/b/s3fs-dir"), 0700);
            assertEquals(1, m.requests().count("copy"));
            assertEquals(0, m.requests().count("put"));
            assertEquals(mode(PosixMetadata.S_IFDIR | 0700), stored("s3fs-dir/").get("mode"));
            assertEquals("7", stored("s3fs-dir/").get("uid"));
            assertEquals(0700, m.stat("/b/s3fs-dir").mode());
        }

        @Test
        @DisplayName("of an s3fs folder stored without the slash: the object itself is changed, no marker appears")
        void folderWithoutSlash() {
            m.fs().chmod(path("/b/s3fs-old"), 0750);
            assertEquals(mode(PosixMetadata.S_IFDIR | 0750), stored("s3fs-old").get("mode"));
            assertTrue(m.s3().object("b", "s3fs-old/").isEmpty());
            assertEquals(0750, m.stat("/b/s3fs-old").mode());
        }

        @Test
        @DisplayName("of a bucket or the root: accepted and not kept (chmod -R and cp -p never fail); nothing is written")
        void bucketAndRoot() {
            m.fs().chmod(path("/b"), 0700);
            m.fs().chmod(FsPath.ROOT, 0700);
            assertEquals(0, writes(), m.requests().counts().toString());
            assertEquals(0755, m.stat("/b").mode());
        }

        @Test
        @DisplayName("of a missing name is ENOENT")
        void missing() {
            assertEquals(Errno.ENOENT, errnoOf(() -> m.fs().chmod(path("/b/missing"), 0600)));
        }
    }

    @Nested
    @DisplayName("chown")
    class Chown {
        @Test
        @DisplayName("of a stored file: one server-side copy; the mode stays")
        void storedFile() {
            m.fs().chown(path("/b/s3fs.sh"), 70, 80);
            assertEquals(1, m.requests().count("copy"));
            assertEquals("70", stored("s3fs.sh").get("uid"));
            assertEquals("80", stored("s3fs.sh").get("gid"));
            assertEquals(mode(PosixMetadata.S_IFREG | 0755), stored("s3fs.sh").get("mode"));
            Node n = m.stat("/b/s3fs.sh");
            assertEquals(70, n.uid());
            assertEquals(0755, n.mode());
        }

        @Test
        @DisplayName("-1 keeps the uid or the gid as it is")
        void minusOne() {
            m.fs().chown(path("/b/s3fs.sh"), -1, 80);
            assertEquals("7", stored("s3fs.sh").get("uid"));
            assertEquals("80", stored("s3fs.sh").get("gid"));
            m.fs().chown(path("/b/s3fs.sh"), 70, -1);
            assertEquals("70", stored("s3fs.sh").get("uid"));
            assertEquals("80", stored("s3fs.sh").get("gid"));
        }

        @Test
        @DisplayName("keeps the stored mode when the node came from a listing without metadata (head-unknown off)")
        void modeFromObjectNotListing() {
            try (TestMount off = TestMount.builder(dir.resolve("off")).store(m.s3()).time(m.time())
                    .config(b -> OPTIONS.apply(b).headUnknown(false)).start()) {
                assertEquals(0644, listed(off, "/b", "s3fs.sh").mode(), "the listing shows the defaults");
                off.fs().chown(path("/b/s3fs.sh"), 70, 80);
                assertEquals(mode(PosixMetadata.S_IFREG | 0755), stored("s3fs.sh").get("mode"));
                assertEquals(0755, off.stat("/b/s3fs.sh").mode());
            }
        }

        @Test
        @DisplayName("of a folder with a marker changes the marker")
        void folder() {
            m.fs().chown(path("/b/s3fs-dir"), 70, 80);
            assertEquals("70", stored("s3fs-dir/").get("uid"));
            assertEquals(mode(PosixMetadata.S_IFDIR | 0750), stored("s3fs-dir/").get("mode"));
            assertEquals(70, m.stat("/b/s3fs-dir").uid());
        }
    }

    @Nested
    @DisplayName("utimens (touch -m)")
    class Utimens {
        @Test
        @DisplayName("stores the mtime as s3fs does, seconds with the fraction; one server-side copy")
        void storedFile() {
            Instant t = Instant.ofEpochSecond(1700000000, 250_000_000);
            m.fs().utimens(path("/b/plain.txt"), t);
            assertEquals(1, m.requests().count("copy"));
            assertEquals("1700000000.25", stored("plain.txt").get("mtime"));
            assertEquals(t, m.stat("/b/plain.txt").mtime());
        }

        @Test
        @DisplayName("without an mtime (UTIME_OMIT) sends nothing")
        void omit() {
            m.fs().utimens(path("/b/plain.txt"), null);
            assertEquals(0, m.requests().total());
        }

        @Test
        @DisplayName("of a file open with unsaved data: kept for the upload, which does not overwrite it")
        void unsavedFile() {
            FsPath p = path("/b/new.txt");
            long h = m.fs().create(p, 0644, new OpenFlags(false, true, false, false, false));
            m.fs().write(p, h, bytes("data"), 0, 4);
            Instant t = Instant.ofEpochSecond(1500000000);
            m.requests().reset();
            m.fs().utimens(p, t);
            assertEquals(0, m.requests().total());
            m.time().advance(Duration.ofSeconds(10));
            m.fs().flush(p, h);
            m.fs().release(p, h);
            assertEquals("1500000000", stored("new.txt").get("mtime"));
            assertEquals(t, m.stat("/b/new.txt").mtime());
        }

        @Test
        @DisplayName("of a folder with a marker changes the marker")
        void folder() {
            Instant t = Instant.ofEpochSecond(1700000000);
            m.fs().utimens(path("/b/s3fs-dir"), t);
            assertEquals("1700000000", stored("s3fs-dir/").get("mtime"));
            assertEquals(t, m.stat("/b/s3fs-dir").mtime());
        }
    }

    @Nested
    @DisplayName("across a remount")
    class Remount {
        private final Instant touched = Instant.ofEpochSecond(1650000000, 123_000_000);

        /** chmod 640 a file, ln -s, mkdir + chmod 700, chown, touch -m: all through the mount. */
        private void change(TestMount mount) {
            mount.write("/b/file", "content");
            mount.fs().chmod(path("/b/file"), 0640);
            mount.fs().symlink("file", path("/b/link"));
            mount.fs().mkdir(path("/b/folder"), 0755);
            mount.fs().chmod(path("/b/folder"), 0700);
            mount.fs().chown(path("/b/file"), 70, 80);
            mount.fs().utimens(path("/b/file"), touched);
        }

        private void assertChanged(TestMount mount) {
            Node file = mount.stat("/b/file");
            assertEquals(0640, file.mode());
            assertEquals(70, file.uid());
            assertEquals(80, file.gid());
            assertEquals(touched, file.mtime());
            Node link = mount.stat("/b/link");
            assertEquals(NodeType.SYMLINK, link.type());
            assertEquals("file", mount.fs().readlink(path("/b/link")));
            Node folder = mount.stat("/b/folder");
            assertEquals(NodeType.DIRECTORY, folder.type());
            assertEquals(0700, folder.mode());
        }

        @Test
        @DisplayName("attributes set through the mount show after a remount, without a HEAD (remembered on disk)")
        void remembered() {
            change(m);
            m = m.remount();
            m.requests().reset();
            assertChanged(m);
            assertEquals(0, m.requests().count("head"), m.requests().counts().toString());
        }

        @Test
        @DisplayName("with a fresh cache folder (the journal gone) they come back from S3, by HEAD")
        void fromS3() {
            change(m);
            try (TestMount fresh = TestMount.builder(dir.resolve("fresh")).store(m.s3()).time(m.time()).config(OPTIONS).start()) {
                assertChanged(fresh);
                assertTrue(fresh.requests().count("head") > 0);
            }
        }

        @Test
        @DisplayName("after the TTL, a listing shows them too")
        void listedAfterRemount() {
            change(m);
            m = m.remount();
            m.time().advance(Duration.ofSeconds(3));
            assertEquals(0640, listed(m, "/b", "file").mode());
            assertEquals(NodeType.SYMLINK, listed(m, "/b", "link").type());
            assertEquals(0700, listed(m, "/b", "folder").mode());
        }
    }

    @Nested
    @DisplayName("statfs")
    class Statfs {
        @Test
        @DisplayName("1 PiB free in 4 KiB blocks, 2^32 files, names of 255 bytes; no request")
        void values() {
            FsStats s = m.fs().statfs(path("/b"));
            assertEquals(4096, s.blockSize());
            assertEquals((1L << 50) / 4096, s.blocks());
            assertEquals(s.blocks(), s.freeBlocks());
            assertEquals(1L << 32, s.files());
            assertEquals(1L << 32, s.freeFiles());
            assertEquals(255, s.nameMax());
            assertEquals(0, m.requests().total());
        }

        @Test
        @DisplayName("the same for the root and any path (but the staging disk's free space, which moves)")
        void anyPath() {
            FsStats root = m.fs().statfs(FsPath.ROOT);
            FsStats file = m.fs().statfs(path("/b/plain.txt"));
            assertEquals(root.blocks(), file.blocks());
            assertEquals(root.freeBlocks(), file.freeBlocks());
            assertEquals(root.files(), file.files());
            assertEquals(root.nameMax(), file.nameMax());
        }
    }
}
