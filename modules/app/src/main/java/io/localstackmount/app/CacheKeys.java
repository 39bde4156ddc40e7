package io.localstackmount.app;

import io.localstackmount.core.FsConfig;
import java.nio.file.Path;
import java.util.List;

/**
 * The content cache's configuration keys. {@code cache.policy}, {@code cache.dir},
 * {@code cache.max-bytes} and {@code cache.block-size} configure core's cache; any other
 * {@code cache.NAME} is a setting of the selected cache policy plugin (core's
 * {@link FsConfig#cacheSettings()}). Defaults and their reasons live in {@link FsConfig}.
 */
final class CacheKeys {
    static final String PREFIX = "cache.";
    static final String POLICY = "cache.policy";
    static final String DIR = "cache.dir";
    static final String MAX_BYTES = "cache.max-bytes";
    static final String BLOCK_SIZE = "cache.block-size";
    static final List<String> KEYS = List.of(POLICY, DIR, MAX_BYTES, BLOCK_SIZE);

    private CacheKeys() {
    }

    /** A {@code cache.NAME} key that is not one of {@link #KEYS}: a setting for the policy plugin. */
    static boolean isPolicySetting(String key) {
        return key.startsWith(PREFIX) && key.length() > PREFIX.length() && !KEYS.contains(key);
    }

    /** Core's default of a cache key, in config syntax. */
    static String defaultOf(String key) {
        FsConfig defaults = FsConfig.builder(Path.of(".")).build();
        return switch (key) {
            case POLICY -> defaults.cachePolicy();
            case DIR -> defaults.cacheDir().toString();
            case MAX_BYTES -> ConfigPrinter.size(defaults.cacheMaxBytes());
            case BLOCK_SIZE -> ConfigPrinter.size(defaults.cacheBlockSize());
            default -> throw new IllegalArgumentException(key);
        };
    }
}
