package io.localstackmount.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.localstackmount.api.AttrOps;
import io.localstackmount.api.DirOps;
import io.localstackmount.api.Errno;
import io.localstackmount.api.FileOps;
import io.localstackmount.api.FsException;
import io.localstackmount.api.FsPath;
import io.localstackmount.api.OpenFlags;
import io.localstackmount.api.RenameOps;
import io.localstackmount.api.XattrOps;
import java.lang.reflect.Proxy;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The rules the dispatcher owns: read-only answers EROFS, an absent group one deliberate errno. */
class DispatcherTest {
    private static final FsPath P = FsPath.parse("/b/f");
    private static final FsPath Q = FsPath.parse("/b/g");
    private static final OpenFlags WRITE = new OpenFlags(false, true, false, false, false);
    private static final OpenFlags TRUNCATE = new OpenFlags(true, false, true, false, false);

    /** Every call any handler received, as "Interface.method". */
    private final List<String> calls = new ArrayList<>();

    @SuppressWarnings("unchecked")
    private <T> T recording(Class<T> type) {
        return (T) Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type}, (proxy, method, args) -> {
            calls.add(type.getSimpleName() + "." + method.getName());
            Class<?> r = method.getReturnType();
            if (r == long.class) {
                return 7L;
            }
            if (r == int.class) {
                return 0;
            }
            if (r == boolean.class) {
                return false;
            }
            if (r == List.class) {
                return List.of();
            }
            return null;
        });
    }

    /** Libfuse's hiding of open files is tested with core's storage in the test kit (RemovedWhileOpenTest). */
    private Dispatcher dispatcher(boolean readOnly, boolean withRename, boolean withXattr) {
        return Dispatcher.of(recording(AttrOps.class), recording(DirOps.class), recording(FileOps.class),
                withRename ? recording(RenameOps.class) : null, withXattr ? recording(XattrOps.class) : null, readOnly);
    }

    /** Every operation that changes something, by name. */
    static Stream<Arguments> mutating() {
        Map<String, Consumer<Dispatcher>> ops = new LinkedHashMap<>();
        ops.put("chmod", d -> d.chmod(P, 0600));
        ops.put("chown", d -> d.chown(P, 1, 2));
        ops.put("utimens", d -> d.utimens(P, Instant.EPOCH));
        ops.put("mkdir", d -> d.mkdir(P, 0755));
        ops.put("rmdir", d -> d.rmdir(P));
        ops.put("create", d -> d.create(P, 0644, WRITE));
        ops.put("open for writing", d -> d.open(P, WRITE));
        ops.put("open with O_TRUNC", d -> d.open(P, TRUNCATE));
        ops.put("truncate", d -> d.truncate(P, 0, 0));
        ops.put("unlink", d -> d.unlink(P));
        ops.put("symlink", d -> d.symlink("target", P));
        ops.put("rename", d -> d.rename(P, Q));
        ops.put("setxattr", d -> d.setxattr(P, "user.x", new byte[1]));
        ops.put("removexattr", d -> d.removexattr(P, "user.x"));
        return ops.entrySet().stream().map(e -> Arguments.of(e.getKey(), e.getValue()));
    }

    /** Operations that only read. */
    static Stream<Arguments> reading() {
        Map<String, Consumer<Dispatcher>> ops = new LinkedHashMap<>();
        ops.put("getattr", d -> d.getattr(P));
        ops.put("statfs", d -> d.statfs(P));
        ops.put("readdir", d -> d.readdir(P));
        ops.put("open read-only", d -> d.open(P, OpenFlags.READ_ONLY));
        ops.put("read", d -> d.read(P, 1, new byte[1], 0, 1));
        ops.put("flush", d -> d.flush(P, 1));
        ops.put("release", d -> d.release(P, 1));
        ops.put("readlink", d -> d.readlink(P));
        ops.put("getxattr", d -> d.getxattr(P, "user.x"));
        ops.put("listxattr", d -> d.listxattr(P));
        return ops.entrySet().stream().map(e -> Arguments.of(e.getKey(), e.getValue()));
    }

    @Nested
    @DisplayName("a read-only mount")
    class ReadOnly {
        @ParameterizedTest(name = "{0} is EROFS and never reaches a handler")
        @MethodSource("io.localstackmount.core.DispatcherTest#mutating")
        void refuses(String name, Consumer<Dispatcher> op) {
            FsException e = assertThrows(FsException.class, () -> op.accept(dispatcher(true, true, true)));
            assertEquals(Errno.EROFS, e.errno(), name);
            assertTrue(e.getMessage().contains("/b/f"), e.getMessage());
            assertEquals(List.of(), calls, name);
        }

        @ParameterizedTest(name = "{0} still works")
        @MethodSource("io.localstackmount.core.DispatcherTest#reading")
        void reads(String name, Consumer<Dispatcher> op) {
            op.accept(dispatcher(true, true, true));
            assertEquals(1, calls.size(), name);
        }

        @Test
        @DisplayName("EROFS wins over a disabled group: rename is EROFS, not EXDEV")
        void erofsFirst() {
            Dispatcher d = dispatcher(true, false, false);
            assertEquals(Errno.EROFS, assertThrows(FsException.class, () -> d.rename(P, Q)).errno());
            assertEquals(Errno.EROFS, assertThrows(FsException.class, () -> d.setxattr(P, "user.x", new byte[0])).errno());
        }
    }

    @Nested
    @DisplayName("a writable mount")
    class Writable {
        @ParameterizedTest(name = "{0} reaches its handler once")
        @MethodSource("io.localstackmount.core.DispatcherTest#mutating")
        void passes(String name, Consumer<Dispatcher> op) {
            op.accept(dispatcher(false, true, true));
            assertEquals(1, calls.size(), name + ": " + calls);
        }

        @Test
        @DisplayName("calls go to the handler of their group")
        void routing() {
            Dispatcher d = dispatcher(false, true, true);
            d.getattr(P);
            d.readdir(P);
            d.write(P, 7, new byte[1], 0, 1);
            d.fsync(P, 7);
            d.rename(P, Q);
            d.listxattr(P);
            assertEquals(List.of("AttrOps.getattr", "DirOps.readdir", "FileOps.write", "FileOps.fsync",
                    "RenameOps.rename", "XattrOps.listxattr"), calls);
        }

        @Test
        @DisplayName("create and open hand back the handle the files handler issued")
        void handles() {
            Dispatcher d = dispatcher(false, true, true);
            assertEquals(7L, d.create(P, 0644, WRITE));
            assertEquals(7L, d.open(P, OpenFlags.READ_ONLY));
        }
    }

    @Nested
    @DisplayName("absent groups")
    class Absent {
        @Test
        @DisplayName("without a rename handler, rename is EXDEV (mv then copies and deletes), every time")
        void renameExdev() {
            Dispatcher d = dispatcher(false, false, true);
            for (int i = 0; i < 3; i++) {
                assertEquals(Errno.EXDEV, assertThrows(FsException.class, () -> d.rename(P, Q)).errno());
            }
            assertEquals(List.of(), calls);
        }

        @Test
        @DisplayName("without an xattr handler, all four xattr operations are ENOTSUP")
        void xattrEnotsup() {
            Dispatcher d = dispatcher(false, true, false);
            assertEquals(Errno.ENOTSUP, assertThrows(FsException.class, () -> d.getxattr(P, "user.x")).errno());
            assertEquals(Errno.ENOTSUP, assertThrows(FsException.class, () -> d.listxattr(P)).errno());
            assertEquals(Errno.ENOTSUP, assertThrows(FsException.class, () -> d.setxattr(P, "user.x", new byte[0])).errno());
            assertEquals(Errno.ENOTSUP, assertThrows(FsException.class, () -> d.removexattr(P, "user.x")).errno());
            assertEquals(List.of(), calls);
        }

        @Test
        @DisplayName("the other groups keep working")
        void othersWork() {
            Dispatcher d = dispatcher(false, false, false);
            d.getattr(P);
            d.mkdir(Q, 0755);
            assertEquals(List.of("AttrOps.getattr", "DirOps.mkdir"), calls);
        }
    }
}
