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
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Disabled;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Folders: readdir, mkdir and rmdir, at the root (buckets) and inside buckets (key prefixes and
 * marker objects {@code dir/}), and how a folder stays when its last entry goes. The tree (umask
 * 022, uid 1000, gid 1001):
 * <pre>
 * /
 * ├── b/
 * │   ├── a.txt
 * │   ├── link             s3fs symlink to "a.txt"
 * │   ├── dir/             marker
 * │   │   ├── x
 * │   │   └── sub/y        implicit
 * │   ├── empty-dir/       marker only
 * │   ├── implicit/        no marker
 * │   │   └── z
 * │   ├── p/               implicit: its only entry is the marker folder q
 * │   │   └── q/           marker only
 * │   ├── same             an object shadowed by the folder below
 * │   └── same/inner
 * ├── weird/               keys that cannot all be paths
 * │   ├── a//b             "a" is a folder whose only entry has an empty name: hidden
 * │   ├── ./x, ../x        hidden
 * │   ├── nnn…n (256 B)    hidden
 * │   ├── nnn…n (255 B)    shown
 * │   └── fine
 * └── empty/               a bucket without objects
 * </pre>
 */
class FoldersTest {
    private static final int UID = 1000;
    private static final int GID = 1001;
    private static final String NAME_255 = "n".repeat(255);
    private static final String NAME_256 = "n".repeat(256);
    private static final OpenFlags WRITE = new OpenFlags(false, true, false, false, false);

    @TempDir
    Path dir;

    private TestMount m;

    @BeforeEach
    void mount() {
        m = TestMount.builder(dir).config(b -> b.options(new MountOptions(UID, GID, 0022, false))).start();
        m.s3().withBuckets("b", "weird", "empty");
        m.s3().with("b", "a.txt", "hello");
        m.s3().put("b", "link", bytes("a.txt"), Map.of("mode", Integer.toString(PosixMetadata.S_IFLNK | 0777)), null);
        m.s3().withKeys("b", "dir/", "dir/x", "dir/sub/y", "empty-dir/", "implicit/z", "p/q/", "same", "same/inner");
        m.s3().withKeys("weird", "a//b", "./x", "../x", NAME_256, NAME_255, "fine");
        m.requests().reset();
    }

    @AfterEach
    void unmount() {
        m.close();
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

    /**
     * The kernel's path walk to {@code p} (a lookup of each component), then counting starts. A
     * lookup in a listing starts the HEADs of all its entries whose attributes are unknown, in the
     * background: the walk looks up those siblings too, so that none of them is counted later.
     */
    private void walk(String p) {
        List<FsPath> components = new java.util.ArrayList<>();
        for (FsPath q = path(p); !q.isRoot(); q = q.parent()) {
            components.add(0, q);
        }
        for (FsPath q : components) {
            m.fs().getattr(q);
            if (q.isObject()) {
                settle(q.parent());
            }
        }
        m.requests().reset();
    }

    /** Looks up every entry S3 holds in {@code folder}, so that the HEAD batch of its listing is done. */
    private void settle(FsPath folder) {
        String prefix = folder.childPrefix();
        java.util.Set<String> names = new java.util.TreeSet<>();
        for (String key : m.s3().keys(folder.bucket())) {
            if (key.startsWith(prefix) && key.length() > prefix.length()) {
                String rest = key.substring(prefix.length());
                int slash = rest.indexOf('/');
                names.add(slash < 0 ? rest : rest.substring(0, slash));
            }
        }
        names.stream().filter(n -> !n.isEmpty()).forEach(n -> m.namespace().find(folder.child(n)));
    }

    @Nested
    @DisplayName("readdir")
    class Readdir {
        @Test
        @DisplayName("the root lists the buckets, all folders")
        void root() {
            assertEquals(List.of("b", "empty", "weird"), m.ls("/"));
            assertTrue(m.fs().readdir(FsPath.ROOT).stream().allMatch(Node::isDirectory));
        }

        @Test
        @DisplayName("a bucket lists files and folders by name from one page; a shadowed object appears once, as the folder")
        void bucket() {
            walk("/b");
            List<Node> entries = m.fs().readdir(path("/b"));
            assertEquals(List.of("a.txt", "dir", "empty-dir", "implicit", "link", "p", "same"),
                    entries.stream().map(Node::name).toList());
            Map<String, NodeType> types = new HashMap<>();
            entries.forEach(n -> types.put(n.name(), n.type()));
            assertEquals(NodeType.FILE, types.get("a.txt"));
            assertEquals(NodeType.DIRECTORY, types.get("dir"));
            assertEquals(NodeType.DIRECTORY, types.get("implicit"));
            assertEquals(NodeType.DIRECTORY, types.get("same"));
            assertNull(entries.stream().filter(n -> n.name().equals("same")).findFirst().orElseThrow().etag(),
                    "the folder, not the object it shadows");
            assertEquals(Map.of("listPage", 1L), m.requests().counts());
        }

        @Test
        @DisplayName("a folder's own marker is not an entry of it; a marker-only folder is empty")
        void marker() {
            assertEquals(List.of("sub", "x"), m.ls("/b/dir"));
            assertEquals(List.of(), m.ls("/b/empty-dir"));
        }

        @Test
        @DisplayName("keys that cannot be paths (a//b, ./x, ../x, a 256-byte name) are hidden, without an error")
        void unrepresentable() {
            assertEquals(List.of("a", "fine", NAME_255), m.ls("/weird"));
            assertEquals(List.of(), m.ls("/weird/a"), "a//b has an empty name below a/");
        }

        @Test
        @DisplayName("an empty bucket lists nothing")
        void emptyBucket() {
            assertEquals(List.of(), m.ls("/empty"));
        }

        @Test
        @DisplayName("a folder of 2,500 entries comes back whole and in order, from 3 pages")
        void pagination() {
            for (int i = 0; i < 2_500; i++) {
                m.s3().put("empty", String.format("many/f%04d", i), new byte[0], Map.of(), null);
            }
            walk("/empty/many");
            List<String> listed = m.ls("/empty/many");
            assertEquals(2_500, listed.size());
            assertEquals("f0000", listed.get(0));
            assertEquals("f2499", listed.get(2_499));
            assertEquals(Map.of("listPage", 3L), m.requests().counts());
        }

        @Test
        @DisplayName("a file is ENOTDIR; a missing folder or bucket ENOENT")
        void notAFolder() {
            assertEquals(Errno.ENOTDIR, errnoOf(() -> m.ls("/b/a.txt")));
            assertEquals(Errno.ENOTDIR, errnoOf(() -> m.ls("/b/link")));
            assertEquals(Errno.ENOENT, errnoOf(() -> m.ls("/b/missing")));
            assertEquals(Errno.ENOENT, errnoOf(() -> m.ls("/nope")));
        }

        @Test
        @DisplayName("the namespace keeps that contract for plugins that list directly: ENOENT, ENOTDIR")
        void namespaceListContract() {
            assertEquals(Errno.ENOENT, errnoOf(() -> m.namespace().list(path("/b/missing"))));
            assertEquals(Errno.ENOTDIR, errnoOf(() -> m.namespace().list(path("/b/a.txt"))));
            assertEquals(List.of(), m.namespace().list(path("/b/empty-dir")));
            assertEquals(List.of(), m.namespace().list(path("/empty")));
        }

        @Test
        @Disabled("limitation, left alone: a listing carries no metadata and readdir sends no HEAD, so until an "
                + "entry's attributes were learnt once (a stat, remembered by version) the listing gives an s3fs "
                + "symlink the type of a regular file (the d_type find -type l reads) while stat says symlink")
        @DisplayName("the first listing already shows an s3fs symlink as a symlink")
        void firstListingKnowsSymlinks() {
            Node link = m.fs().readdir(path("/b")).stream().filter(n -> n.name().equals("link")).findFirst().orElseThrow();
            assertEquals(m.stat("/b/link").type(), link.type());
        }

        @Test
        @DisplayName("once the attributes are known, the listing shows the type stat shows (an s3fs symlink is a symlink)")
        void listingAgreesWithStat() {
            List<Node> stats = m.ls("/b").stream().map(name -> m.stat("/b/" + name)).toList();
            List<Node> listed = m.fs().readdir(path("/b"));
            assertEquals(stats.stream().map(Node::type).toList(), listed.stream().map(Node::type).toList());
            assertEquals(NodeType.SYMLINK, listed.get(4).type());
        }

        @Test
        @DisplayName("a file being written is listed, with its local size")
        void unsavedFile() {
            long h = m.fs().create(path("/b/dir/draft"), 0644, WRITE);
            m.fs().write(path("/b/dir/draft"), h, new byte[7], 0, 7);
            Node draft = m.fs().readdir(path("/b/dir")).stream().filter(n -> n.name().equals("draft")).findFirst().orElseThrow();
            assertEquals(7, draft.size());
        }
    }

    @Nested
    @DisplayName("mkdir at the root: buckets")
    class MkdirBucket {
        @Test
        @DisplayName("creates the bucket, shown at once")
        void creates() {
            m.fs().mkdir(path("/newbucket"), 0755);
            assertTrue(m.s3().listBuckets().contains("newbucket"));
            assertEquals(NodeType.DIRECTORY, m.stat("/newbucket").type());
            assertTrue(m.ls("/").contains("newbucket"));
            assertEquals(List.of(), m.ls("/newbucket"));
        }

        @Test
        @DisplayName("a name S3 refuses is EINVAL, and nothing is asked of S3")
        void invalidNames() {
            for (String name : List.of("AB-upper", "ab", "a_b", "192.168.1.1", "xn--abc", "a..b", "-ab", "ab-", "a".repeat(64), "abc-s3alias")) {
                m.requests().reset();
                assertEquals(Errno.EINVAL, errnoOf(() -> m.fs().mkdir(path("/" + name), 0755)), name);
                assertEquals(0, m.requests().count("createBucket"), name);
            }
            assertEquals(List.of("b", "empty", "weird"), m.s3().listBuckets());
        }

        @Test
        @DisplayName("an existing bucket, and the root itself, are EEXIST")
        void exists() {
            assertEquals(Errno.EEXIST, errnoOf(() -> m.fs().mkdir(path("/b"), 0755)));
            assertEquals(Errno.EEXIST, errnoOf(() -> m.fs().mkdir(FsPath.ROOT, 0755)));
        }
    }

    @Nested
    @DisplayName("mkdir in a bucket")
    class Mkdir {
        @Test
        @DisplayName("writes the marker dir/: empty, application/x-directory, with mode, owner and mtime as s3fs writes them")
        void marker() {
            walk("/b");
            m.time().advance(Duration.ofSeconds(42));
            m.fs().mkdir(path("/b/new"), 0700);
            FakeObjectStore.StoredObject marker = m.s3().object("b", "new/").orElseThrow();
            assertEquals(0, marker.body().length);
            assertEquals("application/x-directory", marker.contentType());
            assertEquals(Integer.toString(PosixMetadata.S_IFDIR | 0700), marker.metadata().get("mode"));
            assertEquals(Integer.toString(UID), marker.metadata().get("uid"));
            assertEquals(Integer.toString(GID), marker.metadata().get("gid"));
            assertEquals(Long.toString(ManualTime.START.getEpochSecond() + 42), marker.metadata().get("mtime"));
            assertEquals(1, m.requests().count("put"));
        }

        @Test
        @DisplayName("the folder shows at once with its mode, in stat and in the listing, and still after the TTL")
        void shown() {
            m.ls("/b");
            m.fs().mkdir(path("/b/new"), 0700);
            assertEquals(0700, m.stat("/b/new").mode());
            assertTrue(m.ls("/b").contains("new"));
            assertEquals(List.of(), m.ls("/b/new"));
            m.time().advance(Duration.ofSeconds(3));
            assertEquals(0700, m.stat("/b/new").mode());
            assertEquals(0700, m.fs().readdir(path("/b")).stream().filter(n -> n.name().equals("new")).findFirst()
                    .orElseThrow().mode());
        }

        @Test
        @DisplayName("mkdir -p: a folder in a new folder")
        void nested() {
            m.fs().mkdir(path("/b/n1"), 0755);
            m.fs().mkdir(path("/b/n1/n2"), 0755);
            assertEquals(List.of("n2"), m.ls("/b/n1"));
            assertTrue(m.s3().object("b", "n1/n2/").isPresent());
        }

        @Test
        @DisplayName("an existing name, file or folder, is EEXIST and nothing is written")
        void exists() {
            for (String p : List.of("/b/a.txt", "/b/dir", "/b/implicit", "/b/same", "/b/link")) {
                assertEquals(Errno.EEXIST, errnoOf(() -> m.fs().mkdir(path(p), 0755)), p);
            }
            assertEquals(0, m.requests().count("put"));
        }

        @Test
        @DisplayName("a name another client created after the listing is EEXIST too")
        void createdElsewhere() {
            m.ls("/b");
            m.s3().with("b", "late/x", "by another client");
            assertEquals(Errno.EEXIST, errnoOf(() -> m.fs().mkdir(path("/b/late"), 0755)));
        }

        @Test
        @DisplayName("a name over 255 bytes, or a marker key over 1,024 bytes, is ENAMETOOLONG")
        void tooLong() {
            assertEquals(Errno.ENAMETOOLONG, errnoOf(() -> m.fs().mkdir(path("/b/" + NAME_256), 0755)));
            String deep = ("d".repeat(200) + "/").repeat(5) + "d".repeat(19); // a key of exactly 1,024 bytes
            assertEquals(1024, deep.length());
            assertEquals(Errno.ENAMETOOLONG, errnoOf(() -> m.fs().mkdir(path("/b/" + deep), 0755)));
            assertEquals(0, m.requests().count("put"));
        }
    }

    @Nested
    @DisplayName("rmdir")
    class Rmdir {
        @Test
        @DisplayName("of an empty folder deletes its marker: one LIST (which asks S3, not a cached listing) and one DELETE")
        void emptyFolder() {
            walk("/b/empty-dir");
            m.fs().rmdir(path("/b/empty-dir"));
            assertEquals(Map.of("listPage", 1L, "delete", 1L), m.requests().counts());
            assertTrue(m.s3().object("b", "empty-dir/").isEmpty());
            assertEquals(Errno.ENOENT, errnoOf(() -> m.stat("/b/empty-dir")));
            assertFalse(m.ls("/b").contains("empty-dir"));
        }

        @Test
        @DisplayName("of a folder with entries is ENOTEMPTY, marker or not, and nothing is deleted")
        void notEmpty() {
            assertEquals(Errno.ENOTEMPTY, errnoOf(() -> m.fs().rmdir(path("/b/dir"))));
            assertEquals(Errno.ENOTEMPTY, errnoOf(() -> m.fs().rmdir(path("/b/implicit"))));
            assertEquals(Errno.ENOTEMPTY, errnoOf(() -> m.fs().rmdir(path("/b/p"))), "a folder in it is an entry");
            assertEquals(0, m.requests().count("delete"));
        }

        @Test
        @DisplayName("asks S3: an entry another client added after the listing makes it ENOTEMPTY")
        void addedElsewhere() {
            assertEquals(List.of(), m.ls("/b/empty-dir"));
            m.s3().with("b", "empty-dir/late", "x");
            assertEquals(Errno.ENOTEMPTY, errnoOf(() -> m.fs().rmdir(path("/b/empty-dir"))));
            assertTrue(m.s3().object("b", "empty-dir/").isPresent());
        }

        @Test
        @DisplayName("a file being written in it, not saved yet, is an entry: ENOTEMPTY")
        void unsavedFile() {
            long h = m.fs().create(path("/b/empty-dir/draft"), 0644, WRITE);
            assertEquals(Errno.ENOTEMPTY, errnoOf(() -> m.fs().rmdir(path("/b/empty-dir"))));
            m.fs().flush(path("/b/empty-dir/draft"), h);
            m.fs().release(path("/b/empty-dir/draft"), h);
            assertEquals(Errno.ENOTEMPTY, errnoOf(() -> m.fs().rmdir(path("/b/empty-dir"))), "saved, it is an object");
            m.fs().unlink(path("/b/empty-dir/draft"));
            m.fs().rmdir(path("/b/empty-dir"));
            assertTrue(m.s3().keys("b").stream().noneMatch(k -> k.startsWith("empty-dir/")));
        }

        @Test
        @DisplayName("of a file is ENOTDIR, of a missing name ENOENT, of the mount root EPERM")
        void errors() {
            assertEquals(Errno.ENOTDIR, errnoOf(() -> m.fs().rmdir(path("/b/a.txt"))));
            assertEquals(Errno.ENOENT, errnoOf(() -> m.fs().rmdir(path("/b/missing"))));
            assertEquals(Errno.EPERM, errnoOf(() -> m.fs().rmdir(FsPath.ROOT)));
            assertEquals(0, m.requests().count("delete"));
        }

        @Test
        @DisplayName("the last folder of an implicit folder: the parent stays, with a marker of its own")
        void keepsParent() {
            m.fs().rmdir(path("/b/p/q"));
            FakeObjectStore.StoredObject marker = m.s3().object("b", "p/").orElseThrow();
            assertEquals("application/x-directory", marker.contentType());
            assertEquals(Integer.toString(PosixMetadata.S_IFDIR | 0755), marker.metadata().get("mode"));
            assertEquals(NodeType.DIRECTORY, m.stat("/b/p").type());
            assertEquals(List.of(), m.ls("/b/p"));
            assertTrue(m.ls("/b").contains("p"));
        }

        @Test
        @DisplayName("an empty bucket is deleted; one with objects is ENOTEMPTY")
        void buckets() {
            m.fs().rmdir(path("/empty"));
            assertFalse(m.s3().listBuckets().contains("empty"));
            assertFalse(m.ls("/").contains("empty"));
            assertEquals(Errno.ENOENT, errnoOf(() -> m.stat("/empty")));
            assertEquals(Errno.ENOTEMPTY, errnoOf(() -> m.fs().rmdir(path("/b"))));
            assertTrue(m.s3().listBuckets().contains("b"));
        }

        @Test
        @DisplayName("a bucket holding only a folder marker is not empty either")
        void bucketWithMarker() {
            m.s3().with("empty", "only/", "");
            assertEquals(Errno.ENOTEMPTY, errnoOf(() -> m.fs().rmdir(path("/empty"))));
        }
    }

    @Nested
    @DisplayName("a folder keeps existing when its last entry goes")
    class KeepFolder {
        @Test
        @DisplayName("an implicit folder emptied by rm gets its marker, with folder attributes")
        void implicitEmptied() {
            m.fs().unlink(path("/b/implicit/z"));
            FakeObjectStore.StoredObject marker = m.s3().object("b", "implicit/").orElseThrow();
            assertEquals("application/x-directory", marker.contentType());
            assertEquals(0, marker.body().length);
            assertEquals(Integer.toString(PosixMetadata.S_IFDIR | 0755), marker.metadata().get("mode"));
            assertEquals(Integer.toString(UID), marker.metadata().get("uid"));
            assertEquals(NodeType.DIRECTORY, m.stat("/b/implicit").type());
            assertEquals(List.of(), m.ls("/b/implicit"));
            assertTrue(m.ls("/b").contains("implicit"));
            m.fs().rmdir(path("/b/implicit"));
            assertTrue(m.s3().keys("b").stream().noneMatch(k -> k.startsWith("implicit")));
        }

        @Test
        @DisplayName("costs one DELETE, one LIST and one PUT after the path walk (SEMANTICS.md)")
        void cost() {
            walk("/b/implicit/z");
            m.fs().unlink(path("/b/implicit/z"));
            assertEquals(Map.of("delete", 1L, "listPage", 1L, "put", 1L), m.requests().counts());
        }

        @Test
        @DisplayName("a folder that still has entries gets no marker")
        void notEmpty() {
            m.s3().with("b", "implicit/other", "x");
            m.fs().unlink(path("/b/implicit/z"));
            assertEquals(0, m.requests().count("put"));
            assertTrue(m.s3().object("b", "implicit/").isEmpty());
        }

        @Test
        @DisplayName("a folder that has a marker already gets no second one")
        void hasMarker() {
            m.fs().unlink(path("/b/dir/x"));
            m.fs().unlink(path("/b/dir/sub/y"));
            assertEquals(1, m.requests().count("put"), "only dir/sub/, which was implicit");
            assertTrue(m.s3().object("b", "dir/sub/").isPresent());
        }

        @Test
        @DisplayName("a bucket needs no marker: emptying it writes nothing")
        void bucket() {
            m.s3().with("empty", "only", "x");
            m.fs().unlink(path("/empty/only"));
            assertEquals(List.of(), m.s3().keys("empty"));
            assertEquals(0, m.requests().count("put"));
        }

        @Test
        @DisplayName("only the folder that would vanish gets a marker, not the folders above it")
        void nested() {
            m.s3().with("empty", "deep/er/f", "x");
            m.fs().unlink(path("/empty/deep/er/f"));
            assertEquals(List.of("deep/er/"), m.s3().keys("empty"));
            assertEquals(List.of("er"), m.ls("/empty/deep"));
        }
    }
}
