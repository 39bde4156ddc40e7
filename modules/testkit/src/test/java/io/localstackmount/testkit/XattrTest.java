package io.localstackmount.testkit;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.localstackmount.api.Errno;
import io.localstackmount.api.FsException;
import io.localstackmount.api.FsPath;
import io.localstackmount.api.Node;
import io.localstackmount.api.OpenFlags;
import io.localstackmount.api.PluginKind;
import io.localstackmount.api.PluginSettings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;

/**
 * Extended attributes over S3 metadata, ported from the xattr plugin's own tests to a whole mount.
 *
 * <pre>
 * b
 * ├── file.txt            "hello", text/plain, x-amz-meta-color=red, s3fs POSIX keys,
 * │                       x-amz-meta-s3.note (under the reserved prefix: hidden)
 * ├── big.bin             1 KiB, no metadata
 * ├── dir/                marker, x-amz-meta-owner=team
 * │   └── inner.txt
 * ├── implicit/           no marker
 * │   └── child.txt
 * └── link                symlink to file.txt
 * </pre>
 */
@DisplayName("xattr")
class XattrTest {
    static final FsPath FILE = FsPath.parse("/b/file.txt");
    static final FsPath BIG = FsPath.parse("/b/big.bin");
    static final FsPath DIR = FsPath.parse("/b/dir");
    static final FsPath IMPLICIT = FsPath.parse("/b/implicit");
    static final FsPath LINK = FsPath.parse("/b/link");
    static final FsPath BUCKET = FsPath.parse("/b");
    static final byte[] HELLO = "hello".getBytes(UTF_8);
    static final String MARKER_TYPE = "application/x-directory";

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

    void start(Map<String, String> settings) {
        if (m != null) {
            m.close();
        }
        m = TestMount.builder(dir).buckets("b")
                .config(c -> c.settings(PluginKind.XATTR, new PluginSettings(settings)))
                .start();
        FakeObjectStore s3 = m.s3();
        s3.put("b", "file.txt", HELLO, Map.of("color", "red", "mode", "33188", "uid", "1000", "gid", "1000",
                "mtime", "1700000000", "s3.note", "hidden"), "text/plain");
        s3.put("b", "big.bin", new byte[1024], Map.of(), "application/octet-stream");
        s3.put("b", "dir/", new byte[0], Map.of("owner", "team"), MARKER_TYPE);
        s3.put("b", "dir/inner.txt", HELLO, Map.of(), "text/plain");
        s3.put("b", "implicit/child.txt", HELLO, Map.of(), "text/plain");
        s3.put("b", "link", "file.txt".getBytes(UTF_8), Map.of("mode", "41471"), "application/octet-stream");
    }

    String get(FsPath path, String name) {
        return new String(m.fs().getxattr(path, name), UTF_8);
    }

    void set(FsPath path, String name, String value) {
        m.fs().setxattr(path, name, value.getBytes(UTF_8));
    }

    FakeObjectStore.StoredObject object(String key) {
        return m.s3().object("b", key).orElseThrow(() -> new AssertionError("no object b/" + key));
    }

    /** Requests that change S3. */
    long writes() {
        return m.requests().count("put") + m.requests().count("copy") + m.requests().count("upload")
                + m.requests().count("delete") + m.requests().count("startMultipart");
    }

    static void assertErrno(Errno expected, Executable call) {
        FsException e = assertThrows(FsException.class, call);
        assertEquals(expected, e.errno(), e.getMessage());
    }

    @Nested
    @DisplayName("getxattr")
    class Get {
        @Test
        @DisplayName("user metadata is user.<name>, one HEAD each time")
        void userMetadata() {
            m.stat("/b/file.txt");
            m.requests().reset();
            assertEquals("red", get(FILE, "user.color"));
            assertEquals("team", get(DIR, "user.owner"));
            assertEquals(2, m.requests().count("head"));
        }

        @Test
        @DisplayName("system metadata is user.s3.*")
        void systemMetadata() {
            FakeObjectStore.StoredObject s = object("file.txt");
            assertEquals(s.etag(), get(FILE, "user.s3.etag"));
            assertEquals("text/plain", get(FILE, "user.s3.content-type"));
            assertEquals(s.lastModified().toString(), get(FILE, "user.s3.last-modified"));
            assertEquals(s.lastModified(), Instant.parse(get(FILE, "user.s3.last-modified")));
            assertEquals("5", get(FILE, "user.s3.size"));
            assertEquals("s3://b/file.txt", get(FILE, "user.s3.key"));
            assertEquals("s3://b/dir/", get(DIR, "user.s3.key"));
            assertEquals(MARKER_TYPE, get(DIR, "user.s3.content-type"));
        }

        @Test
        @DisplayName("a missing name is ENODATA")
        void missing() {
            assertErrno(Errno.ENODATA, () -> m.fs().getxattr(FILE, "user.nothing"));
            assertErrno(Errno.ENODATA, () -> m.fs().getxattr(FILE, "user.s3.storage-class"));
            assertErrno(Errno.ENODATA, () -> m.fs().getxattr(FILE, "user.Color"));
        }

        @Test
        @DisplayName("the POSIX keys and the reserved prefix are not attributes")
        void hidden() {
            assertErrno(Errno.ENODATA, () -> m.fs().getxattr(FILE, "user.mode"));
            assertErrno(Errno.ENODATA, () -> m.fs().getxattr(FILE, "user.mtime"));
            assertErrno(Errno.ENODATA, () -> m.fs().getxattr(FILE, "user.s3.note"));
        }

        @Test
        @DisplayName("other namespaces are ENODATA without a request (ls asks for them on every file)")
        void otherNamespaces() {
            m.requests().reset();
            assertErrno(Errno.ENODATA, () -> m.fs().getxattr(FILE, "security.selinux"));
            assertErrno(Errno.ENODATA, () -> m.fs().getxattr(FILE, "system.posix_acl_access"));
            assertEquals(0, m.requests().total(), m.requests().summary());
        }

        @Test
        @DisplayName("RFC 2047 encoded values are decoded")
        void encodedWords() {
            m.s3().put("b", "enc.txt", HELLO, Map.of("b", "=?UTF-8?B?Z3LDvG4=?=", "q", "=?utf-8?Q?caf=C3=A9_au_lait?=",
                    "two", "=?UTF-8?B?w6k=?= =?UTF-8?B?w6k=?=", "plain", "a=?b", "broken", "=?nope?B?aGk=?="), "text/plain");
            FsPath enc = FsPath.parse("/b/enc.txt");
            assertEquals("grün", get(enc, "user.b"));
            assertEquals("café au lait", get(enc, "user.q"));
            assertEquals("éé", get(enc, "user.two"));
            assertEquals("a=?b", get(enc, "user.plain"));
            assertEquals("=?nope?B?aGk=?=", get(enc, "user.broken"));
        }

        @Test
        @DisplayName("buckets, the root, symlinks and implicit folders' metadata are ENODATA; an implicit folder has its key")
        void noAttributes() {
            assertErrno(Errno.ENODATA, () -> m.fs().getxattr(FsPath.ROOT, "user.s3.key"));
            assertErrno(Errno.ENODATA, () -> m.fs().getxattr(BUCKET, "user.s3.key"));
            assertErrno(Errno.ENODATA, () -> m.fs().getxattr(LINK, "user.s3.key"));
            assertErrno(Errno.ENODATA, () -> m.fs().getxattr(IMPLICIT, "user.s3.etag"));
            assertEquals("s3://b/implicit/", get(IMPLICIT, "user.s3.key"));
        }

        @Test
        @DisplayName("a missing path is ENOENT")
        void missingPath() {
            assertErrno(Errno.ENOENT, () -> m.fs().getxattr(FsPath.parse("/b/nope"), "user.color"));
        }
    }

    @Nested
    @DisplayName("listxattr")
    class ListNames {
        @Test
        @DisplayName("system names first, then user metadata by name, without POSIX keys or the reserved prefix")
        void file() {
            assertEquals(List.of("user.s3.key", "user.s3.etag", "user.s3.content-type", "user.s3.last-modified",
                    "user.s3.size", "user.color"), m.fs().listxattr(FILE));
        }

        @Test
        @DisplayName("every listed name can be read")
        void listedNamesRead() {
            for (FsPath path : List.of(FILE, DIR, IMPLICIT, BIG)) {
                for (String name : m.fs().listxattr(path)) {
                    assertNotNull(m.fs().getxattr(path, name), path + " " + name);
                }
            }
        }

        @Test
        @DisplayName("a folder's marker carries attributes; an implicit folder has only its key")
        void folders() {
            assertTrue(m.fs().listxattr(DIR).contains("user.owner"));
            assertEquals(List.of("user.s3.key"), m.fs().listxattr(IMPLICIT));
        }

        @Test
        @DisplayName("buckets, the root and symlinks list nothing")
        void empty() {
            assertEquals(List.of(), m.fs().listxattr(FsPath.ROOT));
            assertEquals(List.of(), m.fs().listxattr(BUCKET));
            assertEquals(List.of(), m.fs().listxattr(LINK));
        }

        @Test
        @DisplayName("a new file not uploaded yet has only its key")
        void unsavedNewFile() {
            FsPath fresh = FsPath.parse("/b/fresh.txt");
            long h = m.fs().create(fresh, 0644, new OpenFlags(false, true, false, false, false));
            m.fs().write(fresh, h, "abc".getBytes(UTF_8), 0, 3);
            assertEquals(List.of("user.s3.key"), m.fs().listxattr(fresh));
            m.fs().release(fresh, h);
        }
    }

    @Nested
    @DisplayName("setxattr")
    class Set {
        @Test
        @DisplayName("user.<name> becomes x-amz-meta-<name> with one copy; body, Content-Type, ETag and POSIX keys stay")
        void userMetadata() {
            FakeObjectStore.StoredObject before = object("file.txt");
            m.stat("/b/file.txt");
            m.requests().reset();

            set(FILE, "user.flavour", "mint");

            FakeObjectStore.StoredObject after = object("file.txt");
            assertEquals("mint", after.metadata().get("flavour"));
            assertEquals("red", after.metadata().get("color"));
            assertEquals("33188", after.metadata().get("mode"));
            assertEquals("1700000000", after.metadata().get("mtime"));
            assertEquals("hidden", after.metadata().get("s3.note"));
            assertEquals("text/plain", after.contentType());
            assertArrayEquals(HELLO, after.body());
            assertEquals(before.etag(), after.etag());
            assertEquals(Map.of("head", 1L, "copy", 1L), m.requests().counts());
            assertEquals("mint", get(FILE, "user.flavour"));
        }

        @Test
        @DisplayName("replacing a value overwrites it; setting the same value again writes nothing")
        void replaceAndNoOp() {
            set(FILE, "user.color", "blue");
            assertEquals("blue", object("file.txt").metadata().get("color"));
            set(FILE, "user.color", "blue");
            assertEquals(1, writes());
        }

        @Test
        @DisplayName("the namespace learns the new ETag and, without x-amz-meta-mtime, the new Last-Modified; the mode stays")
        void namespaceUpdated() {
            m.time().advance(Duration.ofSeconds(10));
            set(BIG, "user.color", "blue");
            FakeObjectStore.StoredObject after = object("big.bin");
            m.requests().reset();
            Node node = m.stat("/b/big.bin");
            assertEquals(after.etag(), node.etag());
            assertEquals(after.lastModified(), node.mtime());
            assertEquals(0, m.requests().total(), "known from the copy's answer");

            set(FILE, "user.color", "blue");
            assertEquals(Instant.ofEpochSecond(1700000000), m.stat("/b/file.txt").mtime());
            assertEquals(0644, m.stat("/b/file.txt").mode());
        }

        @Test
        @DisplayName("read-only system names are accepted and ignored (cp -a and rsync -X copy them); Content-Type is stored")
        void readOnlySystem() {
            FakeObjectStore.StoredObject before = object("file.txt");
            for (String name : List.of("user.s3.etag", "user.s3.key", "user.s3.last-modified", "user.s3.size", "user.s3.anything")) {
                set(FILE, name, "x");
            }
            assertEquals(0, writes());
            assertEquals(before.etag(), object("file.txt").etag());
        }

        @Test
        @DisplayName("the POSIX keys belong to chmod, chown and touch (EPERM)")
        void posixKeys() {
            for (String name : List.of("user.mode", "user.uid", "user.gid", "user.mtime")) {
                assertErrno(Errno.EPERM, () -> set(FILE, name, "0"));
            }
            assertEquals(0, writes());
        }

        @Test
        @DisplayName("other namespaces, buckets and the root are ENOTSUP; symlinks EPERM")
        void unsupported() {
            assertErrno(Errno.ENOTSUP, () -> set(FILE, "trusted.x", "1"));
            assertErrno(Errno.ENOTSUP, () -> set(FILE, "security.selinux", "1"));
            assertErrno(Errno.ENOTSUP, () -> set(BUCKET, "user.color", "1"));
            assertErrno(Errno.ENOTSUP, () -> set(FsPath.ROOT, "user.color", "1"));
            assertErrno(Errno.EPERM, () -> set(LINK, "user.color", "1"));
            assertErrno(Errno.EPERM, () -> m.fs().removexattr(LINK, "user.color"));
            assertEquals(0, writes());
        }

        @Test
        @DisplayName("names S3 cannot carry are EINVAL")
        void badNames() {
            for (String name : List.of("user.", "user.Color", "user.with space", "user.grün", "user.a/b", "user.a:b", "user.a\tb")) {
                FsException e = assertThrows(FsException.class, () -> set(FILE, name, "x"), name);
                assertEquals(Errno.EINVAL, e.errno(), name);
            }
            set(FILE, "user.a-b_c.d~e", "ok");
            assertEquals("ok", object("file.txt").metadata().get("a-b_c.d~e"));
        }

        @Test
        @DisplayName("text that is not printable ASCII is stored RFC 2047 encoded and reads back as it was")
        void encodedValues() {
            for (String value : List.of("grün", "日本語", "two\nlines", " padded ", "tab\there", "")) {
                set(FILE, "user.v", value);
                String header = object("file.txt").metadata().get("v");
                assertTrue(header.chars().allMatch(c -> c >= 0x20 && c < 0x7f), header);
                assertEquals(value, get(FILE, "user.v"));
            }
            set(FILE, "user.v", "grün");
            assertEquals("=?UTF-8?B?Z3LDvG4=?=", object("file.txt").metadata().get("v"));
        }

        @Test
        @DisplayName("binary values are EINVAL")
        void binary() {
            assertErrno(Errno.EINVAL, () -> m.fs().setxattr(FILE, "user.bin", new byte[] {(byte) 0xff, 0, 1}));
            assertEquals(0, writes());
        }

        @Test
        @DisplayName("more than 2 KiB of user metadata is ENOSPC")
        void tooLarge() {
            assertErrno(Errno.ENOSPC, () -> set(FILE, "user.big", "x".repeat(2000)));
            set(FILE, "user.big", "x".repeat(1900));
            assertEquals(1, writes());
        }

        @Test
        @DisplayName("a file open with unsaved data takes the change with its upload, without a request of its own")
        void unsaved() {
            long h = m.fs().open(FILE, new OpenFlags(false, true, false, false, false));
            m.fs().write(FILE, h, "J".getBytes(UTF_8), 0, 1);
            m.requests().reset();

            set(FILE, "user.color", "blue");
            set(FILE, "user.s3.content-type", "text/x-jello");
            assertEquals(0, m.requests().total(), m.requests().summary());

            m.fs().flush(FILE, h);
            m.fs().release(FILE, h);
            assertEquals("blue", object("file.txt").metadata().get("color"));
            assertEquals("text/x-jello", object("file.txt").contentType());
            assertEquals("Jello", object("file.txt").text());
        }

        @Test
        @DisplayName("a folder's attributes go to its marker")
        void folder() {
            set(DIR, "user.color", "green");
            assertEquals(Map.of("owner", "team", "color", "green"), object("dir/").metadata());
            assertEquals("green", get(DIR, "user.color"));
        }

        @Test
        @DisplayName("an implicit folder gets a marker carrying the attribute and its POSIX attributes, and rmdir sees it")
        void implicitFolder() {
            assertEquals(List.of("child.txt"), m.ls("/b/implicit")); // caches the listing: "no marker"
            Node node = m.stat("/b/implicit");

            set(IMPLICIT, "user.color", "green");

            FakeObjectStore.StoredObject marker = object("implicit/");
            assertEquals("green", marker.metadata().get("color"));
            assertEquals(Integer.toString(0040000 | node.mode()), marker.metadata().get("mode"));
            assertEquals(MARKER_TYPE, marker.contentType());
            assertTrue(m.namespace().folderState(IMPLICIT).hasMarker());
            assertEquals(node.mode(), m.stat("/b/implicit").mode());
            assertEquals("green", get(IMPLICIT, "user.color"));
            m.fs().unlink(FsPath.parse("/b/implicit/child.txt"));
            m.fs().rmdir(IMPLICIT);
            assertFalse(m.s3().object("b", "implicit/").isPresent());
        }

        @Test
        @DisplayName("an s3fs-style folder object without the slash carries attributes too")
        void s3fsFolder() {
            m.s3().put("b", "old", new byte[0], Map.of("mode", "16877"), MARKER_TYPE);
            FsPath old = FsPath.parse("/b/old");
            assertTrue(m.stat("/b/old").isDirectory());
            set(old, "user.color", "green");
            assertEquals("green", object("old").metadata().get("color"));
            assertFalse(m.s3().object("b", "old/").isPresent());
            assertEquals("s3://b/old", get(old, "user.s3.key"));
        }

        @Test
        @DisplayName("the xattr plugin disabled: every call answers ENOTSUP")
        void disabled() {
            m.close();
            m = TestMount.builder(dir).buckets("b").config(c -> c.disable(PluginKind.XATTR)).start();
            m.s3().with("b", "f", "x");
            assertErrno(Errno.ENOTSUP, () -> m.fs().getxattr(FsPath.parse("/b/f"), "user.a"));
            assertErrno(Errno.ENOTSUP, () -> m.fs().listxattr(FsPath.parse("/b/f")));
            assertErrno(Errno.ENOTSUP, () -> m.fs().setxattr(FsPath.parse("/b/f"), "user.a", new byte[1]));
        }
    }

    @Nested
    @DisplayName("setxattr user.s3.content-type")
    class ContentType {
        @Test
        @DisplayName("rewrites Content-Type, keeping body, ETag and user metadata; no staging file is left")
        void rewrite() throws IOException {
            FakeObjectStore.StoredObject before = object("file.txt");
            set(FILE, "user.s3.content-type", "application/json; charset=utf-8");
            FakeObjectStore.StoredObject after = object("file.txt");
            assertEquals("application/json; charset=utf-8", after.contentType());
            assertEquals(before.metadata(), after.metadata());
            assertArrayEquals(HELLO, after.body());
            assertEquals(before.etag(), after.etag());
            assertEquals("application/json; charset=utf-8", get(FILE, "user.s3.content-type"));
            try (Stream<Path> left = Files.walk(dir.resolve("staging"))) {
                assertEquals(List.of(), left.filter(Files::isRegularFile).filter(f -> !f.endsWith("lock")).toList());
            }
        }

        @Test
        @DisplayName("the same Content-Type writes nothing")
        void same() {
            set(FILE, "user.s3.content-type", "text/plain");
            assertEquals(0, writes());
        }

        @Test
        @DisplayName("a folder's marker and an implicit folder take one too, without a download")
        void folders() {
            set(DIR, "user.s3.content-type", "text/x-folder");
            assertEquals("text/x-folder", object("dir/").contentType());
            assertEquals("team", object("dir/").metadata().get("owner"));
            set(IMPLICIT, "user.s3.content-type", "text/x-folder");
            assertEquals("text/x-folder", object("implicit/").contentType());
            assertEquals(0, m.requests().count("download"));
        }

        @Test
        @DisplayName("anything but a printable type/subtype is EINVAL")
        void invalid() {
            for (String bad : List.of("", "plain", "/x", "text/plain\r\nX-Evil: 1", " text/plain", "tëxt/plain")) {
                FsException e = assertThrows(FsException.class, () -> set(FILE, "user.s3.content-type", bad), bad);
                assertEquals(Errno.EINVAL, e.errno(), bad);
            }
            assertEquals(0, writes());
        }

        @Test
        @DisplayName("removing it is accepted and keeps it (every object has one; rsync -X removes what its source lacks)")
        void remove() {
            m.fs().removexattr(FILE, "user.s3.content-type");
            assertEquals(0, writes());
        }

        @Test
        @DisplayName("objects over the rewrite limit (setting content-type-rewrite-limit) are ENOTSUP")
        void overLimit() {
            start(Map.of("content-type-rewrite-limit", "100"));
            assertErrno(Errno.ENOTSUP, () -> set(BIG, "user.s3.content-type", "text/plain"));
            assertEquals("application/octet-stream", object("big.bin").contentType());
            set(FILE, "user.s3.content-type", "text/markdown");
            assertEquals("text/markdown", object("file.txt").contentType());
            assertEquals(1, m.requests().count("download"));
        }
    }

    @Nested
    @DisplayName("removexattr")
    class Remove {
        @Test
        @DisplayName("removes x-amz-meta-<name> with one copy and keeps the rest")
        void removes() {
            m.fs().removexattr(FILE, "user.color");
            FakeObjectStore.StoredObject after = object("file.txt");
            assertFalse(after.metadata().containsKey("color"));
            assertEquals("33188", after.metadata().get("mode"));
            assertEquals("text/plain", after.contentType());
            assertEquals(1, m.requests().count("copy"));
            assertErrno(Errno.ENODATA, () -> m.fs().getxattr(FILE, "user.color"));
        }

        @Test
        @DisplayName("a missing name is ENODATA, on objects and implicit folders")
        void missing() {
            assertErrno(Errno.ENODATA, () -> m.fs().removexattr(FILE, "user.nothing"));
            assertErrno(Errno.ENODATA, () -> m.fs().removexattr(IMPLICIT, "user.nothing"));
            assertEquals(0, writes());
        }

        @Test
        @DisplayName("system names are ignored; POSIX keys are EPERM; other namespaces ENOTSUP")
        void refused() {
            m.fs().removexattr(FILE, "user.s3.etag");
            assertErrno(Errno.EPERM, () -> m.fs().removexattr(FILE, "user.mode"));
            assertErrno(Errno.ENOTSUP, () -> m.fs().removexattr(FILE, "system.posix_acl_access"));
            assertErrno(Errno.ENOTSUP, () -> m.fs().removexattr(BUCKET, "user.color"));
            assertEquals(0, writes());
        }

        @Test
        @DisplayName("a folder marker's attribute is removed from the marker")
        void folder() {
            m.fs().removexattr(DIR, "user.owner");
            assertEquals(Map.of(), object("dir/").metadata());
        }
    }
}
