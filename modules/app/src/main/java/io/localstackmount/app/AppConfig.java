package io.localstackmount.app;

import io.localstackmount.api.MountOptions;
import io.localstackmount.api.PluginKind;
import io.localstackmount.api.PluginSettings;
import io.localstackmount.app.embedded.EmbeddedS3Server;
import io.localstackmount.core.FsConfig;
import io.localstackmount.fuse.MountSettings;
import io.localstackmount.s3.S3StoreConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Everything one run of the command needs, as an immutable value built with {@link #builder()}.
 * Defaults say why next to them. Where the values came from (flags, environment, files) is
 * {@link ConfigLoader}'s job; core's own settings (metadata caches) keep core's defaults unless
 * config sets them, so {@link FsConfig} stays the one place that explains those.
 */
final class AppConfig {

    /** When to start the embedded S3 server. */
    enum Embedded {
        /** Never: the endpoint must answer. */
        NO,
        /** Always, ignoring any endpoint. */
        ALWAYS,
        /** When nothing answers at the endpoint. */
        FALLBACK
    }

    private final S3StoreConfig s3;
    private final List<String> s3Sources;
    private final Embedded embedded;
    private final Path embeddedData;
    private final EmbeddedS3Server.Credentials embeddedCredentials;
    private final Path stateDir;
    private final Path mountPoint;
    private final BucketScope scope;
    private final boolean readOnly;
    private final boolean allowOther;
    private final boolean debug;
    private final boolean nonempty;
    private final Path logFile;
    private final String logLevel;
    private final int uid;
    private final int gid;
    private final int umask;
    private final Path stagingDir;
    private final Duration busyTimeout;
    private final Duration metadataTtl;
    private final Duration negativeTtl;
    private final Long metadataEntries;
    private final Map<PluginKind, String> providers;
    private final Set<PluginKind> disabled;
    private final Map<PluginKind, Map<String, String>> settings;
    private final List<Path> pluginDirs;
    private final String cachePolicy;
    private final Path cacheDir;
    private final Long cacheMaxBytes;
    private final Integer cacheBlockSize;
    private final Map<String, String> cacheSettings;
    private final Boolean headUnknown;

    private AppConfig(Builder b) {
        this.s3 = b.s3;
        this.s3Sources = List.copyOf(b.s3Sources);
        this.embedded = b.embedded;
        this.embeddedData = b.embeddedData;
        this.embeddedCredentials = b.embeddedCredentials;
        this.stateDir = b.stateDir;
        this.mountPoint = b.mountPoint;
        this.scope = b.scope;
        this.readOnly = b.readOnly;
        this.allowOther = b.allowOther;
        this.debug = b.debug;
        this.nonempty = b.nonempty;
        this.logFile = b.logFile;
        this.logLevel = b.logLevel;
        this.uid = b.uid != null ? b.uid : UserIds.uid();
        this.gid = b.gid != null ? b.gid : UserIds.gid();
        this.umask = b.umask;
        this.stagingDir = b.stagingDir != null ? b.stagingDir : b.stateDir.resolve("staging");
        this.busyTimeout = b.busyTimeout;
        this.metadataTtl = b.metadataTtl;
        this.negativeTtl = b.negativeTtl;
        this.metadataEntries = b.metadataEntries;
        this.providers = Map.copyOf(b.providers);
        this.disabled = b.disabled.isEmpty() ? Set.of() : Set.copyOf(b.disabled);
        Map<PluginKind, Map<String, String>> s = new EnumMap<>(PluginKind.class);
        b.settings.forEach((g, m) -> s.put(g, java.util.Collections.unmodifiableMap(new LinkedHashMap<>(m))));
        this.settings = java.util.Collections.unmodifiableMap(s);
        this.pluginDirs = List.copyOf(b.pluginDirs);
        this.cachePolicy = b.cachePolicy;
        this.cacheDir = b.cacheDir;
        this.cacheMaxBytes = b.cacheMaxBytes;
        this.cacheBlockSize = b.cacheBlockSize;
        this.cacheSettings = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(b.cacheSettings));
        this.headUnknown = b.headUnknown;
    }

    static Builder builder() {
        return new Builder();
    }

    S3StoreConfig s3() {
        return s3;
    }

    /** One line per S3 value saying where it came from, secrets masked. */
    List<String> s3Sources() {
        return s3Sources;
    }

    Embedded embedded() {
        return embedded;
    }

    Path embeddedData() {
        return embeddedData;
    }

    /** The credentials the embedded server is to accept: those configured as s3.access-key and s3.secret-key, else empty. */
    Optional<EmbeddedS3Server.Credentials> embeddedCredentials() {
        return Optional.ofNullable(embeddedCredentials);
    }

    /** Where the mount keeps what only lasts while it runs: the embedded server's credentials file. */
    Path stateDir() {
        return stateDir;
    }

    Path mountPoint() {
        return mountPoint;
    }

    BucketScope scope() {
        return scope;
    }

    boolean readOnly() {
        return readOnly;
    }

    boolean allowOther() {
        return allowOther;
    }

    boolean debug() {
        return debug;
    }

    /** Mount over a folder that is not empty. */
    boolean nonempty() {
        return nonempty;
    }

    /** Where the log is appended, or null for the terminal (stderr). */
    Path logFile() {
        return logFile;
    }

    /** The level of this program's own log lines: error, warn, info, debug or trace. */
    String logLevel() {
        return logLevel;
    }

    int uid() {
        return uid;
    }

    int gid() {
        return gid;
    }

    int umask() {
        return umask;
    }

    Path stagingDir() {
        return stagingDir;
    }

    Duration busyTimeout() {
        return busyTimeout;
    }

    /** The provider name config asks for in {@code group}, or null for the default choice. */
    /** The provider config names for {@code kind}, or null for the default (for the cache policy: its name, never null). */
    String provider(PluginKind kind) {
        return kind == PluginKind.CACHE ? fsConfig().cachePolicy() : providers.get(kind);
    }

    Map<PluginKind, String> providers() {
        return providers;
    }

    Set<PluginKind> disabled() {
        return disabled;
    }

    /** The settings config gives {@code kind}'s provider, keys without their prefix ({@link ConfigKeys#settingKey}). */
    Map<String, String> settings(PluginKind kind) {
        return kind == PluginKind.CACHE ? cacheSettings : settings.getOrDefault(kind, Map.of());
    }

    List<Path> pluginDirs() {
        return pluginDirs;
    }

    /** The cache policy config asks for, or null for core's default. */
    String cachePolicy() {
        return cachePolicy;
    }

    MountSettings mountSettings() {
        // The kernel may keep what we told it as long as our own metadata cache would answer the same.
        return new MountSettings(allowOther, readOnly, debug, busyTimeout, fsConfig().metadataTtl(), nonempty);
    }

    /** Core's config: mount options, metadata caches, plugin choices and settings. */
    FsConfig fsConfig() {
        FsConfig.Builder b = FsConfig.builder(stagingDir).options(new MountOptions(uid, gid, umask, readOnly));
        if (metadataTtl != null) {
            b.metadataTtl(metadataTtl);
        }
        if (negativeTtl != null) {
            b.negativeTtl(negativeTtl);
        }
        if (metadataEntries != null) {
            b.cacheEntries(metadataEntries);
        }
        providers.forEach(b::provider);
        disabled.forEach(b::disable);
        settings.forEach((g, m) -> b.settings(g, new PluginSettings(m)));
        if (cachePolicy != null) {
            b.cachePolicy(cachePolicy);
        }
        if (cacheDir != null) {
            b.cacheDir(cacheDir);
        }
        if (cacheMaxBytes != null) {
            b.cacheMaxBytes(cacheMaxBytes);
        }
        if (cacheBlockSize != null) {
            b.cacheBlockSize(cacheBlockSize);
        }
        b.settings(PluginKind.CACHE, new PluginSettings(cacheSettings));
        if (headUnknown != null) {
            b.headUnknown(headUnknown);
        }
        return b.build();
    }

    /** Starts with the defaults below; every setter overrides one value. */
    static final class Builder {
        // LocalStack on localhost:4566 with test/test: the tool's name says what it is for.
        private S3StoreConfig s3 = S3StoreConfig.builder().build();
        private List<String> s3Sources = List.of();
        // Never start the embedded server unasked: a mount of the wrong store is worse than an error.
        private Embedded embedded = Embedded.NO;
        // XDG data folder: the buckets of the built-in server outlive the mount, like LocalStack's with a volume.
        private Path embeddedData = xdg("XDG_DATA_HOME", ".local/share").resolve("localstackmount").resolve("embedded");
        // null = a pair made up for each start: nobody else on the machine knows it.
        private EmbeddedS3Server.Credentials embeddedCredentials;
        // XDG state folder: what a user needs while the mount runs, private to them, not in a shared /tmp.
        private final Path stateDir = xdg("XDG_STATE_HOME", ".local/state").resolve("localstackmount");
        // ~/mount/localstack: a fixed, predictable place that needs no root and no argument.
        private Path mountPoint = Path.of(System.getProperty("user.home"), "mount", "localstack");
        // Every bucket, each a folder: LocalStack users create and drop buckets all day.
        private BucketScope scope = BucketScope.ALL;
        private boolean readOnly;
        // Off: FUSE's allow_other needs user_allow_other in /etc/fuse.conf for non-root users.
        private boolean allowOther;
        private boolean debug;
        // Off: mounting over files hides them until unmount, which surprises more often than it helps (libfuse 2's default too).
        private boolean nonempty;
        // null = stderr: the terminal in the foreground; a daemon's output goes to its log file anyway.
        private Path logFile;
        // info: the start, the endpoint, unmount, and every failure; debug adds the wiring, --debug each operation.
        private String logLevel = "info";
        // null = the mounting user: what files created on a local disk get.
        private Integer uid;
        private Integer gid;
        // 022: the usual login umask, so objects show as rw-r--r-- and folders as rwxr-xr-x.
        private int umask = 0022;
        // null = <state folder>/staging: written data must survive a crash and a reboot until it is
        // uploaded, so not a tmpfs /tmp that the OS empties; private to the user, on local disk.
        private Path stagingDir;
        // 10 s: long enough for an editor or shell to leave the folder after Ctrl-C, short enough
        // that a forgotten `cd` into the mount does not hang the exit; then the mount is detached lazily.
        private Duration busyTimeout = Duration.ofSeconds(10);
        // null = core's defaults (FsConfig says why).
        private Duration metadataTtl;
        private Duration negativeTtl;
        private Long metadataEntries;
        private final Map<PluginKind, String> providers = new EnumMap<>(PluginKind.class);
        private final Set<PluginKind> disabled = EnumSet.noneOf(PluginKind.class);
        private final Map<PluginKind, Map<String, String>> settings = new EnumMap<>(PluginKind.class);
        private final List<Path> pluginDirs = new ArrayList<>();
        // null = core's defaults (FsConfig says why): policy etag, ~/.cache/localstackmount, 1 GiB, 1 MiB blocks.
        private String cachePolicy;
        private Path cacheDir;
        private Long cacheMaxBytes;
        private Integer cacheBlockSize;
        private final Map<String, String> cacheSettings = new LinkedHashMap<>();
        // null = core's default: no HEAD per listed object.
        private Boolean headUnknown;

        private Builder() {
        }

        private static Path xdg(String variable, String underHome) {
            String xdg = System.getenv(variable);
            return xdg != null && !xdg.isBlank() ? Path.of(xdg) : Path.of(System.getProperty("user.home")).resolve(underHome);
        }

        Builder s3(S3StoreConfig config, List<String> sources) {
            this.s3 = config;
            this.s3Sources = sources;
            return this;
        }

        Builder embedded(Embedded mode) {
            this.embedded = mode;
            return this;
        }

        Builder embeddedCredentials(EmbeddedS3Server.Credentials credentials) {
            this.embeddedCredentials = credentials;
            return this;
        }

        Builder embeddedData(Path dir) {
            this.embeddedData = dir;
            return this;
        }

        Builder mountPoint(Path dir) {
            this.mountPoint = dir;
            return this;
        }

        Builder scope(BucketScope bucketScope) {
            this.scope = bucketScope;
            return this;
        }

        Builder readOnly(boolean value) {
            this.readOnly = value;
            return this;
        }

        Builder allowOther(boolean value) {
            this.allowOther = value;
            return this;
        }

        Builder debug(boolean value) {
            this.debug = value;
            return this;
        }

        Builder nonempty(boolean value) {
            this.nonempty = value;
            return this;
        }

        Builder logFile(Path file) {
            this.logFile = file;
            return this;
        }

        Builder logLevel(String level) {
            this.logLevel = level;
            return this;
        }

        Builder uid(int value) {
            this.uid = value;
            return this;
        }

        Builder gid(int value) {
            this.gid = value;
            return this;
        }

        Builder umask(int value) {
            this.umask = value & 0777;
            return this;
        }

        Builder stagingDir(Path dir) {
            this.stagingDir = dir;
            return this;
        }

        Builder busyTimeout(Duration timeout) {
            this.busyTimeout = timeout;
            return this;
        }

        Builder metadataTtl(Duration ttl) {
            this.metadataTtl = ttl;
            return this;
        }

        Builder negativeTtl(Duration ttl) {
            this.negativeTtl = ttl;
            return this;
        }

        Builder metadataEntries(long entries) {
            this.metadataEntries = entries;
            return this;
        }

        Builder provider(PluginKind group, String name) {
            providers.put(group, name);
            return this;
        }

        Builder disable(PluginKind group) {
            disabled.add(group);
            return this;
        }

        Builder setting(PluginKind group, String key, String value) {
            settings.computeIfAbsent(group, g -> new LinkedHashMap<>()).put(key, value);
            return this;
        }

        Builder pluginDir(Path dir) {
            if (!pluginDirs.contains(dir)) {
                pluginDirs.add(dir);
            }
            return this;
        }

        Builder cachePolicy(String name) {
            this.cachePolicy = name;
            return this;
        }

        Builder cacheDir(Path dir) {
            this.cacheDir = dir;
            return this;
        }

        Builder cacheMaxBytes(long bytes) {
            this.cacheMaxBytes = bytes;
            return this;
        }

        Builder cacheBlockSize(int bytes) {
            this.cacheBlockSize = bytes;
            return this;
        }

        Builder cacheSetting(String key, String value) {
            cacheSettings.put(key, value);
            return this;
        }

        Builder headUnknown(boolean head) {
            this.headUnknown = head;
            return this;
        }

        AppConfig build() {
            return new AppConfig(this);
        }
    }
}
