package io.localstackmount.api;

import java.util.List;
import java.util.Optional;

/**
 * Paths to attributes and folder listings, answered from core's caches where it can and from the
 * store where it must. Handlers report every change they make through the mount here, so that the
 * mount never contradicts itself.
 */
public interface Namespace {

    /** The node at {@code path}, or empty when nothing is there. */
    Optional<Node> find(FsPath path);

    /** The node at {@code path}; ENOENT when nothing is there. */
    default Node lookup(FsPath path) {
        return find(path).orElseThrow(() -> new FsException(Errno.ENOENT, "no such file or folder: " + path));
    }

    /** The entries of the folder at {@code path}; ENOENT or ENOTDIR when it is not a folder. */
    List<Node> list(FsPath path);

    /** True when the folder has no entries and, inside a bucket, whether its marker object exists. */
    FolderState folderState(FsPath path);

    /** A local write made {@code path} exist (or changed it): remember it and patch the parent's listing. */
    void created(FsPath path, Node node);

    /** A local delete removed {@code path}: remember its absence and patch the parent's listing. */
    void removed(FsPath path);

    /**
     * Keeps {@code folder} in existence after a removal inside it: S3 has no folders, so when the
     * last key below an implicit folder goes, this writes its marker, as a local disk would keep it.
     */
    void keepFolder(FsPath folder);

    /** Forgets what is cached about {@code path}, everything below it and its parent's listing. */
    void invalidate(FsPath path);

    /** The node for an object at {@code path}, with the mount's defaults where the object has no POSIX metadata. */
    Node nodeOf(FsPath path, ObjectInfo object);

    /** The node for a folder at {@code path}. */
    Node folderNode(FsPath path, java.time.Instant mtime);
}
