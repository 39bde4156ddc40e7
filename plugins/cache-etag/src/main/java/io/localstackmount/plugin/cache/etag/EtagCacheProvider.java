package io.localstackmount.plugin.cache.etag;

import io.localstackmount.api.CachePolicy;
import io.localstackmount.api.CachePolicyProvider;
import io.localstackmount.api.CachedVersion;
import io.localstackmount.api.ContentCache;
import io.localstackmount.api.FsContext;
import io.localstackmount.api.Precondition;
import io.localstackmount.api.Revalidation;
import java.util.Optional;

/**
 * Cache policy {@code etag}, the default: bodies are kept in the mount's content cache by bucket,
 * key and ETag, and every open revalidates with {@code If-None-Match: "etag"}. A 304 (no body)
 * means the cached blocks are current. ETags change with every write (on LocalStack and S3Proxy
 * they are the content's MD5), so no change is ever missed, however quickly it follows the last.
 * The header is sent alone: LocalStack ORs it with If-Modified-Since when both are present.
 */
public final class EtagCacheProvider implements CachePolicyProvider {
    public static final String NAME = "etag";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public CachePolicy create(FsContext context) {
        return new EtagPolicy(context.contentCache());
    }

    /** Revalidates by ETag. */
    private record EtagPolicy(ContentCache cache) implements CachePolicy {
        @Override
        public Optional<ContentCache> contentCache() {
            return Optional.of(cache);
        }

        @Override
        public Revalidation revalidation(CachedVersion cached) {
            return Revalidation.ask(Precondition.ifNoneMatch(cached.etag()));
        }
    }
}
