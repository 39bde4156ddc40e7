package io.localstackmount.core;

import io.localstackmount.api.HandlerGroup;
import io.localstackmount.api.MountOptions;
import io.localstackmount.api.PluginSettings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * Everything core needs to build a filesystem, as one immutable value. Defaults say why next to them.
 *
 * @param metadataTtl   how long attributes and listings are trusted before asking S3 again
 * @param negativeTtl   how long "no such file" is trusted
 * @param cacheEntries  upper bound of cached attributes and listings, each
 * @param stagingDir    where written files are staged before upload
 * @param options       uid, gid, umask, read-only
 * @param providers     provider name per handler group; absent = the only one there is, or "standard"
 * @param disabled      optional groups switched off (their operations answer ENOTSUP or EXDEV)
 * @param settings      per-group plugin settings
 */
public record FsConfig(Duration metadataTtl, Duration negativeTtl, long cacheEntries, Path stagingDir,
                       MountOptions options, Map<HandlerGroup, String> providers, Set<HandlerGroup> disabled,
                       Map<HandlerGroup, PluginSettings> settings) {

    public FsConfig {
        providers = Map.copyOf(providers);
        disabled = disabled.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(disabled));
        settings = Map.copyOf(settings);
    }

    public PluginSettings settingsOf(HandlerGroup group) {
        return settings.getOrDefault(group, PluginSettings.EMPTY);
    }

    public static Builder builder(Path stagingDir) {
        return new Builder(stagingDir);
    }

    public static final class Builder {
        // Two seconds: changes made outside the mount (a test run, aws-cli) show up almost at once,
        // while one `ls -l` or a build that stats the same files many times still costs one listing.
        private Duration metadataTtl = Duration.ofSeconds(2);
        // Same as the attributes: editors and git probe missing names in bursts, well within it.
        private Duration negativeTtl = Duration.ofSeconds(2);
        // About 50 MB of heap at worst: enough for a working set of 100k paths.
        private long cacheEntries = 100_000;
        private final Path stagingDir;
        // The mounting user, umask 022: what files created on a local disk get.
        private MountOptions options = new MountOptions(0, 0, 0022, false);
        private final Map<HandlerGroup, String> providers = new EnumMap<>(HandlerGroup.class);
        private final Set<HandlerGroup> disabled = EnumSet.noneOf(HandlerGroup.class);
        private final Map<HandlerGroup, PluginSettings> settings = new HashMap<>();

        private Builder(Path stagingDir) {
            this.stagingDir = stagingDir;
        }

        public Builder metadataTtl(Duration ttl) {
            this.metadataTtl = ttl;
            return this;
        }

        public Builder negativeTtl(Duration ttl) {
            this.negativeTtl = ttl;
            return this;
        }

        public Builder cacheEntries(long entries) {
            this.cacheEntries = entries;
            return this;
        }

        public Builder options(MountOptions mountOptions) {
            this.options = mountOptions;
            return this;
        }

        public Builder provider(HandlerGroup group, String name) {
            providers.put(group, name);
            return this;
        }

        public Builder disable(HandlerGroup group) {
            disabled.add(group);
            return this;
        }

        public Builder settings(HandlerGroup group, PluginSettings pluginSettings) {
            settings.put(group, pluginSettings);
            return this;
        }

        public FsConfig build() {
            return new FsConfig(metadataTtl, negativeTtl, cacheEntries, stagingDir, options, providers, disabled, settings);
        }
    }
}
