package io.localstackmount.plugin.dirs;

import io.localstackmount.api.DirOps;
import io.localstackmount.api.Errno;
import io.localstackmount.api.FolderState;
import io.localstackmount.api.FsContext;
import io.localstackmount.api.FsException;
import io.localstackmount.api.FsPath;
import io.localstackmount.api.Node;
import io.localstackmount.api.NodeType;
import io.localstackmount.api.ObjectInfo;
import io.localstackmount.api.PosixMetadata;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * Folders: at the root each folder is a bucket ({@code mkdir} creates one, {@code rmdir} deletes an
 * empty one); inside a bucket a folder is a key prefix, and {@code mkdir} writes the marker object
 * {@code dir/} so that an empty folder stays.
 */
final class StandardDirs implements DirOps {
    private final FsContext ctx;

    StandardDirs(FsContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public List<Node> readdir(FsPath path) {
        Node node = ctx.namespace().lookup(path);
        if (!node.isDirectory()) {
            throw new FsException(Errno.ENOTDIR, path + " is not a folder");
        }
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
        Instant now = ctx.clock().instant();
        if (path.isBucket()) {
            String why = BucketNames.whyInvalid(path.bucket());
            if (why != null) {
                throw new FsException(Errno.EINVAL, "cannot create bucket '" + path.bucket() + "': " + why);
            }
            ctx.store().createBucket(path.bucket());
            ctx.namespace().created(path, ctx.namespace().folderNode(path, now));
            return;
        }
        path.requireValidLength();
        if (path.markerKey().getBytes(java.nio.charset.StandardCharsets.UTF_8).length > FsPath.KEY_MAX) {
            throw new FsException(Errno.ENAMETOOLONG, "the folder marker key of " + path + " would be longer than "
                    + FsPath.KEY_MAX + " bytes");
        }
        int uid = ctx.options().uid();
        int gid = ctx.options().gid();
        ObjectInfo marker = ctx.store().put(path.bucket(), path.markerKey(), new byte[0],
                PosixMetadata.of(Map.of(), NodeType.DIRECTORY, mode, uid, gid, now), "application/x-directory");
        ctx.namespace().created(path, new Node(path.name(), NodeType.DIRECTORY, 0, now, mode & 07777, uid, gid, marker.etag()));
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
        FolderState state = ctx.namespace().folderState(path);
        if (!state.empty()) {
            throw new FsException(Errno.ENOTEMPTY, path + " is not empty");
        }
        if (path.isBucket()) {
            ctx.store().deleteBucket(path.bucket());
        } else if (state.hasMarker()) {
            ctx.store().delete(path.bucket(), path.markerKey());
        }
        ctx.namespace().removed(path);
        if (path.isObject()) {
            ctx.namespace().keepFolder(path.parent());
        }
    }
}
