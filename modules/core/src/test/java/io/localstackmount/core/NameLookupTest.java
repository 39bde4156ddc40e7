package io.localstackmount.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.localstackmount.api.FsPath;
import io.localstackmount.api.NodeType;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

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
 * </pre>
 */
@DisplayName("lookups past a large folder's first page")
class NameLookupTest {
    private NamespaceFixture f;

    @BeforeEach
    void setUp() {
        f = NamespaceFixture.withDefaults();
        f.fake.createBucket("b");
        for (int i = 0; i <= 1_000; i++) {
            f.fake.put("b", String.format("big/f%04d", i), new byte[0], Map.of(), null);
        }
        f.fake.with("b", "big/zz-file", "file").with("b", "big/zz-file-2", "x").with("b", "big/zz-file.txt", "x");
        f.fake.with("b", "big/zz-dir/x", "inside");
        for (int i = 0; i < 150; i++) {
            f.fake.with("b", String.format("big/zz-p-%03d", i), "sibling");
        }
        f.fake.with("b", "big/zz-p/inner", "deep");
        f.ns.find(FsPath.parse("/b/big/f0000")); // reads the first page of big/
        f.requests();
    }

    @AfterEach
    void tearDown() throws Exception {
        f.close();
    }

    @Test
    @DisplayName("a missing name costs one LIST and no HEAD")
    void miss() {
        assertTrue(f.ns.find(FsPath.parse("/b/big/zz-missing")).isEmpty());
        assertEquals(Map.of("listPage", 1L), f.store.counts());
    }

    @Test
    @DisplayName("100 probes of a missing .git cost that one LIST")
    void probes() {
        for (int i = 0; i < 100; i++) {
            assertTrue(f.ns.find(FsPath.parse("/b/big/.git")).isEmpty());
        }
        assertEquals(1, f.requests());
    }

    @Test
    @DisplayName("a file: the LIST finds it, a HEAD brings its metadata")
    void file() {
        assertEquals(NodeType.FILE, f.type("/b/big/zz-file"));
        assertEquals(4, f.ns.find(FsPath.parse("/b/big/zz-file")).orElseThrow().size());
        assertEquals(Map.of("listPage", 1L, "head", 1L), f.store.counts());
    }

    @Test
    @DisplayName("a folder: the LIST finds its prefix, one more LIST looks for its marker")
    void folder() {
        assertEquals(NodeType.DIRECTORY, f.type("/b/big/zz-dir"));
        assertEquals(Map.of("listPage", 2L), f.store.counts());
    }

    @Test
    @DisplayName("a folder behind more siblings than one lookup page: paging goes on until it shows")
    void paging() {
        assertEquals(NodeType.DIRECTORY, f.type("/b/big/zz-p"));
        assertEquals(3L, f.store.count("listPage"), "two pages of the name, one of the marker: " + f.store.counts());
    }

    @Test
    @DisplayName("a name past the first page that sorts inside a sibling's run is still absent")
    void prefixOfOthers() {
        assertTrue(f.ns.find(FsPath.parse("/b/big/zz-fil")).isEmpty());
        assertEquals(Map.of("listPage", 1L), f.store.counts());
    }

    @Test
    @DisplayName("keys compare by code point, as S3 sorts UTF-8, not by UTF-16 unit")
    void codePointOrder() {
        String bmpHigh = "\uFFFD";
        String astral = new String(Character.toChars(0x1F600));
        assertTrue(bmpHigh.compareTo(astral) > 0, "UTF-16 order puts the surrogate pair first");
        assertTrue(CachedNamespace.compareCodePoints(bmpHigh, astral) < 0, "S3 puts U+1F600 after U+FFFD");
        assertEquals(0, CachedNamespace.compareCodePoints("abc/", "abc/"));
        assertTrue(CachedNamespace.compareCodePoints("abc", "abc/") < 0);
        assertTrue(CachedNamespace.compareCodePoints("abc.txt", "abc/") < 0);
        assertTrue(CachedNamespace.compareCodePoints("abc0", "abc/") > 0);
    }
}
