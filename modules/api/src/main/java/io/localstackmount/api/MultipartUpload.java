package io.localstackmount.api;

import java.nio.file.Path;
import java.util.List;

/**
 * A multipart upload of one object, started through {@link Storage#startUpload}. Parts may be sent
 * from several threads. Nothing shows in the mount, and nothing changes in S3 for other readers,
 * until {@link #complete}; {@link #abort} frees the parts.
 */
public interface MultipartUpload {

    /** Uploads part {@code partNumber} (from 1): {@code length} bytes of {@code source} at {@code offset}; its ETag. */
    String uploadPart(int partNumber, Path source, long offset, long length);

    /**
     * Part {@code partNumber} as a server-side copy of {@code length} bytes at {@code offset} of the
     * object at {@code source}, only while its ETag is {@code sourceEtag} (EIO otherwise); its ETag.
     */
    String copyPart(int partNumber, FsPath source, String sourceEtag, long offset, long length);

    /** Completes the upload of {@code size} bytes from the parts' ETags in part order: the object appears now. */
    Node complete(List<String> partEtags, long size);

    /** Aborts the upload; aborting twice, or after a failure, is not an error. */
    void abort();
}
