package io.localstackmount.fuse;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.localstackmount.api.AttrOps;
import io.localstackmount.api.DirOps;
import io.localstackmount.api.Errno;
import io.localstackmount.api.FileOps;
import io.localstackmount.api.FsException;
import io.localstackmount.api.FsPath;
import io.localstackmount.api.Node;
import io.localstackmount.api.NodeType;
import io.localstackmount.api.OpenFlags;
import io.localstackmount.api.XattrOps;
import io.localstackmount.core.Dispatcher;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import jnr.ffi.Memory;
import jnr.ffi.Pointer;
import jnr.ffi.Runtime;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import ru.serce.jnrfuse.FuseFillDir;
import ru.serce.jnrfuse.struct.FileStat;
import ru.serce.jnrfuse.struct.FuseFileInfo;

/**
 * The jnr-fuse callbacks, called directly with native structs in memory and no kernel mount: each
 * one is the same template (parse, dispatch, 0 or a count), FsException becomes its errno, anything
 * else EIO. Needs libfuse.so.2 loadable (jnr-fuse loads it when the adapter is made).
 */
class FuseAdapterTest {
    private static final Runtime RT = Runtime.getSystemRuntime();
    private static final Instant MTIME = Instant.ofEpochSecond(1_700_000_000, 123_456_789);

    /** Answers by "Interface.method"; calls without an answer return null / 0. */
    private final Map<String, Function<Object[], Object>> answers = new HashMap<>();
    /** What the handlers were called with, as "Interface.method path". */
    private final List<String> calls = new ArrayList<>();
    private final List<Object[]> arguments = new ArrayList<>();

    @BeforeAll
    static void libfuse() {
        org.junit.jupiter.api.Assumptions.assumeTrue(FusePrerequisites.libfuse2().isPresent(), "libfuse.so.2 is not installed");
    }

    @SuppressWarnings("unchecked")
    private <T> T stub(Class<T> type) {
        return (T) Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type}, (proxy, method, args) -> {
            String name = type.getSimpleName() + "." + method.getName();
            calls.add(name + " " + args[0]);
            arguments.add(args);
            Function<Object[], Object> answer = answers.get(name);
            if (answer != null) {
                return answer.apply(args);
            }
            Class<?> r = method.getReturnType();
            return r == int.class ? 0 : r == long.class ? 0L : null;
        });
    }

    private FuseAdapter adapter(boolean readOnly, boolean withXattr) {
        Dispatcher d = Dispatcher.of(stub(AttrOps.class), stub(DirOps.class), stub(FileOps.class), null,
                withXattr ? stub(XattrOps.class) : null, readOnly);
        return new FuseAdapter(d, false);
    }

    private static Node node(String name, NodeType type, long size, int mode) {
        return new Node(name, type, size, MTIME, mode, 1000, 1001, null);
    }

    private static FileStat stat() {
        return FileStat.of(Memory.allocateDirect(RT, 512));
    }

    private static FuseFileInfo fileInfo(int flags) {
        FuseFileInfo fi = FuseFileInfo.of(Memory.allocateDirect(RT, 128));
        fi.flags.set(flags);
        return fi;
    }

    @Nested
    @DisplayName("getattr")
    class Getattr {
        @Test
        @DisplayName("a file: type bits with its mode, size, owner, 512-byte blocks, all three times")
        void file() {
            answers.put("AttrOps.getattr", a -> node("f", NodeType.FILE, 1000, 0640));
            FileStat st = stat();
            assertEquals(0, adapter(false, true).getattr("/b//f/", st));
            assertEquals(List.of("AttrOps.getattr /b/f"), calls, "the path arrives normalised");
            assertEquals(FileStat.S_IFREG | 0640, st.st_mode.intValue());
            assertEquals(1, st.st_nlink.intValue());
            assertEquals(1000, st.st_size.longValue());
            assertEquals(2, st.st_blocks.longValue());
            assertEquals(1000, st.st_uid.intValue());
            assertEquals(1001, st.st_gid.intValue());
            assertEquals(MTIME.getEpochSecond(), st.st_mtim.tv_sec.get());
            assertEquals(MTIME.getNano(), st.st_mtim.tv_nsec.longValue());
            assertEquals(MTIME.getEpochSecond(), st.st_ctim.tv_sec.get());
            assertEquals(MTIME.getEpochSecond(), st.st_atim.tv_sec.get());
        }

        @Test
        @DisplayName("a folder has two links and S_IFDIR; a symlink S_IFLNK")
        void folderAndSymlink() {
            answers.put("AttrOps.getattr", a -> ((FsPath) a[0]).name().equals("d")
                    ? node("d", NodeType.DIRECTORY, 0, 0755) : node("l", NodeType.SYMLINK, 3, 0777));
            FileStat d = stat();
            FileStat l = stat();
            adapter(false, true).getattr("/b/d", d);
            adapter(false, true).getattr("/b/l", l);
            assertEquals(FileStat.S_IFDIR | 0755, d.st_mode.intValue());
            assertEquals(2, d.st_nlink.intValue());
            assertEquals(FileStat.S_IFLNK | 0777, l.st_mode.intValue());
        }
    }

    @Nested
    @DisplayName("errors")
    class Errors {
        @Test
        @DisplayName("an FsException answers its errno, negated")
        void fsException() {
            answers.put("AttrOps.getattr", a -> {
                throw new FsException(Errno.ENOENT, "no such file");
            });
            assertEquals(-ErrnoNumbers.of(Errno.ENOENT), adapter(false, true).getattr("/b/missing", stat()));
        }

        @Test
        @DisplayName("anything else answers EIO, errors included")
        void unexpected() {
            answers.put("AttrOps.getattr", a -> {
                throw new IllegalStateException("bug");
            });
            answers.put("DirOps.readdir", a -> {
                throw new StackOverflowError();
            });
            FuseAdapter fuse = adapter(false, true);
            assertEquals(-ErrnoNumbers.of(Errno.EIO), fuse.getattr("/b/x", stat()));
            assertEquals(-ErrnoNumbers.of(Errno.EIO), fuse.readdir("/b", null, (buf, name, st, off) -> 0, 0, null));
        }

        @Test
        @DisplayName("a read-only mount answers EROFS before any handler runs")
        void readOnly() {
            FuseAdapter fuse = adapter(true, true);
            assertEquals(-ErrnoNumbers.of(Errno.EROFS), fuse.mkdir("/b/d", 0755));
            assertEquals(-ErrnoNumbers.of(Errno.EROFS), fuse.unlink("/b/f"));
            assertEquals(-ErrnoNumbers.of(Errno.EROFS), fuse.open("/b/f", fileInfo(1)));
            assertEquals(List.of(), calls);
        }

        @Test
        @DisplayName("no rename handler: EXDEV; no xattr handler: ENOTSUP (Linux EOPNOTSUPP)")
        void absentGroups() {
            FuseAdapter fuse = adapter(false, false);
            assertEquals(-ErrnoNumbers.of(Errno.EXDEV), fuse.rename("/b/a", "/b/c"));
            assertEquals(-ErrnoNumbers.of(Errno.ENOTSUP), fuse.getxattr("/b/a", "user.x", null, 0));
            assertEquals(-ErrnoNumbers.of(Errno.ENOTSUP), fuse.listxattr("/b/a", null, 0));
        }

        @Test
        @DisplayName("hard links and device files are EPERM")
        void eperm() {
            FuseAdapter fuse = adapter(false, true);
            assertEquals(-ErrnoNumbers.of(Errno.EPERM), fuse.link("/b/a", "/b/c"));
            assertEquals(-ErrnoNumbers.of(Errno.EPERM), fuse.mknod("/b/fifo", 0010644, 0));
            assertEquals(List.of(), calls);
        }
    }

    @Nested
    @DisplayName("shutting down")
    class ShuttingDown {
        @Test
        @DisplayName("after refuseChanges, changes answer EROFS before any handler runs; reads still work")
        void changesRefused() {
            FuseAdapter fuse = adapter(false, true);
            fuse.gate().refuseChanges();
            assertEquals(-ErrnoNumbers.of(Errno.EROFS), fuse.mkdir("/b/d", 0755));
            assertEquals(-ErrnoNumbers.of(Errno.EROFS), fuse.unlink("/b/f"));
            assertEquals(-ErrnoNumbers.of(Errno.EROFS), fuse.open("/b/f", fileInfo(1)));
            assertEquals(-ErrnoNumbers.of(Errno.EROFS), fuse.create("/b/new", 0644, fileInfo(1)));
            assertEquals(List.of(), calls);
            answers.put("AttrOps.getattr", a -> node("f", NodeType.FILE, 1, 0644));
            assertEquals(0, fuse.getattr("/b/f", stat()));
            assertEquals(0, fuse.open("/b/f", fileInfo(0)));
        }

        @Test
        @DisplayName("once closed, every request answers ENOTCONN without reaching the filesystem")
        void closed() {
            FuseAdapter fuse = adapter(false, true);
            fuse.gate().close(java.time.Duration.ZERO);
            assertEquals(-ru.serce.jnrfuse.ErrorCodes.ENOTCONN(), fuse.getattr("/b/f", stat()));
            assertEquals(-ru.serce.jnrfuse.ErrorCodes.ENOTCONN(), fuse.readdir("/b", null, (buf, name, st, off) -> 0, 0, null));
            assertEquals(-ru.serce.jnrfuse.ErrorCodes.ENOTCONN(), fuse.mkdir("/b/d", 0755));
            assertEquals(List.of(), calls);
        }
    }

    @Nested
    @DisplayName("data and names")
    class Data {
        @Test
        @DisplayName("open decodes the access mode, O_TRUNC, O_APPEND and O_EXCL, and hands back the handle")
        void openFlags() {
            answers.put("FileOps.open", a -> 42L);
            FuseAdapter fuse = adapter(false, true);
            int trunc = jnr.constants.platform.OpenFlags.O_TRUNC.intValue();
            int append = jnr.constants.platform.OpenFlags.O_APPEND.intValue();
            FuseFileInfo rdonly = fileInfo(0);
            FuseFileInfo wronlyTrunc = fileInfo(1 | trunc);
            FuseFileInfo rdwrAppend = fileInfo(2 | append);
            assertEquals(0, fuse.open("/b/f", rdonly));
            assertEquals(0, fuse.open("/b/f", wronlyTrunc));
            assertEquals(0, fuse.open("/b/f", rdwrAppend));
            assertEquals(42L, rdonly.fh.get());
            assertEquals(new OpenFlags(true, false, false, false, false), arguments.get(0)[1]);
            assertEquals(new OpenFlags(false, true, true, false, false), arguments.get(1)[1]);
            assertEquals(new OpenFlags(true, true, false, true, false), arguments.get(2)[1]);
        }

        @Test
        @DisplayName("read copies what the handler read into the kernel's buffer and answers the count")
        void read() {
            answers.put("FileOps.read", a -> {
                byte[] dst = (byte[]) a[2];
                byte[] data = "hello".getBytes(StandardCharsets.UTF_8);
                System.arraycopy(data, 0, dst, 0, data.length);
                return data.length;
            });
            Pointer buf = Memory.allocateDirect(RT, 16);
            assertEquals(5, adapter(false, true).read("/b/f", buf, 16, 0, fileInfo(0)));
            byte[] out = new byte[5];
            buf.get(0, out, 0, 5);
            assertEquals("hello", new String(out, StandardCharsets.UTF_8));
        }

        @Test
        @DisplayName("readlink fits the target into the buffer, cut short and NUL-terminated")
        void readlink() {
            answers.put("FileOps.readlink", a -> "abcdef");
            Pointer big = Memory.allocateDirect(RT, 16);
            Pointer small = Memory.allocateDirect(RT, 4);
            FuseAdapter fuse = adapter(false, true);
            assertEquals(0, fuse.readlink("/b/l", big, 16));
            assertEquals("abcdef", big.getString(0));
            assertEquals(0, fuse.readlink("/b/l", small, 4));
            assertEquals("abc", small.getString(0));
        }

        @Test
        @DisplayName("getxattr: size 0 asks for the length, a small buffer is ERANGE, a big one gets the value")
        void getxattr() {
            answers.put("XattrOps.getxattr", a -> "value".getBytes(StandardCharsets.UTF_8));
            FuseAdapter fuse = adapter(false, true);
            assertEquals(5, fuse.getxattr("/b/f", "user.x", null, 0));
            assertEquals(-ErrnoNumbers.of(Errno.ERANGE), fuse.getxattr("/b/f", "user.x", Memory.allocateDirect(RT, 4), 4));
            Pointer buf = Memory.allocateDirect(RT, 8);
            assertEquals(5, fuse.getxattr("/b/f", "user.x", buf, 8));
            byte[] out = new byte[5];
            buf.get(0, out, 0, 5);
            assertArrayEquals("value".getBytes(StandardCharsets.UTF_8), out);
        }

        @Test
        @DisplayName("listxattr: names NUL-separated, the total length")
        void listxattr() {
            answers.put("XattrOps.listxattr", a -> List.of("user.a", "user.bc"));
            FuseAdapter fuse = adapter(false, true);
            assertEquals(15, fuse.listxattr("/b/f", null, 0));
            Pointer buf = Memory.allocateDirect(RT, 32);
            assertEquals(15, fuse.listxattr("/b/f", buf, 32));
            assertEquals("user.a", buf.getString(0));
            assertEquals("user.bc", buf.getString(7));
        }

        @Test
        @DisplayName("readdir: . and .. first, then every entry with its type, until the kernel's buffer is full")
        void readdir() {
            answers.put("DirOps.readdir", a -> List.of(node("f", NodeType.FILE, 1, 0644), node("d", NodeType.DIRECTORY, 0, 0755),
                    node("l", NodeType.SYMLINK, 1, 0777), node("last", NodeType.FILE, 1, 0644)));
            List<String> names = new ArrayList<>();
            List<Integer> types = new ArrayList<>();
            FuseFillDir filler = (buf, name, stbuf, off) -> {
                names.add(StandardCharsets.UTF_8.decode(name).toString().replace("\0", ""));
                types.add(stbuf == null ? null : FileStat.of(stbuf).st_mode.intValue() & FileStat.S_IFMT);
                return names.size() == 5 ? 1 : 0; // full after five
            };
            assertEquals(0, adapter(false, true).readdir("/b", null, filler, 0, null));
            assertEquals(List.of(".", "..", "f", "d", "l"), names);
            assertNull(types.get(0));
            assertEquals(List.of(FileStat.S_IFREG, FileStat.S_IFDIR, FileStat.S_IFLNK), types.subList(2, 5));
        }

        @Test
        @DisplayName("mkdir and chmod pass permission bits only")
        void modes() {
            FuseAdapter fuse = adapter(false, true);
            fuse.mkdir("/b/d", 040755);
            fuse.chmod("/b/f", 0104755);
            assertEquals(0755, arguments.get(0)[1]);
            assertEquals(04755, arguments.get(1)[1]);
        }
    }
}
