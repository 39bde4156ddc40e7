package io.localstackmount.api;

import java.util.Objects;

/**
 * What the open of a cached version does, as a {@link CachePolicy} decides.
 *
 * @param ask       false to read the cached version without any request
 * @param condition when asking, the condition the GET of the first block carries
 */
public record Revalidation(boolean ask, Precondition condition) {

    private static final Revalidation TRUST = new Revalidation(false, Precondition.NONE);

    public Revalidation {
        Objects.requireNonNull(condition);
    }

    /** Read the cached version, asking S3 nothing. */
    public static Revalidation trust() {
        return TRUST;
    }

    /** One GET of the first block with {@code condition}; a 304 keeps the cached version. */
    public static Revalidation ask(Precondition condition) {
        return new Revalidation(true, condition);
    }
}
