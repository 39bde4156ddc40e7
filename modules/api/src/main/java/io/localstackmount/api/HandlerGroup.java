package io.localstackmount.api;

/** The handler groups, each a service type that plugins provide. */
public enum HandlerGroup {
    ATTRS(AttrsProvider.class, true),
    DIRS(DirsProvider.class, true),
    FILES(FilesProvider.class, true),
    RENAME(RenameProvider.class, false),
    XATTR(XattrProvider.class, false);

    private final Class<? extends HandlerProvider<?>> serviceType;
    private final boolean required;

    HandlerGroup(Class<? extends HandlerProvider<?>> serviceType, boolean required) {
        this.serviceType = serviceType;
        this.required = required;
    }

    public Class<? extends HandlerProvider<?>> serviceType() {
        return serviceType;
    }

    /** Required groups must be present and enabled for a mount to start. */
    public boolean required() {
        return required;
    }

    /** The name used in config, e.g. {@code attrs}. */
    public String configName() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
