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
 * @param checkedAt    when S3 last said this version is current (a GET that fetched it, or a 304),
 *                     during this mount; null when not known, e.g. for blocks of an earlier mount
 */
public record CachedVersion(String bucket, String key, String etag, Instant lastModified, long size, Instant checkedAt) {

    public CachedVersion {
        Objects.requireNonNull(bucket);
        Objects.requireNonNull(key);
        Objects.requireNonNull(etag);
    }

    /** The version a store answer describes, current at {@code now}. */
    public static CachedVersion of(String bucket, ObjectInfo object, Instant now) {
        return new CachedVersion(bucket, object.key(), object.etag(), object.lastModified(), object.size(), now);
    }

    public CachedVersion checkedAt(Instant when) {
        return new CachedVersion(bucket, key, etag, lastModified, size, when);
    }
}
