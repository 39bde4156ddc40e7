package io.localstackmount.testkit;

import static java.nio.charset.StandardCharsets.UTF_8;
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
import io.localstackmount.api.Parallel;
import io.localstackmount.api.PluginKind;
import io.localstackmount.api.PluginSettings;
import io.localstackmount.api.PosixMetadata;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;

/**
 * rename(2): the rename plugin's rules and core's moves (copy, delete, undo), through the
 * dispatcher. Buckets {@code b} and {@code c}; each test draws what it puts in them.
 */
@DisplayName("rename")
class RenameTest {
    static final OpenFlags WRITE = new OpenFlags(false, true, false, false, false);

    @TempDir
    Path dir;
    TestMount m;

    @BeforeEach
    void mount() {
        start(Map.of());
    }

    @AfterEach
    void unmount() {
        m.close();
    }

    /** A new mount over a new store, with these rename settings. */
    void start(Map<String, String> settings) {
        if (m != null) {
            m.close();
        }
        m = TestMount.builder(dir).buckets("b", "c")
                .config(c -> c.settings(PluginKind.RENAME, new PluginSettings(settings)))
                .start();
    }

    static FsPath p(String path) {
        return FsPath.parse(path);
    }

    void rename(String from, String to) {
        m.fs().rename(p(from), p(to));
    }

    static void assertErrno(Errno expected, Executable call) {
        FsException e = assertThrows(FsException.class, call);
        assertEquals(expected, e.errno(), e.getMessage());
    }

    boolean exists(String path) {
        return m.namespace().find(p(path)).isPresent();
    }

    String text(String bucket, String key) {
        return m.s3().object(bucket, key).orElseThrow(() -> new AssertionError("no object " + bucket + "/" + key)).text();
    }

    List<String> keysUnder(String bucket, String prefix) {
        return m.s3().keys(bucket).stream().filter(k -> k.startsWith(prefix)).map(k -> k.substring(prefix.length())).toList();
    }

    /** Whether a descriptor is open at {@code path} in the handle table. */
    boolean openAt(String path) {
        return !m.filesystem().pluginContext(PluginSettings.EMPTY).openFiles().openAt(p(path)).isEmpty();
    }

    String readAll(long h, String path) {
        byte[] buf = new byte[1024];
        int n = m.fs().read(p(path), h, buf, 0, buf.length);
        return new String(buf, 0, n, UTF_8);
    }

    void close(long h, String path) {
        m.fs().flush(p(path), h);
        m.fs().release(p(path), h);
    }

    @Nested
    @DisplayName("a file")
    class Files {

        @Test
        @DisplayName("moves by one server-side copy and one delete, keeping its metadata")
        void movesFile() {
            // b/a.txt  ->  b/z.txt
            Map<String, String> meta = PosixMetadata.of(Map.of("color", "blue"), NodeType.FILE, 0640, 7, 8, Instant.ofEpochSecond(1000));
            m.s3().put("b", "a.txt", "hello".getBytes(UTF_8), meta, "text/plain");
            m.stat("/b/a.txt");
            m.requests().reset();

            rename("/b/a.txt", "/b/z.txt");

            assertEquals(List.of("z.txt"), m.s3().keys("b"));
            assertEquals("hello", text("b", "z.txt"));
            assertEquals(meta, m.s3().object("b", "z.txt").orElseThrow().metadata());
            assertEquals("text/plain", m.s3().object("b", "z.txt").orElseThrow().contentType());
            assertEquals(1, m.requests().count("copy"));
            assertEquals(1, m.requests().count("delete"));
            assertFalse(exists("/b/a.txt"));
            Node moved = m.stat("/b/z.txt");
            assertEquals("z.txt", moved.name());
            assertEquals(0640, moved.mode());
            assertEquals(m.s3().object("b", "z.txt").orElseThrow().etag(), moved.etag());
        }

        @Test
        @DisplayName("costs the copy, the delete and one LIST that says the new name is free; nothing after")
        void cost() {
            m.s3().with("b", "a", "x");
            m.stat("/b/a");
            m.requests().reset();

            rename("/b/a", "/b/z");
            m.stat("/b/z");
            assertErrno(Errno.ENOENT, () -> m.stat("/b/a"));

            assertEquals(Map.of("listPage", 1L, "copy", 1L, "delete", 1L), m.requests().counts());
        }

        @Test
        @DisplayName("replaces an existing file (an editor's atomic save)")
        void replacesFile() {
            // b/notes.txt (old), b/.notes.txt.swp (new)  ->  b/notes.txt (new)
            m.s3().with("b", "notes.txt", "old").with("b", ".notes.txt.swp", "new");
            m.stat("/b/notes.txt");

            rename("/b/.notes.txt.swp", "/b/notes.txt");

            assertEquals(List.of("notes.txt"), m.s3().keys("b"));
            assertEquals("new", text("b", "notes.txt"));
            assertEquals(3, m.stat("/b/notes.txt").size());
            assertEquals("new", m.read("/b/notes.txt"));
            assertFalse(exists("/b/.notes.txt.swp"));
        }

        @Test
        @DisplayName("renaming a path to itself changes nothing")
        void toItself() {
            m.s3().with("b", "a", "x");
            m.stat("/b/a");
            m.requests().reset();
            rename("/b/a", "/b/a");
            assertEquals(0, m.requests().count("copy") + m.requests().count("delete"));
            assertEquals(List.of("a"), m.s3().keys("b"));
        }

        @Test
        @DisplayName("a missing source answers ENOENT")
        void missing() {
            assertErrno(Errno.ENOENT, () -> rename("/b/nothing", "/b/else"));
        }

        @Test
        @DisplayName("a symlink moves like a file, still a symlink, also when asked again of S3")
        void symlink() {
            m.s3().put("b", "link", "target".getBytes(UTF_8),
                    PosixMetadata.of(Map.of(), NodeType.SYMLINK, 0777, 0, 0, Instant.EPOCH), "application/octet-stream");
            assertEquals(NodeType.SYMLINK, m.stat("/b/link").type());

            rename("/b/link", "/b/link2");

            assertEquals(List.of("link2"), m.s3().keys("b"));
            assertEquals(NodeType.SYMLINK, m.stat("/b/link2").type());
            m.filesystem().clearCaches();
            assertEquals(NodeType.SYMLINK, m.stat("/b/link2").type());
            assertEquals("target", m.fs().readlink(p("/b/link2")));
        }

        @Test
        @DisplayName("moves across buckets; the folder it left stays, with a marker")
        void acrossBuckets() {
            m.s3().with("b", "dir/a", "x");
            rename("/b/dir/a", "/c/a");
            assertEquals(List.of("dir/"), m.s3().keys("b"));
            assertEquals(List.of("a"), m.s3().keys("c"));
        }

        @Test
        @DisplayName("onto a folder answers EISDIR and changes nothing")
        void ontoFolder() {
            m.s3().with("b", "a", "x").with("b", "d/", "");
            assertErrno(Errno.EISDIR, () -> rename("/b/a", "/b/d"));
            assertEquals(List.of("a", "d/"), m.s3().keys("b"));
        }

        @Test
        @DisplayName("a target name over 255 bytes answers ENAMETOOLONG")
        void nameTooLong() {
            m.s3().with("b", "a", "x");
            assertErrno(Errno.ENAMETOOLONG, () -> rename("/b/a", "/b/" + "n".repeat(256)));
            assertEquals(List.of("a"), m.s3().keys("b"));
        }

        @Test
        @DisplayName("moving the last file out of an implicit folder keeps the folder, with a marker")
        void keepsImplicitFolder() {
            // b/imp/only.txt (no marker imp/)  ->  b/only.txt, and b/imp/ stays as an empty folder
            m.s3().with("b", "imp/only.txt", "x");
            assertTrue(m.stat("/b/imp").isDirectory());

            rename("/b/imp/only.txt", "/b/only.txt");

            assertEquals(List.of("imp/", "only.txt"), m.s3().keys("b"));
            assertTrue(m.stat("/b/imp").isDirectory());
            assertEquals(List.of(), m.ls("/b/imp"));
        }

        @Test
        @DisplayName("a source that cannot be deleted stays under both names, never neither: EIO, and its descriptors stay")
        void deleteFails() {
            m.s3().with("b", "a", "x").failOn("delete", "a", Errno.EIO);
            long h = m.fs().open(p("/b/a"), OpenFlags.READ_ONLY);

            assertErrno(Errno.EIO, () -> rename("/b/a", "/b/z"));

            assertEquals(List.of("a", "z"), m.s3().keys("b"));
            assertTrue(exists("/b/a"));
            assertTrue(exists("/b/z"));
            assertTrue(openAt("/b/a"));
            assertEquals("x", readAll(h, "/b/a"));
            close(h, "/b/a");
        }

        @Test
        @DisplayName("a failed copy changes nothing and answers its error")
        void copyFails() {
            m.s3().with("b", "a", "x").failOn("copy", "a", Errno.EIO);
            assertErrno(Errno.EIO, () -> rename("/b/a", "/b/z"));
            assertEquals(List.of("a"), m.s3().keys("b"));
            assertTrue(exists("/b/a"));
            assertFalse(exists("/b/z"));
        }
    }

    @Nested
    @DisplayName("a file with open descriptors")
    class OpenFiles {

        @Test
        @DisplayName("unsaved and never stored: nothing is copied; the descriptor stores it under the new name")
        void unsavedNew() {
            long h = m.fs().create(p("/b/new.tmp"), 0644, WRITE);
            m.fs().write(p("/b/new.tmp"), h, "12345".getBytes(UTF_8), 0, 5);
            m.requests().reset();

            rename("/b/new.tmp", "/b/final");

            assertEquals(0, m.requests().count("copy") + m.requests().count("delete"));
            assertEquals(5, m.stat("/b/final").size());
            assertFalse(exists("/b/new.tmp"));
            assertTrue(m.ls("/b").contains("final"));
            close(h, "/b/final");
            assertEquals(List.of("final"), m.s3().keys("b"));
            assertEquals("12345", text("b", "final"));
        }

        @Test
        @DisplayName("unsaved over a stored object: the stale object moves too, so the old name does not come back")
        void unsavedStale() {
            m.s3().with("b", "s.txt", "old");
            long h = m.fs().open(p("/b/s.txt"), new OpenFlags(false, true, true, false, false));
            m.fs().write(p("/b/s.txt"), h, "new stuff".getBytes(UTF_8), 0, 9);

            rename("/b/s.txt", "/b/t.txt");

            assertEquals(List.of("t.txt"), m.s3().keys("b"));
            assertEquals(9, m.stat("/b/t.txt").size());
            close(h, "/b/t.txt");
            assertEquals("new stuff", text("b", "t.txt"));
            m.filesystem().clearCaches();
            assertFalse(exists("/b/s.txt"));
        }

        @Test
        @DisplayName("a reader follows the rename and keeps reading; a descriptor on a similar name does not move")
        void readerFollows() {
            m.s3().with("b", "a", "A").with("b", "ab", "AB");
            long reader = m.fs().open(p("/b/a"), OpenFlags.READ_ONLY);
            long unrelated = m.fs().open(p("/b/ab"), OpenFlags.READ_ONLY);

            rename("/b/a", "/b/z");

            assertTrue(openAt("/b/z"));
            assertFalse(openAt("/b/a"));
            assertTrue(openAt("/b/ab"));
            assertEquals("A", readAll(reader, "/b/z"));
            assertEquals("AB", readAll(unrelated, "/b/ab"));
            close(reader, "/b/z");
            close(unrelated, "/b/ab");
        }

        @Test
        @DisplayName("a descriptor open on the replaced target keeps its content, and its close does not bring it back")
        void replacedTarget() {
            // b/notes.txt "old" (open), b/tmp "new"  ->  b/notes.txt "new"
            m.s3().with("b", "notes.txt", "old").with("b", "tmp", "new");
            long h = m.fs().open(p("/b/notes.txt"), OpenFlags.READ_ONLY);

            rename("/b/tmp", "/b/notes.txt");

            assertEquals("old", readAll(h, "/b/notes.txt"));
            close(h, "/b/notes.txt");
            assertEquals("new", text("b", "notes.txt"));
            assertEquals("new", m.read("/b/notes.txt"));
        }

        @Test
        @DisplayName("a writer with unsaved data on the replaced target: its close stores nothing over the new file")
        void replacedWriter() {
            m.s3().with("b", "notes.txt", "old").with("b", "tmp", "new");
            long h = m.fs().open(p("/b/notes.txt"), WRITE);
            m.fs().write(p("/b/notes.txt"), h, "OLD".getBytes(UTF_8), 0, 3);

            rename("/b/tmp", "/b/notes.txt");
            close(h, "/b/notes.txt");

            assertEquals("new", text("b", "notes.txt"));
        }
    }

    /**
     * <pre>
     * b
     * ├── src/             marker
     * │   ├── a
     * │   ├── sub/         marker
     * │   │   ├── b
     * │   │   └── deep/c   (deep/ has no marker)
     * │   └── empty/       marker of an empty subfolder
     * └── srcfile          next to it, a name that starts the same: untouched
     * </pre>
     */
    void tree(String root) {
        m.s3().with("b", root + "/", "").with("b", root + "/a", "A").with("b", root + "/sub/", "").with("b", root + "/sub/b", "B")
                .with("b", root + "/sub/deep/c", "C").with("b", root + "/empty/", "").with("b", "srcfile", "F");
    }

    static final List<String> TREE = List.of("", "a", "empty/", "sub/", "sub/b", "sub/deep/c");

    @Nested
    @DisplayName("a folder")
    class Folders {

        @Test
        @DisplayName("moves every key, markers included, one copy and one delete each, and leaves nothing under the old prefix")
        void movesTree() {
            tree("src");
            m.ls("/b/src");
            m.requests().reset();

            rename("/b/src", "/b/dst");

            assertEquals(TREE, keysUnder("b", "dst/"));
            assertEquals(List.of(), keysUnder("b", "src/"));
            assertEquals("F", text("b", "srcfile"));
            assertEquals("C", text("b", "dst/sub/deep/c"));
            assertEquals(TREE.size(), m.requests().count("copy"));
            assertEquals(TREE.size(), m.requests().count("delete"));
            assertFalse(exists("/b/src"));
            assertFalse(exists("/b/src/a"));
            assertTrue(m.stat("/b/dst/sub/deep").isDirectory());
            assertEquals(List.of("a", "empty", "sub"), m.ls("/b/dst"));
        }

        @Test
        @DisplayName("an implicit source folder (no marker) moves too")
        void implicitSource() {
            m.s3().with("b", "imp/a", "A").with("b", "imp/sub/b", "B");
            rename("/b/imp", "/b/moved");
            assertEquals(List.of("moved/a", "moved/sub/b"), m.s3().keys("b"));
            assertTrue(m.stat("/b/moved").isDirectory());
        }

        @Test
        @DisplayName("moves across buckets")
        void acrossBuckets() {
            tree("src");
            rename("/b/src", "/c/dst");
            assertEquals(TREE, keysUnder("c", "dst/"));
            assertEquals(List.of("srcfile"), m.s3().keys("b"));
        }

        @Test
        @DisplayName("replaces an empty folder, whose marker then carries the source's attributes")
        void replacesEmptyFolder() {
            tree("src");
            Map<String, String> srcMeta = PosixMetadata.of(Map.of(), NodeType.DIRECTORY, 0700, 1, 1, Instant.EPOCH);
            m.s3().put("b", "src/", new byte[0], srcMeta, "application/x-directory");
            m.s3().put("b", "dst/", new byte[0], PosixMetadata.of(Map.of(), NodeType.DIRECTORY, 0755, 2, 2, Instant.EPOCH),
                    "application/x-directory");
            assertEquals(0755, m.stat("/b/dst").mode());

            rename("/b/src", "/b/dst");

            assertEquals(TREE, keysUnder("b", "dst/"));
            assertEquals(srcMeta, m.s3().object("b", "dst/").orElseThrow().metadata());
            assertEquals(0700, m.stat("/b/dst").mode(), "the moved marker's attributes, not the replaced one's");
            m = m.remount();
            assertEquals(0700, m.stat("/b/dst").mode(), "also as remembered on disk");
        }

        @Test
        @DisplayName("replacing an empty folder with an implicit one drops the target's marker")
        void implicitReplacesEmpty() {
            m.s3().with("b", "imp/a", "A").put("b", "dst/", new byte[0],
                    PosixMetadata.of(Map.of(), NodeType.DIRECTORY, 0700, 2, 2, Instant.EPOCH), "application/x-directory");
            assertEquals(0700, m.stat("/b/dst").mode());

            rename("/b/imp", "/b/dst");

            assertEquals(List.of("dst/a"), m.s3().keys("b"));
            assertEquals(0755, m.stat("/b/dst").mode(), "an implicit folder's attributes, not the dropped marker's");
            m = m.remount();
            assertEquals(0755, m.stat("/b/dst").mode(), "also as remembered on disk");
        }

        @Test
        @DisplayName("onto a non-empty folder answers ENOTEMPTY and changes nothing")
        void ontoNonEmpty() {
            tree("src");
            m.s3().with("b", "full/x", "X");
            List<String> before = m.s3().keys("b");
            assertErrno(Errno.ENOTEMPTY, () -> rename("/b/src", "/b/full"));
            assertEquals(before, m.s3().keys("b"));
        }

        @Test
        @DisplayName("onto a folder that another client filled since it was listed answers ENOTEMPTY (asked of S3)")
        void ontoFolderFilledMeanwhile() {
            tree("src");
            m.s3().with("b", "dst/", "");
            assertEquals(List.of(), m.ls("/b/dst"));
            m.s3().with("b", "dst/theirs", "T");

            assertErrno(Errno.ENOTEMPTY, () -> rename("/b/src", "/b/dst"));
            assertEquals(TREE, keysUnder("b", "src/"));
        }

        @Test
        @DisplayName("into its own subtree answers EINVAL")
        void intoItself() {
            tree("src");
            assertErrno(Errno.EINVAL, () -> rename("/b/src", "/b/src/sub/inner"));
            assertErrno(Errno.EINVAL, () -> rename("/b/src", "/b/src/new"));
            assertEquals(TREE, keysUnder("b", "src/"));
        }

        @Test
        @DisplayName("onto a file answers ENOTDIR")
        void ontoFile() {
            tree("src");
            assertErrno(Errno.ENOTDIR, () -> rename("/b/src", "/b/srcfile"));
            assertEquals(TREE, keysUnder("b", "src/"));
        }

        @Test
        @DisplayName("open descriptors below the folder move with it, unsaved ones included, and store under the new name")
        void handlesFollow() {
            tree("src");
            long reader = m.fs().open(p("/b/src/sub/b"), OpenFlags.READ_ONLY);
            long writer = m.fs().create(p("/b/src/sub/new"), 0644, WRITE);
            m.fs().write(p("/b/src/sub/new"), writer, "NEW".getBytes(UTF_8), 0, 3);

            rename("/b/src", "/b/dst");

            assertTrue(openAt("/b/dst/sub/b"));
            assertTrue(openAt("/b/dst/sub/new"));
            assertEquals(3, m.stat("/b/dst/sub/new").size());
            assertEquals("B", readAll(reader, "/b/dst/sub/b"));
            close(writer, "/b/dst/sub/new");
            close(reader, "/b/dst/sub/b");
            assertEquals("NEW", text("b", "dst/sub/new"));
            assertEquals(List.of(), keysUnder("b", "src/"));
        }

        @Test
        @DisplayName("moving the last folder out of an implicit folder keeps that folder, with a marker")
        void keepsImplicitParent() {
            m.s3().with("b", "outer/inner/x", "X");
            rename("/b/outer/inner", "/b/inner");
            assertEquals(List.of("inner/x", "outer/"), m.s3().keys("b"));
            assertTrue(m.stat("/b/outer").isDirectory());
        }

        @Test
        @DisplayName("a key that would pass 1,024 bytes answers ENAMETOOLONG and changes nothing")
        void keyTooLong() {
            String deep = "d/" + "x".repeat(200) + "/" + "y".repeat(200) + "/" + "z".repeat(200) + "/" + "w".repeat(200);
            m.s3().with("b", deep, "");
            String longName = "n".repeat(250);
            assertErrno(Errno.ENAMETOOLONG, () -> rename("/b/d", "/b/" + longName));
            assertEquals(List.of(deep), m.s3().keys("b"));
        }
    }

    @Nested
    @DisplayName("the attributes of folder markers this mount deleted")
    class DeletedMarkers {

        @Test
        @DisplayName("a folder moved away, then written under its old name by another client, shows an implicit folder's attributes")
        void movedAway() {
            m.s3().put("b", "src/", new byte[0], PosixMetadata.of(Map.of(), NodeType.DIRECTORY, 0700, 1, 1, Instant.EPOCH),
                    "application/x-directory");
            m.s3().with("b", "src/a", "A");
            assertEquals(0700, m.stat("/b/src").mode());

            rename("/b/src", "/b/dst");
            m.s3().with("b", "src/again", "by aws-cli");

            assertEquals(0755, m.stat("/b/src").mode());
            assertEquals(0700, m.stat("/b/dst").mode());
        }

        @Test
        @DisplayName("rmdir, then another client writing below the name: an implicit folder's attributes (same bookkeeping)")
        void removed() {
            m.fs().mkdir(p("/b/d"), 0700);
            assertEquals(0700, m.stat("/b/d").mode());
            m.fs().rmdir(p("/b/d"));

            m.s3().with("b", "d/x", "X");
            m.time().advance(java.time.Duration.ofSeconds(3)); // past the 2 s of "no such file"

            assertEquals(0755, m.stat("/b/d").mode());
        }
    }

    @Nested
    @DisplayName("a folder whose copies or deletes fail")
    class FolderFailures {

        @Test
        @DisplayName("a copy failing half-way deletes no source, removes the copies made, and answers EIO")
        void copyFailsHalfWay() {
            start(Map.of("parallelism", "2"));
            for (int i = 0; i < 20; i++) {
                m.s3().with("b", "src/" + i, "v" + i);
            }
            List<String> before = m.s3().keys("b");
            m.s3().failOn("copy", "src/7", Errno.EIO);

            assertErrno(Errno.EIO, () -> rename("/b/src", "/b/dst"));

            assertEquals(before, m.s3().keys("b"));
            assertEquals(m.requests().count("copy") - 1, m.requests().count("delete"),
                    "every copy made (all but the failed one) is deleted again, and nothing else");
            assertTrue(m.stat("/b/src").isDirectory());
            assertFalse(exists("/b/dst"));
        }

        @Test
        @DisplayName("when a copy and then the clean-up fail, every object is still under its old name")
        void copyAndCleanUpFail() {
            start(Map.of("parallelism", "3"));
            tree("src");
            m.s3().failOn("copy", "src/sub/", Errno.EIO).failOn("delete", "dst/", Errno.EIO);

            assertErrno(Errno.EIO, () -> rename("/b/src", "/b/dst"));

            assertEquals(TREE, keysUnder("b", "src/"));
        }

        @Test
        @DisplayName("deletes failing half-way leave those objects under both names, never neither: EIO, descriptors stay")
        void deletesFailHalfWay() {
            tree("src");
            m.s3().failOn("delete", "src/sub/b", Errno.EIO).failOn("delete", "src/empty/", Errno.EIO);
            long h = m.fs().open(p("/b/src/a"), OpenFlags.READ_ONLY);

            assertErrno(Errno.EIO, () -> rename("/b/src", "/b/dst"));

            assertEquals(TREE, keysUnder("b", "dst/"));
            assertEquals(List.of("empty/", "sub/b"), keysUnder("b", "src/"));
            for (String rel : TREE) {
                assertTrue(m.s3().object("b", "src/" + rel).isPresent() || m.s3().object("b", "dst/" + rel).isPresent(), rel);
            }
            assertTrue(openAt("/b/src/a"));
            assertTrue(m.stat("/b/src/sub/b").size() > 0);
            assertTrue(m.stat("/b/dst/sub/b").size() > 0);
            close(h, "/b/src/a");
        }
    }

    @Nested
    @DisplayName("limits (settings max-keys, max-bytes)")
    class Limits {

        @Test
        @DisplayName("over max-keys answers EXDEV and copies nothing, so mv copies by itself")
        void overMaxKeys() {
            start(Map.of("max-keys", "5"));
            tree("src");
            List<String> before = m.s3().keys("b");
            m.requests().reset();
            assertErrno(Errno.EXDEV, () -> rename("/b/src", "/b/dst"));
            assertEquals(before, m.s3().keys("b"));
            assertEquals(0, m.requests().count("copy"));
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
                m.s3().with("b", "many/" + (i % 7) + "/" + i, "");
            }
            rename("/b/many", "/b/moved");
            assertEquals(1000, keysUnder("b", "moved/").size());
            m.s3().with("b", "moved/extra", "");
            assertErrno(Errno.EXDEV, () -> rename("/b/moved", "/b/again"));
            assertEquals(1001, keysUnder("b", "moved/").size());
        }

        @Test
        @DisplayName("over max-bytes answers EXDEV; sizes are written as config writes them (2, 1k)")
        void overMaxBytes() {
            start(Map.of("max-bytes", "2"));
            tree("src");
            assertErrno(Errno.EXDEV, () -> rename("/b/src", "/b/dst"));
            assertEquals(List.of(), keysUnder("b", "dst/"));
            start(Map.of("max-bytes", "1k"));
            tree("src");
            rename("/b/src", "/b/dst");
            assertEquals(TREE, keysUnder("b", "dst/"));
        }

        @Test
        @DisplayName("a file has no limit")
        void fileHasNone() {
            start(Map.of("max-bytes", "1"));
            m.s3().with("b", "f", "more than one byte");
            rename("/b/f", "/b/g");
            assertEquals(List.of("g"), m.s3().keys("b"));
        }

        @Test
        @DisplayName("a value that is not a positive number, or an undeclared setting, stops the start naming it")
        void invalidSettings() {
            for (Map<String, String> bad : List.of(Map.of("max-keys", "0"), Map.of("parallelism", "lots"), Map.of("max-key", "5"))) {
                TestMount.Builder builder = TestMount.builder(dir).buckets("b")
                        .config(c -> c.settings(PluginKind.RENAME, new PluginSettings(bad)));
                IllegalArgumentException e = assertThrows(IllegalArgumentException.class, builder::start, bad.toString());
                assertTrue(e.getMessage().contains(bad.keySet().iterator().next()), e.getMessage());
            }
        }
    }

    @Nested
    @DisplayName("buckets and the mount root")
    class Buckets {

        @Test
        @DisplayName("renaming a bucket answers EXDEV")
        void bucket() {
            m.s3().with("b", "a", "x");
            assertErrno(Errno.EXDEV, () -> rename("/b", "/renamed"));
            assertErrno(Errno.EXDEV, () -> rename("/b", "/c/inside"));
            assertEquals(List.of("a"), m.s3().keys("b"));
            assertEquals(List.of("b", "c"), m.s3().listBuckets());
        }

        @Test
        @DisplayName("moving a folder or a file to the mount root (where only buckets live) answers EXDEV")
        void toRoot() {
            tree("src");
            assertErrno(Errno.EXDEV, () -> rename("/b/src", "/newbucket"));
            assertErrno(Errno.EXDEV, () -> rename("/b/srcfile", "/newbucket"));
            assertEquals(List.of("b", "c"), m.s3().listBuckets());
        }

        @Test
        @DisplayName("with the rename plugin disabled every rename answers EXDEV")
        void disabled() {
            m.close();
            m = TestMount.builder(dir).buckets("b").config(c -> c.disable(PluginKind.RENAME)).start();
            m.s3().with("b", "a", "x");
            assertErrno(Errno.EXDEV, () -> rename("/b/a", "/b/z"));
            assertEquals(List.of("a"), m.s3().keys("b"));
        }
    }

    @Test
    @DisplayName("Parallel runs every item once, never more than the limit at once, and reports each failure")
    void parallel() {
        ExecutorService workers = m.filesystem().pluginContext(PluginSettings.EMPTY).workers();
        List<Integer> items = IntStream.range(0, 100).boxed().toList();
        List<Integer> seen = Collections.synchronizedList(new ArrayList<>());
        AtomicInteger inFlight = new AtomicInteger();
        AtomicInteger most = new AtomicInteger();
        var failures = Parallel.run(workers, 8, items, i -> {
            most.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
            seen.add(i);
            inFlight.decrementAndGet();
            if (i % 10 == 0) {
                throw new FsException(Errno.EIO, "item " + i);
            }
        }, false);
        assertEquals(items, seen.stream().sorted().toList());
        assertEquals(10, failures.size());
        assertTrue(most.get() <= 8, most + " in flight");
        assertEquals(List.of(), Parallel.run(workers, 8, List.<FsPath>of(), x -> { }, true));
    }
}
