package io.localstackmount.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Disabled;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The three kinds of path and how they map to bucket + key:
 * <pre>
 * /                 root       bucket ""  key ""
 * └── b             bucket     bucket "b" key ""      lists prefix ""
 *     └── a         folder     bucket "b" key "a"     lists prefix "a/", marker "a/"
 *         └── c     object     bucket "b" key "a/c"
 * </pre>
 */
class FsPathTest {

    private static String repeat(String s, int n) {
        return s.repeat(n);
    }

    private static int utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8).length;
    }

    @Nested
    @DisplayName("parse")
    class Parse {
        @Test
        @DisplayName("/ is the root")
        void root() {
            FsPath p = FsPath.parse("/");
            assertSame(FsPath.ROOT, p);
            assertTrue(p.isRoot());
            assertFalse(p.isBucket());
            assertFalse(p.isObject());
            assertEquals("", p.bucket());
            assertEquals("", p.key());
            assertEquals("/", p.toString());
        }

        @ParameterizedTest
        @ValueSource(strings = {"", "//", "///"})
        @DisplayName("empty and slash-only paths are the root")
        void rootVariants(String s) {
            assertSame(FsPath.ROOT, FsPath.parse(s));
        }

        @Test
        @DisplayName("'.' is an ordinary segment: the kernel resolves it before FUSE sees a path")
        void dotIsNotFolded() {
            assertEquals("/.", FsPath.parse("/./").toString());
            assertEquals(".", FsPath.parse("/b/.").key());
        }

        @Test
        @DisplayName("/b is a bucket")
        void bucket() {
            FsPath p = FsPath.parse("/b");
            assertFalse(p.isRoot());
            assertTrue(p.isBucket());
            assertFalse(p.isObject());
            assertEquals("b", p.bucket());
            assertEquals("", p.key());
            assertEquals("/b", p.toString());
        }

        @Test
        @DisplayName("/b/a/c is an object path: bucket b, key a/c")
        void object() {
            FsPath p = FsPath.parse("/b/a/c");
            assertFalse(p.isRoot());
            assertFalse(p.isBucket());
            assertTrue(p.isObject());
            assertEquals("b", p.bucket());
            assertEquals("a/c", p.key());
            assertEquals("/b/a/c", p.toString());
        }

        @ParameterizedTest
        @ValueSource(strings = {"/b/a/c/", "//b//a//c", "/b///a/c///", "b/a/c", "///b/a/c//"})
        @DisplayName("repeated and trailing slashes are folded")
        void folding(String s) {
            FsPath p = FsPath.parse(s);
            assertEquals(FsPath.parse("/b/a/c"), p);
            assertEquals(FsPath.parse("/b/a/c").hashCode(), p.hashCode());
            assertEquals("/b/a/c", p.toString());
        }

        @Test
        @DisplayName("a trailing slash on a bucket is folded")
        void bucketTrailingSlash() {
            assertEquals(FsPath.parse("/b"), FsPath.parse("/b/"));
            assertTrue(FsPath.parse("//b//").isBucket());
        }

        @Test
        @DisplayName("multibyte names survive unchanged")
        void multibyte() {
            FsPath p = FsPath.parse("/bücket/фото/日本語 😀.txt");
            assertEquals("bücket", p.bucket());
            assertEquals("фото/日本語 😀.txt", p.key());
            assertEquals("日本語 😀.txt", p.name());
            assertEquals("фото/", p.parent().childPrefix());
        }

        @Test
        @DisplayName("toString parses back to an equal path")
        void roundTrip() {
            for (String s : new String[] {"/", "/b", "/b/a", "/b/a/c", "/b/x y/ü"}) {
                assertEquals(s, FsPath.parse(s).toString());
                assertEquals(FsPath.parse(s), FsPath.parse(FsPath.parse(s).toString()));
            }
        }
    }

    @Nested
    @DisplayName("of")
    class Of {
        @Test
        @DisplayName("equals the parsed path")
        void equalsParsed() {
            assertEquals(FsPath.parse("/b/a/c"), FsPath.of("b", "a/c"));
            assertEquals(FsPath.parse("/b"), FsPath.of("b", ""));
            assertEquals(FsPath.ROOT, FsPath.of("", ""));
        }

        @Test
        @DisplayName("a key without a bucket is refused")
        void keyWithoutBucket() {
            assertThrows(IllegalArgumentException.class, () -> FsPath.of("", "k"));
        }

        @Test
        @DisplayName("nulls are refused")
        void nulls() {
            assertThrows(NullPointerException.class, () -> FsPath.of(null, ""));
            assertThrows(NullPointerException.class, () -> FsPath.of("b", null));
        }
    }

    @Nested
    @DisplayName("name, parent, child")
    class Navigation {
        @Test
        @DisplayName("name is the last segment; the bucket name for a bucket; empty for the root")
        void name() {
            assertEquals("", FsPath.ROOT.name());
            assertEquals("b", FsPath.parse("/b").name());
            assertEquals("a", FsPath.parse("/b/a").name());
            assertEquals("c", FsPath.parse("/b/a/c").name());
        }

        @Test
        @DisplayName("parent walks up to the root, and the root is its own parent")
        void parent() {
            FsPath p = FsPath.parse("/b/a/c");
            assertEquals(FsPath.parse("/b/a"), p.parent());
            assertEquals(FsPath.parse("/b"), p.parent().parent());
            assertSame(FsPath.ROOT, p.parent().parent().parent());
            assertSame(FsPath.ROOT, FsPath.ROOT.parent());
        }

        @Test
        @DisplayName("child is the inverse of parent + name")
        void child() {
            assertEquals(FsPath.parse("/b"), FsPath.ROOT.child("b"));
            assertEquals(FsPath.parse("/b/a"), FsPath.parse("/b").child("a"));
            assertEquals(FsPath.parse("/b/a/c"), FsPath.parse("/b/a").child("c"));
            for (String s : new String[] {"/b", "/b/a", "/b/a/c"}) {
                FsPath p = FsPath.parse(s);
                assertEquals(p, p.parent().child(p.name()));
            }
        }

        @ParameterizedTest
        @ValueSource(strings = {"", "a/b", "/", "a/"})
        @DisplayName("child refuses anything but one segment")
        void childRefuses(String name) {
            assertThrows(IllegalArgumentException.class, () -> FsPath.parse("/b").child(name));
        }
    }

    @Nested
    @DisplayName("childPrefix and markerKey")
    class Prefixes {
        @Test
        @DisplayName("a bucket lists prefix \"\"; a folder lists key + \"/\"")
        void childPrefix() {
            assertEquals("", FsPath.parse("/b").childPrefix());
            assertEquals("a/", FsPath.parse("/b/a").childPrefix());
            assertEquals("a/c/", FsPath.parse("/b/a/c").childPrefix());
        }

        @Test
        @DisplayName("the marker of a folder is key + \"/\"")
        void markerKey() {
            assertEquals("a/", FsPath.parse("/b/a").markerKey());
            assertEquals("a/c/", FsPath.parse("/b/a/c").markerKey());
        }
    }

    @Nested
    @DisplayName("contains")
    class Contains {
        @Test
        @DisplayName("the root contains everything")
        void root() {
            assertTrue(FsPath.ROOT.contains(FsPath.ROOT));
            assertTrue(FsPath.ROOT.contains(FsPath.parse("/b")));
            assertTrue(FsPath.ROOT.contains(FsPath.parse("/b/a/c")));
        }

        @Test
        @DisplayName("a bucket contains itself and its objects, not other buckets")
        void bucket() {
            FsPath b = FsPath.parse("/b");
            assertTrue(b.contains(b));
            assertTrue(b.contains(FsPath.parse("/b/a")));
            assertTrue(b.contains(FsPath.parse("/b/a/c")));
            assertFalse(b.contains(FsPath.parse("/bb")));
            assertFalse(b.contains(FsPath.parse("/c/a")));
            assertFalse(b.contains(FsPath.ROOT));
        }

        @Test
        @DisplayName("a folder contains itself and what is below, not siblings sharing a prefix")
        void folder() {
            FsPath a = FsPath.parse("/b/a");
            assertTrue(a.contains(a));
            assertTrue(a.contains(FsPath.parse("/b/a/c")));
            assertTrue(a.contains(FsPath.parse("/b/a/c/d")));
            assertFalse(a.contains(FsPath.parse("/b/ab")));
            assertFalse(a.contains(FsPath.parse("/b/ab/c")));
            assertFalse(a.contains(FsPath.parse("/b")));
            assertFalse(a.contains(FsPath.parse("/c/a")));
            assertFalse(a.contains(FsPath.parse("/b/a").parent()));
        }
    }

    @Nested
    @DisplayName("requireValidLength")
    class Lengths {
        @Test
        @DisplayName("a 255-byte name passes")
        void name255() {
            FsPath p = FsPath.parse("/b/" + repeat("n", 255));
            assertSame(p, p.requireValidLength());
        }

        @Test
        @DisplayName("a 256-byte name is ENAMETOOLONG")
        void name256() {
            FsException e = assertThrows(FsException.class, () -> FsPath.parse("/b/d/" + repeat("n", 256)).requireValidLength());
            assertEquals(Errno.ENAMETOOLONG, e.errno());
            assertTrue(e.getMessage().contains("255"), e.getMessage());
        }

        @Test
        @DisplayName("names are measured in UTF-8 bytes, not characters")
        void multibyteNames() {
            // é is 2 bytes, € 3 bytes, 😀 4 bytes (two UTF-16 chars).
            String e127 = repeat("é", 127) + "x";               // 255 bytes, 128 chars
            String e128 = repeat("é", 128);                      // 256 bytes, 128 chars
            String euro85 = repeat("€", 85);                     // 255 bytes
            String euro86 = repeat("€", 86);                     // 258 bytes
            String emoji63 = repeat("😀", 63) + "abc";           // 255 bytes
            String emoji64 = repeat("😀", 64);                   // 256 bytes
            assertEquals(255, utf8(e127));
            assertEquals(256, utf8(e128));
            assertEquals(255, utf8(emoji63));
            for (String ok : new String[] {e127, euro85, emoji63}) {
                FsPath.parse("/b/" + ok).requireValidLength();
            }
            for (String tooLong : new String[] {e128, euro86, emoji64}) {
                FsException e = assertThrows(FsException.class, () -> FsPath.parse("/b/" + tooLong).requireValidLength());
                assertEquals(Errno.ENAMETOOLONG, e.errno());
            }
        }

        /** Four 255-byte segments and three slashes: a 1,023-byte key, whose marker is 1,024 bytes. */
        private String longestMarkerKey() {
            return String.join("/", repeat("a", 255), repeat("b", 255), repeat("c", 255), repeat("d", 255));
        }

        @Test
        @DisplayName("a 1023-byte key (1024-byte marker) passes")
        void key1023() {
            assertEquals(1023, utf8(longestMarkerKey()));
            FsPath.of("b", longestMarkerKey()).requireValidLength();
        }

        @Test
        @DisplayName("a key over 1024 bytes is ENAMETOOLONG")
        void key1025() {
            String key = longestMarkerKey() + "/xx";
            assertEquals(1026, utf8(key));
            FsException e = assertThrows(FsException.class, () -> FsPath.of("b", key).requireValidLength());
            assertEquals(Errno.ENAMETOOLONG, e.errno());
            assertTrue(e.getMessage().contains("1024"), e.getMessage());
        }

        @Test
        @DisplayName("a key of multibyte characters is measured in bytes")
        void multibyteKey() {
            // 5 segments of 85 × € (255 bytes each) = 1275 + 4 slashes: far over 1024 bytes, 429 chars.
            String seg = repeat("€", 85);
            String key = String.join("/", seg, seg, seg, seg, seg);
            assertTrue(key.length() < 1024);
            FsException e = assertThrows(FsException.class, () -> FsPath.of("b", key).requireValidLength());
            assertEquals(Errno.ENAMETOOLONG, e.errno());
        }

        @Test
        @DisplayName("a key of exactly 1024 bytes is the longest S3 accepts and passes")
        void key1024() {
            // Five segments, none over 255 bytes: 255 + 255 + 255 + 254 + 1 + 4 slashes.
            String key = String.join("/", repeat("a", 255), repeat("b", 255), repeat("c", 255), repeat("d", 254), "e");
            assertEquals(1024, utf8(key));
            FsPath.of("b", key).requireValidLength();
        }

        @Test
        @DisplayName("the root and buckets pass")
        void rootAndBucket() {
            FsPath.ROOT.requireValidLength();
            FsPath.parse("/bucket").requireValidLength();
        }
    }

    @Nested
    @DisplayName("equals and hashCode")
    class Equality {
        @Test
        @DisplayName("bucket and key decide equality")
        void equality() {
            assertEquals(FsPath.of("b", "a"), FsPath.parse("/b/a"));
            assertNotEquals(FsPath.parse("/b/a"), FsPath.parse("/a/b"));
            assertNotEquals(FsPath.parse("/b"), FsPath.ROOT);
            assertNotEquals(FsPath.parse("/b/a"), "/b/a");
        }
    }
}
