package io.localstackmount.plugin.rename;

import static io.localstackmount.plugin.rename.TestMount.path;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.localstackmount.api.Errno;
import io.localstackmount.api.FsException;
import io.localstackmount.api.FsPath;
import io.localstackmount.api.Node;
import io.localstackmount.api.NodeType;
import io.localstackmount.api.PluginSettings;
import io.localstackmount.api.PosixMetadata;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;

@DisplayName("rename")
class StandardRenameTest {
    @TempDir
    Path staging;
    TestMount m;
    FakeObjectStore s3;

    @BeforeEach
    void mount() {
        start(Map.of());
    }

    @AfterEach
    void unmount() {
        m.close();
    }

    void start(Map<String, String> settings) {
        if (m != null) {
            m.close();
        }
        m = new TestMount(staging, settings);
        s3 = m.store;
        s3.createBucket("b");
        s3.createBucket("c");
    }

    void rename(String from, String to) {
        m.rename.rename(path(from), path(to));
    }

    static void assertErrno(Errno expected, Executable call) {
        FsException e = assertThrows(FsException.class, call);
        assertEquals(expected, e.errno(), e.getMessage());
    }

    Node stat(String p) {
        return m.namespace().lookup(path(p));
    }

    boolean exists(String p) {
        return m.namespace().find(path(p)).isPresent();
    }

    @Nested
    @DisplayName("a file")
    class Files {

        @Test
        @DisplayName("moves by server-side copy and delete, keeping its metadata")
        void movesFile() {
            // b/a.txt  ->  b/z.txt
            Map<String, String> meta = PosixMetadata.of(Map.of("color", "blue"), NodeType.FILE, 0640, 7, 8, Instant.ofEpochSecond(1000));
            s3.put("b", "a.txt", "hello".getBytes(), meta, "text/plain");
            stat("/b/a.txt");
            s3.resetCounters();

            rename("/b/a.txt", "/b/z.txt");

            assertEquals(List.of("z.txt"), s3.keys("b"));
            assertEquals("hello", s3.text("b", "z.txt"));
            assertEquals(meta, s3.blob("b", "z.txt").orElseThrow().metadata());
            assertEquals(1, s3.copies.get());
            assertEquals(1, s3.deletes.get());
            assertFalse(exists("/b/a.txt"));
            Node moved = stat("/b/z.txt");
            assertEquals("z.txt", moved.name());
            assertEquals(0640, moved.mode());
            assertEquals(s3.blob("b", "z.txt").orElseThrow().etag(), moved.etag());
        }

        @Test
        @DisplayName("replaces an existing file (an editor's atomic save)")
        void replacesFile() {
            // b/notes.txt (old), b/.notes.txt.swp (new)  ->  b/notes.txt (new)
            s3.with("b", "notes.txt", "old").with("b", ".notes.txt.swp", "new");
            stat("/b/notes.txt");

            rename("/b/.notes.txt.swp", "/b/notes.txt");

            assertEquals(List.of("notes.txt"), s3.keys("b"));
            assertEquals("new", s3.text("b", "notes.txt"));
            assertEquals(3, stat("/b/notes.txt").size());
            assertFalse(exists("/b/.notes.txt.swp"));
        }

        @Test
        @DisplayName("renaming a path to itself changes nothing")
        void toItself() {
            s3.with("b", "a", "x");
            s3.resetCounters();
            rename("/b/a", "/b/a");
            assertEquals(0, s3.copies.get() + s3.deletes.get());
            assertEquals(List.of("a"), s3.keys("b"));
        }

        @Test
        @DisplayName("a missing source answers ENOENT")
        void missing() {
            assertErrno(Errno.ENOENT, () -> rename("/b/nothing", "/b/else"));
        }

        @Test
        @DisplayName("a symlink moves like a file, still a symlink")
        void symlink() {
            s3.put("b", "link", "target".getBytes(),
                    PosixMetadata.of(Map.of(), NodeType.SYMLINK, 0777, 0, 0, Instant.EPOCH), "application/octet-stream");
            assertEquals(NodeType.SYMLINK, stat("/b/link").type());

            rename("/b/link", "/b/link2");

            assertEquals(List.of("link2"), s3.keys("b"));
            assertEquals(NodeType.SYMLINK, stat("/b/link2").type());
            m.dropCaches();
            assertEquals(NodeType.SYMLINK, stat("/b/link2").type());
        }

        @Test
        @DisplayName("moves across buckets")
        void acrossBuckets() {
            s3.with("b", "dir/a", "x");
            rename("/b/dir/a", "/c/a");
            assertEquals(List.of("dir/"), s3.keys("b"));
            assertEquals(List.of("a"), s3.keys("c"));
        }

        @Test
        @DisplayName("onto a folder answers EISDIR and changes nothing")
        void ontoFolder() {
            s3.with("b", "a", "x").with("b", "d/", "");
            assertErrno(Errno.EISDIR, () -> rename("/b/a", "/b/d"));
            assertEquals(List.of("a", "d/"), s3.keys("b"));
        }

        @Test
        @DisplayName("over 5 GiB is one server-side copy too (the store copies it in parts)")
        void overFiveGib() {
            s3.withSized("b", "big", 5L * 1024 * 1024 * 1024 + 1);
            s3.resetCounters();
            rename("/b/big", "/b/big2");
            assertEquals(1, s3.copies.get());
            assertEquals(List.of("big2"), s3.keys("b"));
        }

        @Test
        @DisplayName("open with unsaved data and no object yet: nothing is copied, the handle and the namespace follow")
        void unsavedNew() {
            TestMount.Handle h = new TestMount.Handle(path("/b/new.tmp"),
                    new Node("new.tmp", NodeType.FILE, 5, Instant.now(), 0644, 1000, 1000, null));
            m.handles.register(h);
            s3.resetCounters();

            rename("/b/new.tmp", "/b/final");

            assertEquals(0, s3.copies.get() + s3.deletes.get());
            assertEquals(path("/b/final"), h.path());
            assertEquals(5, stat("/b/final").size());
            assertFalse(exists("/b/new.tmp"));
            assertTrue(m.namespace().list(path("/b")).stream().anyMatch(n -> n.name().equals("final")));
        }

        @Test
        @DisplayName("open with unsaved data over a stale object: the stale object moves too, so the old name does not come back")
        void unsavedStale() {
            s3.with("b", "s.txt", "old");
            String etag = s3.blob("b", "s.txt").orElseThrow().etag();
            TestMount.Handle h = new TestMount.Handle(path("/b/s.txt"),
                    new Node("s.txt", NodeType.FILE, 9, Instant.now(), 0644, 1000, 1000, etag));
            m.handles.register(h);

            rename("/b/s.txt", "/b/t.txt");

            assertEquals(List.of("t.txt"), s3.keys("b"));
            assertEquals(path("/b/t.txt"), h.path());
            assertEquals(9, stat("/b/t.txt").size());
            m.dropCaches();
            assertFalse(exists("/b/s.txt"));
        }

        @Test
        @DisplayName("other open handles on the source follow the rename")
        void openHandleFollows() {
            s3.with("b", "a", "x");
            TestMount.Handle reader = new TestMount.Handle(path("/b/a"), null);
            TestMount.Handle unrelated = new TestMount.Handle(path("/b/ab"), null);
            m.handles.register(reader);
            m.handles.register(unrelated);

            rename("/b/a", "/b/z");

            assertEquals(path("/b/z"), reader.path());
            assertEquals(path("/b/ab"), unrelated.path());
        }

        @Test
        @DisplayName("moving the last file out of an implicit folder keeps the folder")
        void keepsImplicitFolder() {
            // b/imp/only.txt (no marker imp/)  ->  b/only.txt, and b/imp/ stays as an empty folder
            s3.with("b", "imp/only.txt", "x");
            assertTrue(stat("/b/imp").isDirectory());

            rename("/b/imp/only.txt", "/b/only.txt");

            assertEquals(List.of("imp/", "only.txt"), s3.keys("b"));
            assertTrue(stat("/b/imp").isDirectory());
            assertTrue(m.namespace().list(path("/b/imp")).isEmpty());
        }

        @Test
        @DisplayName("a source that cannot be deleted stays under both names: EIO, and open handles stay")
        void deleteFails() {
            s3.with("b", "a", "x").failDeletesOf(k -> k.equals("a"));
            TestMount.Handle reader = new TestMount.Handle(path("/b/a"), null);
            m.handles.register(reader);

            assertErrno(Errno.EIO, () -> rename("/b/a", "/b/z"));

            assertEquals(List.of("a", "z"), s3.keys("b"));
            assertEquals(path("/b/a"), reader.path());
            assertTrue(exists("/b/a"));
            assertTrue(exists("/b/z"));
        }

        @Test
        @DisplayName("a failed copy changes nothing")
        void copyFails() {
            s3.with("b", "a", "x").failNthCopy(1);
            assertErrno(Errno.EIO, () -> rename("/b/a", "/b/z"));
            assertEquals(List.of("a"), s3.keys("b"));
        }
    }

    /**
     * <pre>
     *   b/src/             marker
     *   b/src/a
     *   b/src/sub/         marker
     *   b/src/sub/b
     *   b/src/sub/deep/c   (deep/ has no marker)
     *   b/src/empty/       marker of an empty subfolder
     *   b/srcfile          next to it, with a name that starts the same: untouched
     * </pre>
     */
    void tree(String root) {
        s3.with("b", root + "/", "").with("b", root + "/a", "A").with("b", root + "/sub/", "").with("b", root + "/sub/b", "B")
                .with("b", root + "/sub/deep/c", "C").with("b", root + "/empty/", "").with("b", "srcfile", "F");
    }

    static final List<String> TREE = List.of("", "a", "empty/", "sub/", "sub/b", "sub/deep/c");

    List<String> keysUnder(String bucket, String prefix) {
        return s3.keys(bucket).stream().filter(k -> k.startsWith(prefix)).map(k -> k.substring(prefix.length()))
                .collect(Collectors.toList());
    }

    @Nested
    @DisplayName("a folder")
    class Folders {

        @Test
        @DisplayName("moves every key, markers included, and leaves nothing under the old prefix")
        void movesTree() {
            tree("src");
            stat("/b/src");
            m.namespace().list(path("/b/src"));
            s3.resetCounters();

            rename("/b/src", "/b/dst");

            assertEquals(TREE, keysUnder("b", "dst/"));
            assertEquals(List.of(), keysUnder("b", "src/"));
            assertTrue(s3.blob("b", "srcfile").isPresent());
            assertEquals("C", s3.text("b", "dst/sub/deep/c"));
            assertEquals(TREE.size(), s3.copies.get());
            assertEquals(TREE.size(), s3.deletes.get());
            assertFalse(exists("/b/src"));
            assertFalse(exists("/b/src/a"));
            assertTrue(stat("/b/dst/sub/deep").isDirectory());
            assertEquals(List.of("a", "empty", "sub"),
                    m.namespace().list(path("/b/dst")).stream().map(Node::name).sorted().collect(Collectors.toList()));
        }

        @Test
        @DisplayName("an implicit source folder (no marker) moves too")
        void implicitSource() {
            s3.with("b", "imp/a", "A").with("b", "imp/sub/b", "B");
            rename("/b/imp", "/b/moved");
            assertEquals(List.of("moved/a", "moved/sub/b"), s3.keys("b"));
            assertTrue(stat("/b/moved").isDirectory());
        }

        @Test
        @DisplayName("moves across buckets")
        void acrossBuckets() {
            tree("src");
            rename("/b/src", "/c/dst");
            assertEquals(TREE, keysUnder("c", "dst/"));
            assertEquals(List.of("srcfile"), s3.keys("b"));
        }

        @Test
        @DisplayName("replaces an empty folder, which then has the source's attributes")
        void replacesEmptyFolder() {
            tree("src");
            Map<String, String> srcMeta = PosixMetadata.of(Map.of(), NodeType.DIRECTORY, 0700, 1, 1, Instant.EPOCH);
            s3.put("b", "src/", new byte[0], srcMeta, "application/x-directory");
            s3.put("b", "dst/", new byte[0], PosixMetadata.of(Map.of(), NodeType.DIRECTORY, 0755, 2, 2, Instant.EPOCH),
                    "application/x-directory");

            rename("/b/src", "/b/dst");

            assertEquals(TREE, keysUnder("b", "dst/"));
            // The marker carries the attributes (what stat shows of them is core's business).
            assertEquals(srcMeta, s3.blob("b", "dst/").orElseThrow().metadata());
        }

        @Test
        @DisplayName("replacing an empty folder with an implicit one drops the target's marker")
        void implicitReplacesEmpty() {
            s3.with("b", "imp/a", "A").with("b", "dst/", "");
            rename("/b/imp", "/b/dst");
            assertEquals(List.of("dst/a"), s3.keys("b"));
        }

        @Test
        @DisplayName("onto a non-empty folder answers ENOTEMPTY and changes nothing")
        void ontoNonEmpty() {
            tree("src");
            s3.with("b", "full/x", "X");
            List<String> before = s3.keys("b");
            assertErrno(Errno.ENOTEMPTY, () -> rename("/b/src", "/b/full"));
            assertEquals(before, s3.keys("b"));
        }

        @Test
        @DisplayName("into its own subtree answers EINVAL")
        void intoItself() {
            tree("src");
            assertErrno(Errno.EINVAL, () -> rename("/b/src", "/b/src/sub/inner"));
            assertErrno(Errno.EINVAL, () -> rename("/b/src", "/b/src/new"));
        }

        @Test
        @DisplayName("onto a file answers ENOTDIR")
        void ontoFile() {
            tree("src");
            assertErrno(Errno.ENOTDIR, () -> rename("/b/src", "/b/srcfile"));
        }

        @Test
        @DisplayName("over max-keys answers EXDEV and changes nothing, so mv copies")
        void overMaxKeys() {
            start(Map.of("max-keys", "5"));
            tree("src");
            List<String> before = s3.keys("b");
            s3.resetCounters();
            assertErrno(Errno.EXDEV, () -> rename("/b/src", "/b/dst"));
            assertEquals(before, s3.keys("b"));
            assertEquals(0, s3.copies.get());
        }

        @Test
        @DisplayName("at max-keys still moves")
        void atMaxKeys() {
            start(Map.of("max-keys", "6"));
            tree("src");
            rename("/b/src", "/b/dst");
            assertEquals(TREE, keysUnder("b", "dst/"));
        }

        @Test
        @DisplayName("by default, 1,000 keys move and 1,001 answer EXDEV")
        void defaultMaxKeys() {
            for (int i = 0; i < 1000; i++) {
                s3.with("b", "many/" + (i % 7) + "/" + i, "");
            }
            rename("/b/many", "/b/moved");
            assertEquals(1000, keysUnder("b", "moved/").size());
            s3.with("b", "moved/extra", "");
            assertErrno(Errno.EXDEV, () -> rename("/b/moved", "/b/again"));
            assertEquals(1001, keysUnder("b", "moved/").size());
        }

        @Test
        @DisplayName("over max-bytes answers EXDEV")
        void overMaxBytes() {
            start(Map.of("max-bytes", "2"));
            tree("src");
            assertErrno(Errno.EXDEV, () -> rename("/b/src", "/b/dst"));
            assertEquals(List.of(), keysUnder("b", "dst/"));
        }

        @Test
        @DisplayName("holding an object over 5 GiB is renamed when max-bytes allows it")
        void holdsHugeObject() {
            start(Map.of("max-bytes", Long.toString(Long.MAX_VALUE)));
            s3.with("b", "d/a", "A").withSized("b", "d/huge", 6L << 30);
            rename("/b/d", "/b/e");
            assertEquals(List.of("e/a", "e/huge"), s3.keys("b"));
        }

        @Test
        @DisplayName("a copy failing half-way deletes no source, removes the copies made, and answers EIO")
        void copyFailsHalfWay() {
            start(Map.of("parallelism", "2"));
            for (int i = 0; i < 20; i++) {
                s3.with("b", "src/" + i, "v" + i);
            }
            List<String> before = s3.keys("b");
            s3.failNthCopy(7);

            assertErrno(Errno.EIO, () -> rename("/b/src", "/b/dst"));

            assertEquals(before, s3.keys("b"));
            assertTrue(stat("/b/src").isDirectory());
            assertFalse(exists("/b/dst"));
        }

        @Test
        @DisplayName("when a copy and then the clean-up fail, every object is still under its old name")
        void copyAndCleanUpFail() {
            start(Map.of("parallelism", "3"));
            tree("src");
            s3.failNthCopy(4).failDeletesOf(k -> k.startsWith("dst/"));

            assertErrno(Errno.EIO, () -> rename("/b/src", "/b/dst"));

            assertEquals(TREE, keysUnder("b", "src/"));
        }

        @Test
        @DisplayName("deletes failing half-way leave those objects under both names, never neither: EIO")
        void deletesFailHalfWay() {
            tree("src");
            s3.failDeletesOf(k -> k.equals("src/sub/b") || k.equals("src/"));
            TestMount.Handle h = new TestMount.Handle(path("/b/src/a"), null);
            m.handles.register(h);

            assertErrno(Errno.EIO, () -> rename("/b/src", "/b/dst"));

            assertEquals(TREE, keysUnder("b", "dst/"));
            assertEquals(List.of("", "sub/b"), keysUnder("b", "src/"));
            for (String rel : TREE) {
                assertTrue(s3.blob("b", "src/" + rel).isPresent() || s3.blob("b", "dst/" + rel).isPresent(), rel);
            }
            assertEquals(path("/b/src/a"), h.path());
        }

        @Test
        @DisplayName("copies run in parallel, never more than `parallelism` at once")
        void boundedParallelism() {
            start(Map.of("parallelism", "4"));
            for (int i = 0; i < 40; i++) {
                s3.with("b", "src/" + i, "");
            }
            s3.copyDelay(5);

            rename("/b/src", "/b/dst");

            assertEquals(40, keysUnder("b", "dst/").size());
            assertEquals(4, s3.maxInFlight.get());
        }

        @Test
        @DisplayName("open handles below the folder move with it, unsaved ones included")
        void handlesFollow() {
            tree("src");
            TestMount.Handle reader = new TestMount.Handle(path("/b/src/sub/b"), null);
            TestMount.Handle writer = new TestMount.Handle(path("/b/src/sub/new"),
                    new Node("new", NodeType.FILE, 3, Instant.now(), 0644, 1000, 1000, null));
            m.handles.register(reader);
            m.handles.register(writer);

            rename("/b/src", "/b/dst");

            assertEquals(path("/b/dst/sub/b"), reader.path());
            assertEquals(path("/b/dst/sub/new"), writer.path());
            assertEquals(3, stat("/b/dst/sub/new").size());
        }

        @Test
        @DisplayName("moving the last folder out of an implicit folder keeps that folder")
        void keepsImplicitParent() {
            s3.with("b", "outer/inner/x", "X");
            rename("/b/outer/inner", "/b/inner");
            assertEquals(List.of("inner/x", "outer/"), s3.keys("b"));
            assertTrue(stat("/b/outer").isDirectory());
        }

        @Test
        @DisplayName("a key that would pass 1,024 bytes answers ENAMETOOLONG and changes nothing")
        void keyTooLong() {
            String deep = "d/" + "x".repeat(200) + "/" + "y".repeat(200) + "/" + "z".repeat(200) + "/" + "w".repeat(200);
            s3.with("b", deep, "");
            String longName = "n".repeat(250);
            assertErrno(Errno.ENAMETOOLONG, () -> rename("/b/d", "/b/" + longName));
            assertEquals(List.of(deep), s3.keys("b"));
        }
    }

    @Nested
    @DisplayName("buckets and the mount root")
    class Buckets {

        @Test
        @DisplayName("renaming a bucket answers EXDEV")
        void bucket() {
            s3.with("b", "a", "x");
            assertErrno(Errno.EXDEV, () -> rename("/b", "/renamed"));
            assertErrno(Errno.EXDEV, () -> rename("/b", "/c/inside"));
            assertEquals(List.of("a"), s3.keys("b"));
        }

        @Test
        @DisplayName("moving a folder or a file to the mount root (where only buckets live) answers EXDEV")
        void toRoot() {
            tree("src");
            assertErrno(Errno.EXDEV, () -> rename("/b/src", "/newbucket"));
            assertErrno(Errno.EXDEV, () -> rename("/b/srcfile", "/newbucket"));
        }
    }

    @Nested
    @DisplayName("settings")
    class Settings {

        @Test
        @DisplayName("defaults: 1,000 keys, 1 GiB, 16 in flight")
        void defaults() {
            assertEquals(new RenameSettings(1000, 1L << 30, 16), RenameSettings.from(PluginSettings.EMPTY));
        }

        @Test
        @DisplayName("a value that is not a positive number stops the start, naming the setting")
        void invalid() {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> RenameSettings.from(new PluginSettings(Map.of("max-keys", "0"))));
            assertTrue(e.getMessage().contains("max-keys"), e.getMessage());
            e = assertThrows(IllegalArgumentException.class,
                    () -> RenameSettings.from(new PluginSettings(Map.of("parallelism", "lots"))));
            assertTrue(e.getMessage().contains("parallelism"), e.getMessage());
        }
    }

    @Test
    @DisplayName("Parallel runs every item once and reports each failure")
    void parallel() {
        List<Integer> items = IntStream.range(0, 100).boxed().collect(Collectors.toList());
        List<Integer> seen = java.util.Collections.synchronizedList(new ArrayList<>());
        var failures = Parallel.run(m.workers(), 8, items, i -> {
            seen.add(i);
            if (i % 10 == 0) {
                throw new FsException(Errno.EIO, "item " + i);
            }
        }, false);
        assertEquals(items, seen.stream().sorted().collect(Collectors.toList()));
        assertEquals(10, failures.size());
        assertEquals(List.of(), Parallel.run(m.workers(), 8, List.<FsPath>of(), p -> { }, true));
    }
}
