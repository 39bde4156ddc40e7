package io.localstackmount.plugin.rename;

import io.localstackmount.api.Errno;
import io.localstackmount.api.FolderState;
import io.localstackmount.api.FsContext;
import io.localstackmount.api.FsException;
import io.localstackmount.api.FsPath;
import io.localstackmount.api.Namespace;
import io.localstackmount.api.Node;
import io.localstackmount.api.RenameOps;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * rename(2) over S3, which has no rename: what can be moved in one call, and the rules of the
 * operation. The move itself (server-side copies, then the deletes of the sources, open handles
 * following, the folder left behind kept) is core's {@link io.localstackmount.api.Storage}.
 *
 * <ul>
 *   <li>A file (or symlink) is moved as one object, over a file of the target name if there is one.</li>
 *   <li>A folder is every key below its prefix, markers included ({@link FolderWalk}), copied with at
 *       most {@code parallelism} requests in flight; only over a missing or empty folder.</li>
 *   <li>What this cannot do in one call answers EXDEV with a log line, so that {@code mv} copies and
 *       deletes by itself: buckets (either side), folders over {@code max-keys} or {@code max-bytes}.</li>
 * </ul>
 */
final class StandardRename implements RenameOps {
    private static final Logger LOG = LoggerFactory.getLogger(StandardRename.class);

    private final FsContext ctx;
    private final RenameSettings settings;

    StandardRename(FsContext ctx, RenameSettings settings) {
        this.ctx = ctx;
        this.settings = settings;
    }

    @Override
    public void rename(FsPath from, FsPath to) {
        Namespace ns = ctx.namespace();
        Node source = ns.lookup(from);
        if (from.equals(to)) {
            return;
        }
        if (!from.isObject() || !to.isObject()) {
            throw exdev(from, to, from.isObject() ? to + " would be a bucket, and a bucket is made by mkdir, not rename"
                    : "buckets cannot be renamed");
        }
        if (source.isDirectory() && from.contains(to)) {
            throw new FsException(Errno.EINVAL, "cannot move the folder " + from + " into itself (" + to + ")");
        }
        to.requireValidLength();
        Optional<Node> target = ns.find(to);
        if (target.isPresent()) {
            Node existing = target.get();
            if (source.isDirectory() && !existing.isDirectory()) {
                throw new FsException(Errno.ENOTDIR, "cannot replace the file " + to + " with the folder " + from);
            }
            if (!source.isDirectory() && existing.isDirectory()) {
                throw new FsException(Errno.EISDIR, "cannot replace the folder " + to + " with the file " + from);
            }
            if (existing.isDirectory()) {
                FolderState state = ns.folderState(to);
                if (!state.empty()) {
                    throw new FsException(Errno.ENOTEMPTY, "cannot replace " + to + " with " + from + ": " + to + " is not empty");
                }
            }
        }
        if (!source.isDirectory()) {
            ctx.storage().moveFile(from, to);
            return;
        }
        FolderWalk.Result walk = FolderWalk.walk(ctx.store(), ctx.workers(), settings, from.bucket(), from.childPrefix());
        if (walk.overLimit() != null) {
            throw exdev(from, to, "the folder is too large to rename in one call: " + walk.overLimit());
        }
        if (walk.objects().isEmpty()) {
            throw new FsException(Errno.ENOENT, "no object is left under s3://" + from.bucket() + "/" + from.childPrefix()
                    + " (removed by another client?)");
        }
        ctx.storage().moveFolder(from, to, walk.objects(), settings.parallelism());
    }

    private static FsException exdev(FsPath from, FsPath to, String why) {
        LOG.info("rename {} -> {}: answering EXDEV, so that mv copies and deletes instead: {}", from, to, why);
        return new FsException(Errno.EXDEV, "cannot rename " + from + " to " + to + " here: " + why);
    }
}
