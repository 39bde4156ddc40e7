package io.localstackmount.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.localstackmount.api.MountOptions;
import io.localstackmount.api.PluginKind;
import io.localstackmount.api.PluginSettings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class FsConfigTest {
    private static final Path STAGING = Path.of("/tmp/staging-for-test");

    @Nested
    @DisplayName("builder defaults")
    class Defaults {
        private final FsConfig c = FsConfig.builder(STAGING).build();

        @Test
        @DisplayName("attributes, listings and absences are trusted for 2 s")
        void ttls() {
            assertEquals(Duration.ofSeconds(2), c.metadataTtl());
            assertEquals(Duration.ofSeconds(2), c.negativeTtl());
        }

        @Test
        @DisplayName("100,000 cached entries")
        void entries() {
            assertEquals(100_000, c.cacheEntries());
        }

        @Test
        @DisplayName("umask 022, writable; the staging folder as given")
        void options() {
            assertEquals(0022, c.options().umask());
            assertEquals(0644, c.options().fileMode());
            assertEquals(0755, c.options().folderMode());
            assertEquals(false, c.options().readOnly());
            assertEquals(STAGING, c.stagingDir());
        }

        @Test
        @DisplayName("no provider names, nothing disabled, empty plugin settings")
        void plugins() {
            assertTrue(c.providers().isEmpty());
            assertTrue(c.disabled().isEmpty());
            for (PluginKind g : PluginKind.values()) {
                assertEquals(PluginSettings.EMPTY, c.settingsOf(g));
            }
        }

        @Test
        @DisplayName("content cache: policy etag, 1 GiB of 1 MiB blocks in the user's cache folder")
        void contentCache() {
            assertEquals("etag", c.cachePolicy());
            assertEquals(FsConfig.DEFAULT_CACHE_POLICY, c.cachePolicy());
            assertEquals(1L << 30, c.cacheMaxBytes());
            assertEquals(1 << 20, c.cacheBlockSize());
            assertEquals(FsConfig.defaultCacheDir(), c.cacheDir());
            assertTrue(c.cacheDir().endsWith("localstackmount"), c.cacheDir().toString());
            assertTrue(c.cacheDir().isAbsolute(), c.cacheDir().toString());
            assertEquals(PluginSettings.EMPTY, c.settingsOf(PluginKind.CACHE));
            assertTrue(c.headUnknown(), "attributes survive a remount by default");
        }
    }

    @Nested
    @DisplayName("builder")
    class Builder {
        @Test
        @DisplayName("every setting arrives in the value")
        void settings() {
            PluginSettings renameSettings = new PluginSettings(Map.of("max-keys", "10"));
            FsConfig c = FsConfig.builder(STAGING)
                    .metadataTtl(Duration.ofMillis(500)).negativeTtl(Duration.ZERO).cacheEntries(7)
                    .options(new MountOptions(1, 2, 0077, true))
                    .provider(PluginKind.FILES, "fast").disable(PluginKind.XATTR)
                    .settings(PluginKind.RENAME, renameSettings)
                    .cachePolicy("none").cacheDir(Path.of("/c")).cacheMaxBytes(10).cacheBlockSize(4096)
                    .build();
            assertEquals(Duration.ofMillis(500), c.metadataTtl());
            assertEquals(Duration.ZERO, c.negativeTtl());
            assertEquals(7, c.cacheEntries());
            assertEquals(new MountOptions(1, 2, 0077, true), c.options());
            assertEquals(Map.of(PluginKind.FILES, "fast"), c.providers());
            assertEquals(Set.of(PluginKind.XATTR), c.disabled());
            assertEquals(renameSettings, c.settingsOf(PluginKind.RENAME));
            assertEquals(PluginSettings.EMPTY, c.settingsOf(PluginKind.FILES));
            assertEquals("none", c.cachePolicy());
            assertEquals(Path.of("/c"), c.cacheDir());
            assertEquals(10, c.cacheMaxBytes());
            assertEquals(4096, c.cacheBlockSize());
        }

        @Test
        @DisplayName("a built value does not change when the builder goes on")
        void immutable() {
            FsConfig.Builder b = FsConfig.builder(STAGING).provider(PluginKind.FILES, "a");
            FsConfig first = b.build();
            b.provider(PluginKind.FILES, "b").disable(PluginKind.RENAME);
            assertEquals("a", first.providers().get(PluginKind.FILES));
            assertTrue(first.disabled().isEmpty());
            assertThrows(UnsupportedOperationException.class, () -> first.providers().put(PluginKind.DIRS, "x"));
            assertThrows(UnsupportedOperationException.class, () -> first.disabled().add(PluginKind.XATTR));
        }
    }

    @Nested
    @DisplayName("validation")
    class Validation {
        @Test
        @DisplayName("a blank cache policy, a cache of 0 bytes, blocks outside 4 KiB..64 MiB are refused")
        void refused() {
            assertThrows(IllegalArgumentException.class, () -> FsConfig.builder(STAGING).cachePolicy(" ").build());
            assertThrows(IllegalArgumentException.class, () -> FsConfig.builder(STAGING).cachePolicy(null).build());
            assertThrows(IllegalArgumentException.class, () -> FsConfig.builder(STAGING).cacheMaxBytes(0).build());
            assertThrows(IllegalArgumentException.class, () -> FsConfig.builder(STAGING).cacheBlockSize(4095).build());
            assertThrows(IllegalArgumentException.class, () -> FsConfig.builder(STAGING).cacheBlockSize(64 * 1024 * 1024 + 1).build());
            FsConfig.builder(STAGING).cacheBlockSize(4096).build();
            FsConfig.builder(STAGING).cacheBlockSize(64 * 1024 * 1024).build();
        }
    }
}
