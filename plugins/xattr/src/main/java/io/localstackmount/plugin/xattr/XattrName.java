package io.localstackmount.plugin.xattr;

import io.localstackmount.api.Errno;
import io.localstackmount.api.FsException;
import io.localstackmount.api.PosixMetadata;
import java.util.Locale;
import java.util.Set;

/**
 * What one extended attribute name means here. Only the {@code user.} namespace exists (so that
 * unprivileged tools show it): {@code user.s3.*} names S3 system metadata ({@link SystemAttribute}),
 * every other {@code user.<name>} is the user metadata header {@code x-amz-meta-<name>}. The POSIX
 * keys s3fs keeps in user metadata belong to chmod, chown and touch and are never attributes.
 * {@link StandardXattrs} decides what each kind allows.
 *
 * @param name        the attribute name as the caller gave it
 * @param kind        what it is
 * @param metadataKey the user metadata key ({@link Kind#USER} and {@link Kind#POSIX}), else null
 * @param system      the system attribute ({@link Kind#SYSTEM}), else null
 */
record XattrName(String name, Kind kind, String metadataKey, SystemAttribute system) {
    static final String USER_PREFIX = "user.";
    /** Prefix of the system attributes, inside the user namespace; user metadata may not use it. */
    static final String SYSTEM_PREFIX = USER_PREFIX + "s3.";
    /** The user metadata keys that hold POSIX attributes (see {@link PosixMetadata}). */
    static final Set<String> POSIX_KEYS = Set.of(PosixMetadata.MODE, PosixMetadata.UID, PosixMetadata.GID, PosixMetadata.MTIME);
    /**
     * Characters of an HTTP header name (RFC 9110 {@code tchar}) except upper case, which S3
     * folds: {@code user.Color} would be stored as {@code color} and then never be found again.
     */
    private static final String TOKEN_PUNCTUATION = "!#$%&'*+-.^_`|~";

    enum Kind {
        /** {@code security.*}, {@code trusted.*}, {@code system.*}: nothing is stored there. */
        OTHER_NAMESPACE,
        /** {@code user.s3.etag} and its siblings. */
        SYSTEM,
        /** {@code user.s3.<anything else>}: reserved, so that system names never collide with user metadata. */
        RESERVED,
        /** {@code user.mode}, {@code user.uid}, {@code user.gid}, {@code user.mtime}. */
        POSIX,
        /** {@code user.<name>}: the header {@code x-amz-meta-<name>}. */
        USER
    }

    static XattrName of(String name) {
        if (!name.startsWith(USER_PREFIX)) {
            return new XattrName(name, Kind.OTHER_NAMESPACE, null, null);
        }
        if (name.startsWith(SYSTEM_PREFIX)) {
            SystemAttribute system = SystemAttribute.byName(name);
            return new XattrName(name, system == null ? Kind.RESERVED : Kind.SYSTEM, null, system);
        }
        String key = name.substring(USER_PREFIX.length());
        return new XattrName(name, POSIX_KEYS.contains(key) ? Kind.POSIX : Kind.USER, key, null);
    }

    /** The attribute name of user metadata key {@code key}, or null when it is not shown as one. */
    static String ofMetadataKey(String key) {
        if (POSIX_KEYS.contains(key)) {
            return null;
        }
        String name = USER_PREFIX + key;
        return name.startsWith(SYSTEM_PREFIX) ? null : name;
    }

    /** Throws EINVAL when S3 cannot carry {@link #metadataKey()} as a header name. */
    void requireStorableKey() {
        if (metadataKey.isEmpty()) {
            throw new FsException(Errno.EINVAL, "\"" + name + "\" has no name after \"user.\"");
        }
        if (!metadataKey.equals(metadataKey.toLowerCase(Locale.ROOT))) {
            throw new FsException(Errno.EINVAL, "\"" + name + "\": S3 stores metadata names in lower case, so it could not be"
                    + " read back under this name; use \"" + USER_PREFIX + metadataKey.toLowerCase(Locale.ROOT) + "\"");
        }
        for (int i = 0; i < metadataKey.length(); i++) {
            char c = metadataKey.charAt(i);
            boolean ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || TOKEN_PUNCTUATION.indexOf(c) >= 0;
            if (!ok) {
                throw new FsException(Errno.EINVAL, "\"" + name + "\": S3 metadata names are HTTP header names, which"
                        + " cannot contain " + describe(c) + "; letters, digits and " + TOKEN_PUNCTUATION + " are allowed");
            }
        }
    }

    private static String describe(char c) {
        if (c == ' ') {
            return "spaces";
        }
        if (c < 0x20 || c == 0x7f) {
            return "control characters";
        }
        if (c > 0x7f) {
            return "non-ASCII characters such as '" + c + "'";
        }
        return "'" + c + "'";
    }
}
