package io.localstackmount.api;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The S3 operations the filesystem needs, synchronously: the reads of {@link ObjectSource} plus every
 * change. Only core and the stores see the changes; handlers change S3 through {@link Storage}.
 * Parallelism lives inside implementations.
 */
public interface ObjectStore extends ObjectSource, AutoCloseable {

    /** Creates a bucket; one that already exists and is ours is not an error. */
    void createBucket(String bucket);

    /** Deletes an empty bucket; ENOTEMPTY when it still has objects. */
    void deleteBucket(String bucket);

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

    /**
     * {@link #copy(String, String, String, String, Map)} whose copy gets the Content-Type that
     * {@code contentType} answers for the source's (the source's own to keep it): a rename decides it
     * from the names, and the store learns the source's type from the HEAD it makes anyway. A store
     * that cannot change the type on a copy keeps the source's, which this default does.
     */
    default ObjectInfo copy(String srcBucket, String srcKey, String dstBucket, String dstKey, Map<String, String> metadata,
                            java.util.function.UnaryOperator<String> contentType) {
        return copy(srcBucket, srcKey, dstBucket, dstKey, metadata);
    }

    @Override
    void close();
}
