package io.localstackmount.core;

import io.localstackmount.api.HandlerProvider;
import io.localstackmount.api.PluginSetting;
import io.localstackmount.api.PluginSettings;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * A provider's settings as it declared them ({@link HandlerProvider#settings()}) applied to what
 * config gave it: a setting it does not declare is refused (naming the ones it has), every declared
 * one gets its default when config is silent, and sizes and times become plain numbers (bytes,
 * seconds). The app checks config with this before mounting; core applies it when creating the
 * provider, so a provider always sees the same values {@code --print-config} shows.
 */
public final class DeclaredSettings {
    private static final Pattern SIZE = Pattern.compile("(\\d+)\\s*([kmgt]?)(i?b)?", Pattern.CASE_INSENSITIVE);

    private DeclaredSettings() {
    }

    /**
     * The settings {@code provider} is created with; IllegalArgumentException (naming the setting)
     * for an undeclared or malformed one.
     */
    public static PluginSettings resolve(HandlerProvider<?> provider, PluginSettings given) {
        List<PluginSetting> declared = provider.settings();
        Map<String, PluginSetting> byName = declared.stream()
                .collect(Collectors.toMap(PluginSetting::name, s -> s, (a, b) -> a, LinkedHashMap::new));
        for (String name : given.values().keySet()) {
            if (!byName.containsKey(name)) {
                throw new IllegalArgumentException("'" + name + "' is not a setting of the " + provider.name() + " provider; it has "
                        + (byName.isEmpty() ? "none" : String.join(", ", byName.keySet())));
            }
        }
        Map<String, String> values = new LinkedHashMap<>();
        for (PluginSetting setting : declared) {
            String raw = given.values().getOrDefault(setting.name(), setting.defaultValue());
            values.put(setting.name(), normalise(setting, raw));
        }
        return new PluginSettings(values);
    }

    /** {@code raw} as the provider reads it: bytes for a size, seconds for a time; IllegalArgumentException when malformed. */
    public static String normalise(PluginSetting setting, String raw) {
        String v = raw.trim();
        try {
            return switch (setting.type()) {
                case TEXT -> v;
                case NUMBER -> Long.toString(Long.parseLong(v));
                case SIZE -> Long.toString(bytes(v));
                case SECONDS -> Long.toString(seconds(v));
            };
        } catch (IllegalArgumentException | ArithmeticException e) {
            throw new IllegalArgumentException("setting '" + setting.name() + "' = '" + raw + "' is not "
                    + switch (setting.type()) {
                        case SIZE -> "a size such as 8m, 512k or 1g";
                        case SECONDS -> "a time of 0 or more, such as 30, 30s, 5m or 1h";
                        default -> "a whole number";
                    }, e);
        }
    }

    /**
     * Bytes: {@code 1048576}, or with a binary unit {@code 512k}, {@code 8m}, {@code 1g}, {@code 8MiB};
     * IllegalArgumentException otherwise. The one size syntax of every configuration key.
     */
    public static long bytes(String value) {
        Matcher m = SIZE.matcher(value.trim());
        if (!m.matches()) {
            throw new IllegalArgumentException("takes a size in bytes, or with a unit: 512k, 8m, 1g");
        }
        int shift = switch (m.group(2).toLowerCase(Locale.ROOT)) {
            case "k" -> 10;
            case "m" -> 20;
            case "g" -> 30;
            case "t" -> 40;
            default -> 0;
        };
        long n = Long.parseLong(m.group(1));
        if (n > (Long.MAX_VALUE >> shift)) {
            throw new IllegalArgumentException("is too large");
        }
        return n << shift;
    }

    private static long seconds(String v) {
        String s = v.toLowerCase(Locale.ROOT);
        long unit = 1;
        char last = s.isEmpty() ? ' ' : s.charAt(s.length() - 1);
        switch (last) {
            case 's' -> unit = 1;
            case 'm' -> unit = 60;
            case 'h' -> unit = 3600;
            default -> unit = 0;
        }
        String number = unit == 0 ? s : s.substring(0, s.length() - 1);
        long seconds = Math.multiplyExact(Long.parseLong(number.trim()), unit == 0 ? 1 : unit);
        if (seconds < 0) {
            throw new IllegalArgumentException("a time cannot be negative");
        }
        return seconds;
    }
}
