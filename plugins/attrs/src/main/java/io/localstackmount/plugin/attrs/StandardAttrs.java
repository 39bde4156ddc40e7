package io.localstackmount.plugin.attrs;

import io.localstackmount.api.AttrOps;
import io.localstackmount.api.FsContext;
import io.localstackmount.api.FsPath;
import io.localstackmount.api.FsStats;
import io.localstackmount.api.Node;
import java.time.Instant;

/**
 * Attributes live in object user metadata in s3fs's format (see {@link io.localstackmount.api.PosixMetadata}).
 * This group decides what each call changes; core's {@link io.localstackmount.api.Storage} stores
 * it: with the upload of a file being written, as a server-side copy of a stored object onto itself,
 * or in a folder's marker (written if the folder had none). Buckets and the root have no metadata:
 * changes to them are accepted and not kept, so that {@code chmod -R} and {@code cp -p} never fail
 * a script.
 */
final class StandardAttrs implements AttrOps {
    /**
     * S3 has no capacity: 1 PiB in all and free, so that {@code df} shows nothing used. What can
     * be written now is bounded by the staging disk, so that is what is available (f_bavail), and
     * a tool that checks before writing sees the truth.
     */
    private static final long BLOCK_SIZE = 4096;
    private static final long BLOCKS = (1L << 50) / BLOCK_SIZE;

    private final FsContext ctx;

    StandardAttrs(FsContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public Node getattr(FsPath path) {
        return ctx.namespace().lookup(path);
    }

    @Override
    public void chmod(FsPath path, int mode) {
        ctx.storage().changeAttributes(path, n -> n.withMode(mode & 07777));
    }

    @Override
    public void chown(FsPath path, int uid, int gid) {
        ctx.storage().changeAttributes(path, n -> n.withOwner(uid == -1 ? n.uid() : uid, gid == -1 ? n.gid() : gid));
    }

    @Override
    public void utimens(FsPath path, Instant mtime) {
        if (mtime != null) {
            ctx.storage().changeAttributes(path, n -> n.withMtime(mtime));
        }
    }

    @Override
    public FsStats statfs(FsPath path) {
        long available = Math.min(BLOCKS, ctx.staging().usableSpace() / BLOCK_SIZE);
        return new FsStats(BLOCK_SIZE, BLOCKS, BLOCKS, available, 1L << 32, 1L << 32, FsPath.NAME_MAX);
    }
}
