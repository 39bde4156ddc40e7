package io.localstackmount.app;

import io.localstackmount.api.PluginKind;
import io.localstackmount.app.ConfigSources.Level;
import io.localstackmount.app.ConfigSources.Setting;
import io.localstackmount.app.embedded.EmbeddedS3Server;
import io.localstackmount.core.DeclaredSettings;
import io.localstackmount.s3.S3ConfigResolver;
import io.localstackmount.s3.S3StoreConfig;
import io.localstackmount.s3.Secrets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns {@link ConfigSources} into an {@link AppConfig}: parses every value, and says which key
 * and which file, variable or flag is wrong when one does not parse.
 *
 * <p>The S3 values have one more layer: the AWS variables the s3 module's {@link S3ConfigResolver}
 * reads ({@code AWS_ENDPOINT_URL}, {@code AWS_REGION}, {@code AWS_PROFILE}, {@code AWS_ACCESS_KEY_ID}
 * ...). They rank with the environment: below flags and {@code LOCALSTACKMOUNT_*} variables, above
 * both config files. So a value from a flag or our own variable goes to the resolver as if it were
 * its flag; a value from a file only when no AWS variable sets the same thing.
 */
final class ConfigLoader {
    private static final List<String> ENDPOINT_ENV = List.of("AWS_ENDPOINT_URL_S3", "AWS_ENDPOINT_URL", "LOCALSTACK_ENDPOINT",
            "LOCALSTACK_HOST");
    private static final List<String> REGION_ENV = List.of("AWS_REGION", "AWS_DEFAULT_REGION");
    private static final Pattern DURATION = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*(ms|s|m|h)?", Pattern.CASE_INSENSITIVE);

    private final ConfigSources sources;
    private final Map<String, String> env;
    private final Path home;

    private ConfigLoader(ConfigSources sources, Map<String, String> env, Path home) {
        this.sources = sources;
        this.env = env;
        this.home = home;
    }

    /**
     * The config of one run.
     *
     * @param extraPluginDirs plugin folders given as {@code --plugin-dir}, in order
     * @param userConfigDir   the user's config folder; its {@code plugins/} subfolder is a plugin folder when it exists
     */
    static AppConfig load(ConfigSources sources, List<Path> extraPluginDirs, Map<String, String> env, Path home,
                          Path userConfigDir) {
        return new ConfigLoader(sources, env, home).build(extraPluginDirs, userConfigDir);
    }

    private AppConfig build(List<Path> extraPluginDirs, Path userConfigDir) {
        AppConfig.Builder b = AppConfig.builder();
        s3(b);
        value("embedded", this::embedded).ifPresent(b::embedded);
        value("embedded.data-dir", this::path).ifPresent(b::embeddedData);
        value("mount.point", this::path).ifPresent(b::mountPoint);
        Optional<Setting> bucket = sources.get("mount.bucket");
        Optional<Setting> filter = sources.get("mount.bucket-filter");
        if (bucket.isPresent() && filter.isPresent()) {
            throw new ConfigException("set mount.bucket (" + bucket.get().source() + ") or mount.bucket-filter ("
                    + filter.get().source() + "), not both: one bucket needs no filter");
        }
        value("mount.bucket", BucketScope::of).ifPresent(b::scope);
        value("mount.bucket-filter", BucketScope::filter).ifPresent(b::scope);
        value("mount.read-only", ConfigLoader::bool).ifPresent(b::readOnly);
        value("mount.allow-other", ConfigLoader::bool).ifPresent(b::allowOther);
        value("mount.debug", ConfigLoader::bool).ifPresent(b::debug);
        value("mount.nonempty", ConfigLoader::bool).ifPresent(b::nonempty);
        value("log.file", this::path).ifPresent(b::logFile);
        value("log.level", ConfigLoader::logLevel).ifPresent(b::logLevel);
        value("mount.uid", s -> (int) number(s, 0, Integer.MAX_VALUE)).ifPresent(b::uid);
        value("mount.gid", s -> (int) number(s, 0, Integer.MAX_VALUE)).ifPresent(b::gid);
        value("mount.umask", ConfigLoader::octal).ifPresent(b::umask);
        value("mount.staging-dir", this::path).ifPresent(b::stagingDir);
        value("mount.busy-timeout", ConfigLoader::duration).ifPresent(b::busyTimeout);
        value("metadata.ttl", ConfigLoader::duration).ifPresent(b::metadataTtl);
        value("metadata.negative-ttl", ConfigLoader::duration).ifPresent(b::negativeTtl);
        value("metadata.max-entries", s -> number(s, 1, Long.MAX_VALUE)).ifPresent(b::metadataEntries);
        value("metadata.head-unknown", ConfigLoader::bool).ifPresent(b::headUnknown);
        value(CacheKeys.POLICY, ConfigLoader::name).ifPresent(b::cachePolicy);
        value(CacheKeys.DIR, this::path).ifPresent(b::cacheDir);
        value(CacheKeys.MAX_BYTES, v -> positive(size(v))).ifPresent(b::cacheMaxBytes);
        value(CacheKeys.BLOCK_SIZE, v -> (int) within(size(v), 4096, 64L << 20)).ifPresent(b::cacheBlockSize);
        sources.effective().forEach((key, s) -> {
            if (CacheKeys.isPolicySetting(key)) {
                String name = key.substring(CacheKeys.PREFIX.length());
                b.cacheSetting(name, s.value());
            }
        });
        plugins(b);
        extraPluginDirs.forEach(d -> b.pluginDir(d.toAbsolutePath().normalize()));
        sources.get(ConfigKeys.PLUGIN_DIRS).ifPresent(s -> {
            for (String part : s.value().split("[:,]")) {
                if (!part.isBlank()) {
                    b.pluginDir(parse(s, v -> path(v, s.baseDir()), part.trim()));
                }
            }
        });
        Path userPlugins = userConfigDir.resolve("plugins");
        if (Files.isDirectory(userPlugins)) {
            b.pluginDir(userPlugins.toAbsolutePath().normalize());
        }
        AppConfig config = b.build();
        outsideMountPoint("mount.staging-dir", config.stagingDir(), config);
        outsideMountPoint(CacheKeys.DIR, config.fsConfig().cacheDir(), config);
        if (config.embedded() != AppConfig.Embedded.NO) {
            outsideMountPoint("embedded.data-dir", config.embeddedData(), config);
        }
        return config;
    }

    /**
     * The mount's own folders must not be inside the mount point: the kernel would hand every write
     * to them back to the mount itself (which waits on it), and mounting would hide what they held.
     */
    private void outsideMountPoint(String key, Path dir, AppConfig config) {
        Path mountPoint = realPath(config.mountPoint());
        if (realPath(dir).startsWith(mountPoint)) {
            throw new ConfigException(key + " = " + dir + " (" + sourceOf(key) + ") is inside the mount point "
                    + config.mountPoint() + " (mount.point, " + sourceOf("mount.point") + "): the mount would keep its own files"
                    + " in itself; choose a folder outside it");
        }
    }

    /** {@code path} with the symbolic links of its existing part resolved, so that two spellings of one folder compare equal. */
    private static Path realPath(Path path) {
        Path absolute = path.toAbsolutePath().normalize();
        Path existing = absolute;
        while (existing != null && !Files.exists(existing)) {
            existing = existing.getParent();
        }
        if (existing == null) {
            return absolute;
        }
        try {
            return existing.toRealPath().resolve(existing.relativize(absolute));
        } catch (java.io.IOException e) {
            return absolute;
        }
    }

    private void plugins(AppConfig.Builder b) {
        for (Map.Entry<String, Setting> e : sources.effective().entrySet()) {
            String key = e.getKey();
            Setting s = e.getValue();
            if (key.startsWith(ConfigKeys.SELECT_PREFIX)) {
                String rest = key.substring(ConfigKeys.SELECT_PREFIX.length());
                if (rest.endsWith(ConfigKeys.ENABLED_SUFFIX)) {
                    PluginKind group = ConfigKeys.group(rest.substring(0, rest.length() - ConfigKeys.ENABLED_SUFFIX.length())).orElseThrow();
                    if (!parse(s, ConfigLoader::bool, s.value())) {
                        b.disable(group);
                    }
                } else {
                    PluginKind group = ConfigKeys.group(rest).orElseThrow();
                    if (s.value().isBlank()) {
                        throw new ConfigException(s.describe() + ": name a provider, or remove the key for the default");
                    }
                    b.provider(group, s.value());
                }
            } else if (key.startsWith(ConfigKeys.SETTING_PREFIX)) {
                String rest = key.substring(ConfigKeys.SETTING_PREFIX.length());
                int dot = rest.indexOf('.');
                PluginKind group = ConfigKeys.group(rest.substring(0, dot)).orElseThrow();
                String name = rest.substring(dot + 1);
                b.setting(group, name, s.value()); // checked against what the provider declares, once it is known
            }
        }
    }

    // ---- S3 ----------------------------------------------------------------------------------

    private void s3(AppConfig.Builder b) {
        Setting endpoint = forResolver("s3.endpoint", ENDPOINT_ENV);
        Setting region = forResolver("s3.region", REGION_ENV);
        boolean awsCredentialsInEnv = present("AWS_PROFILE") || present("AWS_ACCESS_KEY_ID") && present("AWS_SECRET_ACCESS_KEY");
        Optional<Setting> profile = sources.get("s3.profile");
        Optional<Setting> accessKey = sources.get("s3.access-key");
        Optional<Setting> secretKey = sources.get("s3.secret-key");
        if (accessKey.isPresent() != secretKey.isPresent()) {
            Setting given = accessKey.orElseGet(secretKey::get);
            throw new ConfigException(given.describe() + ": s3.access-key and s3.secret-key go together; set both");
        }
        // Credentials as one value: the highest-ranked of profile and key pair, and the AWS variables at env rank.
        Setting credentials = null;
        Setting keys = accessKey.orElse(null);
        Setting chosen = higher(profile.orElse(null), keys);
        if (chosen != null && (ours(chosen) || !awsCredentialsInEnv)) {
            credentials = chosen;
        }
        String profileFlag = credentials != null && credentials.key().equals("s3.profile") ? credentials.value() : null;

        S3ConfigResolver.Resolution resolution;
        try {
            resolution = S3ConfigResolver.resolve(endpoint == null ? null : endpoint.value(), region == null ? null : region.value(),
                    profileFlag, env, home);
        } catch (IllegalArgumentException e) {
            String message = e.getMessage();
            if (endpoint != null) {
                message = message.replace("--endpoint", "s3.endpoint (" + endpoint.source() + ")");
            }
            throw new ConfigException(message, e);
        }
        List<String> lines = new ArrayList<>();
        for (String line : resolution.sources()) {
            lines.add(relabel(relabel(relabel(line, "endpoint:", "--endpoint", endpoint), "region:", "--region", region),
                    "credentials:", "--profile", profileFlag != null ? credentials : null));
        }
        S3StoreConfig.Builder s3 = resolution.config().toBuilder();
        if (endpoint != null) {
            // The resolver took it as --endpoint: name where it really was set, for the endpoint check's advice.
            s3.endpointOrigin(endpoint.source().startsWith("-") ? endpoint.source() : "s3.endpoint in " + endpoint.source());
        }
        if (credentials != null && credentials.key().equals("s3.access-key")) {
            String access = credentials.value();
            String secret = secretKey.get().value();
            s3.staticCredentials(access, secret);
            // Keys given in config serve the embedded server too, so that one pair works against either.
            b.embeddedCredentials(new EmbeddedS3Server.Credentials(access, secret));
            lines.removeIf(l -> l.startsWith("credentials:"));
            lines.add("credentials: access key " + Secrets.keyId(access) + ", secret " + Secrets.secret(secret) + " (from s3.access-key, "
                    + credentials.source() + ")");
        }
        value("s3.path-style", ConfigLoader::bool).ifPresent(s3::pathStyle);
        value("s3.request-checksums", ConfigLoader::checksums).ifPresent(s3::requestChecksums);
        value("s3.response-checksums", ConfigLoader::checksums).ifPresent(s3::responseChecksums);
        value("s3.chunked-encoding", ConfigLoader::bool).ifPresent(s3::chunkedEncoding);
        value("s3.max-connections", s -> (int) number(s, 1, 10_000)).ifPresent(s3::maxConnections);
        value("s3.connect-timeout", ConfigLoader::timeout).ifPresent(s3::connectTimeout);
        value("s3.socket-timeout", ConfigLoader::timeout).ifPresent(s3::socketTimeout);
        value("s3.max-attempts", s -> (int) number(s, 1, 100)).ifPresent(s3::maxAttempts);
        Duration attempt = value("s3.attempt-timeout", ConfigLoader::timeout).orElse(resolution.config().attemptTimeout());
        Duration call = value("s3.call-timeout", ConfigLoader::timeout).orElse(resolution.config().callTimeout());
        if (attempt.compareTo(call) > 0) {
            throw new ConfigException("s3.attempt-timeout = " + ConfigPrinter.duration(attempt) + " (" + sourceOf("s3.attempt-timeout")
                    + ") is longer than s3.call-timeout = " + ConfigPrinter.duration(call) + " (" + sourceOf("s3.call-timeout")
                    + "): an attempt cannot outlast its call; raise the call timeout or lower the attempt's");
        }
        s3.attemptTimeout(attempt).callTimeout(call);
        value("s3.min-throughput", v -> positive(size(v))).ifPresent(s3::minThroughput);
        b.s3(s3.build(), lines);
    }

    private String sourceOf(String key) {
        return sources.get(key).map(Setting::source).orElse("default");
    }

    /** The setting to hand the resolver as a flag: ours (flag, LOCALSTACKMOUNT_*) always, a file's only when no AWS variable competes. */
    private Setting forResolver(String key, List<String> awsVariables) {
        Setting s = sources.get(key).orElse(null);
        if (s == null || ours(s)) {
            return s;
        }
        return awsVariables.stream().anyMatch(this::present) ? null : s;
    }

    private static boolean ours(Setting s) {
        return s.level() == Level.FLAG || s.level() == Level.ENVIRONMENT;
    }

    private static Setting higher(Setting a, Setting b) {
        if (a == null || b == null) {
            return a != null ? a : b;
        }
        // Same layer: a profile wins over keys, as the resolver ranks --profile above the key variables.
        return b.level().ordinal() < a.level().ordinal() ? b : a;
    }

    private boolean present(String variable) {
        String v = env.get(variable);
        return v != null && !v.isBlank();
    }

    /** The resolver names its flags; a value that came from a file or variable says so instead. */
    private static String relabel(String line, String prefix, String flag, Setting setting) {
        if (setting == null || !line.startsWith(prefix) || setting.source().equals(flag)) {
            return line;
        }
        return line.replace("(from " + flag + ")", "(from " + setting.key() + ", " + setting.source() + ")");
    }

    // ---- values ------------------------------------------------------------------------------

    private <T> Optional<T> value(String key, Function<String, T> parser) {
        return sources.get(key).map(s -> parse(s, parser, s.value()));
    }

    /** Path values resolve {@code ~} and relative paths against the file's folder (or the working folder). */
    private <T> Optional<T> value(String key, PathParser<T> parser) {
        return sources.get(key).map(s -> parse(s, v -> parser.parse(v, s.baseDir()), s.value()));
    }

    private interface PathParser<T> {
        T parse(String value, Path base);
    }

    private static <T> T parse(Setting s, Function<String, T> parser, String value) {
        try {
            return parser.apply(value);
        } catch (IllegalArgumentException e) {
            throw new ConfigException(s.describe() + ": " + e.getMessage(), e);
        }
    }

    private Path path(String value, Path base) {
        if (value.isBlank()) {
            throw new IllegalArgumentException("a path is needed");
        }
        Path p;
        if (value.equals("~")) {
            p = home;
        } else if (value.startsWith("~/")) {
            p = home.resolve(value.substring(2));
        } else {
            p = base.resolve(value);
        }
        return p.toAbsolutePath().normalize();
    }

    private AppConfig.Embedded embedded(String value) {
        return switch (value.toLowerCase(Locale.ROOT)) {
            case "no", "false", "never" -> AppConfig.Embedded.NO;
            case "always", "yes", "true" -> AppConfig.Embedded.ALWAYS;
            case "fallback" -> AppConfig.Embedded.FALLBACK;
            default -> throw new IllegalArgumentException("takes no, always or fallback");
        };
    }

    static String logLevel(String value) {
        String level = value.toLowerCase(Locale.ROOT);
        if (!List.of("error", "warn", "info", "debug", "trace").contains(level)) {
            throw new IllegalArgumentException("takes error, warn, info, debug or trace");
        }
        return level;
    }

    static boolean bool(String value) {
        return switch (value.toLowerCase(Locale.ROOT)) {
            case "true", "yes", "on" -> true;
            case "false", "no", "off" -> false;
            default -> throw new IllegalArgumentException("takes true or false");
        };
    }

    static long number(String value, long min, long max) {
        long n;
        try {
            n = Long.parseLong(value.replace("_", ""));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("takes a whole number");
        }
        if (n < min || n > max) {
            throw new IllegalArgumentException("must be " + (max == Long.MAX_VALUE || max == Integer.MAX_VALUE
                    ? "at least " + min : "between " + min + " and " + max));
        }
        return n;
    }

    private static String name(String value) {
        if (value.isBlank()) {
            throw new IllegalArgumentException("a name is needed");
        }
        return value;
    }

    private static long positive(long n) {
        if (n <= 0) {
            throw new IllegalArgumentException("must be more than 0");
        }
        return n;
    }

    private static long within(long n, long min, long max) {
        if (n < min || n > max) {
            throw new IllegalArgumentException("must be between " + min + " and " + max + " bytes");
        }
        return n;
    }

    static int octal(String value) {
        try {
            int n = Integer.parseInt(value, 8);
            if (n < 0 || n > 0777) {
                throw new NumberFormatException();
            }
            return n;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("takes an octal mode mask such as 022");
        }
    }

    /** Seconds ({@code 2}, {@code 0.5}) or with a unit: {@code 500ms}, {@code 2s}, {@code 5m}, {@code 1h}. */
    static Duration duration(String value) {
        Matcher m = DURATION.matcher(value.trim());
        if (!m.matches()) {
            throw new IllegalArgumentException("takes seconds (2, 0.5) or a duration with a unit (500ms, 2s, 5m, 1h)");
        }
        double amount = Double.parseDouble(m.group(1));
        String unit = m.group(2) == null ? "s" : m.group(2).toLowerCase(Locale.ROOT);
        double millis = switch (unit) {
            case "ms" -> amount;
            case "m" -> amount * 60_000;
            case "h" -> amount * 3_600_000;
            default -> amount * 1000;
        };
        return Duration.ofMillis(Math.round(millis));
    }

    /** A {@link #duration} that must be more than zero: for a timeout, 0 would mean waiting forever. */
    static Duration timeout(String value) {
        Duration d = duration(value);
        if (d.isZero()) {
            throw new IllegalArgumentException("must be more than 0: a timeout of 0 would mean waiting forever");
        }
        return d;
    }

    /** Bytes: {@code 1048576}, or with a binary unit {@code 512k}, {@code 8m}, {@code 1g}, {@code 8MiB}. */
    static long size(String value) {
        return DeclaredSettings.bytes(value);
    }

    private static S3StoreConfig.ChecksumMode checksums(String value) {
        return switch (value.toLowerCase(Locale.ROOT).replace('_', '-')) {
            case "when-required" -> S3StoreConfig.ChecksumMode.WHEN_REQUIRED;
            case "when-supported" -> S3StoreConfig.ChecksumMode.WHEN_SUPPORTED;
            default -> throw new IllegalArgumentException("takes when-required or when-supported");
        };
    }
}
