package io.localstackmount.app;

import io.localstackmount.api.HandlerProvider;
import io.localstackmount.api.PluginKind;
import io.localstackmount.api.PluginSetting;
import io.localstackmount.core.DeclaredSettings;
import io.localstackmount.core.PluginRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The plugins of one run: the drop-in layer ({@link PluginLayer}), core's registry over it and the
 * built-ins (every kind, the cache policy included), and the checks that make a wrong choice in
 * config a start-up error naming the key: an unknown provider name, two providers with one name, a
 * setting the selected provider does not declare. Also renders the table of {@code localstackmount plugins}.
 */
final class Plugins {
    private static final Logger LOG = LoggerFactory.getLogger(Plugins.class);

    private final PluginLayer.Result layer;
    private final PluginRegistry registry;

    private Plugins(PluginLayer.Result layer, PluginRegistry registry) {
        this.layer = layer;
        this.registry = registry;
    }

    static Plugins load(AppConfig config, ClassLoader appLoader) {
        PluginLayer.Result layer = PluginLayer.load(config.pluginDirs(), appLoader);
        if (!layer.jars().isEmpty()) {
            LOG.info("drop-in plugins: {}", layer.jars().values());
        }
        return new Plugins(layer, PluginRegistry.load(layer.layer(), appLoader, layer.problems()));
    }

    PluginRegistry registry() {
        return registry;
    }

    PluginLayer.Result layer() {
        return layer;
    }

    /** The provider config selects for {@code kind}, or empty when the kind is off or has none. */
    Optional<HandlerProvider<?>> selected(AppConfig config, PluginKind kind) {
        if (config.disabled().contains(kind)) {
            return Optional.empty();
        }
        try {
            return registry.select(kind, config.provider(kind));
        } catch (IllegalStateException e) {
            return Optional.empty();
        }
    }

    /**
     * Selects every enabled kind's provider as the mount will, and checks config's settings for it
     * against what it declares: throws a {@link ConfigException} naming the key (and the jars
     * involved) when config and the plugins found disagree.
     */
    void validate(AppConfig config, ConfigSources sources) {
        for (PluginKind kind : PluginKind.values()) {
            if (config.disabled().contains(kind)) {
                continue;
            }
            String key = ConfigKeys.selectKey(kind);
            Optional<HandlerProvider<?>> chosen;
            try {
                chosen = registry.select(kind, config.provider(kind));
            } catch (IllegalStateException e) {
                String where = sources.get(key).map(s -> s.describe() + ": ").orElse(key + ": ");
                throw new ConfigException(where + e.getMessage() + closestName(kind, config.provider(kind)), e);
            }
            if (chosen.isEmpty()) {
                if (kind.required()) {
                    throw new ConfigException("no provider of the " + kind.configName() + " kind was found"
                            + (registry.layerProblems().isEmpty() ? "" : "; skipped jars: " + String.join("; ", registry.layerProblems())));
                }
                continue;
            }
            checkSettings(kind, chosen.get(), config.settings(kind), sources);
        }
    }

    private static void checkSettings(PluginKind kind, HandlerProvider<?> provider, Map<String, String> given,
                                      ConfigSources sources) {
        List<PluginSetting> declared = provider.settings();
        for (Map.Entry<String, String> e : given.entrySet()) {
            String settingKey = ConfigKeys.settingKey(kind, e.getKey());
            String where = sources.get(settingKey).map(ConfigSources.Setting::source).orElse("?");
            Optional<PluginSetting> setting = declared.stream().filter(d -> d.name().equals(e.getKey())).findFirst();
            if (setting.isEmpty()) {
                List<String> names = declared.stream().map(PluginSetting::name).toList();
                String closest = names.stream().filter(n -> ConfigKeys.distance(n, e.getKey()) <= Math.max(2, n.length() / 3))
                        .findFirst().map(n -> "; did you mean '" + ConfigKeys.settingKey(kind, n) + "'?").orElse("");
                throw new ConfigException("unknown configuration key '" + settingKey + "' (" + where + "): the "
                        + provider.name() + " " + kind.configName() + " provider has the settings "
                        + (names.isEmpty() ? "(none)" : String.join(", ", names)) + closest);
            }
            try {
                DeclaredSettings.normalise(setting.get(), e.getValue());
            } catch (IllegalArgumentException ex) {
                throw new ConfigException(settingKey + " (" + where + "): " + ex.getMessage(), ex);
            }
        }
    }

    /** What {@code kind}'s selected provider is created with: config's settings over its declared defaults. */
    static Map<String, String> effectiveSettings(HandlerProvider<?> provider, Map<String, String> given) {
        Map<String, String> all = new java.util.LinkedHashMap<>();
        for (PluginSetting s : provider.settings()) {
            all.put(s.name(), given.getOrDefault(s.name(), s.defaultValue()));
        }
        all.putAll(given);
        return all;
    }

    private String closestName(PluginKind kind, String requested) {
        if (requested == null) {
            return "";
        }
        return registry.providers(kind).stream().map(HandlerProvider::name)
                .filter(n -> ConfigKeys.distance(n, requested) <= Math.max(2, requested.length() / 3))
                .findFirst().map(n -> "; did you mean '" + n + "'?").orElse("");
    }

    /** The table {@code localstackmount plugins} prints: every provider, which one config selects, and what failed. */
    String table(AppConfig config) {
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] {"GROUP", "NAME", "STATUS", "MODULE", "JAR"});
        for (PluginKind group : PluginKind.values()) {
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
                    status = "off (" + ConfigKeys.selectKey(group) + ConfigKeys.ENABLED_SUFFIX + " = false)";
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
