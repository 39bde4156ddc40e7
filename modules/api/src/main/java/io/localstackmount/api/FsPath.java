package io.localstackmount.api;

import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * A normalised absolute path in the mount: the root ({@code /}), a bucket ({@code /bucket}) or an
 * object path ({@code /bucket/a/b}). Maps to a bucket name plus an object key; folders map to the
 * key prefix {@code key + "/"}.
 */
public final class FsPath {
    /** Longest name of one path segment Linux accepts. */
    public static final int NAME_MAX = 255;
    /** Longest object key S3 accepts, in UTF-8 bytes. */
    public static final int KEY_MAX = 1024;

    public static final FsPath ROOT = new FsPath("", "");

    private final String bucket;
    private final String key;

    private FsPath(String bucket, String key) {
        this.bucket = bucket;
        this.key = key;
    }

    /** Parses a FUSE path such as {@code /bucket/dir/file}; repeated and trailing slashes are folded. */
    public static FsPath parse(String path) {
        String trimmed = path.replaceAll("/+", "/");
        if (trimmed.startsWith("/")) {
            trimmed = trimmed.substring(1);
        }
        if (trimmed.endsWith("/")) {
            trimmed = trimmed.substring(0, trimmed.length() - 1);
        }
        if (trimmed.isEmpty()) {
            return ROOT;
        }
        int slash = trimmed.indexOf('/');
        return slash < 0 ? new FsPath(trimmed, "") : new FsPath(trimmed.substring(0, slash), trimmed.substring(slash + 1));
    }

    public static FsPath of(String bucket, String key) {
        Objects.requireNonNull(bucket);
        Objects.requireNonNull(key);
        if (bucket.isEmpty() && !key.isEmpty()) {
            throw new IllegalArgumentException("a key needs a bucket");
        }
        return new FsPath(bucket, key);
    }

    public boolean isRoot() {
        return bucket.isEmpty();
    }

    public boolean isBucket() {
        return !bucket.isEmpty() && key.isEmpty();
    }

    /** True for paths inside a bucket (they map to an object key). */
    public boolean isObject() {
        return !key.isEmpty();
    }

    public String bucket() {
        return bucket;
    }

    /** The object key; empty for the root and for buckets. */
    public String key() {
        return key;
    }

    /** The key prefix that lists this path's children: {@code ""} in a bucket root, else {@code key + "/"}. */
    public String childPrefix() {
        return key.isEmpty() ? "" : key + "/";
    }

    /** The key of this path's folder marker object. */
    public String markerKey() {
        return key + "/";
    }

    /** The last segment: the bucket name for a bucket, {@code ""} for the root. */
    public String name() {
        if (isRoot()) {
            return "";
        }
        if (key.isEmpty()) {
            return bucket;
        }
        return key.substring(key.lastIndexOf('/') + 1);
    }

    public FsPath parent() {
        if (isRoot()) {
            return ROOT;
        }
        if (key.isEmpty()) {
            return ROOT;
        }
        int slash = key.lastIndexOf('/');
        return new FsPath(bucket, slash < 0 ? "" : key.substring(0, slash));
    }

    public FsPath child(String name) {
        if (name.isEmpty() || name.indexOf('/') >= 0) {
            throw new IllegalArgumentException("not a single path segment: " + name);
        }
        if (isRoot()) {
            return new FsPath(name, "");
        }
        return new FsPath(bucket, key.isEmpty() ? name : key + "/" + name);
    }

    /** True when {@code other} is this path or lies below it. */
    public boolean contains(FsPath other) {
        if (isRoot()) {
            return true;
        }
        if (!bucket.equals(other.bucket)) {
            return false;
        }
        return key.isEmpty() || other.key.equals(key) || other.key.startsWith(key + "/");
    }

    /** Throws ENAMETOOLONG when a segment or the key is longer than Linux or S3 accept. */
    public FsPath requireValidLength() {
        if (name().getBytes(StandardCharsets.UTF_8).length > NAME_MAX) {
            throw new FsException(Errno.ENAMETOOLONG, "name longer than " + NAME_MAX + " bytes: " + this);
        }
        if (key.getBytes(StandardCharsets.UTF_8).length > KEY_MAX) {
            throw new FsException(Errno.ENAMETOOLONG, "object key longer than " + KEY_MAX + " bytes: " + this);
        }
        return this;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof FsPath p && p.bucket.equals(bucket) && p.key.equals(key);
    }

    @Override
    public int hashCode() {
        return bucket.hashCode() * 31 + key.hashCode();
    }

    @Override
    public String toString() {
        if (isRoot()) {
            return "/";
        }
        return key.isEmpty() ? "/" + bucket : "/" + bucket + "/" + key;
    }
}
