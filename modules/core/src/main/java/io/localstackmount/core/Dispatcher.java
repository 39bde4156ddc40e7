package io.localstackmount.core;

import io.localstackmount.api.AttrOps;
import io.localstackmount.api.DirOps;
import io.localstackmount.api.Errno;
import io.localstackmount.api.FileOps;
import io.localstackmount.api.FsException;
import io.localstackmount.api.FsPath;
import io.localstackmount.api.FsStats;
import io.localstackmount.api.Node;
import io.localstackmount.api.OpenFlags;
import io.localstackmount.api.RenameOps;
import io.localstackmount.api.XattrOps;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Holds one handler per group and routes every filesystem operation to it. Three rules live here
 * and nowhere else: a read-only mount answers EROFS to every change; an operation whose group is
 * absent or disabled answers one deliberate errno (EXDEV for rename, so {@code mv} copies instead;
 * ENOTSUP for extended attributes), logged once; and libfuse's hiding of a file removed while open
 * is a removal, not a rename ({@link HiddenOpenFiles}).
 */
public final class Dispatcher {
    private static final Logger LOG = LoggerFactory.getLogger(Dispatcher.class);

    private final AttrOps attrs;
    private final DirOps dirs;
    private final FileOps files;
    private final RenameOps rename;
    private final XattrOps xattr;
    private final HiddenOpenFiles hidden;
    private final boolean readOnly;
    private final WarnOnce unsupported = new WarnOnce(LOG);

    Dispatcher(AttrOps attrs, DirOps dirs, FileOps files, RenameOps rename, XattrOps xattr,
            HiddenOpenFiles hidden, boolean readOnly) {
        this.attrs = attrs;
        this.hidden = hidden;
        this.dirs = dirs;
        this.files = files;
        this.rename = rename;
        this.xattr = xattr;
        this.readOnly = readOnly;
    }

    /**
     * A dispatcher over these handlers alone, without core's storage, so that libfuse's hiding of
     * open files stays an ordinary rename: for testing a FUSE host on stub handlers.
     */
    public static Dispatcher of(AttrOps attrs, DirOps dirs, FileOps files, RenameOps rename, XattrOps xattr, boolean readOnly) {
        return new Dispatcher(attrs, dirs, files, rename, xattr, new HiddenOpenFiles(new HandleTable(), null), readOnly);
    }

    public Node getattr(FsPath path) {
        Optional<Node> removedWhileOpen = hidden.attributes(path);
        return removedWhileOpen.isPresent() ? removedWhileOpen.get() : attrs.getattr(path);
    }

    public void chmod(FsPath path, int mode) {
        writable("chmod", path);
        attrs.chmod(path, mode);
    }

    public void chown(FsPath path, int uid, int gid) {
        writable("chown", path);
        attrs.chown(path, uid, gid);
    }

    public void utimens(FsPath path, Instant mtime) {
        writable("utimens", path);
        attrs.utimens(path, mtime);
    }

    public FsStats statfs(FsPath path) {
        return attrs.statfs(path);
    }

    public List<Node> readdir(FsPath path) {
        return dirs.readdir(path);
    }

    public void mkdir(FsPath path, int mode) {
        writable("mkdir", path);
        dirs.mkdir(path, mode);
    }

    public void rmdir(FsPath path) {
        writable("rmdir", path);
        dirs.rmdir(path);
    }

    public long create(FsPath path, int mode, OpenFlags flags) {
        writable("create", path);
        return files.create(path, mode, flags);
    }

    public long open(FsPath path, OpenFlags flags) {
        if (flags.write() || flags.truncate()) {
            writable("open for writing", path);
        }
        return files.open(path, flags);
    }

    public int read(FsPath path, long handle, byte[] dst, long offset, int length) {
        return files.read(path, handle, dst, offset, length);
    }

    public int write(FsPath path, long handle, byte[] src, long offset, int length) {
        return files.write(path, handle, src, offset, length);
    }

    public void flush(FsPath path, long handle) {
        files.flush(path, handle);
    }

    public void fsync(FsPath path, long handle) {
        files.fsync(path, handle);
    }

    public void release(FsPath path, long handle) {
        files.release(path, handle);
    }

    public void truncate(FsPath path, long size, long handle) {
        writable("truncate", path);
        files.truncate(path, size, handle);
    }

    public void unlink(FsPath path) {
        writable("unlink", path);
        if (!hidden.forget(path)) {
            files.unlink(path);
        }
    }

    public void symlink(String target, FsPath link) {
        writable("symlink", link);
        files.symlink(target, link);
    }

    public String readlink(FsPath path) {
        return files.readlink(path);
    }

    public void rename(FsPath from, FsPath to) {
        writable("rename", from);
        if (hidden.isHide(from, to)) {
            hidden.hide(from, to);
            return;
        }
        if (rename == null) {
            unsupported.warn("rename", "rename is disabled in config: answering EXDEV, so mv copies and deletes instead");
            throw new FsException(Errno.EXDEV, "rename is disabled");
        }
        rename.rename(from, to);
    }

    public byte[] getxattr(FsPath path, String name) {
        return xattrOps().getxattr(path, name);
    }

    public void setxattr(FsPath path, String name, byte[] value) {
        writable("setxattr", path);
        xattrOps().setxattr(path, name, value);
    }

    public List<String> listxattr(FsPath path) {
        return xattrOps().listxattr(path);
    }

    public void removexattr(FsPath path, String name) {
        writable("removexattr", path);
        xattrOps().removexattr(path, name);
    }

    private XattrOps xattrOps() {
        if (xattr == null) {
            unsupported.warn("xattr", "extended attributes are disabled in config: answering ENOTSUP");
            throw new FsException(Errno.ENOTSUP, "extended attributes are disabled");
        }
        return xattr;
    }

    private void writable(String op, FsPath path) {
        if (readOnly) {
            throw new FsException(Errno.EROFS, op + " " + path + ": the mount is read-only");
        }
    }
}
