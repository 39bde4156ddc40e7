package io.localstackmount.plugin.cache.ifmodifiedsince;

import io.localstackmount.api.CachePolicy;
import io.localstackmount.api.CachePolicyProvider;
import io.localstackmount.api.CachedVersion;
import io.localstackmount.api.ContentCache;
import io.localstackmount.api.FsContext;
import io.localstackmount.api.Precondition;
import io.localstackmount.api.Revalidation;
import java.util.Optional;

/**
 * Cache policy {@code if-modified-since}: bodies are kept like {@code etag} keeps them, but an open
 * revalidates with {@code If-Modified-Since: <Last-Modified of the cached version>}, for servers
 * whose ETags are not worth comparing.
 *
 * <p>Its weakness is the granularity: Last-Modified has whole seconds, so an object rewritten within
 * the same second as the cached version answers 304 and the old content is served until the next
 * change in a later second (or until its blocks are evicted). Test suites against LocalStack rewrite
 * fixtures that fast; prefer {@code etag}. A version whose Last-Modified is unknown is fetched again
 * unconditionally. S3Proxy 4.x compares milliseconds and so answers 200 where S3 answers 304: this
 * policy is correct there but saves nothing.
 */
public final class IfModifiedSinceCacheProvider implements CachePolicyProvider {
    public static final String NAME = "if-modified-since";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public CachePolicy create(FsContext context) {
        return new IfModifiedSincePolicy(context.contentCache());
    }

    /** Revalidates by Last-Modified. */
    private record IfModifiedSincePolicy(ContentCache cache) implements CachePolicy {
        @Override
        public Optional<ContentCache> contentCache() {
            return Optional.of(cache);
        }

        @Override
        public Revalidation revalidation(CachedVersion cached) {
            return Revalidation.ask(cached.lastModified() == null ? Precondition.NONE
                    : Precondition.ifModifiedSince(cached.lastModified()));
        }
    }
}
