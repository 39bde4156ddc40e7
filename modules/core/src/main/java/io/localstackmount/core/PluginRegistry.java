package io.localstackmount.core;

import io.localstackmount.api.HandlerProvider;
import io.localstackmount.api.PluginKind;
import java.net.URI;
import java.nio.file.Path;
import java.security.CodeSource;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds the handler providers of every group through {@link ServiceLoader} and selects one per group
 * by name. A provider that fails to load is logged and skipped; it only becomes fatal when config
 * asks for it. Two providers with one name in a group, or a requested name nobody provides, stop
 * the start with a message that lists what was found, each provider with the module and jar it
 * came from.
 *
 * <p>Where providers come from: the built-ins are named modules of the boot layer when the app runs
 * on the module path (the image), or jars on the class path with {@code META-INF/services} entries
 * (tests, IDEs); drop-in plugins are modules of one extra layer that the app builds from the jars
 * of the plugin folders. {@link #load} asks both the class loader and the layer (which includes its
 * parents) and keeps each provider class once, so every combination finds everything exactly once.
 * Building the drop-in layer is the app's job; the problems it met (a jar that is not a module,
 * one that does not resolve) come in here so that a selection error can mention them.
 */
public final class PluginRegistry {
    private static final Logger LOG = LoggerFactory.getLogger(PluginRegistry.class);
    /** The name built-in providers carry, chosen when a group has several and config names none. */
    public static final String STANDARD = "standard";
    /** Far more than any plugin folder holds: only a lookup failing over and over reaches it. */
    private static final int MAX_LOOKUP_ERRORS = 100;

    /**
     * A provider that was found but could not be used.
     *
     * @param group   its handler group
     * @param origin  where it came from ({@link #origin}), or the provider class when even that is unknown
     * @param message why it was skipped
     */
    public record Failure(PluginKind group, String origin, String message) {
        @Override
        public String toString() {
            return group.configName() + " provider from " + origin + ": " + message;
        }
    }

    private final Map<PluginKind, List<HandlerProvider<?>>> providers;
    private final List<Failure> failures;
    private final List<String> layerProblems;

    private PluginRegistry(Map<PluginKind, List<HandlerProvider<?>>> providers, List<Failure> failures,
                           List<String> layerProblems) {
        this.providers = providers;
        this.failures = List.copyOf(failures);
        this.layerProblems = List.copyOf(layerProblems);
    }

    /** Loads providers visible from {@code layer} (and its parents) and from {@code classPathLoader}. */
    public static PluginRegistry load(ModuleLayer layer, ClassLoader classPathLoader) {
        return load(layer, classPathLoader, List.of());
    }

    /**
     * Loads providers visible from {@code layer} (and its parents) and from {@code classPathLoader}
     * (named modules defined to it and its ancestors, then {@code META-INF/services} of the class path).
     *
     * @param layerProblems what went wrong while the drop-in layer was built, one line per jar that
     *                      was skipped; repeated in selection errors
     */
    public static PluginRegistry load(ModuleLayer layer, ClassLoader classPathLoader, List<String> layerProblems) {
        Map<PluginKind, List<HandlerProvider<?>>> found = new EnumMap<>(PluginKind.class);
        List<Failure> failures = new ArrayList<>();
        for (PluginKind group : PluginKind.values()) {
            List<HandlerProvider<?>> list = new ArrayList<>();
            Set<Class<?>> seen = new HashSet<>();
            collect(group, ServiceLoader.load(group.serviceType(), classPathLoader), seen, list, failures);
            if (layer != ModuleLayer.boot()) {
                collect(group, ServiceLoader.load(layer, group.serviceType()), seen, list, failures);
            }
            found.put(group, Collections.unmodifiableList(list));
        }
        return new PluginRegistry(found, failures, layerProblems);
    }

    private static void collect(PluginKind group, ServiceLoader<? extends HandlerProvider<?>> loader, Set<Class<?>> seen,
                                List<HandlerProvider<?>> into, List<Failure> failures) {
        var it = loader.stream().iterator();
        // A lookup that keeps failing (a broken META-INF/services file) must not loop for ever.
        for (int errors = 0; errors < MAX_LOOKUP_ERRORS; ) {
            ServiceLoader.Provider<? extends HandlerProvider<?>> provider;
            Class<?> type;
            try {
                if (!it.hasNext()) {
                    return;
                }
                provider = it.next();
                type = provider.type();
            } catch (ServiceConfigurationError e) {
                // The provider class itself did not load: only the message knows which one.
                fail(failures, new Failure(group, "an unknown provider", message(e)));
                errors++;
                continue;
            }
            if (!seen.add(type)) {
                continue;
            }
            try {
                HandlerProvider<?> instance = provider.get();
                String name = instance.name();
                if (name == null || name.isBlank()) {
                    fail(failures, new Failure(group, origin(type), type.getName() + " has no name"));
                    continue;
                }
                into.add(instance);
            } catch (ServiceConfigurationError | RuntimeException | LinkageError e) {
                fail(failures, new Failure(group, origin(type), type.getName() + " failed to load: " + message(e)));
            }
        }
    }

    private static void fail(List<Failure> failures, Failure failure) {
        LOG.warn("skipped a {} (it is only needed if config selects it)", failure);
        failures.add(failure);
    }

    private static String message(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root == e ? String.valueOf(e.getMessage()) : e.getMessage() + " (" + root + ")";
    }

    /** For tests: a registry over the given providers. */
    public static PluginRegistry of(Map<PluginKind, List<HandlerProvider<?>>> providers) {
        Map<PluginKind, List<HandlerProvider<?>>> copy = new EnumMap<>(PluginKind.class);
        for (PluginKind group : PluginKind.values()) {
            copy.put(group, List.copyOf(providers.getOrDefault(group, List.of())));
        }
        return new PluginRegistry(copy, List.of(), List.of());
    }

    public List<HandlerProvider<?>> providers(PluginKind group) {
        return providers.get(group);
    }

    /** Providers that were found but skipped because they failed to load, in the order met. */
    public List<Failure> failures() {
        return failures;
    }

    /** Drop-in jars that were skipped before their providers could be looked at, one line each. */
    public List<String> layerProblems() {
        return layerProblems;
    }

    /**
     * The provider config selects for {@code group}: the one named {@code requested}; else the only
     * one; else the one named {@value #STANDARD}. Empty when the group has no provider at all.
     */
    public Optional<HandlerProvider<?>> select(PluginKind group, String requested) {
        List<HandlerProvider<?>> list = providers.get(group);
        Map<String, List<HandlerProvider<?>>> byName = list.stream()
                .collect(Collectors.groupingBy(HandlerProvider::name));
        byName.forEach((name, same) -> {
            if (same.size() > 1) {
                throw new IllegalStateException("two " + group.configName() + " providers are named '" + name + "': "
                        + same.stream().map(p -> p.getClass().getName() + " (" + origin(p) + ")").collect(Collectors.joining(", "))
                        + "; remove one of them");
            }
        });
        if (requested != null) {
            List<HandlerProvider<?>> match = byName.get(requested);
            if (match == null) {
                throw new IllegalStateException("config asks for " + group.configName() + " provider '" + requested
                        + "', but the providers found are: " + names(list) + loadErrorsSuffix(group));
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

    private String loadErrorsSuffix(PluginKind group) {
        List<String> lines = new ArrayList<>();
        failures.stream().filter(f -> f.group() == group).forEach(f -> lines.add(f.toString()));
        lines.addAll(layerProblems);
        return lines.isEmpty() ? "" : "; skipped because they failed to load: " + String.join("; ", lines);
    }

    private static String names(List<HandlerProvider<?>> list) {
        return list.isEmpty() ? "(none)"
                : list.stream().map(p -> p.name() + " (" + origin(p) + ")").collect(Collectors.joining(", "));
    }

    /** Where a provider came from: its module and jar, or its jar (or folder) on the class path. */
    public static String origin(HandlerProvider<?> provider) {
        return origin(provider.getClass());
    }

    private static String origin(Class<?> type) {
        String module = moduleName(type);
        String location = location(type).orElse(null);
        if (module == null) {
            return location == null ? "the class path" : location;
        }
        return location == null ? "module " + module : "module " + module + " in " + location;
    }

    /** The provider's module name, or null when it comes from the class path. */
    public static String moduleName(HandlerProvider<?> provider) {
        return moduleName(provider.getClass());
    }

    private static String moduleName(Class<?> type) {
        Module module = type.getModule();
        return module.isNamed() ? module.getName() : null;
    }

    /** The jar (or class folder) the provider was loaded from, when known. */
    public static Optional<String> location(HandlerProvider<?> provider) {
        return location(provider.getClass());
    }

    private static Optional<String> location(Class<?> type) {
        Module module = type.getModule();
        Optional<URI> uri = Optional.empty();
        if (module.isNamed() && module.getLayer() != null) {
            uri = module.getLayer().configuration().findModule(module.getName()).flatMap(m -> m.reference().location());
        }
        if (uri.isEmpty()) {
            CodeSource source = type.getProtectionDomain().getCodeSource();
            if (source != null && source.getLocation() != null) {
                try {
                    uri = Optional.of(source.getLocation().toURI());
                } catch (java.net.URISyntaxException e) {
                    return Optional.of(source.getLocation().toString());
                }
            }
        }
        return uri.map(u -> "file".equals(u.getScheme()) ? Path.of(u).toString() : u.toString());
    }
}
