package io.localstackmount.api;

import java.util.Optional;

/**
 * How open files use the content cache: a plugin chosen by name in config ({@code cache.policy}),
 * created once per mount by its {@link CachePolicyProvider}. The files plugin asks it two things:
 * whether bodies are cached at all, and how to ask S3 whether a cached version is still current.
 *
 * <p>The protocol it plugs into (close-to-open): every open for reading sends one GET of the first
 * block. When that block of the version the mount knows is cached, the GET carries
 * {@link #revalidation}'s condition, and a 304 means every cached block of that version is reused;
 * otherwise the answer brings the current version's first block and its ETag, and the handle reads
 * that version to the end. Blocks are fetched on a miss and cached as they are read.
 */
public interface CachePolicy {

    /** The cache bodies are kept in, or empty to read every byte from S3 (nothing is cached or revalidated). */
    Optional<ContentCache> contentCache();

    /**
     * The condition the open of a cached version sends, e.g. {@code If-None-Match: "etag"}.
     * {@link Precondition#NONE} fetches the first block again unconditionally.
     */
    Precondition revalidation(CachedVersion cached);
}
