package io.localstackmount.core;

import io.localstackmount.api.CachePolicyProvider;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The cache policy providers found through {@link ServiceLoader}, and the choice of one by name.
 * Same rules as the handler groups in {@link PluginRegistry}: a provider that fails to load is
 * logged and skipped; two providers with one name, or a name config asks for that nobody provides,
 * stop the start with a message that lists what was found. There is no fallback: every mount names
 * a policy (the default is {@value FsConfig#DEFAULT_CACHE_POLICY}), and the built-in ones are
 * ordinary providers.
 */
public final class CachePolicies {
    private static final Logger LOG = LoggerFactory.getLogger(CachePolicies.class);

    private final List<CachePolicyProvider> providers;
    private final List<String> failures;

    private CachePolicies(List<CachePolicyProvider> providers, List<String> failures) {
        this.providers = List.copyOf(providers);
        this.failures = List.copyOf(failures);
    }

    /** Providers visible from {@code classPathLoader} and, unless it is the boot layer, from {@code layer}. */
    public static CachePolicies load(ModuleLayer layer, ClassLoader classPathLoader) {
        List<CachePolicyProvider> found = new ArrayList<>();
        List<String> failures = new ArrayList<>();
        Set<Class<?>> seen = new HashSet<>();
        collect(ServiceLoader.load(CachePolicyProvider.class, classPathLoader), seen, found, failures);
        if (layer != ModuleLayer.boot()) {
            collect(ServiceLoader.load(layer, CachePolicyProvider.class), seen, found, failures);
        }
        return new CachePolicies(found, failures);
    }

    /** For tests: exactly these providers. */
    public static CachePolicies of(List<CachePolicyProvider> providers) {
        return new CachePolicies(providers, List.of());
    }

    private static void collect(ServiceLoader<CachePolicyProvider> loader, Set<Class<?>> seen,
                                List<CachePolicyProvider> into, List<String> failures) {
        var it = loader.stream().iterator();
        while (true) {
            try {
                if (!it.hasNext()) {
                    return;
                }
                ServiceLoader.Provider<CachePolicyProvider> provider = it.next();
                if (seen.add(provider.type())) {
                    into.add(provider.get());
                }
            } catch (ServiceConfigurationError | LinkageError e) {
                String message = "a cache policy provider failed to load and is skipped: " + e.getMessage();
                LOG.warn(message);
                failures.add(message);
            }
        }
    }

    public List<CachePolicyProvider> providers() {
        return providers;
    }

    /** The provider named {@code requested}; IllegalStateException listing what was found otherwise. */
    public CachePolicyProvider select(String requested) {
        Map<String, List<CachePolicyProvider>> byName = providers.stream()
                .collect(Collectors.groupingBy(CachePolicyProvider::name));
        byName.forEach((name, same) -> {
            if (same.size() > 1) {
                throw new IllegalStateException("two cache policy providers are named '" + name + "': "
                        + same.stream().map(p -> p.getClass().getName() + " (" + PluginRegistry.origin(p) + ")")
                        .collect(Collectors.joining(", ")) + "; remove one of them");
            }
        });
        List<CachePolicyProvider> match = byName.get(requested);
        if (match == null) {
            String names = providers.isEmpty() ? "(none)"
                    : providers.stream().map(CachePolicyProvider::name).sorted().collect(Collectors.joining(", "));
            throw new IllegalStateException("config asks for cache policy '" + requested + "', but the cache policies found are: "
                    + names + (failures.isEmpty() ? "" : "; " + String.join("; ", failures)));
        }
        return match.get(0);
    }
}
