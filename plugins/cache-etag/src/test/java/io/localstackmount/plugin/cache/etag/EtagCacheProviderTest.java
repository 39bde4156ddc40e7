package io.localstackmount.plugin.cache.etag;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.localstackmount.api.CachePolicy;
import io.localstackmount.api.CachePolicyProvider;
import io.localstackmount.api.CachedVersion;
import io.localstackmount.api.ContentCache;
import io.localstackmount.api.FsContext;
import io.localstackmount.api.MountOptions;
import io.localstackmount.api.Namespace;
import io.localstackmount.api.ObjectInfo;
import io.localstackmount.api.ObjectStore;
import io.localstackmount.api.OpenFiles;
import io.localstackmount.api.PluginSettings;
import io.localstackmount.api.Precondition;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.concurrent.ExecutorService;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("cache policy etag")
class EtagCacheProviderTest {
    @Test
    @DisplayName("is found by ServiceLoader under its name")
    void found() {
        List<String> names = ServiceLoader.load(CachePolicyProvider.class).stream().map(p -> p.get().name()).toList();
        assertEquals(List.of("etag"), names);
    }

    @Test
    @DisplayName("caches in the mount's content cache")
    void cache() {
        assertSame(CACHE, new EtagCacheProvider().create(context(CACHE)).contentCache().orElseThrow());
    }

    @Test
    @DisplayName("revalidates with If-None-Match alone")
    void ifNoneMatch() {
        CachePolicy policy = new EtagCacheProvider().create(context(CACHE));
        Precondition p = policy.revalidation(new CachedVersion("b", "k", "abc123", Instant.parse("2025-01-01T00:00:00Z"), 5));
        assertEquals(Precondition.ifNoneMatch("abc123"), p);
        assertEquals(null, p.since(), "never together with If-Modified-Since: LocalStack ORs the two");
    }

    @Test
    @DisplayName("sees a rewrite within the same second (new ETag)")
    void sameSecond() {
        Instant t = Instant.parse("2025-01-01T00:00:00.100Z");
        CachedVersion cached = new CachedVersion("b", "k", "etag-1", t, 5);
        Precondition p = new EtagCacheProvider().create(context(CACHE)).revalidation(cached);
        assertFalse(p.unchanged(new ObjectInfo("k", 5, t.plusMillis(300), "etag-2", null, null)), "changed: refetched");
        assertTrue(p.unchanged(new ObjectInfo("k", 5, t, "etag-1", null, null)), "same version: 304");
    }

    /** A context that has only a content cache (or none): policies must need nothing else. */
    private static FsContext context(ContentCache cache) {
        return new FsContext() {
            @Override public ObjectStore store() { throw new AssertionError("a policy needs no store"); }
            @Override public Namespace namespace() { throw new AssertionError(); }
            @Override public OpenFiles openFiles() { throw new AssertionError(); }
            @Override public MountOptions options() { throw new AssertionError(); }
            @Override public PluginSettings settings() { return PluginSettings.EMPTY; }
            @Override public Path stagingDir() { throw new AssertionError(); }
            @Override public Clock clock() { throw new AssertionError(); }
            @Override public ExecutorService workers() { throw new AssertionError(); }
            @Override public ContentCache contentCache() {
                if (cache == null) {
                    throw new AssertionError("this policy must not open the content cache");
                }
                return cache;
            }
        };
    }

    /** Stands in for core's disk cache: the policies only hand it on. */
    private static final ContentCache CACHE = new ContentCache() {
        @Override public int blockSize() { return 4096; }
        @Override public Optional<CachedVersion> find(String bucket, String key, String etag) { return Optional.empty(); }
        @Override public int read(String bucket, String key, String etag, long index, byte[] dst, int dstOffset) { return -1; }
        @Override public void write(CachedVersion version, long index, byte[] data, int offset, int length) { }
    };
}
