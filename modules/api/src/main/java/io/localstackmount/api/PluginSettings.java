package io.localstackmount.api;

import java.util.Map;

/**
 * The settings config gives one plugin (keys without the plugin's prefix): for a plugin that
 * declares its settings ({@link HandlerProvider#settings()}), every declared one, defaults filled in
 * and sizes already in bytes.
 */
public record PluginSettings(Map<String, String> values) {

    public static final PluginSettings EMPTY = new PluginSettings(Map.of());

    public PluginSettings {
        values = Map.copyOf(values);
    }

    public String get(String key, String fallback) {
        return values.getOrDefault(key, fallback);
    }

    public long getLong(String key, long fallback) {
        String v = values.get(key);
        if (v == null) {
            return fallback;
        }
        try {
            return Long.parseLong(v.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("setting " + key + " is not a number: " + v, e);
        }
    }

    /** A declared number, size (bytes) or time (seconds) setting; IllegalArgumentException when absent. */
    public long getLong(String key) {
        if (!values.containsKey(key)) {
            throw new IllegalArgumentException("setting " + key + " has no value: is it declared by the provider?");
        }
        return getLong(key, 0);
    }
}
