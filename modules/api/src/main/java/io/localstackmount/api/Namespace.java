package io.localstackmount.api;

import java.util.List;
import java.util.Optional;

/**
 * Paths to attributes and folder listings, answered from core's caches where its consistency rules
 * allow (docs/CACHING.md) and from S3 where they do not. Read-only for handlers: core keeps it true
 * as changes go through {@link Storage} and answers come back from S3.
 */
public interface Namespace {

    /** The node at {@code path}, or empty when nothing is there. */
    Optional<Node> find(FsPath path);

    /** The node at {@code path}; ENOENT when nothing is there. */
    default Node lookup(FsPath path) {
        return find(path).orElseThrow(() -> new FsException(Errno.ENOENT, "no such file or folder: " + path));
    }

    /** The entries of the folder at {@code path}, as S3 lists them now; ENOENT or ENOTDIR when it is not a folder. */
    List<Node> list(FsPath path);

    /** True when the folder has no entries and, inside a bucket, whether its marker object exists. */
    FolderState folderState(FsPath path);

    /** The node for an object at {@code path}, with the mount's defaults where the object has no POSIX metadata. */
    Node nodeOf(FsPath path, ObjectInfo object);
}
