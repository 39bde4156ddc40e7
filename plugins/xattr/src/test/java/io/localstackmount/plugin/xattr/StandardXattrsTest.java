package io.localstackmount.plugin.xattr;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.localstackmount.api.Errno;
import io.localstackmount.api.FsException;
import io.localstackmount.api.FsPath;
import io.localstackmount.api.Node;
import io.localstackmount.api.NodeType;
import io.localstackmount.api.PluginSettings;
import io.localstackmount.api.XattrOps;
import io.localstackmount.api.XattrProvider;
import java.nio.file.Files;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/**
 * The xattr handlers over the in-memory store, core's namespace and handle table.
 *
 * <pre>
 *   bucket/
 *     file.txt            "hello", text/plain, x-amz-meta-color=red, s3fs POSIX keys,
 *                         x-amz-meta-s3.note (under the reserved prefix: hidden)
 *     big.bin             1 KiB
 *     dir/                marker, x-amz-meta-owner=team
 *       inner.txt
 *     implicit/           no marker
 *       child.txt
 *     link                symlink to file.txt
 * </pre>
 */
class StandardXattrsTest {
    private static final String B = "bucket";
    private static final FsPath FILE = FsPath.of(B, "file.txt");
    private static final FsPath BIG = FsPath.of(B, "big.bin");
    private static final FsPath DIR = FsPath.of(B, "dir");
    private static final FsPath IMPLICIT = FsPath.of(B, "implicit");
    private static final FsPath LINK = FsPath.of(B, "link");
    private static final FsPath BUCKET = FsPath.of(B, "");
    private static final byte[] HELLO = "hello".getBytes(UTF_8);

    private TestContext ctx;
    private InMemoryStore store;
    private XattrOps xattr;

    @BeforeEach
    void setUp() {
        start(PluginSettings.EMPTY);
    }

    private void start(PluginSettings settings) {
        ctx = new TestContext(settings);
        store = ctx.store;
        store.createBucketQuietly(B);
        store.putQuietly(B, "file.txt", HELLO, Map.of("color", "red", "mode", "33188", "uid", "1000", "gid", "1000",
                "mtime", "1700000000", "s3.note", "hidden"), "text/plain");
        store.putQuietly(B, "big.bin", new byte[1024], Map.of(), "application/octet-stream");
        store.putQuietly(B, "dir/", new byte[0], Map.of("owner", "team"), StandardXattrs.MARKER_CONTENT_TYPE);
        store.putQuietly(B, "dir/inner.txt", HELLO, Map.of(), "text/plain");
        store.putQuietly(B, "implicit/child.txt", HELLO, Map.of(), "text/plain");
        store.putQuietly(B, "link", "file.txt".getBytes(UTF_8), Map.of("mode", "41471"), "application/octet-stream");
        xattr = new StandardXattrProvider().create(ctx);
    }

    @AfterEach
    void tearDown() throws Exception {
        ctx.close();
    }

    private String get(FsPath path, String name) {
        return new String(xattr.getxattr(path, name), UTF_8);
    }

    private void set(FsPath path, String name, String value) {
        xattr.setxattr(path, name, value.getBytes(UTF_8));
    }

    private static void assertErrno(Errno expected, Executable call) {
        FsException e = assertThrows(FsException.class, call);
        assertEquals(expected, e.errno(), e.getMessage());
    }

    @Test
    @DisplayName("the provider is found by ServiceLoader under the name standard")
    void provider() {
        List<String> names = ServiceLoader.load(XattrProvider.class).stream().map(p -> p.get().name()).toList();
        assertEquals(List.of("standard"), names);
    }

    @Nested
    @DisplayName("getxattr")
    class Get {
        @Test
        @DisplayName("user metadata is user.<name>")
        void userMetadata() {
            assertEquals("red", get(FILE, "user.color"));
            assertEquals("team", get(DIR, "user.owner"));
        }

        @Test
        @DisplayName("system metadata is user.s3.*")
        void systemMetadata() {
            InMemoryStore.Stored s = store.object(B, "file.txt");
            assertEquals(InMemoryStore.md5(HELLO), get(FILE, "user.s3.etag"));
            assertEquals("text/plain", get(FILE, "user.s3.content-type"));
            assertEquals(s.lastModified().toString(), get(FILE, "user.s3.last-modified"));
            assertEquals(s.lastModified(), Instant.parse(get(FILE, "user.s3.last-modified")));
            assertEquals("5", get(FILE, "user.s3.size"));
            assertEquals("s3://bucket/file.txt", get(FILE, "user.s3.key"));
            assertEquals("s3://bucket/dir/", get(DIR, "user.s3.key"));
            assertEquals(StandardXattrs.MARKER_CONTENT_TYPE, get(DIR, "user.s3.content-type"));
        }

        @Test
        @DisplayName("a missing name is ENODATA")
        void missing() {
            assertErrno(Errno.ENODATA, () -> xattr.getxattr(FILE, "user.nothing"));
            assertErrno(Errno.ENODATA, () -> xattr.getxattr(FILE, "user.s3.storage-class"));
            assertErrno(Errno.ENODATA, () -> xattr.getxattr(FILE, "user.Color"));
        }

        @Test
        @DisplayName("the POSIX keys and the reserved prefix are not attributes")
        void hidden() {
            assertErrno(Errno.ENODATA, () -> xattr.getxattr(FILE, "user.mode"));
            assertErrno(Errno.ENODATA, () -> xattr.getxattr(FILE, "user.mtime"));
            assertErrno(Errno.ENODATA, () -> xattr.getxattr(FILE, "user.s3.note"));
        }

        @Test
        @DisplayName("other namespaces are ENODATA without a request (ls asks for them on every file)")
        void otherNamespaces() {
            int before = store.total();
            assertErrno(Errno.ENODATA, () -> xattr.getxattr(FILE, "security.selinux"));
            assertErrno(Errno.ENODATA, () -> xattr.getxattr(FILE, "system.posix_acl_access"));
            assertEquals(before, store.total());
        }

        @Test
        @DisplayName("RFC 2047 encoded values are decoded")
        void encodedWords() {
            store.putQuietly(B, "enc.txt", HELLO, Map.of("b", "=?UTF-8?B?Z3LDvG4=?=", "q", "=?utf-8?Q?caf=C3=A9_au_lait?=",
                    "two", "=?UTF-8?B?w6k=?= =?UTF-8?B?w6k=?=", "plain", "a=?b", "broken", "=?nope?B?aGk=?="), "text/plain");
            FsPath enc = FsPath.of(B, "enc.txt");
            assertEquals("grün", get(enc, "user.b"));
            assertEquals("café au lait", get(enc, "user.q"));
            assertEquals("éé", get(enc, "user.two"));
            assertEquals("a=?b", get(enc, "user.plain"));
            assertEquals("=?nope?B?aGk=?=", get(enc, "user.broken"));
        }

        @Test
        @DisplayName("buckets, the root, symlinks and implicit folders' metadata are ENODATA")
        void noAttributes() {
            assertErrno(Errno.ENODATA, () -> xattr.getxattr(FsPath.ROOT, "user.s3.key"));
            assertErrno(Errno.ENODATA, () -> xattr.getxattr(BUCKET, "user.s3.key"));
            assertErrno(Errno.ENODATA, () -> xattr.getxattr(LINK, "user.s3.key"));
            assertErrno(Errno.ENODATA, () -> xattr.getxattr(IMPLICIT, "user.s3.etag"));
            assertEquals("s3://bucket/implicit/", get(IMPLICIT, "user.s3.key"));
        }

        @Test
        @DisplayName("a missing path is ENOENT")
        void missingPath() {
            assertErrno(Errno.ENOENT, () -> xattr.getxattr(FsPath.of(B, "nope"), "user.color"));
        }
    }

    @Nested
    @DisplayName("listxattr")
    class ListNames {
        @Test
        @DisplayName("system names first, then user metadata by name, without POSIX keys or the reserved prefix")
        void file() {
            assertEquals(List.of("user.s3.key", "user.s3.etag", "user.s3.content-type", "user.s3.last-modified",
                    "user.s3.size", "user.color"), xattr.listxattr(FILE));
        }

        @Test
        @DisplayName("every listed name can be read")
        void listedNamesRead() {
            for (FsPath path : List.of(FILE, DIR, IMPLICIT, BIG)) {
                for (String name : xattr.listxattr(path)) {
                    assertNotNull(xattr.getxattr(path, name), path + " " + name);
                }
            }
        }

        @Test
        @DisplayName("a folder's marker carries attributes; an implicit folder has only its key")
        void folders() {
            assertTrue(xattr.listxattr(DIR).contains("user.owner"));
            assertEquals(List.of("user.s3.key"), xattr.listxattr(IMPLICIT));
        }

        @Test
        @DisplayName("buckets, the root and symlinks list nothing")
        void empty() {
            assertEquals(List.of(), xattr.listxattr(FsPath.ROOT));
            assertEquals(List.of(), xattr.listxattr(BUCKET));
            assertEquals(List.of(), xattr.listxattr(LINK));
        }

        @Test
        @DisplayName("a new file not uploaded yet has only its key")
        void unsavedNewFile() {
            FsPath fresh = FsPath.of(B, "fresh.txt");
            ctx.handles.register(new TestContext.UnsavedFile(fresh,
                    new Node("fresh.txt", NodeType.FILE, 3, Instant.EPOCH, 0644, 1000, 1000, null)));
            assertEquals(List.of("user.s3.key"), xattr.listxattr(fresh));
        }
    }

    @Nested
    @DisplayName("setxattr")
    class Set {
        @Test
        @DisplayName("user.<name> becomes x-amz-meta-<name> with one copy; body, Content-Type and POSIX keys stay")
        void userMetadata() {
            InMemoryStore.Stored before = store.object(B, "file.txt");
            set(FILE, "user.flavour", "mint");
            InMemoryStore.Stored after = store.object(B, "file.txt");
            assertEquals("mint", after.metadata().get("flavour"));
            assertEquals("red", after.metadata().get("color"));
            assertEquals("33188", after.metadata().get("mode"));
            assertEquals("1700000000", after.metadata().get("mtime"));
            assertEquals("hidden", after.metadata().get("s3.note"));
            assertEquals("text/plain", after.contentType());
            assertArrayEquals(HELLO, after.body());
            assertEquals(1, store.requests("copy"));
            assertEquals(1, store.writes());
            assertEquals("mint", get(FILE, "user.flavour"));
            assertEquals(before.etag(), after.etag());
        }

        @Test
        @DisplayName("replacing a value overwrites it; setting the same value again writes nothing")
        void replaceAndNoOp() {
            set(FILE, "user.color", "blue");
            assertEquals("blue", store.object(B, "file.txt").metadata().get("color"));
            set(FILE, "user.color", "blue");
            assertEquals(1, store.writes());
        }

        @Test
        @DisplayName("the namespace learns the new ETag and, without x-amz-meta-mtime, the new Last-Modified")
        void namespaceUpdated() {
            set(BIG, "user.color", "blue");
            InMemoryStore.Stored after = store.object(B, "big.bin");
            Node node = ctx.namespace.lookup(BIG);
            assertEquals(after.etag(), node.etag());
            assertEquals(after.lastModified(), node.mtime());
            set(FILE, "user.color", "blue");
            assertEquals(Instant.ofEpochSecond(1700000000), ctx.namespace.lookup(FILE).mtime());
        }

        @Test
        @DisplayName("system names are read-only (EPERM), except Content-Type")
        void readOnlySystem() {
            for (String name : List.of("user.s3.etag", "user.s3.key", "user.s3.last-modified", "user.s3.size")) {
                assertErrno(Errno.EPERM, () -> set(FILE, name, "x"));
            }
            assertErrno(Errno.EPERM, () -> set(FILE, "user.s3.anything", "x"));
            assertEquals(0, store.writes());
        }

        @Test
        @DisplayName("the POSIX keys belong to chmod, chown and touch (EPERM)")
        void posixKeys() {
            for (String name : List.of("user.mode", "user.uid", "user.gid", "user.mtime")) {
                assertErrno(Errno.EPERM, () -> set(FILE, name, "0"));
            }
            assertEquals(0, store.writes());
        }

        @Test
        @DisplayName("other namespaces, buckets and the root are ENOTSUP; symlinks EPERM")
        void unsupported() {
            assertErrno(Errno.ENOTSUP, () -> set(FILE, "trusted.x", "1"));
            assertErrno(Errno.ENOTSUP, () -> set(FILE, "security.selinux", "1"));
            assertErrno(Errno.ENOTSUP, () -> set(BUCKET, "user.color", "1"));
            assertErrno(Errno.ENOTSUP, () -> set(FsPath.ROOT, "user.color", "1"));
            assertErrno(Errno.EPERM, () -> set(LINK, "user.color", "1"));
            assertEquals(0, store.writes());
        }

        @Test
        @DisplayName("names S3 cannot carry are EINVAL")
        void badNames() {
            for (String name : List.of("user.", "user.Color", "user.with space", "user.grün", "user.a/b", "user.a:b", "user.a\tb")) {
                FsException e = assertThrows(FsException.class, () -> set(FILE, name, "x"), name);
                assertEquals(Errno.EINVAL, e.errno(), name);
            }
            set(FILE, "user.a-b_c.d~e", "ok");
            assertEquals("ok", store.object(B, "file.txt").metadata().get("a-b_c.d~e"));
        }

        @Test
        @DisplayName("text that is not header-safe is stored RFC 2047 encoded and reads back as it was")
        void encodedValues() {
            for (String value : List.of("grün", "two\nlines", " padded ", "tab\there", "")) {
                set(FILE, "user.v", value);
                String header = store.object(B, "file.txt").metadata().get("v");
                assertTrue(value.isEmpty() || MetadataText.headerSafe(header), header);
                assertEquals(value, get(FILE, "user.v"));
            }
            assertEquals("=?UTF-8?B?Z3LDvG4=?=", MetadataText.encode("user.v", "grün".getBytes(UTF_8)));
        }

        @Test
        @DisplayName("binary values are EINVAL")
        void binary() {
            assertErrno(Errno.EINVAL, () -> xattr.setxattr(FILE, "user.bin", new byte[] {(byte) 0xff, 0, 1}));
            assertEquals(0, store.writes());
        }

        @Test
        @DisplayName("more than 2 KB of user metadata is ENOSPC")
        void tooLarge() {
            assertErrno(Errno.ENOSPC, () -> set(FILE, "user.big", "x".repeat(2000)));
            set(FILE, "user.big", "x".repeat(1900));
            assertEquals(1, store.writes());
        }

        @Test
        @DisplayName("a file open with unsaved data is ENOTSUP, without a request")
        void unsaved() {
            ctx.handles.register(new TestContext.UnsavedFile(FILE,
                    new Node("file.txt", NodeType.FILE, 9, Instant.EPOCH, 0644, 1000, 1000, null)));
            int before = store.total();
            assertErrno(Errno.ENOTSUP, () -> set(FILE, "user.color", "blue"));
            assertErrno(Errno.ENOTSUP, () -> xattr.removexattr(FILE, "user.color"));
            assertEquals(before, store.total());
        }

        @Test
        @DisplayName("a folder's attributes go to its marker")
        void folder() {
            set(DIR, "user.color", "green");
            assertEquals(Map.of("owner", "team", "color", "green"), store.object(B, "dir/").metadata());
            assertEquals("green", get(DIR, "user.color"));
        }

        @Test
        @DisplayName("an implicit folder gets a marker carrying the attribute and its POSIX attributes, and rmdir will see it")
        void implicitFolder() {
            assertFalse(ctx.namespace.list(IMPLICIT).isEmpty()); // caches the listing: "no marker"
            Node node = ctx.namespace.lookup(IMPLICIT);
            set(IMPLICIT, "user.color", "green");
            InMemoryStore.Stored marker = store.object(B, "implicit/");
            assertNotNull(marker);
            assertEquals("green", marker.metadata().get("color"));
            assertEquals(Integer.toString(0040000 | node.mode()), marker.metadata().get("mode"));
            assertEquals(StandardXattrs.MARKER_CONTENT_TYPE, marker.contentType());
            assertTrue(ctx.namespace.folderState(IMPLICIT).hasMarker());
            assertEquals(node.mode(), ctx.namespace.lookup(IMPLICIT).mode());
            assertEquals("green", get(IMPLICIT, "user.color"));
        }

        @Test
        @DisplayName("an s3fs-style folder object without the slash carries attributes too")
        void s3fsFolder() {
            store.putQuietly(B, "old", new byte[0], Map.of("mode", "16877"), "application/x-directory");
            FsPath old = FsPath.of(B, "old");
            assertTrue(ctx.namespace.lookup(old).isDirectory());
            set(old, "user.color", "green");
            assertEquals("green", store.object(B, "old").metadata().get("color"));
            assertNull(store.object(B, "old/"));
            assertEquals("s3://bucket/old", get(old, "user.s3.key"));
        }
    }

    @Nested
    @DisplayName("setxattr user.s3.content-type")
    class ContentType {
        @Test
        @DisplayName("rewrites Content-Type, keeping body, ETag and user metadata; no staging file is left")
        void rewrite() throws Exception {
            InMemoryStore.Stored before = store.object(B, "file.txt");
            set(FILE, "user.s3.content-type", "application/json; charset=utf-8");
            InMemoryStore.Stored after = store.object(B, "file.txt");
            assertEquals("application/json; charset=utf-8", after.contentType());
            assertEquals(before.metadata(), after.metadata());
            assertArrayEquals(HELLO, after.body());
            assertEquals(before.etag(), after.etag());
            assertEquals("application/json; charset=utf-8", get(FILE, "user.s3.content-type"));
            try (Stream<java.nio.file.Path> left = Files.list(ctx.stagingDir())) {
                assertEquals(0, left.count());
            }
        }

        @Test
        @DisplayName("the same Content-Type writes nothing")
        void same() {
            set(FILE, "user.s3.content-type", "text/plain");
            assertEquals(0, store.writes());
        }

        @Test
        @DisplayName("a folder's marker and an implicit folder take one too")
        void folders() {
            set(DIR, "user.s3.content-type", "text/x-folder");
            assertEquals("text/x-folder", store.object(B, "dir/").contentType());
            set(IMPLICIT, "user.s3.content-type", "text/x-folder");
            assertEquals("text/x-folder", store.object(B, "implicit/").contentType());
        }

        @Test
        @DisplayName("anything but a printable type/subtype is EINVAL")
        void invalid() {
            for (String bad : List.of("", "plain", "/x", "text/plain\r\nX-Evil: 1", " text/plain", "tëxt/plain")) {
                FsException e = assertThrows(FsException.class, () -> set(FILE, "user.s3.content-type", bad), bad);
                assertEquals(Errno.EINVAL, e.errno(), bad);
            }
            assertEquals(0, store.writes());
        }

        @Test
        @DisplayName("removing it is EPERM")
        void remove() {
            assertErrno(Errno.EPERM, () -> xattr.removexattr(FILE, "user.s3.content-type"));
        }

        @Test
        @DisplayName("objects over the rewrite limit are ENOTSUP")
        void overLimit() throws Exception {
            ctx.close();
            start(new PluginSettings(Map.of(StandardXattrs.REWRITE_LIMIT_SETTING, "100")));
            assertErrno(Errno.ENOTSUP, () -> set(BIG, "user.s3.content-type", "text/plain"));
            set(FILE, "user.s3.content-type", "text/markdown");
            assertEquals("text/markdown", store.object(B, "file.txt").contentType());
            assertEquals(1, store.requests("download"));
        }

        @Test
        @DisplayName("an object overwritten during the rewrite is left alone (EIO)")
        void concurrentOverwrite() {
            store.afterDownload = () -> store.putQuietly(B, "file.txt", "newer".getBytes(UTF_8), Map.of(), "text/plain");
            assertErrno(Errno.EIO, () -> set(FILE, "user.s3.content-type", "application/json"));
            assertArrayEquals("newer".getBytes(UTF_8), store.object(B, "file.txt").body());
            assertEquals(0, store.requests("upload"));
        }
    }

    @Nested
    @DisplayName("removexattr")
    class Remove {
        @Test
        @DisplayName("removes x-amz-meta-<name> with one copy and keeps the rest")
        void removes() {
            xattr.removexattr(FILE, "user.color");
            InMemoryStore.Stored after = store.object(B, "file.txt");
            assertFalse(after.metadata().containsKey("color"));
            assertEquals("33188", after.metadata().get("mode"));
            assertEquals("text/plain", after.contentType());
            assertEquals(1, store.requests("copy"));
            assertErrno(Errno.ENODATA, () -> xattr.getxattr(FILE, "user.color"));
        }

        @Test
        @DisplayName("a missing name is ENODATA, on objects and implicit folders")
        void missing() {
            assertErrno(Errno.ENODATA, () -> xattr.removexattr(FILE, "user.nothing"));
            assertErrno(Errno.ENODATA, () -> xattr.removexattr(IMPLICIT, "user.nothing"));
            assertEquals(0, store.writes());
        }

        @Test
        @DisplayName("system names and POSIX keys are EPERM; other namespaces ENOTSUP")
        void refused() {
            assertErrno(Errno.EPERM, () -> xattr.removexattr(FILE, "user.s3.etag"));
            assertErrno(Errno.EPERM, () -> xattr.removexattr(FILE, "user.mode"));
            assertErrno(Errno.ENOTSUP, () -> xattr.removexattr(FILE, "system.posix_acl_access"));
            assertErrno(Errno.ENOTSUP, () -> xattr.removexattr(BUCKET, "user.color"));
            assertEquals(0, store.writes());
        }

        @Test
        @DisplayName("a folder marker's attribute is removed from the marker")
        void folder() {
            xattr.removexattr(DIR, "user.owner");
            assertEquals(Map.of(), store.object(B, "dir/").metadata());
        }
    }
}
