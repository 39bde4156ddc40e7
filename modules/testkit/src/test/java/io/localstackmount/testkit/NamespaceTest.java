package io.localstackmount.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.localstackmount.api.Errno;
import io.localstackmount.api.FsException;
import io.localstackmount.api.FsPath;
import io.localstackmount.api.MountOptions;
import io.localstackmount.api.Node;
import io.localstackmount.api.NodeType;
import io.localstackmount.api.OpenFlags;
import io.localstackmount.api.PosixMetadata;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a path is: lookups through the mount (getattr on the dispatcher, as the kernel's path walk
 * and stat send it), files being written, and failing requests, over this tree (umask 022, uid 1000, gid 1001; no time passes unless
 * a test says so):
 * <pre>
 * /
 * ├── b/
 * │   ├── a.txt            "hello", no metadata
 * │   ├── link             s3fs symlink (mode 0120777) to "a.txt"
 * │   ├── dir/             marker "dir/"
 * │   │   ├── x
 * │   │   └── sub/         implicit
 * │   │       └── y
 * │   ├── implicit/        no marker
 * │   │   └── z
 * │   ├── same             object "same", shadowed by the folder below
 * │   └── same/
 * │       └── inner
 * ├── weird/               keys that cannot all be paths
 * │   ├── a//b             "a" is a folder whose only entry has an empty name: hidden
 * │   ├── ./x              "." hidden
 * │   ├── ../x             ".." hidden
 * │   ├── nnn…n (256 B)    hidden
 * │   ├── nnn…n (255 B)    shown
 * │   └── fine
 * └── empty/               a bucket without objects
 * </pre>
 * Attributes (mode, owner, mtime) have their own test ({@link AttributesTest}), as have folders
 * ({@link FoldersTest}), how long answers are trusted ({@link FreshnessTest}) and lookups in folders
 * larger than one listing page ({@link LargeFolderLookupTest}).
 */
class NamespaceTest {
    static final int UID = 1000;
    static final int GID = 1001;
    private static final String NAME_255 = "n".repeat(255);
    private static final String NAME_256 = "n".repeat(256);

    @TempDir
    Path dir;

    private TestMount m;

    @BeforeEach
    void mount() {
        m = TestMount.builder(dir).config(b -> b.options(new MountOptions(UID, GID, 0022, false))).start();
        populate(m.s3());
        m.requests().reset();
    }

    @AfterEach
    void unmount() {
        m.close();
    }

    private static void populate(FakeObjectStore s3) {
        s3.withBuckets("b", "weird", "empty");
        s3.with("b", "a.txt", "hello");
        s3.put("b", "link", bytes("a.txt"), Map.of("mode", Integer.toString(PosixMetadata.S_IFLNK | 0777)), null);
        s3.withKeys("b", "dir/", "dir/x", "dir/sub/y", "implicit/z", "same", "same/inner");
        s3.withKeys("weird", "a//b", "./x", "../x", NAME_256, NAME_255, "fine");
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static FsPath path(String p) {
        return FsPath.parse(p);
    }

    private Errno errnoOf(Runnable op) {
        return assertThrows(FsException.class, op::run).errno();
    }

    @Nested
    @DisplayName("getattr: what a path is")
    class Getattr {
        @Test
        @DisplayName("the root is a folder dated at mount time, known without a request")
        void root() {
            Node root = m.stat("/");
            assertEquals(NodeType.DIRECTORY, root.type());
            assertEquals(ManualTime.START, root.mtime());
            assertEquals(0, m.requests().total());
        }

        @Test
        @DisplayName("a bucket is a folder, for one request; a missing bucket is ENOENT")
        void bucket() {
            assertEquals(NodeType.DIRECTORY, m.stat("/b").type());
            assertEquals(Map.of("bucketExists", 1L), m.requests().counts());
            assertEquals(Errno.ENOENT, errnoOf(() -> m.stat("/nope")));
        }

        @Test
        @DisplayName("after ls of the root, buckets and missing buckets are known without a request")
        void bucketFromRootListing() {
            m.ls("/");
            m.requests().reset();
            assertEquals(NodeType.DIRECTORY, m.stat("/b").type());
            assertEquals(Errno.ENOENT, errnoOf(() -> m.stat("/nope")));
            assertEquals(0, m.requests().total());
        }

        @Test
        @DisplayName("a file: its size, Last-Modified and ETag")
        void file() {
            Node a = m.stat("/b/a.txt");
            assertEquals(NodeType.FILE, a.type());
            assertEquals(5, a.size());
            assertEquals(ManualTime.START, a.mtime());
            assertEquals(m.s3().object("b", "a.txt").orElseThrow().etag(), a.etag());
        }

        @Test
        @DisplayName("an object whose mode says S_IFLNK is a symlink, and readlink answers its body")
        void symlink() {
            Node link = m.stat("/b/link");
            assertEquals(NodeType.SYMLINK, link.type());
            assertEquals(5, link.size());
            assertEquals("a.txt", m.fs().readlink(path("/b/link")));
        }

        @Test
        @DisplayName("readlink of a file is EINVAL")
        void readlinkOfFile() {
            assertEquals(Errno.EINVAL, errnoOf(() -> m.fs().readlink(path("/b/a.txt"))));
        }

        @Test
        @DisplayName("a folder with a marker: a folder of size 0 carrying the marker's ETag")
        void markerFolder() {
            Node d = m.stat("/b/dir");
            assertEquals(NodeType.DIRECTORY, d.type());
            assertEquals(0, d.size());
            assertEquals(m.s3().object("b", "dir/").orElseThrow().etag(), d.etag());
        }

        @Test
        @DisplayName("an implicit folder (a key prefix only): mount time, no ETag")
        void implicitFolder() {
            Node i = m.stat("/b/implicit");
            assertEquals(new Node("implicit", NodeType.DIRECTORY, 0, ManualTime.START, 0755, UID, GID, null), i);
            assertEquals(NodeType.DIRECTORY, m.stat("/b/dir/sub").type(), "below a marker folder too");
        }

        @Test
        @DisplayName("a folder shadows an object of the same name")
        void shadow() {
            Node same = m.stat("/b/same");
            assertEquals(NodeType.DIRECTORY, same.type());
            assertNull(same.etag());
        }

        @Test
        @DisplayName("nothing there is ENOENT: a missing name, a name below a file, a name in a missing bucket")
        void missing() {
            assertEquals(Errno.ENOENT, errnoOf(() -> m.stat("/b/missing")));
            assertEquals(Errno.ENOENT, errnoOf(() -> m.stat("/b/a.txt/below-a-file")));
            assertEquals(Errno.ENOENT, errnoOf(() -> m.stat("/nope/x")));
            assertEquals(Optional.empty(), m.namespace().find(path("/b/missing")));
        }

        @Test
        @DisplayName("keys with an empty segment below a name still make that name a folder")
        void weirdFolder() {
            assertEquals(NodeType.DIRECTORY, m.stat("/weird/a").type());
        }

        @Test
        @DisplayName("names that cannot be paths are not found either, and cost no request")
        void unrepresentableNotFound() {
            assertEquals(Errno.ENOENT, errnoOf(() -> m.stat("/weird/" + NAME_256)));
            assertEquals(0, m.requests().total());
            assertEquals(NodeType.FILE, m.stat("/weird/" + NAME_255).type());
        }
    }

    @Nested
    @DisplayName("open files with unsaved data")
    class OpenFiles {
        private final OpenFlags write = new OpenFlags(false, true, false, false, false);

        private long create(String p, String text) {
            long h = m.fs().create(path(p), 0600, write);
            byte[] data = bytes(text);
            m.fs().write(path(p), h, data, 0, data.length);
            return h;
        }

        @Test
        @DisplayName("a new file being written is found with its local size, without a request")
        void newFileFound() {
            create("/b/draft.txt", "x".repeat(42));
            Node draft = m.stat("/b/draft.txt");
            assertEquals(42, draft.size());
            assertEquals(0600, draft.mode());
            assertNull(draft.etag(), "no object yet");
            assertEquals(0, m.requests().total());
        }

        @Test
        @DisplayName("a new file open through two descriptors is listed once, with its local size")
        void newFileListedOnce() {
            create("/b/draft.txt", "x".repeat(42));
            m.fs().open(path("/b/draft.txt"), write);
            List<Node> listed = m.fs().readdir(path("/b")).stream().filter(n -> n.name().equals("draft.txt")).toList();
            assertEquals(1, listed.size(), listed.toString());
            assertEquals(42, listed.get(0).size());
        }

        @Test
        @DisplayName("unsaved data wins over what S3 holds, in stat and in the listing alike")
        void existingFile() {
            assertEquals(5, m.stat("/b/a.txt").size());
            long h = m.fs().open(path("/b/a.txt"), write);
            m.fs().write(path("/b/a.txt"), h, new byte[1_000], 0, 1_000);
            assertEquals(1_000, m.stat("/b/a.txt").size());
            Node listed = m.fs().readdir(path("/b")).stream().filter(n -> n.name().equals("a.txt")).findFirst().orElseThrow();
            assertEquals(m.stat("/b/a.txt"), listed);
        }

        @Test
        @DisplayName("a descriptor open for reading changes nothing")
        void readOnlyHandle() {
            Node before = m.stat("/b/a.txt");
            m.fs().open(path("/b/a.txt"), OpenFlags.READ_ONLY);
            assertEquals(before, m.stat("/b/a.txt"));
            assertEquals(List.of("a.txt", "dir", "implicit", "link", "same"), m.ls("/b"));
        }

        @Test
        @DisplayName("a new file whose upload failed still shows once its last descriptor closes: core keeps it for a retry")
        void neverSaved() {
            long h = create("/b/draft.txt", "data");
            m.s3().failOn("upload", "draft", Errno.EIO);
            assertEquals(Errno.EIO, errnoOf(() -> m.fs().flush(path("/b/draft.txt"), h)));
            assertEquals(4, m.stat("/b/draft.txt").size(), "still there for its descriptor");
            m.fs().release(path("/b/draft.txt"), h);
            assertEquals(4, m.stat("/b/draft.txt").size(), "kept by core, not stored yet");
            assertTrue(m.ls("/b").contains("draft.txt"));
        }

        @Test
        @DisplayName("a saved file is an object like any other, with the mode it was created with")
        void saved() {
            long h = create("/b/draft.txt", "data");
            m.fs().flush(path("/b/draft.txt"), h);
            m.fs().release(path("/b/draft.txt"), h);
            assertEquals("data", m.s3().object("b", "draft.txt").orElseThrow().text());
            Node saved = m.stat("/b/draft.txt");
            assertEquals(m.s3().object("b", "draft.txt").orElseThrow().etag(), saved.etag());
            assertEquals(0600, saved.mode());
        }
    }

    @Nested
    @DisplayName("failures")
    class Failures {
        @Test
        @DisplayName("a failing listing fails the lookup, and nothing of it is cached")
        void lookupFails() {
            m.s3().failOn("listPage", "", Errno.EIO);
            assertEquals(Errno.EIO, errnoOf(() -> m.stat("/b/a.txt")));
            m.s3().clearFailures();
            assertEquals(NodeType.FILE, m.stat("/b/a.txt").type());
        }

        @Test
        @DisplayName("a failing HEAD of a listed entry fails its lookup; the next lookup asks again")
        void headFails() {
            m.s3().failOn("head", "a.txt", Errno.EIO);
            assertEquals(Errno.EIO, errnoOf(() -> m.stat("/b/a.txt")));
            m.s3().clearFailures();
            assertEquals(5, m.stat("/b/a.txt").size());
        }

        @Test
        @DisplayName("a failing HEAD in a folder larger than one page fails the lookup, and the next one asks again")
        void headFailsInLargeFolder() {
            for (int i = 0; i < 1_001; i++) {
                m.s3().put("empty", String.format("big/f%04d", i), new byte[0], Map.of(), null);
            }
            m.s3().failOn("head", "big/f1000", Errno.EIO);
            assertEquals(Errno.EIO, errnoOf(() -> m.stat("/empty/big/f1000")));
            m.s3().clearFailures();
            assertEquals(NodeType.FILE, m.stat("/empty/big/f1000").type());
        }

        @Test
        @DisplayName("a refused listing fails readdir with the store's errno, and the next readdir asks again")
        void listFails() {
            m.stat("/b");
            m.s3().failOn("listPage", "", Errno.EACCES);
            assertEquals(Errno.EACCES, errnoOf(() -> m.ls("/b")));
            m.s3().clearFailures();
            assertEquals(5, m.ls("/b").size());
        }
    }
}
