package io.localstackmount.api;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * Every change a handler makes in S3, carried out by core. Each call changes S3 and, in the same
 * step, everything the mount keeps about it: the namespace (attributes, listings, "no such file"),
 * metadata remembered by version, and the open-file table (descriptors of a removed file keep their
 * content but never store it again; descriptors of a moved file follow it). Handlers decide what to
 * change and check the rules of their operation; they never patch a cache, so a drop-in plugin
 * gets the bookkeeping right by construction.
 *
 * <p>Each call returns the node the mount now shows for the path, as core derived it from what S3
 * answered. A call that fails has changed nothing that the mount shows, except where it says so.
 */
public interface Storage {

    /** mkdir at the root: creates the bucket. */
    Node createBucket(FsPath bucket);

    /** rmdir at the root: deletes the bucket, which must be empty (ENOTEMPTY otherwise). */
    void deleteBucket(FsPath bucket);

    /**
     * mkdir inside a bucket of a name nothing holds: writes the marker object {@code folder/} with
     * {@code metadata}. The new folder is known to be empty, so looking up names in it costs nothing
     * until something else is written there.
     */
    Node makeFolder(FsPath folder, Map<String, String> metadata, String contentType);

    /** Writes the marker object {@code folder/} of an existing folder with {@code metadata}: its attributes. */
    Node putFolderMarker(FsPath folder, Map<String, String> metadata, String contentType);

    /**
     * rmdir inside a bucket: deletes the folder's marker if it has one. Its parent folder stays, as
     * on a local disk: when it would vanish (it was implicit and this was its last entry), core
     * writes the parent's marker.
     */
    void removeFolder(FsPath folder);

    /** Stores a small object whole, e.g. a symlink (the body is its target). */
    Node put(FsPath path, byte[] body, Map<String, String> metadata, String contentType);

    /** Stores the file {@code source} as the object at {@code path}: the write-back of a file. */
    Node upload(FsPath path, Path source, Map<String, String> metadata, String contentType);

    /** Starts a multipart upload of the object at {@code path}; nothing shows until it completes. */
    MultipartUpload startUpload(FsPath path, Map<String, String> metadata, String contentType);

    /**
     * Replaces the user metadata of what is stored at {@code path}: a file's object (a server-side
     * copy onto itself), a folder's marker (written when the folder has none).
     */
    Node replaceMetadata(FsPath path, Map<String, String> metadata);

    /**
     * chmod, chown and utimens: {@code change} applied to the node at {@code path}. A file open with
     * unsaved data takes it with its upload; otherwise the change is stored in the object's (or the
     * folder marker's) POSIX metadata. Buckets and the root keep no metadata: accepted, not stored.
     */
    Node changeAttributes(FsPath path, UnaryOperator<Node> change);

    /**
     * unlink of a file or symlink: deletes its object. Open descriptors keep reading and writing
     * what they opened, but their close no longer stores it under the name. The folder it was in
     * stays (see {@link #removeFolder}).
     */
    void remove(FsPath path);

    /**
     * rename of a file or symlink to a free name or over a file: a server-side copy, then the delete
     * of the old key. A file open with unsaved data and no object yet is not copied: its descriptors
     * move and store it under the new name. Either name or both hold the object afterwards, never
     * neither: EIO says when it is under both. A Content-Type guessed from the old name becomes the
     * new name's guess, a chosen one stays ({@link ContentTypes}). Returns the node at {@code to}.
     */
    Node moveFile(FsPath from, FsPath to);

    /**
     * rename of a folder: {@code objects} (every key below {@code from}'s prefix, markers included,
     * as a walk found them) copied below {@code to}'s prefix with at most {@code parallelism} in
     * flight, then the old keys deleted, markers last and deepest first. A failed copy deletes
     * nothing and removes the copies made; a failed delete leaves those objects under both names.
     * Both answer EIO. {@code to}, if it exists, is an empty folder that this replaces.
     */
    void moveFolder(FsPath from, FsPath to, List<ObjectInfo> objects, int parallelism);
}
