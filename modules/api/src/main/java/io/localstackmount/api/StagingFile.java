package io.localstackmount.api;

import java.nio.file.Path;

/**
 * One staging file of {@link Staging} and its record: bucket, key, the version the content started
 * from (its base) and its state. The handler that owns the content says what happens to it; core
 * moves the record along with renames and marks it removed on unlink. Thread-safe.
 */
public interface StagingFile {

    /** The local file that holds the content. */
    Path file();

    /** The ETag of the version the content started from, or null when there was no object. */
    String baseEtag();

    /**
     * The content is about to differ from what S3 stores: recorded before the first write after its
     * creation or its last save, so that a crash from then on leaves data the next start uploads.
     * ENOSPC when even the record cannot be written.
     */
    void changed();

    /**
     * A close is about to store the content over version {@code etag} (null: there is no object):
     * a close replaces whatever is there, so a retry of this content may replace that version, and
     * only that one. Becomes the base; recorded with the next state.
     */
    void replacing(String etag);

    /**
     * The staging file holds only the parts of the content that were written or read; the rest is
     * still the base object's (an in-place edit of a large object). Recovery after a crash cannot
     * upload such a file alone, so it sets it aside with the parts written, never uploading holes.
     */
    void partial();

    /** An upload of the content starts: if the process dies now, the next start checks whether it completed. */
    void uploading();

    /** The content is stored at {@code path} as version {@code etag}: nothing to recover; the base of later changes. */
    void saved(FsPath path, String etag);

    /** The upload failed: the content stays to be stored, and the record says so. */
    void failed();

    /**
     * Another client changed the object since the content's base, as {@code current} shows (null:
     * it was deleted): the data must not overwrite it. Moves the staging file to the conflicts
     * folder, logs where it is, and returns that place; this staging file is gone afterwards.
     */
    Path setAside(ObjectInfo current);

    /** Deletes the staging file and its record: the content is stored, or nobody wants it any more. */
    void delete();
}
