package io.localstackmount.api;

import java.util.Objects;

/**
 * One setting a provider reads, declared by the provider itself ({@link HandlerProvider#settings()}):
 * config refuses settings a provider does not declare (naming the closest one), fills in the
 * defaults, and turns sizes such as {@code 8m} into bytes before the provider sees them.
 *
 * @param name         the setting's name, without the provider's config prefix (e.g. {@code part-size})
 * @param defaultValue its default in config syntax ({@code 8m}, {@code 16}, {@code 5s})
 * @param type         how config checks and normalises the value
 * @param why          what it does and why the default is what it is (printed by {@code --print-config})
 */
public record PluginSetting(String name, String defaultValue, Type type, String why) {

    /** How a value is written in config and handed to the provider. */
    public enum Type {
        /** A whole number. */
        NUMBER,
        /** Bytes, written with an optional {@code k}, {@code m} or {@code g} suffix; handed on as plain bytes. */
        SIZE,
        /** Seconds, written as a number with an optional {@code s}, {@code m} or {@code h} suffix; handed on as seconds. */
        SECONDS,
        /** Any text. */
        TEXT
    }

    public PluginSetting {
        Objects.requireNonNull(name);
        Objects.requireNonNull(defaultValue);
        Objects.requireNonNull(type);
        Objects.requireNonNull(why);
    }

    public static PluginSetting number(String name, long defaultValue, String why) {
        return new PluginSetting(name, Long.toString(defaultValue), Type.NUMBER, why);
    }

    public static PluginSetting size(String name, String defaultValue, String why) {
        return new PluginSetting(name, defaultValue, Type.SIZE, why);
    }

    public static PluginSetting seconds(String name, String defaultValue, String why) {
        return new PluginSetting(name, defaultValue, Type.SECONDS, why);
    }
}
