package io.localstackmount.api;

import java.util.Optional;

/**
 * A bounded local store of object content in fixed-size blocks, keyed by bucket, key, ETag and block
 * number ({@link CachedVersion}): an overwritten object has a new ETag, so its old blocks can never
 * be served for it. Core owns the one implementation (files under the user's cache folder, least
 * recently used blocks evicted first, every block checked against a checksum when read) and hands
 * it to cache policies through {@link FsContext#contentCache()}; the files plugin reads through it.
 *
 * <p>A cache never fails a read: a block it cannot find, cannot read or finds damaged is simply
 * absent, and a block it cannot store is dropped. Thread-safe; several readers of one block are fine.
 */
public interface ContentCache {

    /** Bytes per block: every block but an object's last one is exactly this long. */
    int blockSize();

    /**
     * What is cached of a version, judged by its first block (the one every open reads): empty when
     * that block is not cached. Looks at the index only, never at the disk.
     */
    Optional<CachedVersion> find(String bucket, String key, String etag);

    /**
     * Copies block {@code index} of the version into {@code dst} from {@code dstOffset}, which must
     * have room for the block ({@link #blockSize()} bytes, or what is left of the object for its last
     * block). Returns the block's length, or -1 when it is not cached, or is missing or damaged on
     * disk (it is then dropped, so that the caller fetches it).
     */
    int read(String bucket, String key, String etag, long index, byte[] dst, int dstOffset);

    /**
     * Keeps {@code length} bytes of {@code data} from {@code offset} as block {@code index} of
     * {@code version}; the length must be the block's (see {@link #read}), else IllegalArgumentException.
     */
    void write(CachedVersion version, long index, byte[] data, int offset, int length);

    /** S3 said at {@code when} that the version is still current (a 304): {@link #find} reports it from now on. */
    void checked(String bucket, String key, String etag, java.time.Instant when);
}
