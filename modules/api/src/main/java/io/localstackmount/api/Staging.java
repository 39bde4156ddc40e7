package io.localstackmount.api;

/**
 * Core's staging area: the local files written data waits in until S3 has it, each recorded on disk
 * with the object it is for, so that no write that {@code close()} or {@code fsync()} accepted is lost
 * when an upload fails or the process dies. Handlers ask it for their staging files and say when the
 * content changed, is being uploaded and was stored ({@link StagingFile}); core keeps the records,
 * follows renames and removals of the path, retries content closed unsaved ({@link #keep}), and
 * uploads what a killed mount left at the next start (docs/RELIABILITY.md).
 */
public interface Staging {

    /**
     * A new, empty staging file for the object at {@code path}, whose content starts from the
     * version {@code baseEtag} (null: there is no object yet). Nothing is recorded until the content
     * changes. ENOSPC when the staging disk is full.
     */
    StagingFile create(FsPath path, String baseEtag);

    /**
     * The last descriptor of {@code file} closed while it still holds data that could not be stored.
     * Core keeps it open: it stays what the mount shows at its path, a new open of the path joins it,
     * renames and removals reach it. Core calls {@link OpenFile#saveUnattended} in the background
     * with growing pauses until it is stored, and at unmount, then {@link OpenFile#discard}s it.
     */
    void keep(OpenFile file);

    /** Bytes the staging disk can still take: what can be written before writes answer ENOSPC. */
    long usableSpace();
}
