package io.localstackmount.app;

import io.localstackmount.app.ConfigSources.Level;
import io.localstackmount.app.ConfigSources.Setting;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import picocli.CommandLine;
import picocli.CommandLine.Model.ArgGroupSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;
import picocli.CommandLine.ParseResult;

/**
 * Parses the command line into {@link CliOptions} with picocli; a mistake is an
 * {@link IllegalArgumentException} saying which, with the closest option for a misspelt one.
 * The options that set configuration keys come from {@link CliFlags} and become settings of the
 * flag layer, checked and parsed with the rest of the configuration by {@link ConfigLoader}; so do
 * {@code -o} items ({@link MountOptionList}) and the SOURCE argument of the mount(8) form.
 *
 * <pre>
 *   localstackmount [OPTIONS] [MOUNTPOINT]          mount, in the foreground (--daemon: in the background)
 *   localstackmount [OPTIONS] SOURCE MOUNTPOINT     mount(8)'s form: SOURCE is 'localstackmount' (every
 *                                                   bucket) or BUCKET[/PREFIX]; in the background (-f: not)
 *   localstackmount plugins | unmount DIR | status [DIR] | completion
 * </pre>
 */
final class CliParser {
    /** SOURCE of the mount(8) form that means "every bucket", as fstab's first field. */
    static final String ALL_BUCKETS_SOURCE = "localstackmount";

    /** The usage text of {@code --help}; rendered only when asked for (it is not free at start-up). */
    static String usage() {
        return new CliParser(Path.of("/"), true).root.getUsageMessage(CommandLine.Help.Ansi.OFF);
    }

    /**
     * Words that need the whole model: help (its sections are picocli argument groups) and the
     * subcommands. A plain mount is parsed without them: building them cost about 0.1 s of start-up.
     */
    private static final Set<String> FULL_MODEL_WORDS = Set.of("-h", "--help", "plugins", "unmount", "umount", "status", "completion");

    private final Path cwd;
    private final CommandLine root;
    private final Map<CliOptions.Command, CommandLine> subcommands = new EnumMap<>(CliOptions.Command.class);
    // What the options' setters collect, in the order they appear.
    private final List<Setting> flags = new ArrayList<>();
    private final List<Path> pluginDirs = new ArrayList<>();
    private final List<String> ignored = new ArrayList<>();
    private Path configFile;
    private boolean printConfig;
    private Boolean daemon;

    /** True when --help sections and the subcommands are built (see {@link #FULL_MODEL_WORDS}). */
    private final boolean full;

    private CliParser(Path cwd, boolean full) {
        this.cwd = cwd;
        this.full = full;
        this.root = new CommandLine(rootSpec());
        root.setOverwrittenOptionsAllowed(true);
        if (!full) {
            return;
        }
        subcommand(CliOptions.Command.PLUGINS, "plugins", "list every plugin found: group, name, selected or not, module, jar", true);
        CommandSpec unmount = subcommand(CliOptions.Command.UNMOUNT, "unmount",
                "unmount DIR: asks its mount to flush and unmount, waits until it has; a mount left behind by a killed"
                        + " process is detached", false).getCommandSpec();
        unmount.aliases("umount");
        unmount.addPositional(PositionalParamSpec.builder().paramLabel("DIR").arity("1").type(String.class)
                .description("the mount point").build());
        CommandSpec status = subcommand(CliOptions.Command.STATUS, "status",
                "list the running mounts: mount point, pid, endpoint, live request counts, cache hit rate, uploads in flight",
                false).getCommandSpec();
        status.addPositional(PositionalParamSpec.builder().paramLabel("DIR").arity("0..1").type(String.class)
                .description("only the mount at DIR").build());
        subcommand(CliOptions.Command.COMPLETION, "completion",
                "print a bash completion script: source <(localstackmount completion)", false);
        subcommands.values().forEach(c -> c.setOverwrittenOptionsAllowed(true));
    }

    static CliOptions parse(List<String> args) {
        return parse(args, Path.of("").toAbsolutePath());
    }

    /** Parses {@code args}; relative paths in option values are relative to {@code cwd}. */
    static CliOptions parse(List<String> args, Path cwd) {
        return new CliParser(cwd, args.stream().anyMatch(FULL_MODEL_WORDS::contains)).run(args);
    }

    /** The bash completion script of {@code localstackmount completion}. */
    static String completionScript() {
        return picocli.AutoComplete.bash("localstackmount", new CliParser(Path.of("/"), true).root);
    }

    private CliOptions run(List<String> args) {
        refuseValueOnSwitch(args);
        ParseResult result;
        try {
            result = root.parseArgs(args.toArray(String[]::new));
        } catch (CommandLine.ParameterException e) {
            throw new IllegalArgumentException(explain(e), e);
        } catch (CommandLine.PicocliException e) {
            // A setter's refusal (a bad -o item, --set without '='), wrapped by picocli.
            Throwable cause = e.getCause() instanceof IllegalArgumentException ? e.getCause() : e;
            throw new IllegalArgumentException(cause.getMessage(), e);
        }
        CliOptions.Command command = CliOptions.Command.MOUNT;
        ParseResult active = result;
        if (result.subcommand() != null) {
            active = result.subcommand();
            String name = active.commandSpec().name();
            command = subcommands.entrySet().stream().filter(e -> e.getValue().getCommandSpec().name().equals(name))
                    .map(Map.Entry::getKey).findFirst().orElseThrow();
        }
        if (result.isVersionHelpRequested()) {
            return options(CliOptions.Command.VERSION, null, false, null);
        }
        if (result.isUsageHelpRequested() || active.isUsageHelpRequested()) {
            String text = active.commandSpec().commandLine().getUsageMessage(CommandLine.Help.Ansi.OFF);
            return options(command, text, false, null);
        }
        Path target = null;
        boolean helperForm = false;
        List<String> positionals = positionals(active);
        switch (command) {
            case MOUNT -> {
                if (positionals.size() > 2) {
                    throw new IllegalArgumentException("only one mount point, please: got " + String.join(" and ", positionals)
                            + " (the mount(8) form is SOURCE MOUNTPOINT)");
                }
                if (positionals.size() == 2) {
                    helperForm = true;
                    source(positionals.get(0));
                }
                if (!positionals.isEmpty()) {
                    flags.add(new Setting("mount.point", positionals.get(positionals.size() - 1), Level.FLAG, "MOUNTPOINT argument", cwd));
                }
            }
            case UNMOUNT, STATUS -> {
                if (positionals.isEmpty() && command == CliOptions.Command.UNMOUNT) {
                    throw new IllegalArgumentException("unmount needs the mount point: localstackmount unmount DIR");
                }
                if (!positionals.isEmpty()) {
                    target = cwd.resolve(positionals.get(0)).toAbsolutePath().normalize();
                }
            }
            default -> {
                if (!positionals.isEmpty()) {
                    throw new IllegalArgumentException(active.commandSpec().name() + " takes no argument, got " + positionals.get(0));
                }
            }
        }
        return options(command, null, helperForm, target);
    }

    private CliOptions options(CliOptions.Command command, String help, boolean helperForm, Path target) {
        return new CliOptions(command, flags, configFile, pluginDirs, printConfig, help, daemon, helperForm, target, ignored);
    }

    @SuppressWarnings("unchecked")
    private static List<String> positionals(ParseResult result) {
        Object value = result.matchedPositionalValue(0, List.<String>of());
        if (value instanceof List<?> list) {
            return (List<String>) list;
        }
        return value == null ? List.of() : List.of(value.toString());
    }

    /** SOURCE of the mount(8) form: every bucket, or a bucket (and prefix) like --bucket. */
    private void source(String source) {
        String bucket = source.startsWith(ALL_BUCKETS_SOURCE + "#") ? source.substring(ALL_BUCKETS_SOURCE.length() + 1) : source;
        if (!bucket.equals(ALL_BUCKETS_SOURCE) && !bucket.isEmpty()) {
            flags.add(new Setting("mount.bucket", bucket, Level.FLAG, "SOURCE argument", cwd));
        }
    }

    /** {@code --read-only=false} must not switch it on: refuse, and say how to set a value. */
    private static void refuseValueOnSwitch(List<String> args) {
        for (String arg : args) {
            if (arg.equals("--")) {
                return;
            }
            int eq = arg.indexOf('=');
            if (!arg.startsWith("--") || eq < 0) {
                continue;
            }
            String name = arg.substring(0, eq);
            String value = arg.substring(eq + 1);
            boolean plainSwitch = Set.of("--print-config", "--daemon", "--foreground", "--help", "--version").contains(name);
            CliFlags.Flag flag = CliFlags.byName(name).orElse(null);
            if (plainSwitch || flag != null && flag.isSwitch()) {
                throw new IllegalArgumentException(name + " takes no value (got '" + value + "')"
                        + (flag != null ? "; to set one, use --set " + flag.keys().get(0) + "=" + value : ""));
            }
        }
    }

    /** picocli's complaint as one sentence of ours, with the closest option for an unknown one. */
    private String explain(CommandLine.ParameterException e) {
        if (e instanceof CommandLine.MissingParameterException m && !m.getMissing().isEmpty()
                && m.getMissing().get(0) instanceof OptionSpec option) {
            return option.longestName() + " needs a value";
        }
        if (e instanceof CommandLine.UnmatchedArgumentException u) {
            List<String> unmatched = u.getUnmatched();
            String first = unmatched.isEmpty() ? "?" : unmatched.get(0);
            if (first.startsWith("-")) {
                String option = first.contains("=") ? first.substring(0, first.indexOf('=')) : first;
                return "unknown option " + option + closest(option, e.getCommandLine().getCommandSpec());
            }
            return "unexpected argument " + first + " for " + e.getCommandLine().getCommandSpec().qualifiedName();
        }
        String message = e.getMessage();
        if (message.startsWith("Expected parameter for option '")) {
            String option = message.substring("Expected parameter for option '".length(), message.indexOf('\'', 31));
            return option + " needs a value";
        }
        return message;
    }

    /** {@code "; did you mean --endpoint?"}, or a pointer to --help. */
    private static String closest(String option, CommandSpec spec) {
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (OptionSpec o : spec.options()) {
            for (String name : o.names()) {
                int d = ConfigKeys.distance(option.toLowerCase(java.util.Locale.ROOT), name);
                if (d < bestDistance) {
                    bestDistance = d;
                    best = name;
                }
            }
        }
        if (best != null && bestDistance <= Math.max(2, option.length() / 3)) {
            return "; did you mean " + best + "?";
        }
        return "; see --help";
    }

    // ---- the command's model --------------------------------------------------------------------

    private CommandSpec rootSpec() {
        // The version is asked for only when printed: it loads SDK classes, which must not start logging
        // before Logging has configured it.
        CommandSpec spec = CommandSpec.create().name("localstackmount").versionProvider(Version::lines);
        helpOptions(spec, true);
        spec.usageMessage().synopsisHeading("").width(100)
                .customSynopsis(
                        "Usage: localstackmount [OPTIONS] [MOUNTPOINT]",
                        "       localstackmount [OPTIONS] SOURCE MOUNTPOINT   (the form of mount(8), fstab and systemd)",
                        "       localstackmount plugins | unmount DIR | status [DIR] | completion")
                .description("",
                        "Mounts every bucket of an S3 endpoint (LocalStack by default) as a folder of MOUNTPOINT",
                        "(default ~/mount/localstack). Runs in the foreground, Ctrl-C unmounts; with --daemon, and in the",
                        "form SOURCE MOUNTPOINT unless -f, it returns once the mount answers. SOURCE is 'localstackmount'",
                        "for every bucket or BUCKET[/PREFIX].",
                        "",
                        "Configuration (docs/CONFIGURATION.md): flags and -o win over LOCALSTACKMOUNT_* and AWS_*",
                        "variables, which win over ./.localstackmount.properties (or the nearest one above), which wins",
                        "over ~/.config/localstackmount/config.properties.")
                .footer("", "Exit codes: 0 done, 1 failure while running, 2 a mistake in the command line or configuration,",
                        "3 no endpoint answers, 4 mounting failed (docs/CONFIGURATION.md, Exit codes).");
        spec.addPositional(PositionalParamSpec.builder().paramLabel("[SOURCE] MOUNTPOINT").arity("0..*").type(List.class)
                .auxiliaryTypes(String.class).hidden(true).build());
        Section running = new Section(spec, "Running:");
        running.add(option("--daemon").description("run in the background; return once the mount answers (exit 0) or failed (its exit code)")
                .arity("0").type(boolean.class).setter(set(v -> daemon = true)).build());
        running.add(option("-f", "--foreground").description("stay in the foreground (the mount(8) form's default is the background)")
                .arity("0").type(boolean.class).setter(set(v -> daemon = false)).build());
        running.add(option("-o").paramLabel("OPTIONS").description("mount options, comma-separated: ro, allow_other, uid=N, gid=N, umask=M,"
                        + " nonempty, _netdev, nofail, x-systemd.*, ...; every option below without its dashes (endpoint=URL);"
                        + " every configuration key (s3.endpoint=URL)")
                .arity("1").type(String.class).setter(set(v -> mountOptions((String) v))).build());
        // FUSE's own conventions: -d is debug in the foreground, -s single-threaded (we serve on our own threads).
        running.add(option("-d").description("FUSE's debug switch: --debug in the foreground").hidden(true)
                .arity("0").type(boolean.class).setter(set(v -> {
                    daemon = false;
                    flags.add(new Setting("mount.debug", "true", Level.FLAG, "-d", cwd));
                })).build());
        running.add(option("-s").description("FUSE's single-thread switch: accepted, ignored").hidden(true)
                .arity("0").type(boolean.class).setter(set(v -> ignored.add("-s"))).build());
        running.done();
        configOptions(spec);
        for (CliFlags.Section section : CliFlags.Section.values()) {
            Section g = new Section(spec, section.heading);
            for (CliFlags.Flag flag : CliFlags.ALL) {
                if (flag.section() == section) {
                    g.add(flagOption(flag));
                }
            }
            g.done();
        }
        return spec;
    }

    private void configOptions(CommandSpec spec) {
        Section g = new Section(spec, "Configuration:");
        g.add(option("--config").paramLabel("FILE").description("use FILE instead of looking for .localstackmount.properties")
                .arity("1").type(String.class).setter(set(v -> configFile = Path.of((String) v))).build());
        g.add(option("--set").paramLabel("KEY=VALUE").description("set any configuration key, e.g. --set plugin.rename.max-keys=5000")
                .arity("1").type(String.class).setter(set(v -> {
                    String pair = (String) v;
                    int eq = pair.indexOf('=');
                    if (eq <= 0 || pair.substring(0, eq).isBlank()) {
                        throw new IllegalArgumentException("--set takes KEY=VALUE, not '" + pair + "'");
                    }
                    flags.add(new Setting(pair.substring(0, eq).trim(), pair.substring(eq + 1).trim(), Level.FLAG, "--set", cwd));
                })).build());
        g.add(option("--print-config").description("print the effective configuration, where each value came from, and exit")
                .arity("0").type(boolean.class).setter(set(v -> printConfig = true)).build());
        g.add(option("--plugin-dir").paramLabel("DIR").description("load plugin jars from DIR too (repeatable)")
                .arity("1").type(String.class).setter(set(v -> pluginDirs.add(cwd.resolve((String) v)))).build());
        g.done();
    }

    /** The options of one --help section: an argument group when help can be asked for, plain options otherwise. */
    private final class Section {
        private final CommandSpec spec;
        private final ArgGroupSpec.Builder group;

        Section(CommandSpec spec, String heading) {
            this.spec = spec;
            this.group = full ? group(heading) : null;
        }

        void add(OptionSpec option) {
            if (group != null) {
                group.addArg(option);
            } else {
                spec.addOption(option);
            }
        }

        void done() {
            if (group != null) {
                spec.addArgGroup(group.build());
            }
        }
    }

    private CommandLine subcommand(CliOptions.Command command, String name, String description, boolean configOptions) {
        CommandSpec spec = CommandSpec.create().name(name);
        helpOptions(spec, false);
        spec.usageMessage().description(description);
        if (configOptions) {
            configOptions(spec);
        }
        CommandLine line = new CommandLine(spec);
        root.addSubcommand(name, line);
        subcommands.put(command, line);
        return line;
    }

    /**
     * -h/--help (and -V/--version): declared here rather than with picocli's mixin, which builds them
     * by reflection over annotations for every command at every start.
     */
    private static void helpOptions(CommandSpec spec, boolean version) {
        spec.addOption(OptionSpec.builder("-h", "--help").usageHelp(true).arity("0").type(boolean.class)
                .description("show this help and exit").build());
        if (version) {
            spec.addOption(OptionSpec.builder("-V", "--version").versionHelp(true).arity("0").type(boolean.class)
                    .description("print the version and exit").build());
        }
    }

    private OptionSpec flagOption(CliFlags.Flag flag) {
        OptionSpec.Builder b = option(flag.name()).description(flag.description());
        if (flag.isSwitch()) {
            b.arity("0").type(boolean.class);
        } else {
            b.paramLabel(flag.label()).arity("1").type(String.class);
        }
        return b.setter(set(v -> {
            String value = flag.isSwitch() ? flag.switchValue() : (String) v;
            for (String key : flag.keys()) {
                flags.add(new Setting(key, value, Level.FLAG, flag.name(), cwd));
            }
        })).build();
    }

    private void mountOptions(String text) {
        MountOptionList.Parsed parsed = MountOptionList.parse(text, cwd);
        flags.addAll(parsed.settings());
        ignored.addAll(parsed.ignored());
    }

    private static OptionSpec.Builder option(String... names) {
        return OptionSpec.builder(names);
    }

    private static ArgGroupSpec.Builder group(String heading) {
        // Only a heading in --help: options of a group are as free as any other.
        return ArgGroupSpec.builder().heading("%n" + heading + "%n").exclusive(false).validate(false).multiplicity("0..*");
    }

    /** A setter that records the option where it appears; picocli calls it once per occurrence. */
    private static CommandLine.Model.ISetter set(java.util.function.Consumer<Object> action) {
        return new CommandLine.Model.ISetter() {
            @Override
            public <T> T set(T value) {
                // picocli also calls setters with the initial value while it resets the model.
                if (value != null && !(value instanceof Boolean b && !b)) {
                    action.accept(value);
                }
                return null;
            }
        };
    }

    /** Every option name of the main command, for tests and docs. */
    static Set<String> optionNames() {
        Set<String> names = new LinkedHashSet<>();
        new CliParser(Path.of("/"), true).root.getCommandSpec().options().forEach(o -> names.addAll(List.of(o.names())));
        return names;
    }
}
