package io.localstackmount.plugin.rename;

import io.localstackmount.api.PluginSetting;
import io.localstackmount.api.PluginSettings;
import java.util.List;

/**
 * The rename plugin's settings, read once when the plugin is created. Config keys (under the
 * {@code rename} group): {@code max-keys}, {@code max-bytes}, {@code parallelism}.
 *
 * @param maxKeys     a folder with more keys than this (markers included) is not renamed: EXDEV
 * @param maxBytes    a folder holding more bytes than this is not renamed: EXDEV
 * @param parallelism most server-side copies (or deletes, or listings) in flight at once
 */
record RenameSettings(long maxKeys, long maxBytes, int parallelism) {
    // 1,000 keys, as goofys: one listing page and one DeleteObjects request's worth, and an arbitrary
    // but sane bound; a rename is one FUSE call, so it must not try to move a million objects.
    static final long DEFAULT_MAX_KEYS = 1000;
    // 1 GiB: a rename is one blocking FUSE call that shows no progress, cannot be interrupted, and holds
    // the kernel's rename lock of the whole mount meanwhile. Server-side copies run at very roughly
    // 50-100 MB/s per object on S3 (emulators re-hash in memory, often slower), so 1 GiB finishes in
    // seconds to tens of seconds. Above it mv copies by itself: slower, but with progress, one file at a
    // time, and Ctrl-C works.
    static final long DEFAULT_MAX_BYTES = 1L << 30;
    // 16: each CopyObject holds one HTTP connection for as long as the server copies. 16 hides the
    // per-request latency (1,000 small keys in well under a few seconds) while leaving most of the
    // store's connection pool (64 by default) to the reads and lookups of other FUSE threads.
    static final int DEFAULT_PARALLELISM = 16;

    static final RenameSettings DEFAULTS = new RenameSettings(DEFAULT_MAX_KEYS, DEFAULT_MAX_BYTES, DEFAULT_PARALLELISM);

    /** The settings as the provider declares them to config. */
    static final List<PluginSetting> DECLARED = List.of(
            PluginSetting.number("max-keys", DEFAULT_MAX_KEYS,
                    "a folder with more keys than this (markers included) is not renamed here: EXDEV, and mv copies it itself"),
            PluginSetting.size("max-bytes", "1g",
                    "a folder holding more bytes than this is not renamed here: one rename is one blocking call without progress"),
            PluginSetting.number("parallelism", DEFAULT_PARALLELISM,
                    "server-side copies (and deletes, and listings) in flight at once; most of the store's connections stay free"));

    RenameSettings {
        require("max-keys", maxKeys);
        require("max-bytes", maxBytes);
        require("parallelism", parallelism);
    }

    /** Throws IllegalArgumentException naming the setting when a value is not a positive number. */
    static RenameSettings from(PluginSettings settings) {
        long parallelism = settings.getLong("parallelism", DEFAULT_PARALLELISM);
        if (parallelism > 1024) {
            throw new IllegalArgumentException("rename setting parallelism must be at most 1024, was " + parallelism);
        }
        return new RenameSettings(settings.getLong("max-keys", DEFAULT_MAX_KEYS),
                settings.getLong("max-bytes", DEFAULT_MAX_BYTES), (int) parallelism);
    }

    private static void require(String name, long value) {
        if (value < 1) {
            throw new IllegalArgumentException("rename setting " + name + " must be at least 1, was " + value);
        }
    }
}
