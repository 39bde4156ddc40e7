package io.localstackmount.api;

import java.util.List;

/**
 * A named factory for one kind of plugin ({@link PluginKind}), found through
 * {@link java.util.ServiceLoader}. Built-in providers are ordinary providers; config selects one
 * provider per kind by name.
 *
 * @param <T> what the provider creates: the kind's handler interface, or a {@link CachePolicy}
 */
public interface HandlerProvider<T> {

    /** The name config selects this provider by, unique within its kind. */
    String name();

    /**
     * The settings this provider reads, each with its default and why. Config refuses any other
     * setting for it, and {@link FsContext#settings()} hands it every one of these, defaults filled in.
     */
    default List<PluginSetting> settings() {
        return List.of();
    }

    T create(FsContext context);
}
