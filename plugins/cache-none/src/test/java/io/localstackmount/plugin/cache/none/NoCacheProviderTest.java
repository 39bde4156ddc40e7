package io.localstackmount.plugin.cache.none;

import static org.junit.jupiter.api.Assertions.assertEquals;
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

@DisplayName("cache policy none")
class NoCacheProviderTest {
    @Test
    @DisplayName("is found by ServiceLoader under its name")
    void found() {
        List<String> names = ServiceLoader.load(CachePolicyProvider.class).stream().map(p -> p.get().name()).toList();
        assertEquals(List.of("none"), names);
    }

    @Test
    @DisplayName("keeps no content and never opens the cache folder")
    void noCache() {
        CachePolicy policy = new NoCacheProvider().create(context(null));
        assertTrue(policy.contentCache().isEmpty());
        assertEquals(Precondition.NONE, policy.revalidation(new CachedVersion("b", "k", "e", Instant.EPOCH, 1)));
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
