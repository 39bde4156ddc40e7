package io.localstackmount.app;

import io.localstackmount.api.PluginKind;
import io.localstackmount.s3.Secrets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * The names of every configuration key, how a key is spelled as an environment variable, and the
 * "did you mean" for a misspelt one. What each key means, its default and why is in
 * docs/CONFIGURATION.md (a test checks that every key here is documented there); parsing the values
 * is {@link ConfigLoader}'s job.
 *
 * <p>Three families:
 * <pre>
 *   s3.*, embedded*, mount.*, metadata.*, cache.*, plugin-dirs   fixed keys (cache.policy selects the cache policy)
 *   cache.NAME (other than core's four)                          settings handed to the cache policy
 *   plugins.GROUP [= provider name], plugins.GROUP.enabled       provider selection per handler group
 *   plugin.GROUP.SETTING                                         settings handed to that group's provider
 * </pre>
 * Which settings a provider takes, their defaults and why, the provider declares itself
 * ({@link io.localstackmount.api.HandlerProvider#settings()}); {@link Plugins} checks config against that.
 */
final class ConfigKeys {
    static final String SELECT_PREFIX = "plugins.";
    static final String SETTING_PREFIX = "plugin.";
    static final String ENABLED_SUFFIX = ".enabled";
    static final String ENV_PREFIX = "LOCALSTACKMOUNT_";
    static final String PLUGIN_DIRS = "plugin-dirs";

    static final List<String> FIXED = List.of(
            "s3.endpoint", "s3.region", "s3.profile", "s3.access-key", "s3.secret-key",
            "s3.path-style", "s3.request-checksums", "s3.response-checksums", "s3.chunked-encoding",
            "s3.max-connections", "s3.connect-timeout", "s3.socket-timeout", "s3.max-attempts",
            "s3.attempt-timeout", "s3.call-timeout", "s3.min-throughput",
            "embedded", "embedded.data-dir",
            "mount.point", "mount.bucket", "mount.bucket-filter", "mount.read-only", "mount.allow-other",
            "mount.uid", "mount.gid", "mount.umask", "mount.staging-dir", "mount.busy-timeout", "mount.nonempty", "mount.debug",
            "log.file", "log.level",
            "metadata.ttl", "metadata.negative-ttl", "metadata.max-entries", "metadata.head-unknown",
            CacheKeys.POLICY, CacheKeys.DIR, CacheKeys.MAX_BYTES, CacheKeys.BLOCK_SIZE,
            PLUGIN_DIRS);

    /** A value as messages and {@code --print-config} may show it: secrets as {@code ****}, the access key id by its last four characters. */
    static String shown(String key, String value) {
        return switch (key) {
            case "s3.secret-key" -> Secrets.secret(value);
            case "s3.access-key" -> Secrets.keyId(value);
            default -> value;
        };
    }

    /** Environment variables with our prefix that are not config keys: the launcher's and docker-compose's. */
    static final Set<String> NOT_CONFIG_ENV = Set.of("LOCALSTACKMOUNT_JAVA_OPTS", "LOCALSTACKMOUNT_DIR",
            "LOCALSTACKMOUNT_UID", "LOCALSTACKMOUNT_GID", "LOCALSTACKMOUNT_HOME", Daemon.READY_VARIABLE);

    private ConfigKeys() {
    }

    /** The key that selects {@code kind}'s provider. */
    static String selectKey(PluginKind kind) {
        return kind == PluginKind.CACHE ? CacheKeys.POLICY : SELECT_PREFIX + kind.configName();
    }

    /** The key of setting {@code name} of {@code kind}'s provider. */
    static String settingKey(PluginKind kind, String name) {
        return kind == PluginKind.CACHE ? CacheKeys.PREFIX + name : SETTING_PREFIX + kind.configName() + "." + name;
    }

    /** Groups that can be switched off; the others the mount cannot do without. */
    static boolean optional(PluginKind group) {
        return !group.required();
    }

    /** Every fixed key and provider selection, in documentation order; plugin settings are the providers' own. */
    static List<String> all() {
        List<String> keys = new ArrayList<>(FIXED);
        for (PluginKind g : groups()) {
            keys.add(SELECT_PREFIX + g.configName());
            if (optional(g)) {
                keys.add(SELECT_PREFIX + g.configName() + ENABLED_SUFFIX);
            }
        }
        return keys;
    }

    /** The handler groups: the kinds selected with {@code plugins.GROUP} (the cache policy has {@code cache.policy}). */
    static List<PluginKind> groups() {
        return java.util.Arrays.stream(PluginKind.values()).filter(k -> k != PluginKind.CACHE).toList();
    }

    /** The group of a {@code plugins.GROUP[.enabled]} or {@code plugin.GROUP.SETTING} key. */
    static Optional<PluginKind> group(String name) {
        for (PluginKind g : groups()) {
            if (g.configName().equals(name)) {
                return Optional.of(g);
            }
        }
        return Optional.empty();
    }

    /**
     * Throws when {@code key} is not a key: names it, says where it was set and suggests the closest
     * known one. Settings of plugins ({@code plugin.GROUP.*}) pass here when the group exists; the
     * built-ins' settings are checked once the provider is known.
     */
    static void check(String key, String source) {
        if (FIXED.contains(key) || CacheKeys.isPolicySetting(key)) {
            // cache.NAME beyond core's keys: a setting of the cache policy, checked once the policy is known
            return;
        }
        if (key.startsWith(SELECT_PREFIX)) {
            String rest = key.substring(SELECT_PREFIX.length());
            boolean enabled = rest.endsWith(ENABLED_SUFFIX);
            String groupName = enabled ? rest.substring(0, rest.length() - ENABLED_SUFFIX.length()) : rest;
            Optional<PluginKind> group = group(groupName);
            if (group.isPresent()) {
                if (enabled && !optional(group.get())) {
                    throw new ConfigException(key + " (" + source + "): the " + groupName
                            + " group cannot be switched off, the mount needs it; only rename and xattr can be");
                }
                return;
            }
        } else if (key.startsWith(SETTING_PREFIX)) {
            String rest = key.substring(SETTING_PREFIX.length());
            int dot = rest.indexOf('.');
            if (dot > 0 && dot < rest.length() - 1 && group(rest.substring(0, dot)).isPresent()) {
                return;
            }
        }
        throw new ConfigException("unknown configuration key '" + key + "' (" + source + ")" + suggestion(key));
    }

    /** {@code "; did you mean 'x'?"}, or a pointer to the documentation when nothing is close. */
    static String suggestion(String key) {
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (String candidate : all()) {
            int d = distance(key, candidate);
            if (d < bestDistance) {
                bestDistance = d;
                best = candidate;
            }
        }
        // Within a third of the key's length: typos and a wrong separator, not a different key.
        if (best != null && bestDistance <= Math.max(2, key.length() / 3)) {
            return "; did you mean '" + best + "'?";
        }
        return "; the keys are listed in docs/CONFIGURATION.md and by --print-config";
    }

    /** {@code LOCALSTACKMOUNT_} plus the key in upper case with dots and dashes as underscores. */
    static String envName(String key) {
        return ENV_PREFIX + key.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
    }

    /**
     * The key an environment variable sets, or empty when it is none. {@code LOCALSTACKMOUNT_PLUGIN_GROUP_X_Y}
     * is {@code plugin.GROUP.x-y}: plugin settings use dashes, never dots, after the group.
     */
    static Optional<String> keyOfEnv(String variable) {
        for (String key : all()) {
            if (envName(key).equals(variable)) {
                return Optional.of(key);
            }
        }
        String cachePrefix = ENV_PREFIX + "CACHE_";
        if (variable.startsWith(cachePrefix) && variable.length() > cachePrefix.length()) {
            return Optional.of(CacheKeys.PREFIX + variable.substring(cachePrefix.length()).toLowerCase(Locale.ROOT).replace('_', '-'));
        }
        String settingPrefix = ENV_PREFIX + "PLUGIN_";
        if (variable.startsWith(settingPrefix)) {
            String rest = variable.substring(settingPrefix.length()).toLowerCase(Locale.ROOT);
            for (PluginKind g : groups()) {
                if (rest.startsWith(g.configName() + "_") && rest.length() > g.configName().length() + 1) {
                    return Optional.of(SETTING_PREFIX + g.configName() + "." + rest.substring(g.configName().length() + 1).replace('_', '-'));
                }
            }
        }
        return Optional.empty();
    }

    /** Levenshtein distance: edits that turn one string into the other. */
    static int distance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }
}
