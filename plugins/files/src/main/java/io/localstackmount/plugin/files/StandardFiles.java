package io.localstackmount.plugin.files;

import io.localstackmount.api.Errno;
import io.localstackmount.api.FileOps;
import io.localstackmount.api.FsContext;
import io.localstackmount.api.FsException;
import io.localstackmount.api.FsPath;
import io.localstackmount.api.Node;
import io.localstackmount.api.NodeType;
import io.localstackmount.api.ObjectInfo;
import io.localstackmount.api.OpenFile;
import io.localstackmount.api.OpenFlags;
import io.localstackmount.api.PosixMetadata;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Files are objects. Reads are ranged GETs; writes go to a {@link StagedFile} and are uploaded when
 * the file is flushed (every close) or fsync'ed. Symlinks are objects whose body is the target and
 * whose stored mode says S_IFLNK, as s3fs writes them.
 */
final class StandardFiles implements FileOps {
    private static final Logger LOG = LoggerFactory.getLogger(StandardFiles.class);

    private final FsContext ctx;
    private final Uploads uploads;

    StandardFiles(FsContext ctx) {
        this.ctx = ctx;
        this.uploads = Uploads.from(ctx.settings());
    }

    @Override
    public long create(FsPath path, int mode, OpenFlags flags) {
        requireInBucket(path);
        path.requireValidLength();
        if (flags.exclusive() && ctx.namespace().find(path).isPresent()) {
            throw new FsException(Errno.EEXIST, path + " exists");
        }
        return ctx.openFiles().register(StagedFile.create(ctx, uploads, path, mode, flags));
    }

    @Override
    public long open(FsPath path, OpenFlags flags) {
        Node node = ctx.namespace().lookup(path);
        if (node.isDirectory()) {
            throw new FsException(Errno.EISDIR, path + " is a folder");
        }
        return ctx.openFiles().register(StagedFile.open(ctx, uploads, path, node, flags));
    }

    @Override
    public int read(FsPath path, long handle, byte[] dst, long offset, int length) {
        return file(handle).read(dst, offset, length);
    }

    @Override
    public int write(FsPath path, long handle, byte[] src, long offset, int length) {
        return file(handle).write(src, offset, length);
    }

    @Override
    public void flush(FsPath path, long handle) {
        file(handle).save();
    }

    @Override
    public void fsync(FsPath path, long handle) {
        file(handle).save();
    }

    @Override
    public void release(FsPath path, long handle) {
        StagedFile file = (StagedFile) ctx.openFiles().remove(handle);
        if (file.isDirty()) {
            LOG.warn("{} was closed with changes that could not be uploaded (see the error above); they are discarded", file.path());
        }
        file.discard();
    }

    @Override
    public void truncate(FsPath path, long size, long handle) {
        if (handle != 0) {
            file(handle).truncate(size);
            return;
        }
        for (OpenFile open : ctx.openFiles().openAt(path)) {
            if (open instanceof StagedFile staged && staged.isDirty()) {
                staged.truncate(size);
                return;
            }
        }
        Node node = ctx.namespace().lookup(path);
        if (node.isDirectory()) {
            throw new FsException(Errno.EISDIR, path + " is a folder");
        }
        StagedFile file = StagedFile.open(ctx, uploads, path, node, new OpenFlags(true, true, false, false, false));
        try {
            file.truncate(size);
            file.save();
        } finally {
            file.discard();
        }
    }

    @Override
    public void unlink(FsPath path) {
        Node node = ctx.namespace().lookup(path);
        if (node.isDirectory()) {
            throw new FsException(Errno.EISDIR, path + " is a folder: use rmdir");
        }
        boolean stored = node.etag() != null;
        // Open descriptors keep working, but closing them must not bring the file back.
        ctx.openFiles().openAt(path).forEach(OpenFile::markUnlinked);
        if (stored) {
            ctx.store().delete(path.bucket(), path.key());
        }
        ctx.namespace().removed(path);
        ctx.namespace().keepFolder(path.parent());
    }

    @Override
    public void symlink(String target, FsPath link) {
        requireInBucket(link);
        link.requireValidLength();
        if (ctx.namespace().find(link).isPresent()) {
            throw new FsException(Errno.EEXIST, link + " exists");
        }
        byte[] body = target.getBytes(StandardCharsets.UTF_8);
        var now = ctx.clock().instant();
        int uid = ctx.options().uid();
        int gid = ctx.options().gid();
        ObjectInfo stored = ctx.store().put(link.bucket(), link.key(), body,
                PosixMetadata.of(Map.of(), NodeType.SYMLINK, 0777, uid, gid, now), "application/octet-stream");
        ctx.namespace().created(link, new Node(link.name(), NodeType.SYMLINK, body.length, now, 0777, uid, gid, stored.etag()));
    }

    @Override
    public String readlink(FsPath path) {
        Node node = ctx.namespace().lookup(path);
        if (node.type() != NodeType.SYMLINK) {
            throw new FsException(Errno.EINVAL, path + " is not a symlink");
        }
        byte[] body = new byte[(int) node.size()];
        int n = node.size() == 0 ? 0 : ctx.store().read(path.bucket(), path.key(), 0, body, 0, body.length);
        return new String(body, 0, n, StandardCharsets.UTF_8);
    }

    private StagedFile file(long handle) {
        return ctx.openFiles().get(handle, StagedFile.class);
    }

    private static void requireInBucket(FsPath path) {
        if (!path.isObject()) {
            throw new FsException(Errno.EPERM, "cannot create " + path + ": only folders (buckets) can be made at the mount root");
        }
    }
}
