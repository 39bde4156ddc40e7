package io.localstackmount.fuse;

import io.localstackmount.api.Errno;
import io.localstackmount.api.FsException;
import io.localstackmount.api.FsPath;
import io.localstackmount.api.FsStats;
import io.localstackmount.api.Node;
import io.localstackmount.api.OpenFlags;
import io.localstackmount.core.Dispatcher;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.IntSupplier;
import jnr.ffi.Pointer;
import jnr.ffi.types.mode_t;
import jnr.ffi.types.off_t;
import jnr.ffi.types.size_t;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import ru.serce.jnrfuse.FuseFillDir;
import ru.serce.jnrfuse.FuseStubFS;
import ru.serce.jnrfuse.struct.FileStat;
import ru.serce.jnrfuse.struct.FuseFileInfo;
import ru.serce.jnrfuse.struct.Statvfs;
import ru.serce.jnrfuse.struct.Timespec;

/**
 * Translates jnr-fuse callbacks into {@link Dispatcher} calls. Every callback is the same template:
 * parse the path, call the dispatcher, answer 0 or a byte count; an {@link FsException} becomes its
 * errno, anything else is logged once with the operation and path and answers EIO. No filesystem
 * logic lives here.
 */
final class FuseAdapter extends FuseStubFS {
    private static final Logger LOG = LoggerFactory.getLogger(FuseAdapter.class);
    private static final long UTIME_NOW = (1L << 30) - 1;
    private static final long UTIME_OMIT = (1L << 30) - 2;
    /** Requests served at once: more than the kernel sends in parallel for a few busy processes. */
    private static final int REQUEST_THREADS = 32;
    private static final int O_ACCMODE = 3;
    private static final int O_WRONLY = 1;
    private static final int O_RDWR = 2;
    private static final int O_EXCL = jnr.constants.platform.OpenFlags.O_EXCL.intValue();
    private static final int O_TRUNC = jnr.constants.platform.OpenFlags.O_TRUNC.intValue();
    private static final int O_APPEND = jnr.constants.platform.OpenFlags.O_APPEND.intValue();

    /** Set once, before the mount: the adapter may be built ahead of its filesystem ({@link FuseMount#prepare}). */
    private volatile Dispatcher fs;
    private final boolean debug;
    private final CountDownLatch initialized = new CountDownLatch(1);
    private final AtomicBoolean hardLinkExplained = new AtomicBoolean();
    private final RequestGate gate = new RequestGate();

    FuseAdapter(Dispatcher fs, boolean debug) {
        this(debug);
        bind(fs);
    }

    /** An adapter without its filesystem yet: {@link #bind} it before mounting. */
    FuseAdapter(boolean debug) {
        this.debug = debug;
        allowUtimeOmit();
    }

    /** Gives the adapter its filesystem; once, before {@link #mount}. */
    void bind(Dispatcher dispatcher) {
        if (fs != null) {
            throw new IllegalStateException("this adapter already serves a filesystem");
        }
        fs = java.util.Objects.requireNonNull(dispatcher);
    }

    /**
     * libfuse 2.9 calls utimens only when both times are given unless the filesystem sets
     * {@code flag_utime_omit_ok}; without it {@code touch -m -d} and tar's futimens store "now".
     * jnr-fuse maps the flag bits as padding, so set bit 2 of that unsigned int ourselves.
     */
    private void allowUtimeOmit() {
        try {
            // offset() is public but declared in a non-public class: jnr is an automatic module, so open.
            Object flags = ru.serce.jnrfuse.struct.FuseOperations.class.getField("flag_nullpath_ok").get(fuseOperations);
            java.lang.reflect.Method offsetOf = Class.forName("jnr.ffi.Struct$AbstractMember").getDeclaredMethod("offset");
            offsetOf.setAccessible(true);
            long offset = (long) offsetOf.invoke(flags);
            Pointer ops = jnr.ffi.Struct.getMemory(fuseOperations);
            ops.putInt(offset, ops.getInt(offset) | (1 << 2));
        } catch (ReflectiveOperationException | RuntimeException e) {
            LOG.warn("cannot tell libfuse that utimens handles omitted times ({}); touch -m may store the current time", e.toString());
        }
    }

    /**
     * Mounts at {@code mountPoint} with libfuse options {@code options} and serves requests until
     * the filesystem is unmounted ({@link FuseLoop}); 1 when libfuse could not mount, else 0.
     */
    int serve(java.nio.file.Path mountPoint, String[] options) {
        String[] args = new String[3 + options.length];
        args[0] = getFSName();
        args[1] = "-f"; // stay in this process: fuse_setup would otherwise daemonize
        args[2] = mountPoint.toAbsolutePath().toString();
        System.arraycopy(options, 0, args, 3, options.length);
        return FuseLoop.run(fuseOperations, args, mountPoint, REQUEST_THREADS);
    }

    CountDownLatch initialized() {
        return initialized;
    }

    /** What decides which requests are still served while the mount shuts down. */
    RequestGate gate() {
        return gate;
    }

    @Override
    protected String getFSName() {
        return "localstackmount";
    }

    /**
     * jnr-fuse's own shutdown hook calls this and would detach the mount lazily at once, even while
     * a shell sits in it. {@link FuseMount#close()} unmounts instead: it reports a busy mount,
     * retries, and detaches lazily only as the last resort.
     */
    @Override
    public void umount() {
        // deliberately empty: FuseMount owns unmounting
    }

    @Override
    public Pointer init(Pointer conn) {
        initialized.countDown();
        return null;
    }

    @Override
    public int getattr(String path, FileStat stat) {
        return call("getattr", path, () -> {
            fill(stat, fs.getattr(FsPath.parse(path)));
            return 0;
        });
    }

    @Override
    public int fgetattr(String path, FileStat stat, FuseFileInfo fi) {
        return getattr(path, stat);
    }

    @Override
    public int readdir(String path, Pointer buf, FuseFillDir filler, @off_t long offset, FuseFileInfo fi) {
        return call("readdir", path, () -> {
            List<Node> entries = fs.readdir(FsPath.parse(path));
            filler.apply(buf, ".", null, 0);
            filler.apply(buf, "..", null, 0);
            // The entry's type goes out with its name (d_type), so find and ls -R need no stat per entry.
            FileStat stat = new FileStat(jnr.ffi.Runtime.getSystemRuntime());
            for (Node entry : entries) {
                fill(stat, entry);
                if (filler.apply(buf, entry.name(), stat, 0) != 0) {
                    break;
                }
            }
            return 0;
        });
    }

    @Override
    public int mkdir(String path, @mode_t long mode) {
        return change("mkdir", path, () -> {
            fs.mkdir(FsPath.parse(path), (int) mode & 07777);
            return 0;
        });
    }

    @Override
    public int rmdir(String path) {
        return change("rmdir", path, () -> {
            fs.rmdir(FsPath.parse(path));
            return 0;
        });
    }

    @Override
    public int create(String path, @mode_t long mode, FuseFileInfo fi) {
        return change("create", path, () -> {
            fi.fh.set(fs.create(FsPath.parse(path), (int) mode & 07777, flags(fi)));
            return 0;
        });
    }

    @Override
    public int open(String path, FuseFileInfo fi) {
        OpenFlags flags = flags(fi);
        return serve("open", path, flags.write() || flags.truncate(), () -> {
            fi.fh.set(fs.open(FsPath.parse(path), flags));
            return 0;
        });
    }

    @Override
    public int read(String path, Pointer buf, @size_t long size, @off_t long offset, FuseFileInfo fi) {
        return call("read", path, () -> {
            byte[] data = new byte[(int) size];
            int n = fs.read(FsPath.parse(path), fi.fh.get(), data, offset, (int) size);
            buf.put(0, data, 0, n);
            return n;
        });
    }

    @Override
    public int write(String path, Pointer buf, @size_t long size, @off_t long offset, FuseFileInfo fi) {
        return call("write", path, () -> {
            byte[] data = new byte[(int) size];
            buf.get(0, data, 0, (int) size);
            return fs.write(FsPath.parse(path), fi.fh.get(), data, offset, (int) size);
        });
    }

    @Override
    public int flush(String path, FuseFileInfo fi) {
        return call("flush", path, () -> {
            fs.flush(FsPath.parse(path), fi.fh.get());
            return 0;
        });
    }

    @Override
    public int fsync(String path, int isdatasync, FuseFileInfo fi) {
        return call("fsync", path, () -> {
            fs.fsync(FsPath.parse(path), fi.fh.get());
            return 0;
        });
    }

    @Override
    public int release(String path, FuseFileInfo fi) {
        return call("release", path, () -> {
            fs.release(FsPath.parse(path), fi.fh.get());
            return 0;
        });
    }

    @Override
    public int truncate(String path, @off_t long size) {
        return change("truncate", path, () -> {
            fs.truncate(FsPath.parse(path), size, 0);
            return 0;
        });
    }

    @Override
    public int ftruncate(String path, @off_t long size, FuseFileInfo fi) {
        return change("ftruncate", path, () -> {
            fs.truncate(FsPath.parse(path), size, fi.fh.get());
            return 0;
        });
    }

    @Override
    public int unlink(String path) {
        return change("unlink", path, () -> {
            fs.unlink(FsPath.parse(path));
            return 0;
        });
    }

    @Override
    public int rename(String oldpath, String newpath) {
        return change("rename", oldpath + " -> " + newpath, () -> {
            fs.rename(FsPath.parse(oldpath), FsPath.parse(newpath));
            return 0;
        });
    }

    @Override
    public int symlink(String oldpath, String newpath) {
        return change("symlink", newpath, () -> {
            fs.symlink(oldpath, FsPath.parse(newpath));
            return 0;
        });
    }

    @Override
    public int readlink(String path, Pointer buf, @size_t long size) {
        return call("readlink", path, () -> {
            byte[] target = fs.readlink(FsPath.parse(path)).getBytes(StandardCharsets.UTF_8);
            int n = (int) Math.min(target.length, size - 1);
            buf.put(0, target, 0, n);
            buf.putByte(n, (byte) 0);
            return 0;
        });
    }

    @Override
    public int link(String oldpath, String newpath) {
        // git tries a hard link for every object it writes, then renames: say it once, not per object.
        if (hardLinkExplained.compareAndSet(false, true)) {
            LOG.info("link {}: hard links cannot be represented in S3; answering EPERM, as for every later link "
                    + "(git and other tools then copy or rename instead)", newpath);
        }
        return -ErrnoNumbers.of(Errno.EPERM);
    }

    @Override
    public int mknod(String path, @mode_t long mode, long rdev) {
        return change("mknod", path, () -> {
            throw new FsException(Errno.EPERM, "device files, FIFOs and sockets cannot be stored in S3");
        });
    }

    @Override
    public int chmod(String path, @mode_t long mode) {
        return change("chmod", path, () -> {
            fs.chmod(FsPath.parse(path), (int) mode & 07777);
            return 0;
        });
    }

    @Override
    public int chown(String path, long uid, long gid) {
        return change("chown", path, () -> {
            fs.chown(FsPath.parse(path), (int) uid, (int) gid);
            return 0;
        });
    }

    @Override
    public int utimens(String path, Timespec[] timespec) {
        return change("utimens", path, () -> {
            Timespec mtime = timespec[1];
            long nanos = mtime.tv_nsec.longValue();
            Instant value;
            if (nanos == UTIME_OMIT) {
                value = null;
            } else if (nanos == UTIME_NOW) {
                value = Instant.now();
            } else {
                value = Instant.ofEpochSecond(mtime.tv_sec.get(), nanos);
            }
            fs.utimens(FsPath.parse(path), value);
            return 0;
        });
    }

    @Override
    public int statfs(String path, Statvfs stbuf) {
        return call("statfs", path, () -> {
            FsStats s = fs.statfs(FsPath.parse(path));
            stbuf.f_bsize.set(s.blockSize());
            stbuf.f_frsize.set(s.blockSize());
            stbuf.f_blocks.set(s.blocks());
            stbuf.f_bfree.set(s.freeBlocks());
            stbuf.f_bavail.set(s.availableBlocks());
            stbuf.f_files.set(s.files());
            stbuf.f_ffree.set(s.freeFiles());
            stbuf.f_favail.set(s.freeFiles());
            stbuf.f_namemax.set(s.nameMax());
            return 0;
        });
    }

    @Override
    public int getxattr(String path, String name, Pointer value, @size_t long size) {
        return call("getxattr", path, () -> {
            byte[] bytes = fs.getxattr(FsPath.parse(path), name);
            return copyOut(bytes, value, size);
        });
    }

    @Override
    public int setxattr(String path, String name, Pointer value, @size_t long size, int flags) {
        return change("setxattr", path, () -> {
            byte[] bytes = new byte[(int) size];
            value.get(0, bytes, 0, (int) size);
            fs.setxattr(FsPath.parse(path), name, bytes);
            return 0;
        });
    }

    @Override
    public int listxattr(String path, Pointer list, @size_t long size) {
        return call("listxattr", path, () -> {
            StringBuilder names = new StringBuilder();
            for (String name : fs.listxattr(FsPath.parse(path))) {
                names.append(name).append('\0');
            }
            return copyOut(names.toString().getBytes(StandardCharsets.UTF_8), list, size);
        });
    }

    @Override
    public int removexattr(String path, String name) {
        return change("removexattr", path, () -> {
            fs.removexattr(FsPath.parse(path), name);
            return 0;
        });
    }

    /** Size query (size 0) answers the length; a too-small buffer is ERANGE, as getxattr(2) says. */
    private static int copyOut(byte[] bytes, Pointer dst, long size) {
        if (size == 0) {
            return bytes.length;
        }
        if (size < bytes.length) {
            throw new FsException(Errno.ERANGE, "buffer of " + size + " bytes is too small for " + bytes.length);
        }
        dst.put(0, bytes, 0, bytes.length);
        return bytes.length;
    }

    private static OpenFlags flags(FuseFileInfo fi) {
        int f = fi.flags.get();
        int access = f & O_ACCMODE;
        return new OpenFlags(access != O_WRONLY, access == O_WRONLY || access == O_RDWR,
                (f & O_TRUNC) != 0, (f & O_APPEND) != 0, (f & O_EXCL) != 0);
    }

    private static void fill(FileStat stat, Node node) {
        int type = switch (node.type()) {
            case FILE -> FileStat.S_IFREG;
            case DIRECTORY -> FileStat.S_IFDIR;
            case SYMLINK -> FileStat.S_IFLNK;
        };
        stat.st_mode.set(type | node.mode());
        stat.st_nlink.set(node.isDirectory() ? 2 : 1);
        stat.st_uid.set(node.uid());
        stat.st_gid.set(node.gid());
        stat.st_size.set(node.size());
        stat.st_blocks.set((node.size() + 511) / 512);
        long sec = node.mtime().getEpochSecond();
        long nsec = node.mtime().getNano();
        stat.st_mtim.tv_sec.set(sec);
        stat.st_mtim.tv_nsec.set(nsec);
        stat.st_ctim.tv_sec.set(sec);
        stat.st_ctim.tv_nsec.set(nsec);
        stat.st_atim.tv_sec.set(sec);
        stat.st_atim.tv_nsec.set(nsec);
    }

    /** The callback template for a request that changes nothing; see {@link #serve}. */
    private int call(String op, String path, IntSupplier body) {
        return serve(op, path, false, body);
    }

    /** The template for a change: refused with EROFS once the mount shuts down, so that what is dirty stays put. */
    private int change(String op, String path, IntSupplier body) {
        return serve(op, path, true, body);
    }

    /**
     * The callback template: errno from FsException, EIO with one log line for anything else. What the
     * {@link RequestGate} refuses while the mount shuts down is answered without reaching the filesystem;
     * a request that fails because the store was closed under it at unmount is logged at debug only,
     * since {@link FuseMount#close()} reported those requests once.
     */
    private int serve(String op, String path, boolean changes, IntSupplier body) {
        RequestGate.Refusal refusal = gate.enter(changes);
        if (refusal != null) {
            LOG.debug("{} {}: refused, the mount is shutting down", op, path);
            return -(refusal == RequestGate.Refusal.CHANGES ? ErrnoNumbers.of(Errno.EROFS) : ErrnoNumbers.notConnected());
        }
        long start = debug ? System.nanoTime() : 0;
        int result;
        try {
            result = body.getAsInt();
        } catch (FsException e) {
            result = -ErrnoNumbers.of(e.errno());
            if (gate.closed()) {
                LOG.debug("{} {} after unmount: {}", op, path, e.getMessage());
            } else {
                logFailure(op, path, e);
            }
        } catch (RuntimeException | Error e) {
            result = -ErrnoNumbers.of(Errno.EIO);
            if (gate.closed()) {
                LOG.debug("{} {} after unmount: {}", op, path, e.toString());
            } else {
                LOG.error("{} {} failed unexpectedly: {}", op, path, e.toString());
                LOG.debug("stack trace of the failure above", e);
            }
        } finally {
            gate.exit();
        }
        if (debug) {
            LOG.info("{} {} -> {} ({} us)", op, path, result, (System.nanoTime() - start) / 1000);
        }
        return result;
    }

    private static void logFailure(String op, String path, FsException e) {
        switch (e.errno()) {
            // Expected answers to probes: editors, git and shells look up missing names all the time.
            case ENOENT, ENODATA -> LOG.debug("{} {}: {}", op, path, e.getMessage());
            // Disabled features and rename fallbacks: whoever answers these logs why, once.
            case ENOTSUP, ENOSYS, EXDEV -> LOG.debug("{} {}: {}", op, path, e.getMessage());
            case EIO -> {
                LOG.warn("{} {}: {}", op, path, e.getMessage());
                if (e.getCause() != null) {
                    LOG.debug("cause", e.getCause());
                }
            }
            default -> LOG.info("{} {}: {}", op, path, e.getMessage());
        }
    }
}
