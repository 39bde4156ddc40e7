package io.localstackmount.core;

import io.localstackmount.api.HandlerGroup;
import io.localstackmount.api.HandlerProvider;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds the handler providers of every group through {@link ServiceLoader} and selects one per group
 * by name. A provider that fails to load is logged and skipped; it only becomes fatal when config
 * asks for it. Two providers with one name in a group, or a requested name nobody provides, stop
 * the start with a message that lists what was found.
 */
public final class PluginRegistry {
    private static final Logger LOG = LoggerFactory.getLogger(PluginRegistry.class);
    /** The name built-in providers carry, chosen when a group has several and config names none. */
    public static final String STANDARD = "standard";

    private final Map<HandlerGroup, List<HandlerProvider<?>>> providers;
    private final List<String> loadErrors;

    private PluginRegistry(Map<HandlerGroup, List<HandlerProvider<?>>> providers, List<String> loadErrors) {
        this.providers = providers;
        this.loadErrors = loadErrors;
    }

    /** Loads providers visible from {@code layer} (and its parents). */
    public static PluginRegistry load(ModuleLayer layer, ClassLoader classPathLoader) {
        Map<HandlerGroup, List<HandlerProvider<?>>> found = new EnumMap<>(HandlerGroup.class);
        List<String> errors = new ArrayList<>();
        for (HandlerGroup group : HandlerGroup.values()) {
            List<HandlerProvider<?>> list = new ArrayList<>();
            ServiceLoader<? extends HandlerProvider<?>> loader = layer == ModuleLayer.boot()
                    ? ServiceLoader.load(group.serviceType(), classPathLoader)
                    : ServiceLoader.load(layer, group.serviceType());
            var it = loader.stream().iterator();
            while (true) {
                try {
                    if (!it.hasNext()) {
                        break;
                    }
                    list.add(it.next().get());
                } catch (ServiceConfigurationError e) {
                    String msg = group.configName() + ": a provider failed to load and is skipped: " + e.getMessage();
                    LOG.warn(msg);
                    errors.add(msg);
                }
            }
            found.put(group, Collections.unmodifiableList(list));
        }
        return new PluginRegistry(found, errors);
    }

    /** For tests: a registry over the given providers. */
    public static PluginRegistry of(Map<HandlerGroup, List<HandlerProvider<?>>> providers) {
        Map<HandlerGroup, List<HandlerProvider<?>>> copy = new EnumMap<>(HandlerGroup.class);
        for (HandlerGroup group : HandlerGroup.values()) {
            copy.put(group, List.copyOf(providers.getOrDefault(group, List.of())));
        }
        return new PluginRegistry(copy, List.of());
    }

    public List<HandlerProvider<?>> providers(HandlerGroup group) {
        return providers.get(group);
    }

    /**
     * The provider config selects for {@code group}: the one named {@code requested}; else the only
     * one; else the one named {@value #STANDARD}. Empty when the group has no provider at all.
     */
    public Optional<HandlerProvider<?>> select(HandlerGroup group, String requested) {
        List<HandlerProvider<?>> list = providers.get(group);
        Map<String, List<HandlerProvider<?>>> byName = list.stream()
                .collect(Collectors.groupingBy(HandlerProvider::name));
        byName.forEach((name, same) -> {
            if (same.size() > 1) {
                throw new IllegalStateException("two " + group.configName() + " providers are named '" + name + "': "
                        + same.stream().map(p -> p.getClass().getName() + " (" + origin(p) + ")").collect(Collectors.joining(", ")));
            }
        });
        if (requested != null) {
            List<HandlerProvider<?>> match = byName.get(requested);
            if (match == null) {
                throw new IllegalStateException("config asks for " + group.configName() + " provider '" + requested
                        + "', but the providers found are: " + names(list) + loadErrorsSuffix());
            }
            return Optional.of(match.get(0));
        }
        if (list.size() == 1) {
            return Optional.of(list.get(0));
        }
        if (list.isEmpty()) {
            return Optional.empty();
        }
        List<HandlerProvider<?>> standard = byName.get(STANDARD);
        if (standard == null) {
            throw new IllegalStateException("several " + group.configName() + " providers were found (" + names(list)
                    + "); choose one in config");
        }
        return Optional.of(standard.get(0));
    }

    private String loadErrorsSuffix() {
        return loadErrors.isEmpty() ? "" : "; providers that failed to load: " + String.join("; ", loadErrors);
    }

    private static String names(List<HandlerProvider<?>> list) {
        return list.isEmpty() ? "(none)" : list.stream().map(HandlerProvider::name).collect(Collectors.joining(", "));
    }

    /** Where a provider came from: its module, or its jar on the class path. */
    public static String origin(HandlerProvider<?> provider) {
        Module module = provider.getClass().getModule();
        if (module.isNamed()) {
            return module.getName();
        }
        var source = provider.getClass().getProtectionDomain().getCodeSource();
        return source == null ? "class path" : source.getLocation().toString();
    }
}
