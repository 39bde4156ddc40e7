package io.localstackmount.app;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.slf4j.LoggerFactory;

/**
 * Entry point: parses the command line, then runs the command it names. For a mount: loads the
 * configuration (flags, environment, project and user files), starts a daemon if asked
 * ({@link Daemon}), sets up logging, loads the plugins, then mounts, lists plugins or prints the
 * config. Exit codes (docs/CONFIGURATION.md, "Exit codes"): 0 done, 1 failure while running (or, for
 * unmount and status, nothing to do), 2 a mistake in the command line or configuration, 3 no
 * endpoint answers, 4 the mount point cannot be used or mounting failed.
 */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) {
        System.exit(run(args, System.getenv(), Path.of("").toAbsolutePath(), Path.of(System.getProperty("user.home"))));
    }

    static int run(String[] args, Map<String, String> env, Path cwd, Path home) {
        // Saved before logging may point stderr at a log file: messages for the person who ran this.
        PrintStream out = System.out;
        PrintStream err = System.err;
        CliOptions options;
        try {
            options = CliParser.parse(List.of(args), cwd);
        } catch (IllegalArgumentException e) {
            err.println("localstackmount: " + e.getMessage());
            return 2;
        }
        if (options.help() != null) {
            out.print(options.help());
            return 0;
        }
        MountRecords records = MountRecords.of(env, home);
        try {
            switch (options.command()) {
                case VERSION -> {
                    for (String line : Version.lines()) {
                        out.println(line);
                    }
                    return 0;
                }
                case COMPLETION -> {
                    out.print(CliParser.completionScript());
                    return 0;
                }
                case UNMOUNT -> {
                    return UnmountCommand.run(records, options.target(), out, err);
                }
                case STATUS -> {
                    return StatusCommand.run(records, options.target(), out);
                }
                default -> {
                    return configured(args, options, env, cwd, home, records, out, err);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 130;
        }
    }

    /** The commands that need the configuration: mount, plugins, --print-config. */
    private static int configured(String[] args, CliOptions options, Map<String, String> env, Path cwd, Path home,
                                  MountRecords records, PrintStream out, PrintStream err) throws InterruptedException {
        ConfigSources sources;
        AppConfig config;
        try {
            Path userConfigDir = ConfigSources.userConfigDir(env, home);
            sources = ConfigSources.load(options.flags(), options.configFile(), env, cwd, userConfigDir);
            config = ConfigLoader.load(sources, options.pluginDirs(), env, home, userConfigDir);
        } catch (IllegalArgumentException e) {
            err.println("localstackmount: " + e.getMessage());
            return 2;
        }
        boolean mounting = options.command() == CliOptions.Command.MOUNT && !options.printConfig();
        boolean child = Daemon.isChild(env);
        if (mounting && options.background() && !child) {
            Path log = config.logFile();
            if (log == null) {
                try {
                    log = defaultDaemonLog(config);
                    PathTrust.privateFolder("state folder", config.stateDir());
                    PathTrust.privateFolder("log folder", log.getParent());
                } catch (ConfigException e) {
                    err.println("localstackmount: " + e.getMessage());
                    return 2;
                }
            }
            return Daemon.start(args, log, config.mountPoint(), records, out, err);
        }
        try {
            // A daemon's output is its log file already (Daemon): opening it again would write it twice.
            Logging.configure(config.logLevel(), config.debug(), child ? null : config.logFile());
        } catch (ConfigException e) {
            err.println("localstackmount: " + e.getMessage());
            return 2;
        }
        var log = LoggerFactory.getLogger(Main.class);
        sources.warnings().forEach(log::warn);
        if (sources.projectFileFound()) {
            log.debug("project config: {}", sources.projectFile());
        }
        if (sources.userFileFound()) {
            log.debug("user config: {}", sources.userFile());
        }
        if (!options.ignored().isEmpty()) {
            log.debug("mount options for mount(8) and systemd, ignored here: {}", options.ignored());
        }
        try {
            MountCommand mount = null;
            if (mounting) {
                // Before anything starts (the embedded server above all): is the mount point usable?
                String problem = MountPoint.problem(config.mountPoint(), config.nonempty(), records).orElse(null);
                if (problem != null) {
                    err.println("localstackmount: " + problem);
                    return 4;
                }
                // The endpoint check and the S3 client start now, on their own threads, while plugins load.
                mount = MountCommand.begin(config, records, err, env);
            }
            Plugins plugins = Plugins.load(config, Main.class.getClassLoader());
            if (options.command() == CliOptions.Command.PLUGINS) {
                out.print(plugins.table(config));
                return 0;
            }
            if (options.printConfig()) {
                out.print(ConfigPrinter.print(config, sources, plugins));
                plugins.validate(config, sources);
                return 0;
            }
            plugins.validate(config, sources);
            return mount.run(plugins);
        } catch (ConfigException e) {
            err.println("localstackmount: " + e.getMessage());
            log.debug("stack trace", e);
            return 2;
        } catch (MountPoint.InUse e) {
            err.println("localstackmount: " + e.getMessage());
            return 4;
        } catch (RuntimeException e) {
            err.println("localstackmount: " + e.getMessage());
            log.debug("stack trace", e);
            return 1;
        }
    }

    /** A daemon without --log-file logs to the state folder, one file per mount point, appended. */
    static Path defaultDaemonLog(AppConfig config) {
        String name = config.mountPoint().toAbsolutePath().normalize().toString().replaceAll("^/+", "").replace('/', '-');
        return config.stateDir().resolve("logs").resolve((name.isEmpty() ? "root" : name) + ".log");
    }
}
