package io.localstackmount.app;

import io.localstackmount.app.ConfigSources.Level;
import io.localstackmount.app.ConfigSources.Setting;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Parses the command line into {@link CliOptions}; a mistake is an {@link IllegalArgumentException}
 * saying which. Options that set a configuration key become settings of the flag layer, checked
 * and parsed with the rest of the configuration by {@link ConfigLoader}.
 */
final class CliParser {
    static final String USAGE = """
            Usage: localstackmount [OPTIONS] [MOUNTPOINT]
                   localstackmount plugins [OPTIONS]     list the handler providers found

            Mounts every bucket of an S3 endpoint (LocalStack by default) as a folder of MOUNTPOINT
            (default ~/mount/localstack). Runs in the foreground; Ctrl-C unmounts.

            Configuration (docs/CONFIGURATION.md): flags win over LOCALSTACKMOUNT_* and AWS_*
            variables, which win over ./.localstackmount.properties (or the nearest one above),
            which wins over ~/.config/localstackmount/config.properties.
              --config FILE           use FILE instead of looking for .localstackmount.properties
              --set KEY=VALUE         set any configuration key, e.g. --set plugin.rename.max-keys=5000
              --print-config          print the effective configuration, where each value came from, and exit
              --plugin-dir DIR        load plugin jars from DIR too (repeatable)

            S3 endpoint (flags first, then AWS_ENDPOINT_URL, AWS_REGION, AWS_PROFILE,
            AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, then LOCALSTACK_ENDPOINT, then LocalStack's defaults):
              --endpoint URL          S3 endpoint, e.g. http://localhost:4566; 'aws' for real AWS S3
              --region REGION         region (default us-east-1)
              --profile NAME          credentials profile from ~/.aws
              --embedded              start the built-in S3 server and mount it
              --fallback-embedded     use the endpoint if it answers, else the built-in S3 server
              --embedded-data DIR     where the built-in server keeps its buckets
                                      (default ~/.local/share/localstackmount/embedded)

            Mount:
              --bucket NAME[/PREFIX]  show only this bucket, or only the objects under PREFIX in it
              --read-only             refuse every change (EROFS)
              --allow-other           let other users see the mount
              --uid N, --gid N        owner of objects that carry none (default: you)
              --umask OCTAL           mode bits removed from objects that carry no mode (default 022)
              --ttl SECONDS           how long attributes and listings are cached (default 2; 0 = ask S3 every time)
              --staging-dir DIR       where written files wait for upload (default: ~/.local/state/localstackmount/staging)
              --busy-timeout SECONDS  how long unmount waits for a busy mount before detaching it (default 10)
              --debug                 log every filesystem operation with its result and time
              -h, --help              this text
            """;

    /** Options that take no value. */
    private static final java.util.Set<String> SWITCHES = java.util.Set.of("-h", "--help", "--print-config", "--read-only",
            "--allow-other", "--debug", "--embedded", "--fallback-embedded");
    /** The keys some switches set, for the hint when a value is given to one. */
    private static final java.util.Map<String, String> SWITCH_KEYS = java.util.Map.of("--read-only", "mount.read-only",
            "--allow-other", "mount.allow-other", "--debug", "mount.debug", "--embedded", "embedded", "--fallback-embedded", "embedded");

    private CliParser() {
    }

    static CliOptions parse(List<String> args) {
        return parse(args, Path.of("").toAbsolutePath());
    }

    /** Parses {@code args}; relative paths in option values are relative to {@code cwd}. */
    static CliOptions parse(List<String> args, Path cwd) {
        List<Setting> flags = new ArrayList<>();
        Path configFile = null;
        List<Path> pluginDirs = new ArrayList<>();
        boolean printConfig = false;
        boolean help = false;
        CliOptions.Command command = CliOptions.Command.MOUNT;
        boolean sawPositional = false;
        String mountPoint = null;
        for (int i = 0; i < args.size(); i++) {
            String arg = args.get(i);
            String inlineValue = null;
            if (arg.startsWith("--") && arg.contains("=")) {
                inlineValue = arg.substring(arg.indexOf('=') + 1);
                arg = arg.substring(0, arg.indexOf('='));
            }
            String option = arg;
            if (inlineValue != null && SWITCHES.contains(arg)) {
                // --read-only=false must not switch it on: refuse, and say how to set a value.
                throw new IllegalArgumentException(arg + " takes no value (got '" + inlineValue + "')"
                        + (SWITCH_KEYS.containsKey(arg) ? "; to set one, use --set " + SWITCH_KEYS.get(arg) + "=" + inlineValue : ""));
            }
            switch (arg) {
                case "-h", "--help" -> help = true;
                case "--print-config" -> printConfig = true;
                case "--config" -> configFile = Path.of(inlineValue != null ? inlineValue : value(args, ++i, arg));
                case "--plugin-dir" -> pluginDirs.add(cwd.resolve(inlineValue != null ? inlineValue : value(args, ++i, arg)));
                case "--set" -> {
                    String pair = inlineValue != null ? inlineValue : value(args, ++i, arg);
                    int eq = pair.indexOf('=');
                    if (eq <= 0) {
                        throw new IllegalArgumentException("--set takes KEY=VALUE, not '" + pair + "'");
                    }
                    flags.add(flag(pair.substring(0, eq).trim(), pair.substring(eq + 1).trim(), "--set", cwd));
                }
                case "--endpoint" -> flags.add(flag("s3.endpoint", inlineValue != null ? inlineValue : value(args, ++i, arg), option, cwd));
                case "--region" -> flags.add(flag("s3.region", inlineValue != null ? inlineValue : value(args, ++i, arg), option, cwd));
                case "--profile" -> flags.add(flag("s3.profile", inlineValue != null ? inlineValue : value(args, ++i, arg), option, cwd));
                case "--bucket" -> flags.add(flag("mount.bucket", inlineValue != null ? inlineValue : value(args, ++i, arg), option, cwd));
                case "--read-only" -> flags.add(flag("mount.read-only", "true", option, cwd));
                case "--allow-other" -> flags.add(flag("mount.allow-other", "true", option, cwd));
                case "--debug" -> flags.add(flag("mount.debug", "true", option, cwd));
                case "--uid" -> flags.add(flag("mount.uid", inlineValue != null ? inlineValue : value(args, ++i, arg), option, cwd));
                case "--gid" -> flags.add(flag("mount.gid", inlineValue != null ? inlineValue : value(args, ++i, arg), option, cwd));
                case "--umask" -> flags.add(flag("mount.umask", inlineValue != null ? inlineValue : value(args, ++i, arg), option, cwd));
                case "--ttl" -> {
                    String v = inlineValue != null ? inlineValue : value(args, ++i, arg);
                    flags.add(flag("metadata.ttl", v, option, cwd));
                    flags.add(flag("metadata.negative-ttl", v, option, cwd));
                }
                case "--staging-dir" -> flags.add(flag("mount.staging-dir", inlineValue != null ? inlineValue : value(args, ++i, arg), option, cwd));
                case "--embedded" -> flags.add(flag("embedded", "always", option, cwd));
                case "--fallback-embedded" -> flags.add(flag("embedded", "fallback", option, cwd));
                case "--embedded-data" -> flags.add(flag("embedded.data-dir", inlineValue != null ? inlineValue : value(args, ++i, arg), option, cwd));
                case "--busy-timeout" -> flags.add(flag("mount.busy-timeout", inlineValue != null ? inlineValue : value(args, ++i, arg), option, cwd));
                default -> {
                    if (arg.startsWith("-")) {
                        throw new IllegalArgumentException("unknown option " + arg);
                    }
                    // The first word may name a subcommand; a mount point called "plugins" is ./plugins.
                    if (!sawPositional && arg.equals("plugins")) {
                        command = CliOptions.Command.PLUGINS;
                        sawPositional = true;
                        continue;
                    }
                    sawPositional = true;
                    if (command == CliOptions.Command.PLUGINS) {
                        throw new IllegalArgumentException("plugins takes no mount point, got " + arg);
                    }
                    if (mountPoint != null) {
                        throw new IllegalArgumentException("only one mount point, please: got " + mountPoint + " and " + arg);
                    }
                    mountPoint = arg;
                    flags.add(flag("mount.point", arg, "MOUNTPOINT argument", cwd));
                }
            }
        }
        return new CliOptions(command, flags, configFile, pluginDirs, printConfig, help);
    }

    private static Setting flag(String key, String value, String source, Path cwd) {
        return new Setting(key, value, Level.FLAG, source, cwd);
    }

    private static String value(List<String> args, int i, String option) {
        if (i >= args.size()) {
            throw new IllegalArgumentException(option + " needs a value");
        }
        return args.get(i);
    }
}
