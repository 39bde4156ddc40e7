package io.localstackmount.plugin.attrs;

import io.localstackmount.api.AttrOps;
import io.localstackmount.api.Errno;
import io.localstackmount.api.FsContext;
import io.localstackmount.api.FsException;
import io.localstackmount.api.FsPath;
import io.localstackmount.api.FsStats;
import io.localstackmount.api.Node;
import io.localstackmount.api.ObjectInfo;
import io.localstackmount.api.OpenFile;
import io.localstackmount.api.PosixMetadata;
import java.time.Instant;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Attributes live in object user metadata in s3fs's format (see {@link PosixMetadata}). A change
 * to a file being written rides along with its upload; a change to a stored object is a
 * server-side copy onto itself with replaced metadata; a folder's change goes to its marker
 * (written if the folder had none). Buckets and the root have no metadata: changes to them are
 * accepted and not kept, so that {@code chmod -R} and {@code cp -p} never fail a script.
 */
final class StandardAttrs implements AttrOps {
    private static final Logger LOG = LoggerFactory.getLogger(StandardAttrs.class);
    /** S3 has no capacity: report 1 PiB free so that tools checking free space go ahead. */
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
        change(path, n -> n.withMode(mode & 07777));
    }

    @Override
    public void chown(FsPath path, int uid, int gid) {
        change(path, n -> n.withOwner(uid == -1 ? n.uid() : uid, gid == -1 ? n.gid() : gid));
    }

    @Override
    public void utimens(FsPath path, Instant mtime) {
        if (mtime != null) {
            change(path, n -> n.withMtime(mtime));
        }
    }

    @Override
    public FsStats statfs(FsPath path) {
        return new FsStats(BLOCK_SIZE, BLOCKS, BLOCKS, 1L << 32, 1L << 32, FsPath.NAME_MAX);
    }

    private void change(FsPath path, UnaryOperator<Node> change) {
        Node current = ctx.namespace().lookup(path);
        Node wanted = change.apply(current);
        if (wanted.equals(current)) {
            return;
        }
        for (OpenFile file : ctx.openFiles().openAt(path)) {
            if (file.updateUnsaved(change)) {
                return;
            }
        }
        if (!path.isObject()) {
            LOG.debug("{} is a bucket or the root: attribute change accepted, not stored", path);
            return;
        }
        Map<String, String> metadata;
        String key = wanted.isDirectory() ? path.markerKey() : path.key();
        ObjectInfo stored = ctx.store().head(path.bucket(), key).orElse(null);
        if (stored == null && !wanted.isDirectory()) {
            throw new FsException(Errno.ENOENT, path + " vanished from S3 while changing its attributes");
        }
        if (stored != null && !wanted.isDirectory()) {
            // The node may come from a listing, which carries no metadata: apply the change to what the
            // object really stores, so that chmod keeps an s3fs owner and chown keeps its mode.
            wanted = change.apply(ctx.namespace().nodeOf(path, stored));
        }
        metadata = PosixMetadata.of(stored == null ? Map.of() : stored.metadata(), wanted.type(),
                wanted.mode(), wanted.uid(), wanted.gid(), wanted.mtime());
        ObjectInfo written;
        if (stored == null) {
            // An implicit folder: give it a marker that carries the attributes.
            written = ctx.store().put(path.bucket(), key, new byte[0], metadata, "application/x-directory");
        } else {
            written = ctx.store().copy(path.bucket(), key, path.bucket(), key, metadata);
        }
        Node result = wanted.withEtag(written.etag());
        ctx.namespace().created(path, result);
    }
}
