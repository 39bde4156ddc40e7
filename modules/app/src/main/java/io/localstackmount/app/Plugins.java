package io.localstackmount.app;

import io.localstackmount.api.HandlerGroup;
import io.localstackmount.api.CachePolicyProvider;
import io.localstackmount.api.HandlerProvider;
import io.localstackmount.core.CachePolicies;
import io.localstackmount.core.PluginRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The plugins of one run: the drop-in layer ({@link PluginLayer}), core's registry over it and the
 * built-ins, and the checks that make a wrong choice in config a start-up error naming the key:
 * an unknown provider name, two providers with one name, a misspelt setting of a built-in.
 * Also renders the table of {@code localstackmount plugins}.
 */
final class Plugins {
    private static final Logger LOG = LoggerFactory.getLogger(Plugins.class);
    /** Package of the built-in providers, whose settings config knows ({@link ConfigKeys#STANDARD_SETTINGS}). */
    private static final String BUILT_IN_PACKAGE = "io.localstackmount.plugin.";

    private final PluginLayer.Result layer;
    private final PluginRegistry registry;
    private final CachePolicies cachePolicies;

    private Plugins(PluginLayer.Result layer, PluginRegistry registry, CachePolicies cachePolicies) {
        this.layer = layer;
        this.registry = registry;
        this.cachePolicies = cachePolicies;
    }

    static Plugins load(AppConfig config, ClassLoader appLoader) {
        PluginLayer.Result layer = PluginLayer.load(config.pluginDirs(), appLoader);
        if (!layer.jars().isEmpty()) {
            LOG.info("drop-in plugins: {}", layer.jars().values());
        }
        return new Plugins(layer, PluginRegistry.load(layer.layer(), appLoader, layer.problems()),
                CachePolicies.load(layer.layer(), appLoader));
    }

    PluginRegistry registry() {
        return registry;
    }

    PluginLayer.Result layer() {
        return layer;
    }

    /** The cache policies found: built-ins and drop-ins, like the handler providers. */
    CachePolicies cachePolicies() {
        return cachePolicies;
    }

    /**
     * Selects every enabled group's provider as the mount will, and checks the settings of built-ins:
     * throws a {@link ConfigException} naming the key (and the jars involved) when config and the
     * plugins found disagree.
     */
    void validate(AppConfig config, ConfigSources sources) {
        for (HandlerGroup group : HandlerGroup.values()) {
            if (config.disabled().contains(group)) {
                continue;
            }
            String key = ConfigKeys.SELECT_PREFIX + group.configName();
            Optional<HandlerProvider<?>> chosen;
            try {
                chosen = registry.select(group, config.provider(group));
            } catch (IllegalStateException e) {
                String where = sources.get(key).map(s -> s.describe() + ": ").orElse(key + ": ");
                throw new ConfigException(where + e.getMessage() + closestName(group, config.provider(group)), e);
            }
            if (chosen.isEmpty()) {
                if (group.required()) {
                    throw new ConfigException("no provider of the " + group.configName() + " handler group was found"
                            + (registry.layerProblems().isEmpty() ? "" : "; skipped jars: " + String.join("; ", registry.layerProblems())));
                }
                continue;
            }
            HandlerProvider<?> provider = chosen.get();
            Map<String, String> settings = config.settings(group);
            if (isBuiltIn(provider)) {
                Map<String, String> known = ConfigKeys.STANDARD_SETTINGS.get(group);
                for (String name : settings.keySet()) {
                    if (!known.containsKey(name)) {
                        String settingKey = ConfigKeys.SETTING_PREFIX + group.configName() + "." + name;
                        String where = sources.get(settingKey).map(ConfigSources.Setting::source).orElse("?");
                        throw new ConfigException("unknown configuration key '" + settingKey + "' (" + where + "): the "
                                + provider.name() + " " + group.configName() + " provider has the settings "
                                + (known.isEmpty() ? "(none)" : String.join(", ", known.keySet())) + ConfigKeys.suggestion(settingKey));
                    }
                }
            } else if (!settings.isEmpty()) {
                LOG.debug("{} settings {} go to {} unchecked: the plugin checks its own", group.configName(),
                        settings.keySet(), PluginRegistry.origin(provider));
            }
        }
        validateCachePolicy(config, sources);
    }

    private void validateCachePolicy(AppConfig config, ConfigSources sources) {
        String name = config.fsConfig().cachePolicy();
        CachePolicyProvider policy;
        try {
            policy = cachePolicies.select(name);
        } catch (IllegalStateException e) {
            String where = sources.get(CacheKeys.POLICY).map(s -> s.describe() + ": ").orElse(CacheKeys.POLICY + ": ");
            String closest = cachePolicies.providers().stream().map(CachePolicyProvider::name)
                    .filter(n -> ConfigKeys.distance(n, name) <= Math.max(2, name.length() / 3))
                    .findFirst().map(n -> "; did you mean '" + n + "'?").orElse("");
            throw new ConfigException(where + e.getMessage() + closest, e);
        }
        boolean builtIn = policy.getClass().getName().startsWith(CacheKeys.BUILT_IN_PACKAGE)
                && (!policy.getClass().getModule().isNamed() || policy.getClass().getModule().getLayer() == ModuleLayer.boot());
        if (builtIn && !config.cacheSettings().isEmpty()) {
            String key = CacheKeys.PREFIX + config.cacheSettings().keySet().iterator().next();
            String where = sources.get(key).map(ConfigSources.Setting::source).orElse("?");
            throw new ConfigException("unknown configuration key '" + key + "' (" + where + "): the cache keys are "
                    + String.join(", ", CacheKeys.KEYS) + ", and the " + policy.name() + " policy takes no settings"
                    + ConfigKeys.suggestion(key));
        }
    }

    private String closestName(HandlerGroup group, String requested) {
        if (requested == null) {
            return "";
        }
        return registry.providers(group).stream().map(HandlerProvider::name)
                .filter(n -> ConfigKeys.distance(n, requested) <= Math.max(2, requested.length() / 3))
                .findFirst().map(n -> "; did you mean '" + n + "'?").orElse("");
    }

    /** A provider shipped with the app: named standard, from our plugin packages, not from a drop-in layer. */
    static boolean isBuiltIn(HandlerProvider<?> provider) {
        Module m = provider.getClass().getModule();
        boolean notDropIn = !m.isNamed() || m.getLayer() == ModuleLayer.boot();
        return PluginRegistry.STANDARD.equals(provider.name()) && provider.getClass().getName().startsWith(BUILT_IN_PACKAGE)
                && notDropIn;
    }

    /** The table {@code localstackmount plugins} prints: every provider, which one config selects, and what failed. */
    String table(AppConfig config) {
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] {"GROUP", "NAME", "STATUS", "MODULE", "JAR"});
        for (HandlerGroup group : HandlerGroup.values()) {
            HandlerProvider<?> selected = null;
            String selectError = null;
            if (!config.disabled().contains(group)) {
                try {
                    selected = registry.select(group, config.provider(group)).orElse(null);
                } catch (IllegalStateException e) {
                    selectError = e.getMessage();
                }
            }
            List<HandlerProvider<?>> providers = registry.providers(group);
            if (providers.isEmpty()) {
                rows.add(new String[] {group.configName(), "-", group.required() ? "MISSING" : "none (unsupported)", "-", "-"});
            }
            for (HandlerProvider<?> p : providers) {
                String status;
                if (config.disabled().contains(group)) {
                    status = "off (plugins." + group.configName() + ".enabled = false)";
                } else if (p == selected) {
                    status = "selected";
                } else if (selectError != null) {
                    status = "CONFLICT";
                } else {
                    status = "available";
                }
                String module = PluginRegistry.moduleName(p);
                rows.add(new String[] {group.configName(), p.name(), status, module == null ? "(class path)" : module,
                        PluginRegistry.location(p).orElse("-")});
            }
            if (selectError != null) {
                rows.add(new String[] {group.configName(), "!", "ERROR: " + selectError, "", ""});
            }
        }
        String policyName = config.fsConfig().cachePolicy();
        for (CachePolicyProvider p : cachePolicies.providers()) {
            String module = PluginRegistry.moduleName(p);
            rows.add(new String[] {"cache", p.name(), p.name().equals(policyName) ? "selected" : "available",
                    module == null ? "(class path)" : module, PluginRegistry.location(p).orElse("-")});
        }
        if (cachePolicies.providers().stream().noneMatch(p -> p.name().equals(policyName))) {
            rows.add(new String[] {"cache", "!", "ERROR: cache.policy = " + policyName + " is not among the policies found", "", ""});
        }
        StringBuilder out = new StringBuilder();
        int[] widths = new int[4];
        for (String[] row : rows) {
            for (int i = 0; i < widths.length; i++) {
                widths[i] = Math.max(widths[i], row[i].length());
            }
        }
        for (String[] row : rows) {
            StringBuilder line = new StringBuilder();
            for (int i = 0; i < row.length; i++) {
                line.append(i < widths.length ? String.format("%-" + widths[i] + "s  ", row[i]) : row[i]);
            }
            out.append(line.toString().stripTrailing()).append('\n');
        }
        if (!registry.failures().isEmpty() || !registry.layerProblems().isEmpty()) {
            out.append("\nSkipped (a problem only if config selects them):\n");
            registry.failures().forEach(f -> out.append("  ").append(f).append('\n'));
            registry.layerProblems().forEach(p -> out.append("  ").append(p).append('\n'));
        }
        out.append("\nPlugin folders: ").append(config.pluginDirs().isEmpty() ? "(none)"
                : config.pluginDirs().stream().map(d -> d + (java.nio.file.Files.isDirectory(d) ? "" : " (missing)"))
                        .collect(java.util.stream.Collectors.joining(", "))).append('\n');
        return out.toString();
    }
}
