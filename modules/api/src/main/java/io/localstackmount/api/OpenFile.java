package io.localstackmount.api;

import java.util.Optional;

/** One open file handle, as the handle table sees it; the files plugin owns the rest of its state. */
public interface OpenFile {

    FsPath path();

    /** The attributes fstat answers on this handle, also once the file was removed while open. */
    Node attributes();

    /** Called when a rename moves the file while it is open, so that it is saved under the new name. */
    void moveTo(FsPath newPath);

    /** Attributes of data not yet uploaded, or empty when the handle holds no unsaved data. */
    Optional<Node> unsavedNode();

    /**
     * Applies an attribute change (chmod, chown, utimens) to unsaved data, so that it is stored with
     * the upload. Returns false when the handle holds no unsaved data and the change must go to S3.
     */
    boolean updateUnsaved(java.util.function.UnaryOperator<Node> change);

    /**
     * Sets ({@code value} non-null) or removes one user metadata entry ({@code x-amz-meta-KEY}) of
     * unsaved data, so that it is stored with the upload: {@code cp -a} and {@code rsync -X} set
     * attributes on a file they have just written. Returns false when the handle holds no unsaved
     * data (or its provider cannot carry metadata) and the change must go to S3.
     */
    default boolean updateUnsavedMetadata(String key, String value) {
        return false;
    }

    /** Gives unsaved data a chosen Content-Type, stored with its upload; false as for {@link #updateUnsavedMetadata}. */
    default boolean updateUnsavedContentType(String contentType) {
        return false;
    }

    /**
     * The file is about to be removed or replaced under its name (unlink, or a rename onto it): the
     * handle keeps working on the content it opened, but closing it must not store that content
     * under the name again.
     */
    void markUnlinked();

    /**
     * Stores unsaved data now, when nobody waits for the answer: core's retries after a failed
     * close, and unmount. Unlike a close, it never overwrites an object another client changed
     * since the data's base: such data is set aside instead ({@link StagingFile#setAside}). Nothing
     * to do without unsaved data; EIO (or what the store answered) when storing fails.
     *
     * @return false when the data was set aside instead of stored
     */
    default boolean saveUnattended() {
        return true;
    }

    /**
     * Frees local resources without uploading. Unsaved data keeps its staging file and record, so
     * the next start stores it.
     */
    void discard();
}
