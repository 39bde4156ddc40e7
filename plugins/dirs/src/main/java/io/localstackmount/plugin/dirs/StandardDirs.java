package io.localstackmount.plugin.dirs;

import io.localstackmount.api.DirOps;
import io.localstackmount.api.Errno;
import io.localstackmount.api.FsContext;
import io.localstackmount.api.FsException;
import io.localstackmount.api.FsPath;
import io.localstackmount.api.Node;
import io.localstackmount.api.NodeType;
import io.localstackmount.api.PosixMetadata;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * Folders: at the root each folder is a bucket ({@code mkdir} creates one, {@code rmdir} deletes an
 * empty one); inside a bucket a folder is a key prefix, and {@code mkdir} writes the marker object
 * {@code dir/} so that an empty folder stays.
 */
final class StandardDirs implements DirOps {
    /** What s3fs and the AWS console give folder markers. */
    private static final String FOLDER_CONTENT_TYPE = "application/x-directory";

    private final FsContext ctx;

    StandardDirs(FsContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public List<Node> readdir(FsPath path) {
        // No lookup of the folder first: list answers ENOENT and ENOTDIR itself, and a lookup of a
        // listed folder would HEAD every entry of its parent whose attributes are unknown, so that
        // find, which only lists, would cost a HEAD per object instead of a LIST per folder.
        return ctx.namespace().list(path);
    }

    @Override
    public void mkdir(FsPath path, int mode) {
        if (path.isRoot()) {
            throw new FsException(Errno.EEXIST, "the mount root exists");
        }
        if (ctx.namespace().find(path).isPresent()) {
            throw new FsException(Errno.EEXIST, path + " exists");
        }
        if (path.isBucket()) {
            String why = BucketNames.whyInvalid(path.bucket());
            if (why != null) {
                throw new FsException(Errno.EINVAL, "cannot create bucket '" + path.bucket() + "': " + why);
            }
            ctx.storage().createBucket(path);
            return;
        }
        path.requireValidLength();
        if (path.markerKey().getBytes(StandardCharsets.UTF_8).length > FsPath.KEY_MAX) {
            throw new FsException(Errno.ENAMETOOLONG, "the folder marker key of " + path + " would be longer than "
                    + FsPath.KEY_MAX + " bytes");
        }
        Instant now = ctx.clock().instant();
        ctx.storage().makeFolder(path, PosixMetadata.of(Map.of(), NodeType.DIRECTORY, mode, ctx.options().uid(),
                ctx.options().gid(), now), FOLDER_CONTENT_TYPE);
    }

    @Override
    public void rmdir(FsPath path) {
        if (path.isRoot()) {
            throw new FsException(Errno.EPERM, "the mount root cannot be removed");
        }
        Node node = ctx.namespace().lookup(path);
        if (!node.isDirectory()) {
            throw new FsException(Errno.ENOTDIR, path + " is not a folder");
        }
        if (path.isBucket()) {
            ctx.storage().deleteBucket(path);
        } else {
            ctx.storage().removeFolder(path);
        }
    }
}
