package io.localstackmount.app;

import io.localstackmount.app.ConfigSources.Setting;
import java.nio.file.Path;
import java.util.List;

/**
 * What the command line asked for. Options that are configuration keys arrive as {@link Setting}s
 * of the highest layer ({@link ConfigSources.Level#FLAG}); the rest say what to do and where to look.
 *
 * @param command     what to run
 * @param flags       settings given as options, in order (a later one wins)
 * @param configFile  {@code --config FILE}, or null to look for the project file
 * @param pluginDirs  {@code --plugin-dir DIR}, in order
 * @param printConfig {@code --print-config}: print the effective configuration and exit
 * @param help        {@code -h}, {@code --help}
 */
record CliOptions(Command command, List<Setting> flags, Path configFile, List<Path> pluginDirs, boolean printConfig,
                  boolean help) {

    CliOptions {
        flags = List.copyOf(flags);
        pluginDirs = List.copyOf(pluginDirs);
    }

    /** The command's subcommands; mounting is the default. */
    enum Command {
        MOUNT,
        /** {@code localstackmount plugins}: list every provider found. */
        PLUGINS
    }
}
