package io.localstackmount.core;

import io.localstackmount.api.MountOptions;
import io.localstackmount.api.PluginKind;
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
 * @param providers     provider name per plugin kind; absent = the only one there is, or "standard"
 * @param disabled      optional groups switched off (their operations answer ENOTSUP or EXDEV)
 * @param settings      per-kind plugin settings, as config gave them (see {@link DeclaredSettings})
 * @param cachePolicy   name of the content cache policy plugin ({@code none}, {@code etag}, {@code if-modified-since})
 * @param cacheDir      folder of the content cache; kept across mounts
 * @param cacheMaxBytes upper bound of the content cache on disk
 * @param cacheBlockSize bytes per cached block, and the least a read of an uncached block fetches
 * @param headUnknown   look up the attributes (mode, owner, symlink) of listed objects whose
 *                      metadata is not known yet with one HEAD each, as s3fs does; they are then
 *                      remembered by version on disk ({@link #metadataDir()})
 * @param uploadRetry   how long after a failed close its data is first tried again; each later try waits
 *                      twice as long, up to a minute
 */
public record FsConfig(Duration metadataTtl, Duration negativeTtl, long cacheEntries, Path stagingDir,
                       MountOptions options, Map<PluginKind, String> providers, Set<PluginKind> disabled,
                       Map<PluginKind, PluginSettings> settings, String cachePolicy, Path cacheDir,
                       long cacheMaxBytes, int cacheBlockSize, boolean headUnknown, Duration uploadRetry) {

    /** The cache policy a mount uses unless config names another. */
    public static final String DEFAULT_CACHE_POLICY = "etag";

    public FsConfig {
        providers = Map.copyOf(providers);
        disabled = disabled.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(disabled));
        settings = Map.copyOf(settings);
        if (cachePolicy == null || cachePolicy.isBlank()) {
            throw new IllegalArgumentException("the cache policy needs a name, e.g. " + DEFAULT_CACHE_POLICY);
        }
        if (cacheMaxBytes <= 0) {
            throw new IllegalArgumentException("the content cache size must be positive, not " + cacheMaxBytes);
        }
        if (uploadRetry == null || uploadRetry.isNegative() || uploadRetry.isZero()) {
            throw new IllegalArgumentException("the first upload retry needs a positive delay, not " + uploadRetry);
        }
        if (cacheBlockSize < 4096 || cacheBlockSize > 64 * 1024 * 1024) {
            throw new IllegalArgumentException("the cache block size must be between 4 KiB and 64 MiB, not " + cacheBlockSize);
        }
    }

    /**
     * The user's cache folder for this program: {@code $XDG_CACHE_HOME/localstackmount}, else
     * {@code ~/.cache/localstackmount} (the XDG base directory default).
     */
    public static Path defaultCacheDir() {
        String xdg = System.getenv("XDG_CACHE_HOME");
        Path base = xdg != null && !xdg.isBlank() && Path.of(xdg).isAbsolute() ? Path.of(xdg)
                : Path.of(System.getProperty("user.home"), ".cache");
        return base.resolve("localstackmount");
    }

    public PluginSettings settingsOf(PluginKind kind) {
        return settings.getOrDefault(kind, PluginSettings.EMPTY);
    }

    /** Where the metadata of objects is remembered by version across mounts ({@link MetadataJournal}). */
    public Path metadataDir() {
        return cacheDir.resolve("metadata");
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
        private final Map<PluginKind, String> providers = new EnumMap<>(PluginKind.class);
        private final Set<PluginKind> disabled = EnumSet.noneOf(PluginKind.class);
        private final Map<PluginKind, PluginSettings> settings = new HashMap<>();
        // etag: LocalStack's ETags are the MD5 of the content, so If-None-Match sees every change;
        // Last-Modified has whole seconds (a test rewriting a fixture within one second would read
        // stale data under if-modified-since), and none downloads every file on every open.
        private String cachePolicy = DEFAULT_CACHE_POLICY;
        // The user's cache folder, so that cached bodies survive a remount and a reboot, unlike /tmp.
        private Path cacheDir;
        // 1 GiB: the working set of a project against LocalStack (fixtures, build inputs, a few large
        // artifacts) fits, and it never surprises a laptop; a miss is one nearby request anyway.
        private long cacheMaxBytes = 1L << 30;
        // 1 MiB: the most a small read of an uncached block (head -c 4096 of 1 GiB) fetches; big
        // enough that a sequential read costs one request per MiB; mountpoint-s3 caches 1 MiB blocks.
        private int cacheBlockSize = 1 << 20;
        // On: listings carry no metadata, and without a HEAD a mode, an owner or a symlink stored in S3
        // (by this mount before a remount, or by s3fs) would show as a plain 0644 file. The HEADs go
        // out in parallel for a whole listing, and their answers are remembered by version on disk,
        // so `ls -l` of the same unchanged objects later, also after a remount, sends none.
        private boolean headUnknown = true;
        // One second: a server that blinked (a restart, a dropped connection) is back by then, and a
        // file closed unsaved is stored before the user has looked at the error; later tries back off.
        private Duration uploadRetry = Duration.ofSeconds(1);

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

        public Builder provider(PluginKind group, String name) {
            providers.put(group, name);
            return this;
        }

        public Builder disable(PluginKind group) {
            disabled.add(group);
            return this;
        }

        public Builder settings(PluginKind group, PluginSettings pluginSettings) {
            settings.put(group, pluginSettings);
            return this;
        }

        /** The content cache policy plugin by name: {@code none}, {@code etag} (default), {@code if-modified-since}. */
        public Builder cachePolicy(String name) {
            this.cachePolicy = name;
            return this;
        }

        /** The content cache's folder; by default {@link FsConfig#defaultCacheDir()}. */
        public Builder cacheDir(Path dir) {
            this.cacheDir = dir;
            return this;
        }

        /** Upper bound of the content cache on disk, in bytes. */
        public Builder cacheMaxBytes(long bytes) {
            this.cacheMaxBytes = bytes;
            return this;
        }

        /** Bytes per cached block (4 KiB to 64 MiB). */
        public Builder cacheBlockSize(int bytes) {
            this.cacheBlockSize = bytes;
            return this;
        }

        /** Whether listed objects of unknown metadata get a HEAD on their first lookup. */
        public Builder headUnknown(boolean head) {
            this.headUnknown = head;
            return this;
        }

        /** How long after a failed close the data is first tried again (doubling up to a minute). */
        public Builder uploadRetry(Duration firstDelay) {
            this.uploadRetry = firstDelay;
            return this;
        }

        public FsConfig build() {
            return new FsConfig(metadataTtl, negativeTtl, cacheEntries, stagingDir, options, providers, disabled, settings,
                    cachePolicy, cacheDir != null ? cacheDir : defaultCacheDir(), cacheMaxBytes, cacheBlockSize,
                    headUnknown, uploadRetry);
        }
    }
}
