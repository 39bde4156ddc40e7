package io.localstackmount.example.checksums;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.localstackmount.api.Errno;
import io.localstackmount.api.FsContext;
import io.localstackmount.api.FsException;
import io.localstackmount.api.FsPath;
import io.localstackmount.api.Namespace;
import io.localstackmount.api.Node;
import io.localstackmount.api.NodeType;
import io.localstackmount.api.ObjectInfo;
import io.localstackmount.api.ObjectStore;
import io.localstackmount.api.PluginSettings;
import io.localstackmount.api.XattrOps;
import java.lang.reflect.Proxy;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * The checksums provider over a tiny in-memory store (only HEAD and ranged reads; proxies, so the
 * test needs nothing but the api, as the plugin does).
 *
 * <pre>
 *   b/hello.txt   "hello"
 *   b/empty       ""
 *   b/dir/        folder
 * </pre>
 */
class ChecksumsTest {
    private static final String HELLO_SHA256 = "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824";
    private static final String EMPTY_SHA256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

    private final Map<String, byte[]> bodies = new HashMap<>();
    private final Map<String, String> etags = new HashMap<>();
    private final AtomicInteger reads = new AtomicInteger();

    private void put(String key, String body, String etag) {
        bodies.put(key, body.getBytes(UTF_8));
        etags.put(key, etag);
    }

    private XattrOps ops(Map<String, String> settings) {
        ObjectStore store = proxy(ObjectStore.class, (name, args) -> switch (name) {
            case "head" -> Optional.ofNullable(bodies.get((String) args[1]))
                    .map(b -> new ObjectInfo((String) args[1], b.length, Instant.EPOCH, etags.get((String) args[1]), Map.of(), null));
            case "read" -> {
                reads.incrementAndGet();
                byte[] body = bodies.get((String) args[1]);
                int offset = (int) (long) (Long) args[2];
                int n = Math.min((Integer) args[5], body.length - offset);
                System.arraycopy(body, offset, (byte[]) args[3], (Integer) args[4], n);
                yield n;
            }
            default -> throw new UnsupportedOperationException(name);
        });
        Namespace namespace = proxy(Namespace.class, (name, args) -> {
            if (!name.equals("find")) {
                throw new UnsupportedOperationException(name);
            }
            FsPath p = (FsPath) args[0];
            if (bodies.containsKey(p.key())) {
                return Optional.of(new Node(p.name(), NodeType.FILE, bodies.get(p.key()).length, Instant.EPOCH, 0644, 0, 0, etags.get(p.key())));
            }
            return Optional.of(new Node(p.name(), NodeType.DIRECTORY, 0, Instant.EPOCH, 0755, 0, 0, null));
        });
        PluginSettings pluginSettings = new PluginSettings(settings);
        FsContext ctx = proxy(FsContext.class, (name, args) -> switch (name) {
            case "store" -> store;
            case "namespace" -> namespace;
            case "settings" -> pluginSettings;
            default -> throw new UnsupportedOperationException(name);
        });
        return new ChecksumsProvider().create(ctx);
    }

    private interface Handler {
        Object call(String method, Object[] args);
    }

    private static <T> T proxy(Class<T> type, Handler handler) {
        return type.cast(Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type},
                (p, m, a) -> handler.call(m.getName(), a == null ? new Object[0] : a)));
    }

    private static String value(XattrOps ops, String key, String name) {
        return new String(ops.getxattr(FsPath.of("b", key), name), US_ASCII);
    }

    @Nested
    @DisplayName("getxattr")
    class Get {
        @Test
        @DisplayName("user.sha256 is sha256sum's digest of the object")
        void sha256() {
            put("hello.txt", "hello", "e1");
            assertEquals(HELLO_SHA256, value(ops(Map.of()), "hello.txt", "user.sha256"));
        }

        @Test
        @DisplayName("a second ask for the same version reads nothing; a new ETag is hashed again")
        void cachedByEtag() {
            put("hello.txt", "hello", "e1");
            XattrOps ops = ops(Map.of());
            value(ops, "hello.txt", "user.sha256");
            int afterFirst = reads.get();
            value(ops, "hello.txt", "user.sha256");
            assertEquals(afterFirst, reads.get());
            put("hello.txt", "", "e2");
            assertEquals(EMPTY_SHA256, value(ops, "hello.txt", "user.sha256"));
        }

        @Test
        @DisplayName("an empty object is hashed without a read")
        void empty() {
            put("empty", "", "e0");
            assertEquals(EMPTY_SHA256, value(ops(Map.of()), "empty", "user.sha256"));
            assertEquals(0, reads.get());
        }

        @Test
        @DisplayName("configured algorithms only; others and folders are ENODATA")
        void algorithms() {
            put("hello.txt", "hello", "e1");
            XattrOps ops = ops(Map.of("algorithms", "md5, sha1"));
            assertEquals("5d41402abc4b2a76b9719d911017c592", value(ops, "hello.txt", "user.md5"));
            assertEquals("aaf4c61ddcc5e8a2dabede0f3b482cd9aea9434d", value(ops, "hello.txt", "user.sha1"));
            assertEquals(Errno.ENODATA, assertThrows(FsException.class, () -> value(ops, "hello.txt", "user.sha256")).errno());
            assertEquals(Errno.ENODATA, assertThrows(FsException.class, () -> value(ops, "dir", "user.md5")).errno());
        }

        @Test
        @DisplayName("an object over max-bytes is EFBIG, not read")
        void tooBig() {
            put("hello.txt", "hello", "e1");
            XattrOps ops = ops(Map.of("max-bytes", "4"));
            assertEquals(Errno.EFBIG, assertThrows(FsException.class, () -> value(ops, "hello.txt", "user.sha256")).errno());
            assertEquals(0, reads.get());
        }
    }

    @Test
    @DisplayName("listxattr: the names for a file, none for a folder")
    void list() {
        put("hello.txt", "hello", "e1");
        XattrOps ops = ops(Map.of("algorithms", "sha256,md5"));
        assertEquals(List.of("user.sha256", "user.md5"), ops.listxattr(FsPath.of("b", "hello.txt")));
        assertEquals(List.of(), ops.listxattr(FsPath.of("b", "dir")));
        assertEquals(List.of(), ops.listxattr(FsPath.of("b", "")));
    }

    @Test
    @DisplayName("setting a checksum is EPERM; any other name ENOTSUP")
    void writes() {
        put("hello.txt", "hello", "e1");
        XattrOps ops = ops(Map.of());
        FsPath p = FsPath.of("b", "hello.txt");
        assertEquals(Errno.EPERM, assertThrows(FsException.class, () -> ops.setxattr(p, "user.sha256", new byte[1])).errno());
        assertEquals(Errno.ENOTSUP, assertThrows(FsException.class, () -> ops.setxattr(p, "user.color", new byte[1])).errno());
        assertEquals(Errno.ENOTSUP, assertThrows(FsException.class, () -> ops.removexattr(p, "user.color")).errno());
    }

    @Test
    @DisplayName("unknown settings and algorithms fail at creation, naming them")
    void badSettings() {
        // A setting it does not declare never reaches it: config refuses it (core's DeclaredSettings).
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ops(Map.of("algorithms", "crc32")));
        assertTrue(e.getMessage().contains("crc32"), e.getMessage());
    }
}
