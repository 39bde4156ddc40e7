package io.localstackmount.app;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.slf4j.LoggerFactory;

/**
 * Entry point: parses the command line, loads the configuration (flags, environment, project and
 * user files), sets up logging, loads the plugins, then mounts, lists plugins or prints the config.
 * Exit codes: 0 done, 1 failure while running, 2 a mistake in the command line or configuration,
 * 3 no endpoint answers, 4 mounting failed.
 */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) {
        System.exit(run(args, System.getenv(), Path.of("").toAbsolutePath(), Path.of(System.getProperty("user.home"))));
    }

    static int run(String[] args, Map<String, String> env, Path cwd, Path home) {
        CliOptions options;
        try {
            options = CliParser.parse(List.of(args), cwd);
        } catch (IllegalArgumentException e) {
            System.err.println("localstackmount: " + e.getMessage() + " (see --help)");
            return 2;
        }
        if (options.help()) {
            System.out.print(CliParser.USAGE);
            return 0;
        }
        ConfigSources sources;
        AppConfig config;
        try {
            Path userConfigDir = ConfigSources.userConfigDir(env, home);
            sources = ConfigSources.load(options.flags(), options.configFile(), env, cwd, userConfigDir);
            config = ConfigLoader.load(sources, options.pluginDirs(), env, home, userConfigDir);
        } catch (IllegalArgumentException e) {
            System.err.println("localstackmount: " + e.getMessage());
            return 2;
        }
        Logging.configure(config.debug());
        var log = LoggerFactory.getLogger(Main.class);
        sources.warnings().forEach(log::warn);
        if (sources.projectFileFound()) {
            log.debug("project config: {}", sources.projectFile());
        }
        if (sources.userFileFound()) {
            log.debug("user config: {}", sources.userFile());
        }
        try {
            // The endpoint check and the S3 client start now, on their own threads, while plugins load.
            MountCommand mount = options.command() == CliOptions.Command.MOUNT && !options.printConfig()
                    ? MountCommand.begin(config) : null;
            Plugins plugins = Plugins.load(config, Main.class.getClassLoader());
            if (options.command() == CliOptions.Command.PLUGINS) {
                System.out.print(plugins.table(config));
                return 0;
            }
            if (options.printConfig()) {
                System.out.print(ConfigPrinter.print(config, sources, plugins));
                plugins.validate(config, sources);
                return 0;
            }
            plugins.validate(config, sources);
            return mount.run(plugins);
        } catch (ConfigException e) {
            System.err.println("localstackmount: " + e.getMessage());
            log.debug("stack trace", e);
            return 2;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 130;
        } catch (RuntimeException e) {
            System.err.println("localstackmount: " + e.getMessage());
            log.debug("stack trace", e);
            return 1;
        }
    }
}
