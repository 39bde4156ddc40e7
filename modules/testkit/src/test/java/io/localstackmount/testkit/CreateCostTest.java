package io.localstackmount.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.localstackmount.api.Errno;
import io.localstackmount.api.FsException;
import io.localstackmount.api.FsPath;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What creating many files costs, as {@code tar x} or {@code cp -r} do it: the kernel looks every
 * name up (and finds nothing) before it creates it. In a folder this mount made, the listing answers
 * those lookups; in a folder that existed before, a name the listing lacks is asked of S3, since
 * another client may have written it since, even while this mount writes there too.
 */
class CreateCostTest {
    private static final int FILES = 50;
    @TempDir
    Path dir;
    private TestMount m;

    @BeforeEach
    void mount() {
        m = TestMount.builder(dir).buckets("b").start();
    }

    @AfterEach
    void unmount() {
        m.close();
    }

    private void untar(String folder) {
        for (int i = 0; i < FILES; i++) {
            String path = folder + "/f" + i;
            FsException e = assertThrows(FsException.class, () -> m.stat(path), "the kernel's lookup before the create");
            assertEquals(Errno.ENOENT, e.errno());
            m.write(path, "x" + i);
        }
    }

    @Test
    @DisplayName("files created in a folder made here: one PUT each, no LIST, no HEAD")
    void inNewFolder() {
        m.fs().mkdir(FsPath.parse("/b/new"), 0755);
        m.requests().reset();
        untar("/b/new");
        assertEquals(FILES, m.requests().count("put") + m.requests().count("upload"), m.requests().counts().toString());
        assertEquals(0, m.requests().count("listPage"), m.requests().counts().toString());
        assertEquals(0, m.requests().count("head"), m.requests().counts().toString());
        assertEquals(FILES, m.ls("/b/new").size());
    }

    @Test
    @DisplayName("files created in an existing folder: each new name is asked of S3 alone, with one small LIST")
    void inExistingFolder() {
        m.s3().with("b", "old/keep.txt", "kept");
        m.ls("/b");
        m.requests().reset();
        untar("/b/old");
        assertTrue(m.requests().count("listPage") <= FILES + 1, "the folder's listing, and each name asked alone: " + m.requests().counts());
        assertEquals(0, m.requests().count("head"), m.requests().counts().toString());
    }

    @Test
    @DisplayName("a folder the mount writes in: another client's new file there shows at once")
    void writtenFolderAsks() {
        m.s3().with("b", "seeded/a.txt", "a");
        m.write("/b/seeded/fixture.txt", "seeded through the mount");
        m.s3().with("b", "seeded/result.txt", "written by the code under test");
        assertEquals("written by the code under test", m.read("/b/seeded/result.txt"));
    }

    @Test
    @DisplayName("a folder only read: a name its listing lacks is asked of S3, so another client's new file shows at once")
    void readOnlyFolderAsks() {
        m.s3().with("b", "in/a.txt", "a");
        assertEquals(1, m.ls("/b/in").size());
        m.s3().with("b", "in/b.txt", "by another client");
        assertEquals("by another client", m.read("/b/in/b.txt"));
    }
}
