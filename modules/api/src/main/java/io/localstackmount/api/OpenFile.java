package io.localstackmount.api;

import java.util.Optional;

/** One open file handle, as the handle table sees it; the files plugin owns the rest of its state. */
public interface OpenFile {

    FsPath path();

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
     * The file was removed or replaced under its name (unlink, or a rename onto it): the handle
     * keeps working, but closing it must not store its data under that name again.
     */
    void markUnlinked();

    /** Frees local resources (staging files) without uploading. */
    void discard();
}
