package io.localstackmount.api;

import java.util.Map;

/** The settings config gives one plugin (keys without the plugin's prefix). */
public record PluginSettings(Map<String, String> values) {

    public static final PluginSettings EMPTY = new PluginSettings(Map.of());

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
}
