package io.localstackmount.app;

import java.io.IOException;
import java.io.Reader;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.TreeMap;

/**
 * Where configuration text comes from, as layers of {@code key = value} settings, before any value
 * is parsed. Highest precedence first:
 * <pre>
 *   FLAG          the command line: named options (--ttl) and --set KEY=VALUE
 *   ENVIRONMENT   LOCALSTACKMOUNT_KEY variables (for s3.* the AWS variables follow, see ConfigLoader)
 *   PROJECT_FILE  the file --config names, else .localstackmount.properties in the working folder or
 *                 the nearest folder above it
 *   USER_FILE     $XDG_CONFIG_HOME/localstackmount/config.properties (~/.config/... without XDG)
 * </pre>
 * Every key is checked against {@link ConfigKeys} while the layers load, so a misspelt key stops
 * the start naming the file and line. {@link ConfigLoader} turns the winning values into an
 * {@link AppConfig}.
 *
 * <p>Trust: a file is read only if {@link PathTrust} trusts it (yours or root's, writable by nobody
 * else). A found project file or the user file that is not is ignored with a warning: a file that
 * someone else can write, in any folder above the one you work in, must not decide where the mount
 * writes. A file named with {@code --config} that is not stops the start. A project file (found or
 * named) cannot set {@code plugin-dirs}: plugin jars run as you, and a project file comes with
 * whatever folder you happen to work in; plugin folders come from the installation, your own user
 * file, the environment and the command line.
 */
final class ConfigSources {
    static final String PROJECT_FILE_NAME = ".localstackmount.properties";
    static final String USER_FILE_NAME = "config.properties";

    /** Where a setting came from, highest precedence first. */
    enum Level {
        FLAG("command line"),
        ENVIRONMENT("environment"),
        PROJECT_FILE("project file"),
        USER_FILE("user file");

        final String label;

        Level(String label) {
            this.label = label;
        }
    }

    /**
     * One setting as written.
     *
     * @param key     the config key
     * @param value   the text after {@code =}, trimmed
     * @param level   which layer it is from
     * @param source  for messages: {@code --ttl}, {@code LOCALSTACKMOUNT_MOUNT_TTL}, {@code /p/.localstackmount.properties:3}
     * @param baseDir relative paths in the value are resolved against this: the file's folder, or
     *                the working folder for flags and environment
     */
    record Setting(String key, String value, Level level, String source, Path baseDir) {
        /** {@code key = value (source)}, for error messages. */
        String describe() {
            return key + " = " + ConfigKeys.shown(key, value) + " (" + source + ")";
        }
    }

    private final Map<Level, Map<String, Setting>> layers;
    private final Path projectFile;
    private final Path userFile;
    private final boolean projectFileFound;
    private final boolean userFileFound;
    private final String projectFileIgnored;
    private final List<String> warnings;

    private ConfigSources(Map<Level, Map<String, Setting>> layers, Path projectFile, boolean projectFileFound,
                          String projectFileIgnored, Path userFile, boolean userFileFound, List<String> warnings) {
        this.layers = layers;
        this.warnings = List.copyOf(warnings);
        this.projectFile = projectFile;
        this.projectFileFound = projectFileFound;
        this.projectFileIgnored = projectFileIgnored;
        this.userFile = userFile;
        this.userFileFound = userFileFound;
    }

    /**
     * Reads every layer.
     *
     * @param flags      settings from the command line, in order (a later one wins)
     * @param configFile the file {@code --config} names, or null to look for the project file
     * @param env        the process environment
     * @param cwd        the working folder
     * @param userConfigDir the user's config folder for this tool ({@link #userConfigDir})
     */
    static ConfigSources load(List<Setting> flags, Path configFile, Map<String, String> env, Path cwd, Path userConfigDir) {
        Map<Level, Map<String, Setting>> layers = new EnumMap<>(Level.class);
        Map<String, Setting> flagLayer = new LinkedHashMap<>();
        for (Setting s : flags) {
            ConfigKeys.check(s.key(), s.source());
            flagLayer.put(s.key(), s);
        }
        layers.put(Level.FLAG, flagLayer);
        List<String> warnings = new ArrayList<>();
        layers.put(Level.ENVIRONMENT, fromEnvironment(env, cwd, warnings));

        Path project;
        boolean projectFound;
        String projectIgnored = null;
        if (configFile != null) {
            project = cwd.resolve(configFile).toAbsolutePath().normalize();
            if (!Files.isRegularFile(project)) {
                throw new ConfigException("--config " + configFile + ": no such file");
            }
            Optional<String> why = PathTrust.distrust(project, true);
            if (why.isPresent()) {
                throw new ConfigException("--config " + project + ": refused: it " + why.get()
                        + ", so someone else could decide what the mount does; fix its owner or mode (chmod go-w)");
            }
            projectFound = true;
        } else {
            Optional<Path> found = findProjectFile(cwd);
            project = found.orElse(cwd.resolve(PROJECT_FILE_NAME).toAbsolutePath().normalize());
            projectFound = found.isPresent();
            Optional<String> why = found.flatMap(f -> PathTrust.distrust(f, true));
            if (why.isPresent()) {
                projectIgnored = why.get();
                projectFound = false;
                warnings.add("ignoring the project file " + project + ": it " + projectIgnored + ", so someone else could"
                        + " decide what the mount does; if it is yours, fix its owner or mode (chmod go-w)");
            }
        }
        Map<String, Setting> projectLayer = projectFound ? readFile(project, Level.PROJECT_FILE) : Map.of();
        Setting pluginDirs = projectLayer.get(ConfigKeys.PLUGIN_DIRS);
        if (pluginDirs != null) {
            throw new ConfigException(pluginDirs.describe() + ": a project file cannot add plugin folders: plugin jars run"
                    + " as you, and a project file comes with whatever folder you work in. Set plugin-dirs in your user file ("
                    + userConfigDir.resolve(USER_FILE_NAME) + "), as LOCALSTACKMOUNT_PLUGIN_DIRS, or pass --plugin-dir.");
        }
        layers.put(Level.PROJECT_FILE, projectLayer);

        Path user = userConfigDir.resolve(USER_FILE_NAME);
        boolean userFound = Files.isRegularFile(user) && !user.toAbsolutePath().normalize().equals(project);
        if (userFound) {
            Optional<String> why = PathTrust.distrust(user, true);
            if (why.isPresent()) {
                userFound = false;
                warnings.add("ignoring the user file " + user + ": it " + why.get() + ", so someone else could decide what"
                        + " the mount does; fix its owner or mode (chmod go-w)");
            }
        }
        layers.put(Level.USER_FILE, userFound ? readFile(user, Level.USER_FILE) : Map.of());
        return new ConfigSources(layers, project, projectFound, projectIgnored, user, userFound, warnings);
    }

    /** {@code $XDG_CONFIG_HOME/localstackmount}, or {@code ~/.config/localstackmount} without it (XDG base directory spec). */
    static Path userConfigDir(Map<String, String> env, Path home) {
        String xdg = env.get("XDG_CONFIG_HOME");
        Path base = xdg != null && !xdg.isBlank() && Path.of(xdg).isAbsolute() ? Path.of(xdg) : home.resolve(".config");
        return base.resolve("localstackmount");
    }

    /** The nearest {@value #PROJECT_FILE_NAME} in {@code cwd} or a folder above it. */
    static Optional<Path> findProjectFile(Path cwd) {
        for (Path dir = cwd.toAbsolutePath().normalize(); dir != null; dir = dir.getParent()) {
            Path candidate = dir.resolve(PROJECT_FILE_NAME);
            if (Files.isRegularFile(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }

    private static Map<String, Setting> fromEnvironment(Map<String, String> env, Path cwd, List<String> warnings) {
        Map<String, Setting> layer = new LinkedHashMap<>();
        for (Map.Entry<String, String> e : new TreeMap<>(env).entrySet()) {
            String name = e.getKey();
            if (!name.startsWith(ConfigKeys.ENV_PREFIX) || ConfigKeys.NOT_CONFIG_ENV.contains(name)) {
                continue;
            }
            Optional<String> key = ConfigKeys.keyOfEnv(name);
            if (key.isEmpty()) {
                // The environment is shared with other tools and shells: a stray variable warns, it does not stop the mount.
                warnings.add("ignoring environment variable " + name + ": it names no configuration key"
                        + ConfigKeys.suggestion(name.substring(ConfigKeys.ENV_PREFIX.length()).toLowerCase(java.util.Locale.ROOT)
                                .replace('_', '.')));
                continue;
            }
            ConfigKeys.check(key.get(), name);
            layer.put(key.get(), new Setting(key.get(), e.getValue().trim(), Level.ENVIRONMENT, name, cwd));
        }
        return layer;
    }

    /** Reads a properties file ({@code key = value}, {@code #} comments); a key set twice is an error. */
    static Map<String, Setting> readFile(Path file, Level level) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new ConfigException("cannot read the config file " + file + ": " + e.getMessage(), e);
        }
        Properties properties = new Properties();
        try (Reader reader = new StringReader(text)) {
            properties.load(reader);
        } catch (IOException | IllegalArgumentException e) {
            throw new ConfigException("the config file " + file + " is not a properties file: " + e.getMessage(), e);
        }
        Map<String, List<Integer>> lines = keyLines(text);
        Map<String, Setting> layer = new LinkedHashMap<>();
        Path dir = file.toAbsolutePath().normalize().getParent();
        List<String> keys = new ArrayList<>(properties.stringPropertyNames());
        keys.sort((a, b) -> Integer.compare(firstLine(lines, a), firstLine(lines, b)));
        for (String key : keys) {
            List<Integer> at = lines.getOrDefault(key, List.of());
            String source = file + (at.isEmpty() ? "" : ":" + at.get(0));
            if (at.size() > 1) {
                throw new ConfigException("'" + key + "' is set more than once in " + file + " (lines " + at + "): keep one");
            }
            ConfigKeys.check(key, source);
            layer.put(key, new Setting(key, properties.getProperty(key).trim(), level, source, dir));
        }
        return layer;
    }

    private static int firstLine(Map<String, List<Integer>> lines, String key) {
        List<Integer> at = lines.get(key);
        return at == null || at.isEmpty() ? Integer.MAX_VALUE : at.get(0);
    }

    /** Line numbers where each key starts a logical line: good enough for messages (keys with escapes get none). */
    private static Map<String, List<Integer>> keyLines(String text) {
        Map<String, List<Integer>> result = new LinkedHashMap<>();
        String[] physical = text.split("\r\n|\r|\n", -1);
        boolean continued = false;
        for (int i = 0; i < physical.length; i++) {
            String line = physical[i];
            boolean wasContinued = continued;
            continued = endsWithOddBackslashes(line);
            String trimmed = line.stripLeading();
            if (wasContinued || trimmed.isEmpty() || trimmed.startsWith("#") || trimmed.startsWith("!")) {
                continue;
            }
            int end = 0;
            while (end < trimmed.length() && "=: \t\f".indexOf(trimmed.charAt(end)) < 0) {
                end++;
            }
            result.computeIfAbsent(trimmed.substring(0, end), k -> new ArrayList<>()).add(i + 1);
        }
        return result;
    }

    private static boolean endsWithOddBackslashes(String line) {
        int n = 0;
        for (int i = line.length() - 1; i >= 0 && line.charAt(i) == '\\'; i--) {
            n++;
        }
        return n % 2 == 1;
    }

    /** The winning setting of {@code key}: the highest layer that sets it. */
    Optional<Setting> get(String key) {
        for (Level level : Level.values()) {
            Setting s = layers.get(level).get(key);
            if (s != null) {
                return Optional.of(s);
            }
        }
        return Optional.empty();
    }

    /** The setting of {@code key} in one layer. */
    Optional<Setting> get(String key, Level level) {
        return Optional.ofNullable(layers.get(level).get(key));
    }

    /** The winning setting of every key that is set somewhere, by key. */
    Map<String, Setting> effective() {
        Map<String, Setting> result = new TreeMap<>();
        for (int i = Level.values().length - 1; i >= 0; i--) {
            result.putAll(layers.get(Level.values()[i]));
        }
        return result;
    }

    /** Things worth a warning that do not stop the start (logging is not set up yet while sources load). */
    List<String> warnings() {
        return warnings;
    }

    Path projectFile() {
        return projectFile;
    }

    boolean projectFileFound() {
        return projectFileFound;
    }

    /** Why the project file that was found is ignored (see the class comment), or null. */
    String projectFileIgnored() {
        return projectFileIgnored;
    }

    Path userFile() {
        return userFile;
    }

    boolean userFileFound() {
        return userFileFound;
    }
}
