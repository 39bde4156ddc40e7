package io.localstackmount.plugin.cache.trustfor;

import io.localstackmount.api.CachePolicy;
import io.localstackmount.api.CachePolicyProvider;
import io.localstackmount.api.CachedVersion;
import io.localstackmount.api.ContentCache;
import io.localstackmount.api.FsContext;
import io.localstackmount.api.PluginSetting;
import io.localstackmount.api.Precondition;
import io.localstackmount.api.Revalidation;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * Cache policy {@code trust-for}: an open of a cached version that S3 confirmed less than
 * {@code cache.seconds} ago reads it without any request; an older one is revalidated with
 * {@code If-None-Match}, as under {@code etag}. It trades close-to-open for requests: for a build
 * that opens the same unchanged inputs many times a second against a slow endpoint. A change another
 * client makes is seen once the mount learns of the new version (a listing, a lookup after the
 * metadata TTL) or the time is up, whichever comes first; what this mount writes is seen at once (its
 * writes give the file a new ETag, and the cache is keyed by ETag).
 */
public final class TrustForCacheProvider implements CachePolicyProvider {
    public static final String NAME = "trust-for";
    static final String SECONDS = "seconds";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public List<PluginSetting> settings() {
        return List.of(PluginSetting.seconds(SECONDS, "10s",
                "how long a version S3 confirmed is read without asking again; ten seconds cover a build's burst of opens"));
    }

    @Override
    public CachePolicy create(FsContext context) {
        long seconds = context.settings().getLong(SECONDS);
        if (seconds < 0) {
            throw new IllegalArgumentException("cache.seconds must not be negative, not " + seconds);
        }
        return new TrustFor(context.contentCache(), Duration.ofSeconds(seconds), context.clock());
    }

    /** Trusts a version for {@code period} after S3 last confirmed it. */
    private record TrustFor(ContentCache cache, Duration period, Clock clock) implements CachePolicy {
        @Override
        public Optional<ContentCache> contentCache() {
            return Optional.of(cache);
        }

        @Override
        public Revalidation revalidation(CachedVersion cached) {
            if (cached.checkedAt() != null && clock.instant().isBefore(cached.checkedAt().plus(period))) {
                return Revalidation.trust();
            }
            return Revalidation.ask(Precondition.ifNoneMatch(cached.etag()));
        }
    }
}
