package io.localstackmount.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.localstackmount.api.FsPath;
import io.localstackmount.api.Node;
import io.localstackmount.api.NodeType;
import io.localstackmount.api.PosixMetadata;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a lookup the parent's first page cannot answer costs: one LIST of {@code prefix=name} with
 * delimiter, which says "file?" and "folder?" at once, so a miss (what editors and git probe for)
 * is one request; a folder adds the LIST of its marker, a file of unknown metadata a HEAD.
 *
 * <pre>
 *   b/big/f0000 ... f1000      one page and one key more: the first page ends at f0999
 *   b/big/zz-file              a file past the first page, with siblings zz-file-2, zz-file.txt
 *   b/big/zz-dir/x             a folder past the first page
 *   b/big/zz-p/inner           a folder behind 150 siblings zz-p-000 ... (they sort before "zz-p/")
 *   b/big/zz-s3fs              an s3fs file, mode 0100700
 *   b/big/zz-😀, zz-\uFFFD      names on both sides of U+FFFF (S3 sorts by code point)
 * </pre>
 */
@DisplayName("lookups past a large folder's first page")
class LargeFolderLookupTest {
    @TempDir
    Path dir;

    private TestMount m;

    @BeforeEach
    void setUp() {
        m = TestMount.builder(dir).buckets("b").start();
        FakeObjectStore s3 = m.s3();
        for (int i = 0; i <= 1_000; i++) {
            s3.put("b", String.format("big/f%04d", i), new byte[0], Map.of(), null);
        }
        s3.with("b", "big/zz-file", "file").with("b", "big/zz-file-2", "x").with("b", "big/zz-file.txt", "x");
        s3.with("b", "big/zz-dir/x", "inside");
        for (int i = 0; i < 150; i++) {
            s3.with("b", String.format("big/zz-p-%03d", i), "sibling");
        }
        s3.with("b", "big/zz-p/inner", "deep");
        s3.put("b", "big/zz-s3fs", new byte[1], Map.of("mode", Integer.toString(PosixMetadata.S_IFREG | 0700)), null);
        s3.with("b", "big/zz-\uD83D\uDE00", "astral").with("b", "big/zz-\uFFFD", "bmp");
        m.stat("/b/big");
        m.stat("/b/big/f0000"); // reads the first page of big/
        m.requests().reset();
    }

    @AfterEach
    void tearDown() {
        m.close();
    }

    private Optional<Node> find(String p) {
        return m.namespace().find(FsPath.parse(p));
    }

    @Test
    @DisplayName("a missing name costs one LIST and no HEAD")
    void miss() {
        assertTrue(find("/b/big/zz-missing").isEmpty());
        assertEquals(Map.of("listPage", 1L), m.requests().counts());
    }

    @Test
    @DisplayName("100 probes of a missing .git cost that one LIST")
    void probes() {
        for (int i = 0; i < 100; i++) {
            assertTrue(find("/b/big/.git").isEmpty());
        }
        assertEquals(1, m.requests().total());
    }

    @Test
    @DisplayName("a file: the LIST finds it, a HEAD brings its metadata")
    void file() {
        assertEquals(4, m.stat("/b/big/zz-file").size());
        assertEquals(Map.of("listPage", 1L, "head", 1L), m.requests().counts());
    }

    @Test
    @DisplayName("a file's stored attributes show as in a small folder")
    void s3fsFile() {
        assertEquals(0700, m.stat("/b/big/zz-s3fs").mode());
    }

    @Test
    @DisplayName("a folder: the LIST finds its prefix, one more LIST looks for its marker")
    void folder() {
        assertEquals(NodeType.DIRECTORY, m.stat("/b/big/zz-dir").type());
        assertEquals(Map.of("listPage", 2L), m.requests().counts());
    }

    @Test
    @DisplayName("a folder behind more siblings than one lookup page: paging goes on until it shows")
    void paging() {
        assertEquals(NodeType.DIRECTORY, m.stat("/b/big/zz-p").type());
        assertEquals(3L, m.requests().count("listPage"), "two pages of the name, one of the marker: " + m.requests().counts());
    }

    @Test
    @DisplayName("a name past the first page that sorts inside a sibling's run is still absent")
    void prefixOfOthers() {
        assertTrue(find("/b/big/zz-fil").isEmpty());
        assertEquals(Map.of("listPage", 1L), m.requests().counts());
    }

    @Test
    @DisplayName("names on both sides of U+FFFF are found (S3 sorts by code point, not by UTF-16 unit)")
    void codePointOrder() {
        assertEquals(6, m.stat("/b/big/zz-\uD83D\uDE00").size());
        assertEquals(3, m.stat("/b/big/zz-\uFFFD").size());
    }

    @Test
    @DisplayName("ls of the whole folder lists every entry, past the first page too")
    void listing() {
        assertEquals(1_001 + 3 + 1 + 150 + 1 + 1 + 2, m.ls("/b/big").size());
    }
}
