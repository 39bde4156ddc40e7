package io.localstackmount.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.localstackmount.api.Errno;
import io.localstackmount.api.FsException;
import io.localstackmount.api.FsPath;
import io.localstackmount.api.MountOptions;
import io.localstackmount.api.NodeType;
import io.localstackmount.api.OpenFlags;
import io.localstackmount.api.PluginKind;
import io.localstackmount.core.Dispatcher;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A read-only mount ({@code --read-only}) with the real plugins: every change answers EROFS before
 * any request, so S3 stays exactly as it was, and everything that only reads still works.
 * <pre>
 * b/
 * ├── f          "hello"
 * ├── link       s3fs symlink to "f"
 * └── dir/       marker
 *     └── x
 * </pre>
 */
class ReadOnlyMountTest {
    private static final FsPath F = FsPath.parse("/b/f");
    private static final FsPath DIR = FsPath.parse("/b/dir");

    @TempDir
    Path dir;

    private TestMount m;
    private Map<String, FakeObjectStore.StoredObject> before;

    @BeforeEach
    void mount() {
        m = mount(b -> b.options(new MountOptions(0, 0, 0022, true)));
    }

    private TestMount mount(java.util.function.UnaryOperator<io.localstackmount.core.FsConfig.Builder> config) {
        TestMount mount = TestMount.builder(dir).buckets("b", "empty").config(config).start();
        mount.s3().with("b", "f", "hello").withKeys("b", "dir/", "dir/x");
        mount.s3().put("b", "link", "f".getBytes(StandardCharsets.UTF_8), Map.of("mode", Integer.toString(0120777)), null);
        before = snapshot(mount.s3());
        return mount;
    }

    @AfterEach
    void unmount() {
        m.close();
    }

    private static Map<String, FakeObjectStore.StoredObject> snapshot(FakeObjectStore s3) {
        Map<String, FakeObjectStore.StoredObject> all = new LinkedHashMap<>();
        for (String bucket : s3.listBuckets()) {
            for (String key : s3.keys(bucket)) {
                all.put(bucket + "/" + key, s3.object(bucket, key).orElseThrow());
            }
        }
        return all;
    }

    /** Every operation that changes something, on a path where it would otherwise succeed. */
    static Stream<Arguments> changes() {
        OpenFlags write = new OpenFlags(false, true, false, false, false);
        OpenFlags truncate = new OpenFlags(true, false, true, false, false);
        Map<String, Consumer<Dispatcher>> ops = new LinkedHashMap<>();
        ops.put("chmod", d -> d.chmod(F, 0600));
        ops.put("chmod of a folder", d -> d.chmod(DIR, 0700));
        ops.put("chown", d -> d.chown(F, 1, 2));
        ops.put("utimens", d -> d.utimens(F, Instant.EPOCH));
        ops.put("mkdir", d -> d.mkdir(FsPath.parse("/b/new"), 0755));
        ops.put("mkdir of a bucket", d -> d.mkdir(FsPath.parse("/newbucket"), 0755));
        ops.put("rmdir", d -> d.rmdir(FsPath.parse("/b/dir/x")));
        ops.put("rmdir of a bucket", d -> d.rmdir(FsPath.parse("/empty")));
        ops.put("create", d -> d.create(FsPath.parse("/b/new"), 0644, write));
        ops.put("open for writing", d -> d.open(F, write));
        ops.put("open with O_TRUNC", d -> d.open(F, truncate));
        ops.put("truncate", d -> d.truncate(F, 0, 0));
        ops.put("unlink", d -> d.unlink(F));
        ops.put("symlink", d -> d.symlink("f", FsPath.parse("/b/l2")));
        ops.put("rename", d -> d.rename(F, FsPath.parse("/b/g")));
        ops.put("setxattr", d -> d.setxattr(F, "user.x", new byte[1]));
        ops.put("removexattr", d -> d.removexattr(F, "user.x"));
        return ops.entrySet().stream().map(e -> Arguments.of(e.getKey(), e.getValue()));
    }

    @ParameterizedTest(name = "{0} is EROFS, asks nothing and changes nothing")
    @MethodSource("changes")
    void refuses(String name, Consumer<Dispatcher> op) {
        FsException e = assertThrows(FsException.class, () -> op.accept(m.fs()));
        assertEquals(Errno.EROFS, e.errno(), name);
        assertEquals(0, m.requests().total(), name + ": " + m.requests().counts());
        assertEquals(before, snapshot(m.s3()), name);
    }

    @Test
    @DisplayName("reading still works: stat, ls, cat, readlink, statfs, extended attributes")
    void reads() {
        assertEquals(NodeType.FILE, m.stat("/b/f").type());
        assertEquals(List.of("dir", "f", "link"), m.ls("/b"));
        assertEquals("hello", m.read("/b/f"));
        assertEquals("f", m.fs().readlink(FsPath.parse("/b/link")));
        assertEquals(255, m.fs().statfs(F).nameMax());
        assertEquals("s3://b/f", new String(m.fs().getxattr(F, "user.s3.key"), StandardCharsets.UTF_8));
        assertEquals(before, snapshot(m.s3()));
    }

    @Test
    @DisplayName("EROFS wins over a disabled group: rename is EROFS, not EXDEV; setxattr EROFS, not ENOTSUP")
    void erofsFirst() {
        m.close();
        m = mount(b -> b.options(new MountOptions(0, 0, 0022, true)).disable(PluginKind.RENAME).disable(PluginKind.XATTR));
        assertEquals(Errno.EROFS, assertThrows(FsException.class, () -> m.fs().rename(F, FsPath.parse("/b/g"))).errno());
        assertEquals(Errno.EROFS, assertThrows(FsException.class, () -> m.fs().setxattr(F, "user.x", new byte[0])).errno());
    }
}
