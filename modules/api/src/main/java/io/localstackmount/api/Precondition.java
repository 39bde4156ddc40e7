package io.localstackmount.api;

import java.time.Instant;
import java.util.Objects;

/**
 * The one condition a GET may carry, so that a cache can ask "has this changed?" and get a 304 with
 * no body when it has not. Only one validator is ever sent: LocalStack ORs If-None-Match with
 * If-Modified-Since and can answer a stale 304 when a request carries both.
 *
 * @param etag  for {@link Kind#IF_NONE_MATCH}: the ETag the caller holds (without quotes), else null
 * @param since for {@link Kind#IF_MODIFIED_SINCE}: the Last-Modified the caller holds, else null
 */
public record Precondition(Kind kind, String etag, Instant since) {

    /** Which header the GET carries. */
    public enum Kind {
        /** An ordinary GET. */
        NONE,
        /** {@code If-None-Match: "etag"}: 304 while the object's ETag is still this one. */
        IF_NONE_MATCH,
        /** {@code If-Modified-Since: date}: 304 while Last-Modified is not later (one-second precision). */
        IF_MODIFIED_SINCE
    }

    public static final Precondition NONE = new Precondition(Kind.NONE, null, null);

    public Precondition {
        Objects.requireNonNull(kind);
        if ((kind == Kind.IF_NONE_MATCH) != (etag != null) || (kind == Kind.IF_MODIFIED_SINCE) != (since != null)) {
            throw new IllegalArgumentException("a " + kind + " precondition with etag " + etag + " and time " + since);
        }
    }

    public static Precondition ifNoneMatch(String etag) {
        return new Precondition(Kind.IF_NONE_MATCH, Objects.requireNonNull(etag), null);
    }

    public static Precondition ifModifiedSince(Instant since) {
        return new Precondition(Kind.IF_MODIFIED_SINCE, null, Objects.requireNonNull(since));
    }

    /**
     * Whether {@code current} still satisfies this condition as S3 decides it, i.e. whether the
     * answer is "not modified": for stores that learn the current version another way (a HEAD after
     * a 416, an in-memory fake).
     */
    public boolean unchanged(ObjectInfo current) {
        return switch (kind) {
            case NONE -> false;
            case IF_NONE_MATCH -> etag.equals(current.etag());
            // HTTP dates have whole seconds: compare as S3 does, truncated.
            case IF_MODIFIED_SINCE -> current.lastModified() != null
                    && current.lastModified().getEpochSecond() <= since.getEpochSecond();
        };
    }
}
