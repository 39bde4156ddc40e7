package io.localstackmount.api;

import java.util.Optional;

/** One open file handle, as the handle table sees it; the files plugin owns the rest of its state. */
public interface OpenFile {

    FsPath path();

    /** Called when a rename moves the file while it is open, so that it is saved under the new name. */
    void moveTo(FsPath newPath);

    /** Attributes of data not yet uploaded, or empty when the handle holds no unsaved data. */
    Optional<Node> unsavedNode();

    /** Frees local resources (staging files) without uploading. */
    void discard();
}
