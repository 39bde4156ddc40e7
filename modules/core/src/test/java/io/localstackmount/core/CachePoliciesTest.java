package io.localstackmount.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.localstackmount.api.CachePolicy;
import io.localstackmount.api.CachePolicyProvider;
import io.localstackmount.api.CachedVersion;
import io.localstackmount.api.ContentCache;
import io.localstackmount.api.FsContext;
import io.localstackmount.api.Precondition;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Choosing the cache policy by name: the same rules as the handler groups. */
@DisplayName("cache policy selection")
class CachePoliciesTest {

    /** A provider under any name, keeping nothing. */
    private record Named(String name) implements CachePolicyProvider {
        @Override
        public CachePolicy create(FsContext context) {
            return new CachePolicy() {
                @Override
                public Optional<ContentCache> contentCache() {
                    return Optional.empty();
                }

                @Override
                public Precondition revalidation(CachedVersion cached) {
                    return Precondition.NONE;
                }
            };
        }
    }

    @Test
    @DisplayName("selects the provider config names")
    void byName() {
        Named etag = new Named("etag");
        CachePolicies policies = CachePolicies.of(List.of(new Named("none"), etag, new Named("if-modified-since")));
        assertSame(etag, policies.select("etag"));
    }

    @Test
    @DisplayName("an unknown name is an error that lists the names found")
    void unknown() {
        CachePolicies policies = CachePolicies.of(List.of(new Named("none"), new Named("etag")));
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> policies.select("lru"));
        assertTrue(e.getMessage().contains("'lru'"), e.getMessage());
        assertTrue(e.getMessage().contains("etag, none"), e.getMessage());
    }

    @Test
    @DisplayName("with no provider at all, the error says (none)")
    void nothing() {
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> CachePolicies.of(List.of()).select("etag"));
        assertTrue(e.getMessage().contains("(none)"), e.getMessage());
    }

    @Test
    @DisplayName("two providers with one name are an error, whichever is asked for")
    void duplicate() {
        CachePolicies policies = CachePolicies.of(List.of(new Named("etag"), new Named("etag"), new Named("none")));
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> policies.select("none"));
        assertTrue(e.getMessage().contains("two cache policy providers are named 'etag'"), e.getMessage());
    }

    @Test
    @DisplayName("the mount fails to start on an unknown name, before it creates anything")
    void mountFails(@TempDir Path dir) {
        FsConfig config = FsConfig.builder(dir.resolve("staging")).cachePolicy("nope").cacheDir(dir.resolve("cache")).build();
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> Filesystem.create(null, config,
                PluginRegistry.of(Map.of()), CachePolicies.of(List.of(new Named("etag"), new Named("none")))));
        assertEquals("config asks for cache policy 'nope', but the cache policies found are: etag, none", e.getMessage());
        assertFalse(Files.exists(dir.resolve("staging")));
        assertFalse(Files.exists(dir.resolve("cache")));
    }

    @Test
    @DisplayName("config defaults: etag, the user's cache folder, 1 GiB, 1 MiB blocks")
    void defaults(@TempDir Path dir) {
        FsConfig config = FsConfig.builder(dir).build();
        assertEquals("etag", config.cachePolicy());
        assertEquals(FsConfig.defaultCacheDir(), config.cacheDir());
        assertTrue(config.cacheDir().endsWith("localstackmount"));
        assertEquals(1L << 30, config.cacheMaxBytes());
        assertEquals(1 << 20, config.cacheBlockSize());
    }

    @Test
    @DisplayName("config refuses a cache without room and absurd block sizes")
    void invalid(@TempDir Path dir) {
        assertThrows(IllegalArgumentException.class, () -> FsConfig.builder(dir).cacheMaxBytes(0).build());
        assertThrows(IllegalArgumentException.class, () -> FsConfig.builder(dir).cacheBlockSize(100).build());
        assertThrows(IllegalArgumentException.class, () -> FsConfig.builder(dir).cachePolicy(" ").build());
    }
}
