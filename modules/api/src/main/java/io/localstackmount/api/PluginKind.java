package io.localstackmount.api;

/**
 * The kinds of plugin, each a service type that providers implement: the five handler groups the
 * dispatcher routes operations to, and the cache policy.
 */
public enum PluginKind {
    ATTRS(AttrsProvider.class, true),
    DIRS(DirsProvider.class, true),
    FILES(FilesProvider.class, true),
    RENAME(RenameProvider.class, false),
    XATTR(XattrProvider.class, false),
    /** Not a handler group: how open files use the content cache. */
    CACHE(CachePolicyProvider.class, true);

    private final Class<? extends HandlerProvider<?>> serviceType;
    private final boolean required;

    PluginKind(Class<? extends HandlerProvider<?>> serviceType, boolean required) {
        this.serviceType = serviceType;
        this.required = required;
    }

    public Class<? extends HandlerProvider<?>> serviceType() {
        return serviceType;
    }

    /** Required kinds must be present and enabled for a mount to start. */
    public boolean required() {
        return required;
    }

    /** The name used in config, e.g. {@code attrs}. */
    public String configName() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
