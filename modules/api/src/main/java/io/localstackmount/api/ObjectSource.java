package io.localstackmount.api;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * The reading half of the {@link ObjectStore}: what handlers may ask S3 directly. Every change goes
 * through core's {@link Storage} instead, so that the mount never contradicts what it wrote. The
 * source core hands handlers ({@link FsContext#store()}) learns from every answer: a HEAD or GET
 * that shows a newer version, or that the object is gone, updates what the mount shows.
 * Implementations translate their own failures into {@link FsException}: a missing bucket or key
 * is ENOENT, a refused request EACCES, anything the server or network got wrong EIO.
 */
public interface ObjectSource {

    /** Names of all buckets the credentials see, in any order. */
    List<String> listBuckets();

    boolean bucketExists(String bucket);

    /** HEAD of one object; empty when it does not exist. */
    Optional<ObjectInfo> head(String bucket, String key);

    /** One page of a listing of {@code prefix} with delimiter {@code /}; {@code token} null for the first. */
    ListPage listPage(String bucket, String prefix, String token, int maxKeys);

    /** Every page of a delimited listing of {@code prefix}. */
    default Listing list(String bucket, String prefix) {
        return Listings.all(this, bucket, prefix);
    }

    /** Reads {@code length} bytes from {@code offset} (fewer at the end of the object) into {@code dst}. */
    int read(String bucket, String key, long offset, byte[] dst, int dstOffset, int length);

    /**
     * One GET of up to {@code length} bytes from {@code offset} into {@code dst}, sent with
     * {@code condition}: the request a content cache revalidates with. When the condition holds the
     * answer is {@link GetResult#notModified()} (HTTP 304, no body); otherwise the bytes and the
     * object's current version as the answer's headers describe it (whole-object size, ETag,
     * Last-Modified, user metadata). An offset at or past the end, and any offset of an empty
     * object, reads 0 bytes. ENOENT when the object is missing.
     */
    GetResult get(String bucket, String key, Precondition condition, long offset, byte[] dst, int dstOffset, int length);

    /** Downloads a whole object into {@code target}, replacing it. */
    ObjectInfo download(String bucket, String key, Path target) throws IOException;

    /**
     * Writes {@code length} bytes from {@code offset} of the object into {@code target} at the same
     * offset, streaming (nothing of it on the heap), only while the object's ETag is {@code etag}:
     * EIO when it changed, ENOENT when it is gone.
     */
    void downloadRange(String bucket, String key, String etag, long offset, long length, FileChannel target);

    /** A short description for logs, e.g. the endpoint. */
    String describe();
}
