package io.localstackmount.plugin.cache.none;

import io.localstackmount.api.CachePolicy;
import io.localstackmount.api.CachePolicyProvider;
import io.localstackmount.api.CachedVersion;
import io.localstackmount.api.ContentCache;
import io.localstackmount.api.FsContext;
import io.localstackmount.api.Precondition;
import io.localstackmount.api.Revalidation;
import java.util.Optional;

/**
 * Cache policy {@code none}: no content cache. Every read of an open file is a ranged GET, so a
 * read always sees what S3 holds at that moment, at the price of one GET per read window; the
 * content cache is never opened. For debugging the cache, or where disk space is precious.
 */
public final class NoCacheProvider implements CachePolicyProvider {
    public static final String NAME = "none";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public CachePolicy create(FsContext context) {
        return NoCache.INSTANCE;
    }

    /** Keeps nothing, so there is nothing to revalidate. */
    private enum NoCache implements CachePolicy {
        INSTANCE;

        @Override
        public Optional<ContentCache> contentCache() {
            return Optional.empty();
        }

        @Override
        public Revalidation revalidation(CachedVersion cached) {
            return Revalidation.ask(Precondition.NONE);
        }
    }
}
