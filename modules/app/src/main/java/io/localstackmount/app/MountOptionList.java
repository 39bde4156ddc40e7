package io.localstackmount.app;

import io.localstackmount.app.ConfigSources.Level;
import io.localstackmount.app.ConfigSources.Setting;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * The text of {@code -o OPTIONS}, as mount(8), fuse3's {@code mount.fuse}, {@code /etc/fstab} and
 * systemd mount units hand it over: comma-separated {@code name} or {@code name=value} items
 * ({@code \,} is a comma inside a value). Each item is, in this order of lookup:
 * <pre>
 *   a mount or FUSE option   ro, rw, allow_other, uid=N, gid=N, umask=M, nonempty, debug: the keys below;
 *                            _netdev, nofail, noauto, x-systemd.*, defaults, nosuid, ...: for mount(8)
 *                            and systemd, accepted and ignored here
 *   a flag without dashes    endpoint=URL, bucket=B/P, read-only, ttl=0 (CliFlags)
 *   a configuration key      s3.endpoint=URL, plugin.rename.max-keys=5000
 * </pre>
 * So flags, {@code -o} items and configuration keys are one set of names. Anything else is an
 * error naming the closest name.
 */
final class MountOptionList {
    /** FUSE and mount(8) names that set a key, and the value a bare name gives it. */
    private static final Map<String, String> MOUNT_KEYS = Map.of(
            "ro", "mount.read-only", "rw", "mount.read-only", "allow_other", "mount.allow-other",
            "uid", "mount.uid", "gid", "mount.gid", "umask", "mount.umask", "nonempty", "mount.nonempty",
            "debug", "mount.debug");
    private static final Map<String, String> MOUNT_SWITCH_VALUES = Map.of(
            "ro", "true", "rw", "false", "allow_other", "true", "nonempty", "true", "debug", "true");
    /**
     * Options of mount(8), fstab and systemd that mean nothing to this program: the kernel or
     * fusermount applies nosuid and nodev to every FUSE mount of a user anyway, and the rest steer
     * mount(8) and systemd (when to mount, whether to wait for the network, whether a failure counts).
     */
    private static final Set<String> IGNORED = Set.of(
            "defaults", "auto", "noauto", "user", "nouser", "users", "owner", "group", "_netdev", "nofail",
            "dev", "nodev", "suid", "nosuid", "exec", "noexec", "atime", "noatime", "relatime", "norelatime",
            "strictatime", "nostrictatime", "diratime", "nodiratime", "lazytime", "nolazytime", "sync", "async",
            "iversion", "noiversion", "mand", "nomand", "fsname", "subtype", "comment", "auto_unmount",
            "big_writes", "allow_root", "kernel_cache", "auto_cache",
            // with allow_other the mount asks the kernel to check permissions anyway; alone it changes nothing for you
            "default_permissions");

    /**
     * What {@code -o} items amount to.
     *
     * @param settings settings of the flag layer, in the order given
     * @param ignored  items accepted for mount(8) and systemd, for the debug log
     */
    record Parsed(List<Setting> settings, List<String> ignored) {
    }

    private MountOptionList() {
    }

    /** Parses one {@code -o} argument; relative paths in values resolve against {@code cwd}. */
    static Parsed parse(String text, Path cwd) {
        List<Setting> settings = new ArrayList<>();
        List<String> ignored = new ArrayList<>();
        for (String item : split(text)) {
            if (item.isBlank()) {
                continue;
            }
            int eq = item.indexOf('=');
            String name = (eq < 0 ? item : item.substring(0, eq)).trim();
            String value = eq < 0 ? null : item.substring(eq + 1).trim();
            String source = "-o " + name;
            if (MOUNT_KEYS.containsKey(name)) {
                String v = value != null ? value : MOUNT_SWITCH_VALUES.get(name);
                if (v == null) {
                    throw new IllegalArgumentException("-o " + name + " needs a value: " + name + "=...");
                }
                settings.add(new Setting(MOUNT_KEYS.get(name), v, Level.FLAG, source, cwd));
            } else if (IGNORED.contains(name) || name.startsWith("x-")) {
                ignored.add(item);
            } else {
                Optional<CliFlags.Flag> flag = CliFlags.byName("--" + name);
                if (flag.isPresent()) {
                    String v = value != null ? value : flag.get().switchValue();
                    if (v == null) {
                        throw new IllegalArgumentException("-o " + name + " needs a value: " + name + "=" + flag.get().label());
                    }
                    for (String key : flag.get().keys()) {
                        settings.add(new Setting(key, v, Level.FLAG, source, cwd));
                    }
                } else if (known(name)) {
                    if (value == null) {
                        throw new IllegalArgumentException("-o " + name + " needs a value: " + name + "=...");
                    }
                    settings.add(new Setting(name, value, Level.FLAG, source, cwd));
                } else {
                    throw new IllegalArgumentException("unknown mount option '" + name + "' in -o " + text + suggestion(name));
                }
            }
        }
        return new Parsed(settings, ignored);
    }

    private static boolean known(String key) {
        try {
            ConfigKeys.check(key, "-o");
            return true;
        } catch (ConfigException e) {
            return false;
        }
    }

    /** Splits on commas that are not escaped as {@code \,}. */
    static List<String> split(String text) {
        List<String> items = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '\\' && i + 1 < text.length() && text.charAt(i + 1) == ',') {
                current.append(',');
                i++;
            } else if (c == ',') {
                items.add(current.toString());
                current.setLength(0);
            } else {
                current.append(c);
            }
        }
        items.add(current.toString());
        return items;
    }

    /** Every name {@code -o} takes, for suggestions and the docs' test. */
    static Set<String> names() {
        Set<String> names = new TreeSet<>(MOUNT_KEYS.keySet());
        names.addAll(IGNORED);
        CliFlags.ALL.forEach(f -> names.add(f.bare()));
        names.addAll(ConfigKeys.all());
        return names;
    }

    private static String suggestion(String name) {
        String lower = name.toLowerCase(Locale.ROOT);
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (String candidate : names()) {
            int d = ConfigKeys.distance(lower, candidate);
            if (d < bestDistance) {
                bestDistance = d;
                best = candidate;
            }
        }
        if (best != null && bestDistance <= Math.max(2, name.length() / 3)) {
            return "; did you mean '" + best + "'?";
        }
        return "; -o takes mount options (ro, allow_other, uid=N, ...), the options of --help without their dashes"
                + " (endpoint=URL) and configuration keys (s3.endpoint=URL)";
    }
}
