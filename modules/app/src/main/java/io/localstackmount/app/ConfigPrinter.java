package io.localstackmount.app;

import io.localstackmount.api.HandlerProvider;
import io.localstackmount.api.PluginKind;
import io.localstackmount.core.FsConfig;
import io.localstackmount.core.PluginRegistry;
import io.localstackmount.s3.S3StoreConfig;
import io.localstackmount.s3.Secrets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * {@code --print-config}: the effective value of every key, and where it came from, as a properties
 * file that could be saved as a config file. Secrets are masked ({@link Secrets}), so credentials do not
 * survive the round trip; unset optional keys are comments.
 */
final class ConfigPrinter {
    private static final Pattern FROM = Pattern.compile("\\((?:from )?(.*)\\)\\s*$");

    private final AppConfig config;
    private final ConfigSources sources;
    private final Plugins plugins;
    private final PluginRegistry registry;
    private final List<String[]> lines = new ArrayList<>();

    private ConfigPrinter(AppConfig config, ConfigSources sources, Plugins plugins) {
        this.config = config;
        this.sources = sources;
        this.plugins = plugins;
        this.registry = plugins.registry();
    }

    static String print(AppConfig config, ConfigSources sources, Plugins plugins) {
        return new ConfigPrinter(config, sources, plugins).render();
    }

    private String render() {
        S3StoreConfig s3 = config.s3();
        line("s3.endpoint", s3.isRealAws() ? "aws" : s3.endpoint().toString(), s3Source("endpoint:"));
        line("s3.region", s3.region(), s3Source("region:"));
        String credentials = s3Source("credentials:");
        switch (s3.credentialsMode()) {
            case PROFILE -> {
                line("s3.profile", s3.profile(), credentials);
                unset("s3.access-key", "a profile is used");
                unset("s3.secret-key", "a profile is used");
            }
            case STATIC -> {
                unset("s3.profile", "static keys are used");
                line("s3.access-key", Secrets.keyId(s3.accessKeyId()), credentials);
                line("s3.secret-key", Secrets.secret(s3.secretAccessKey()), credentials);
            }
            case DEFAULT_CHAIN -> {
                unset("s3.profile", "the SDK's default credentials chain");
                unset("s3.access-key", "the SDK's default credentials chain");
                unset("s3.secret-key", "the SDK's default credentials chain");
            }
        }
        line("s3.path-style", String.valueOf(s3.pathStyle()),
                source("s3.path-style", s3.isRealAws() ? "default: virtual-hosted on AWS" : "default: path-style with an endpoint"));
        line("s3.request-checksums", checksums(s3.requestChecksums()), source("s3.request-checksums", "default"));
        line("s3.response-checksums", checksums(s3.responseChecksums()), source("s3.response-checksums", "default"));
        line("s3.chunked-encoding", String.valueOf(s3.chunkedEncoding()), source("s3.chunked-encoding", "default"));
        line("s3.max-connections", String.valueOf(s3.maxConnections()), source("s3.max-connections", "default"));
        line("s3.connect-timeout", duration(s3.connectTimeout()), source("s3.connect-timeout", "default"));
        line("s3.socket-timeout", duration(s3.socketTimeout()), source("s3.socket-timeout", "default"));
        line("s3.max-attempts", String.valueOf(s3.maxAttempts()), source("s3.max-attempts", "default"));
        line("s3.attempt-timeout", duration(s3.attemptTimeout()), source("s3.attempt-timeout", "default"));
        line("s3.call-timeout", duration(s3.callTimeout()), source("s3.call-timeout", "default"));
        line("s3.min-throughput", size(s3.minThroughput()), source("s3.min-throughput", "default: bytes per second"));

        line("embedded", config.embedded().name().toLowerCase(Locale.ROOT), source("embedded", "default"));
        line("embedded.data-dir", path(config.embeddedData()), source("embedded.data-dir", "default"));

        line("mount.point", path(config.mountPoint()), source("mount.point", "default"));
        BucketScope scope = config.scope();
        if (scope.bucket() != null) {
            line("mount.bucket", scope.bucket() + (scope.prefix().isEmpty() ? "" : "/" + scope.prefix()), source("mount.bucket", "?"));
        } else {
            unset("mount.bucket", "every bucket the filter lets through");
        }
        if (!scope.filter().isEmpty()) {
            line("mount.bucket-filter", String.join(", ", scope.filter()), source("mount.bucket-filter", "?"));
        } else {
            unset("mount.bucket-filter", "no filter");
        }
        line("mount.read-only", String.valueOf(config.readOnly()), source("mount.read-only", "default"));
        line("mount.allow-other", String.valueOf(config.allowOther()), source("mount.allow-other", "default"));
        line("mount.uid", String.valueOf(config.uid()), source("mount.uid", "default: you"));
        line("mount.gid", String.valueOf(config.gid()), source("mount.gid", "default: you"));
        line("mount.umask", String.format("%03o", config.umask()), source("mount.umask", "default"));
        line("mount.staging-dir", path(config.stagingDir()), source("mount.staging-dir", "default"));
        line("mount.busy-timeout", duration(config.busyTimeout()), source("mount.busy-timeout", "default"));
        line("mount.nonempty", String.valueOf(config.nonempty()), source("mount.nonempty", "default"));
        line("mount.debug", String.valueOf(config.debug()), source("mount.debug", "default"));
        if (config.logFile() == null) {
            unset("log.file", "the log goes to the terminal (stderr)");
        } else {
            line("log.file", path(config.logFile()), source("log.file", "?"));
        }
        line("log.level", config.logLevel(), source("log.level", "default"));

        FsConfig fs = config.fsConfig();
        line("metadata.ttl", duration(fs.metadataTtl()), source("metadata.ttl", "default"));
        line("metadata.negative-ttl", duration(fs.negativeTtl()), source("metadata.negative-ttl", "default"));
        line("metadata.max-entries", String.valueOf(fs.cacheEntries()), source("metadata.max-entries", "default"));
        line("metadata.head-unknown", String.valueOf(fs.headUnknown()), source("metadata.head-unknown", "default"));
        line(CacheKeys.POLICY, fs.cachePolicy(), source(CacheKeys.POLICY, "default"));
        line(CacheKeys.DIR, path(fs.cacheDir()), source(CacheKeys.DIR, "default"));
        line(CacheKeys.MAX_BYTES, size(fs.cacheMaxBytes()), source(CacheKeys.MAX_BYTES, "default"));
        line(CacheKeys.BLOCK_SIZE, size(fs.cacheBlockSize()), source(CacheKeys.BLOCK_SIZE, "default"));

        if (config.pluginDirs().isEmpty()) {
            unset(ConfigKeys.PLUGIN_DIRS, "no plugin folder");
        } else {
            line(ConfigKeys.PLUGIN_DIRS, config.pluginDirs().stream().map(Path::toString).collect(Collectors.joining(":")),
                    "--plugin-dir, then " + ConfigKeys.PLUGIN_DIRS + ", then the user's plugins folder");
        }
        for (PluginKind group : ConfigKeys.groups()) {
            plugin(group);
        }
        for (PluginKind group : PluginKind.values()) {
            settings(group);
        }

        StringBuilder out = new StringBuilder();
        out.append("# localstackmount: effective configuration. Precedence: flags > LOCALSTACKMOUNT_* and AWS_*\n");
        out.append("# variables > project file > user file > defaults (docs/CONFIGURATION.md).\n");
        out.append("# project file: ").append(sources.projectFile()).append(sources.projectFileFound() ? ""
                : sources.projectFileIgnored() != null ? " (ignored: it " + sources.projectFileIgnored() + ")" : " (none)").append('\n');
        out.append("# user file:    ").append(sources.userFile()).append(sources.userFileFound() ? "" : " (none)").append('\n');
        // Properties files have no trailing comments: where a value came from is the comment line above it.
        // Masked secrets are commented out, so that the output read back as a config file never sets '****'.
        for (String[] l : lines) {
            boolean masked = l[1] != null && (l[0].equals("s3.access-key") || l[0].equals("s3.secret-key"));
            out.append("# ").append(l[2]).append(masked ? " (masked)" : "").append('\n');
            out.append(l[1] == null || masked ? "#" : "").append(l[0]).append(" =")
                    .append(l[1] == null ? "" : " " + escape(l[1])).append('\n');
        }
        return out.toString();
    }

    private void plugin(PluginKind group) {
        String key = ConfigKeys.SELECT_PREFIX + group.configName();
        if (config.disabled().contains(group)) {
            unset(key, "the group is off");
        } else {
            String name;
            try {
                name = registry.select(group, config.provider(group)).map(HandlerProvider::name).orElse(null);
            } catch (IllegalStateException e) {
                name = config.provider(group);
            }
            if (name == null) {
                unset(key, "no provider found: unsupported");
            } else {
                line(key, name, source(key, "default: " + (registry.providers(group).size() == 1 ? "the only provider" : "standard")));
            }
        }
        if (ConfigKeys.optional(group)) {
            String enabled = key + ConfigKeys.ENABLED_SUFFIX;
            line(enabled, String.valueOf(!config.disabled().contains(group)), source(enabled, "default"));
        }
    }

    /** Every setting the selected provider of {@code kind} is created with: config's, else its declared default. */
    private void settings(PluginKind kind) {
        Map<String, String> given = config.settings(kind);
        Map<String, String> all = plugins.selected(config, kind)
                .map(provider -> Plugins.effectiveSettings(provider, given)).orElse(given);
        for (Map.Entry<String, String> e : all.entrySet()) {
            String key = ConfigKeys.settingKey(kind, e.getKey());
            line(key, e.getValue(), source(key, "default of the " + kind.configName() + " provider"));
        }
    }

    private String source(String key, String fallback) {
        return sources.get(key).map(ConfigSources.Setting::source).orElse(fallback);
    }

    /** The resolver's own note on where an S3 value came from, e.g. {@code AWS_ENDPOINT_URL}. */
    private String s3Source(String prefix) {
        for (String line : config.s3Sources()) {
            if (line.startsWith(prefix)) {
                Matcher m = FROM.matcher(line);
                return m.find() ? m.group(1) : line;
            }
        }
        return "default";
    }

    private void line(String key, String value, String source) {
        lines.add(new String[] {key, value, source});
    }

    private void unset(String key, String why) {
        lines.add(new String[] {key, null, "not set: " + why});
    }

    private static String checksums(S3StoreConfig.ChecksumMode mode) {
        return mode.name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    private static String path(Path p) {
        return p.toString();
    }

    /** {@code 1g}, {@code 8m}, {@code 512k}, or plain bytes: the shortest exact form config accepts. */
    static String size(long bytes) {
        String[] units = {"t", "g", "m", "k"};
        int[] shifts = {40, 30, 20, 10};
        for (int i = 0; i < units.length; i++) {
            if (bytes > 0 && bytes % (1L << shifts[i]) == 0) {
                return (bytes >> shifts[i]) + units[i];
            }
        }
        return String.valueOf(bytes);
    }

    private static String sizeText(String value) {
        try {
            return size(Long.parseLong(value));
        } catch (NumberFormatException e) {
            return value;
        }
    }

    static String duration(Duration d) {
        long ms = d.toMillis();
        if (ms % 3_600_000 == 0 && ms > 0) {
            return ms / 3_600_000 + "h";
        }
        if (ms % 60_000 == 0 && ms > 0) {
            return ms / 60_000 + "m";
        }
        return ms % 1000 == 0 ? ms / 1000 + "s" : ms + "ms";
    }

    /** Properties escaping for values: backslashes, and a leading blank. */
    private static String escape(String value) {
        String v = value.replace("\\", "\\\\");
        return v.startsWith(" ") ? "\\" + v : v;
    }
}
