package io.localstackmount.app;

import io.localstackmount.core.FsConfig;
import java.util.List;
import java.util.function.Consumer;

/** The content cache's configuration keys ({@code cache.*}) and how they set core's builder. */
final class CacheKeys {
    static final List<String> KEYS = List.of();

    private CacheKeys() {
    }

    static String defaultOf(String key) {
        return "";
    }

    static Consumer<FsConfig.Builder> read(ConfigSources sources) {
        return b -> { };
    }
}
