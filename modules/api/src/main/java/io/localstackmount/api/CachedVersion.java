package io.localstackmount.api;

import java.time.Instant;
import java.util.Objects;

/**
 * One version of one object, as the content cache keys it: content never changes under an ETag, so
 * a cached block is either right or absent.
 *
 * @param bucket       the bucket
 * @param key          the object key
 * @param etag         the version's ETag, without quotes
 * @param lastModified its Last-Modified as the GET that fetched it said, or null when unknown
 * @param size         the whole object's size in bytes
 */
public record CachedVersion(String bucket, String key, String etag, Instant lastModified, long size) {

    public CachedVersion {
        Objects.requireNonNull(bucket);
        Objects.requireNonNull(key);
        Objects.requireNonNull(etag);
    }

    /** The version a store answer describes. */
    public static CachedVersion of(String bucket, ObjectInfo object) {
        return new CachedVersion(bucket, object.key(), object.etag(), object.lastModified(), object.size());
    }
}
