package io.localstackmount.plugin.xattr;

import io.localstackmount.api.ObjectInfo;

/**
 * The S3 system metadata shown as {@code user.s3.*} attributes, in the order {@code listxattr}
 * gives them. All are read-only except {@link #CONTENT_TYPE}. Storage class and version id are not
 * here because {@link ObjectInfo} does not carry them.
 */
enum SystemAttribute {
    /** {@code s3://bucket/key} of the object (folders: of their marker key, ending in {@code /}). Known without an object. */
    KEY("key") {
        @Override
        String valueOf(String bucket, String key, ObjectInfo object) {
            return "s3://" + bucket + "/" + key;
        }
    },
    /** The ETag without its quotes. */
    ETAG("etag") {
        @Override
        String valueOf(String bucket, String key, ObjectInfo object) {
            return object == null ? null : object.etag();
        }
    },
    /** Content-Type; settable. */
    CONTENT_TYPE("content-type") {
        @Override
        String valueOf(String bucket, String key, ObjectInfo object) {
            return object == null ? null : object.contentType();
        }
    },
    /** Last-Modified in ISO-8601 UTC, e.g. {@code 2025-05-01T10:15:30Z}: S3's time of the last write or copy. */
    LAST_MODIFIED("last-modified") {
        @Override
        String valueOf(String bucket, String key, ObjectInfo object) {
            return object == null || object.lastModified() == null ? null : object.lastModified().toString();
        }
    },
    /** Content-Length of the stored object, in decimal bytes (differs from st_size while a write is unsaved). */
    SIZE("size") {
        @Override
        String valueOf(String bucket, String key, ObjectInfo object) {
            return object == null ? null : Long.toString(object.size());
        }
    };

    private final String attributeName;

    SystemAttribute(String suffix) {
        this.attributeName = XattrName.SYSTEM_PREFIX + suffix;
    }

    String attributeName() {
        return attributeName;
    }

    /** The value for the object at {@code key}, or null when unknown ({@code object} null: nothing stored). */
    abstract String valueOf(String bucket, String key, ObjectInfo object);

    static SystemAttribute byName(String name) {
        for (SystemAttribute a : values()) {
            if (a.attributeName.equals(name)) {
                return a;
            }
        }
        return null;
    }
}
