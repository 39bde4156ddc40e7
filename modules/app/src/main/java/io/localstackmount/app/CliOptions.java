package io.localstackmount.app;

import io.localstackmount.app.ConfigSources.Setting;
import java.nio.file.Path;
import java.util.List;

/**
 * What the command line asked for. Options that are configuration keys arrive as {@link Setting}s
 * of the highest layer ({@link ConfigSources.Level#FLAG}); the rest say what to do and where to look.
 *
 * @param command     what to run
 * @param flags       settings given as options, {@code -o} items and the SOURCE argument, in order
 *                    (a later one wins)
 * @param configFile  {@code --config FILE}, or null to look for the project file
 * @param pluginDirs  {@code --plugin-dir DIR}, in order
 * @param printConfig {@code --print-config}: print the effective configuration and exit
 * @param help        the usage text to print instead of running ({@code -h}), or null
 * @param daemon      {@code --daemon} (true), {@code -f} (false), or null when neither was given
 * @param helperForm  the mount(8) form {@code SOURCE DIR} was used: like every FUSE mount helper,
 *                    it returns once mounted unless {@code -f} keeps it in the foreground
 * @param target      the folder {@code unmount} and {@code status} are about, or null
 * @param ignored     {@code -o} items accepted for mount(8) and systemd, for the debug log
 */
record CliOptions(Command command, List<Setting> flags, Path configFile, List<Path> pluginDirs, boolean printConfig,
                  String help, Boolean daemon, boolean helperForm, Path target, List<String> ignored) {

    CliOptions {
        flags = List.copyOf(flags);
        pluginDirs = List.copyOf(pluginDirs);
        ignored = List.copyOf(ignored);
    }

    /** True when the mount is to run in the background and this command return once it answers. */
    boolean background() {
        return daemon != null ? daemon : helperForm;
    }

    /** The command's subcommands; mounting is the default. */
    enum Command {
        MOUNT,
        /** {@code localstackmount plugins}: list every provider found. */
        PLUGINS,
        /** {@code localstackmount unmount DIR}. */
        UNMOUNT,
        /** {@code localstackmount status [DIR]}: the running mounts and their live counts. */
        STATUS,
        /** {@code --version}. */
        VERSION,
        /** {@code localstackmount completion}: a bash completion script. */
        COMPLETION
    }
}
