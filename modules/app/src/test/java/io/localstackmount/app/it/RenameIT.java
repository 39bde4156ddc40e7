package io.localstackmount.app.it;

import static io.localstackmount.app.it.MountFixture.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.localstackmount.api.Listing;
import io.localstackmount.api.ObjectInfo;
import io.localstackmount.api.PluginKind;
import io.localstackmount.api.PluginSettings;
import io.localstackmount.s3proxy.S3ProxyServer;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * rename(2) on a real mount, driven by the tools that use it: mv, sed -i, vim. The rename plugin
 * runs with {@code max-keys} 5, so that one small tree moves by server-side copies (S3Proxy's
 * request counters show them) and a slightly larger one takes mv's EXDEV fallback. Each test has
 * its own bucket.
 */
@DisplayName("rename on a mount")
class RenameIT {
    private static final int MAX_KEYS = 5;
    private static MountFixture fx;

    @BeforeAll
    static void mount() {
        fx = MountFixture.start(S3ProxyServer.builder().metrics().start(),
                b -> b.settings(PluginKind.RENAME, new PluginSettings(Map.of("max-keys", Integer.toString(MAX_KEYS)))));
    }

    @AfterAll
    static void unmount() {
        if (fx != null) {
            fx.close();
        }
    }

    @Test
    @DisplayName("mv of a file is one server-side copy: the object moves, its data never passes through the mount")
    void mvFile() throws Exception {
        Path b = fx.bucket("mv-file");
        Files.writeString(b.resolve("a.txt"), "alpha");
        long copies = copies();
        long gets = fx.server().requestCount("GetObject");

        run(b, "mv", "a.txt", "z.txt");

        assertEquals(List.of("z.txt"), keys("mv-file", ""));
        assertEquals(copies + 1, copies());
        assertEquals(gets, fx.server().requestCount("GetObject"));
        assertEquals("alpha", Files.readString(b.resolve("z.txt")));
        assertFalse(Files.exists(b.resolve("a.txt")));
    }

    @Test
    @DisplayName("mv over an existing file replaces it")
    void mvOverFile() throws Exception {
        Path b = fx.bucket("mv-over");
        Files.writeString(b.resolve("new"), "new content");
        Files.writeString(b.resolve("old"), "old");

        run(b, "mv", "new", "old");

        assertEquals(List.of("old"), keys("mv-over", ""));
        assertEquals("new content", Files.readString(b.resolve("old")));
    }

    @Test
    @DisplayName("a folder moved back and forth leaves no empty folder behind (S3Proxy's filesystem store keeps folders as directories)")
    void mvTreeBackAndForth() throws Exception {
        Path b = fx.bucket("mv-back");
        Files.createDirectories(b.resolve("tree/sub/deeper"));
        Files.writeString(b.resolve("tree/a"), "A");
        Files.writeString(b.resolve("tree/sub/deeper/b"), "B");

        for (int i = 0; i < 5; i++) {
            run(b, "mv", "tree", "moved");
            assertFalse(Files.exists(b.resolve("tree")), "round " + i + ": tree is gone");
            run(b, "mv", "moved", "tree");
            assertFalse(Files.exists(b.resolve("moved")), "round " + i + ": moved is gone");
        }
        assertEquals("B", Files.readString(b.resolve("tree/sub/deeper/b")));
    }

    @Test
    @DisplayName("mv of a folder tree moves every key, markers included, and leaves nothing at the old prefix")
    void mvTree() throws Exception {
        // tree/ tree/a tree/sub/ tree/sub/deeper/ tree/sub/deeper/b: five keys, at the limit
        Path b = fx.bucket("mv-tree");
        Files.createDirectories(b.resolve("tree/sub/deeper"));
        Files.writeString(b.resolve("tree/a"), "A");
        Files.writeString(b.resolve("tree/sub/deeper/b"), "B");
        long copies = copies();

        run(b, "mv", "tree", "moved");

        assertEquals(List.of("moved/", "moved/a", "moved/sub/", "moved/sub/deeper/", "moved/sub/deeper/b"), keys("mv-tree", ""));
        assertEquals(copies + MAX_KEYS, copies());
        assertEquals("B", Files.readString(b.resolve("moved/sub/deeper/b")));
        assertFalse(Files.exists(b.resolve("tree")));
        assertEquals("A\nB\n", run(b, "sh", "-c", "cat moved/a; echo; cat moved/sub/deeper/b; echo"));
    }

    @Test
    @DisplayName("a folder over max-keys is still moved by mv: EXDEV, then mv copies and deletes by itself")
    void mvOverLimit() throws Exception {
        Path b = fx.bucket("mv-big");
        Files.createDirectories(b.resolve("big"));
        for (int i = 0; i < MAX_KEYS; i++) {
            Files.writeString(b.resolve("big/f" + i), "file " + i);
        }
        // rename(2) itself answers EXDEV, which Java reports for an atomic move like this:
        assertThrows(AtomicMoveNotSupportedException.class,
                () -> Files.move(b.resolve("big"), b.resolve("big2"), StandardCopyOption.ATOMIC_MOVE));

        run(b, "mv", "big", "big2");

        List<String> expected = new ArrayList<>(List.of("big2/"));
        for (int i = 0; i < MAX_KEYS; i++) {
            expected.add("big2/f" + i);
            assertEquals("file " + i, Files.readString(b.resolve("big2/f" + i)));
        }
        assertEquals(expected, keys("mv-big", ""));
        assertFalse(Files.exists(b.resolve("big")));
    }

    @Test
    @DisplayName("sed -i edits a file in place (temporary file renamed over it)")
    void sedInPlace() throws Exception {
        Path b = fx.bucket("sed-edit");
        Files.writeString(b.resolve("conf.txt"), "name = a\nother = a\n");

        run(b, "sed", "-i", "s/a$/b/", "conf.txt");

        assertEquals("name = b\nother = b\n", Files.readString(b.resolve("conf.txt")));
        assertEquals(List.of("conf.txt"), keys("sed-edit", ""));
    }

    @Test
    @DisplayName("vim edits and saves a file, and leaves neither backup nor swap file behind")
    void vimSave() throws Exception {
        Path b = fx.bucket("vim-edit");
        Files.writeString(b.resolve("notes.txt"), "aaa\nxa\n");
        String etag = fx.s3().head("vim-edit", "notes.txt").orElseThrow().etag();

        run(b, "vim", "-es", "-c", "%s/a/b/", "-c", "wq", "notes.txt");

        assertEquals("baa\nxb\n", Files.readString(b.resolve("notes.txt")));
        assertEquals(List.of("notes.txt"), keys("vim-edit", ""));
        assertNotEquals(etag, fx.s3().head("vim-edit", "notes.txt").orElseThrow().etag());
    }

    @Test
    @DisplayName("moving the last file out of an implicit folder keeps the folder")
    void implicitFolderStays() throws Exception {
        Path b = fx.bucket("implicit");
        fx.s3().put("implicit", "imp/only.txt", "x".getBytes(), Map.of(), "text/plain");
        assertTrue(Files.isDirectory(b.resolve("imp")));

        run(b, "mv", "imp/only.txt", "only.txt");

        assertTrue(Files.isDirectory(b.resolve("imp")));
        assertEquals("", run(b, "ls", "-A", "imp"));
        assertEquals(List.of("imp/", "only.txt"), keys("implicit", ""));
    }

    @Test
    @DisplayName("mv of a folder onto a non-empty folder fails with ENOTEMPTY and changes nothing")
    void notEmpty() throws Exception {
        // dir/f  and  target/dir/g: `mv dir target` renames dir onto target/dir, which is not empty
        Path b = fx.bucket("not-empty");
        Files.createDirectories(b.resolve("dir"));
        Files.writeString(b.resolve("dir/f"), "f");
        Files.createDirectories(b.resolve("target/dir"));
        Files.writeString(b.resolve("target/dir/g"), "g");
        List<String> before = keys("not-empty", "");

        MountFixture.Result r = MountFixture.runAllowingFailure(b, "mv", "dir", "target");

        assertNotEquals(0, r.exitCode());
        assertTrue(r.output().contains("Directory not empty"), r.output());
        assertEquals(before, keys("not-empty", ""));
    }

    private static long copies() {
        return fx.server().requestCount("CopyObject");
    }

    /** Every key below {@code prefix}, sorted, read through S3 (not the mount). */
    private static List<String> keys(String bucket, String prefix) {
        List<String> keys = new ArrayList<>();
        Listing listing = fx.s3().list(bucket, prefix);
        for (ObjectInfo o : listing.objects()) {
            keys.add(o.key());
        }
        for (String sub : listing.commonPrefixes()) {
            keys.addAll(keys(bucket, sub));
        }
        keys.sort(null);
        return keys;
    }
}
