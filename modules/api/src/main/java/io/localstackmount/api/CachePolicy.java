package io.localstackmount.api;

import java.util.Optional;

/**
 * How open files use the content cache: a plugin chosen by name in config ({@code cache.policy}),
 * created once per mount by its {@link CachePolicyProvider}. The files plugin asks it two things:
 * whether bodies are cached at all, and what the open of a cached version does to make sure it is
 * still current.
 *
 * <p>The protocol it plugs into (close-to-open): when the first block of the version the mount
 * knows for a file is cached, {@link #revalidation} decides. {@link Revalidation#trust()} reads the
 * cached version without asking S3; {@link Revalidation#ask} sends one GET of the first block with
 * that condition, where a 304 means every cached block of that version is reused and any other
 * answer brings the current version's first block, which the handle then reads to the end. When
 * nothing of the version is cached the open sends that GET unconditionally. Blocks are fetched on a
 * miss and cached as they are read.
 */
public interface CachePolicy {

    /** The cache bodies are kept in, or empty to read every byte from S3 (nothing is cached or revalidated). */
    Optional<ContentCache> contentCache();

    /**
     * What the open of {@code cached} does: trust it, or ask S3 with a condition (for example
     * {@code If-None-Match: "etag"}); {@code ask(Precondition.NONE)} fetches the first block again.
     * {@link CachedVersion#checkedAt()} says when S3 last confirmed the version.
     */
    Revalidation revalidation(CachedVersion cached);
}
