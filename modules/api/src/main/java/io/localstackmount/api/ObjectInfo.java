package io.localstackmount.api;

import java.time.Instant;
import java.util.Map;

/**
 * One object as the store reports it.
 *
 * @param key          full object key
 * @param size         bytes
 * @param lastModified server time of the last write
 * @param etag         ETag with its quotes removed
 * @param metadata     user metadata ({@code x-amz-meta-*} without the prefix, lower-case keys), or
 *                     null when the answer did not carry it (listings do not)
 * @param contentType  Content-Type, or null when unknown
 */
public record ObjectInfo(String key, long size, Instant lastModified, String etag,
                         Map<String, String> metadata, String contentType) {

    public ObjectInfo withSize(long newSize) {
        return new ObjectInfo(key, newSize, lastModified, etag, metadata, contentType);
    }

    public boolean metadataKnown() {
        return metadata != null;
    }
}
