package io.localstackmount.api;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The S3 operations the filesystem needs, synchronously. Implementations translate their own
 * failures into {@link FsException}: a missing bucket or key is ENOENT, a refused request EACCES,
 * anything the server or network got wrong EIO. Parallelism lives inside implementations.
 */
public interface ObjectStore extends AutoCloseable {

    /** Names of all buckets the credentials see, in any order. */
    List<String> listBuckets();

    boolean bucketExists(String bucket);

    /** Creates a bucket; one that already exists and is ours is not an error. */
    void createBucket(String bucket);

    /** Deletes an empty bucket; ENOTEMPTY when it still has objects. */
    void deleteBucket(String bucket);

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

    /**
     * Uploads {@code source} as the whole object, replacing any previous one only on success; large
     * files go up as a parallel multipart upload that is aborted on failure.
     */
    ObjectInfo upload(String bucket, String key, Path source, Map<String, String> metadata, String contentType);

    /** Uploads a small body, e.g. a folder marker or a symlink. */
    ObjectInfo put(String bucket, String key, byte[] body, Map<String, String> metadata, String contentType);

    /** Starts a multipart upload of {@code key} with the object's metadata; returns the upload id. */
    String startMultipart(String bucket, String key, Map<String, String> metadata, String contentType);

    /** Uploads part {@code partNumber} (from 1) from {@code length} bytes of {@code source} at {@code offset}; returns its ETag. */
    String uploadPart(String bucket, String key, String uploadId, int partNumber, Path source, long offset, long length);

    /**
     * Copies {@code length} bytes from {@code offset} of the source object server-side as part
     * {@code partNumber} (UploadPartCopy), only while the source's ETag is {@code sourceEtag}
     * (EIO when it changed); returns the part's ETag.
     */
    String uploadPartCopy(String bucket, String key, String uploadId, int partNumber,
                          String srcBucket, String srcKey, String sourceEtag, long offset, long length);

    /** Completes a multipart upload from its parts' ETags, in part order; the object appears only now. */
    ObjectInfo completeMultipart(String bucket, String key, String uploadId, List<String> partEtags);

    /** Aborts a multipart upload, freeing its parts; aborting an unknown upload is not an error. */
    void abortMultipart(String bucket, String key, String uploadId);

    /** Deletes one object; deleting a missing one is not an error (S3 semantics). */
    void delete(String bucket, String key);

    /**
     * Server-side copy; with {@code metadata} non-null it replaces the user metadata, else keeps it.
     * Objects over 5 GiB (one CopyObject's limit) are copied as a multipart copy.
     */
    ObjectInfo copy(String srcBucket, String srcKey, String dstBucket, String dstKey, Map<String, String> metadata);

    /** A short description for logs, e.g. the endpoint. */
    String describe();

    @Override
    void close();
}
