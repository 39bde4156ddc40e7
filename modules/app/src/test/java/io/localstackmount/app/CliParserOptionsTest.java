package io.localstackmount.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.localstackmount.app.ConfigSources.Level;
import io.localstackmount.app.ConfigSources.Setting;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every option of the usage text, in both spellings ({@code --x value}, {@code --x=value}), and the
 * mistakes the parser must name; the octal umask and durations through the config loader, which
 * parses the values the parser passes on. Complements {@link CliParserTest}.
 */
class CliParserOptionsTest {
    private static final Path CWD = Path.of("/work/here");

    private static CliOptions parse(String... args) {
        return CliParser.parse(List.of(args), CWD);
    }

    /** The settings of the flag layer, by key (the last one of a key wins, as in the loader). */
    private static Map<String, String> flags(CliOptions o) {
        Map<String, String> m = new LinkedHashMap<>();
        o.flags().forEach(s -> m.put(s.key(), s.value()));
        return m;
    }

    private static String error(String... args) {
        return assertThrows(IllegalArgumentException.class, () -> parse(args)).getMessage();
    }

    /** Options that take a value, with a sample value and the configuration key(s) it sets. */
    static Stream<Arguments> valued() {
        return Stream.of(
                Arguments.of("--endpoint", "http://localhost:4566", List.of("s3.endpoint")),
                Arguments.of("--region", "eu-central-1", List.of("s3.region")),
                Arguments.of("--profile", "dev", List.of("s3.profile")),
                Arguments.of("--bucket", "data/2024", List.of("mount.bucket")),
                Arguments.of("--uid", "1234", List.of("mount.uid")),
                Arguments.of("--gid", "5678", List.of("mount.gid")),
                Arguments.of("--umask", "027", List.of("mount.umask")),
                Arguments.of("--ttl", "0.5", List.of("metadata.ttl", "metadata.negative-ttl")),
                Arguments.of("--staging-dir", "/var/tmp/lsm", List.of("mount.staging-dir")),
                Arguments.of("--embedded-data", "/srv/s3", List.of("embedded.data-dir")),
                Arguments.of("--busy-timeout", "30", List.of("mount.busy-timeout")),
                Arguments.of("--log-file", "/var/log/lsm.log", List.of("log.file")),
                Arguments.of("--log-level", "debug", List.of("log.level")));
    }

    /** Options without a value and the setting they make. */
    static Stream<Arguments> switches() {
        return Stream.of(
                Arguments.of("--read-only", "mount.read-only", "true"),
                Arguments.of("--allow-other", "mount.allow-other", "true"),
                Arguments.of("--debug", "mount.debug", "true"),
                Arguments.of("--nonempty", "mount.nonempty", "true"),
                Arguments.of("--embedded", "embedded", "always"),
                Arguments.of("--fallback-embedded", "embedded", "fallback"));
    }

    @Nested
    @DisplayName("every option")
    class EveryOption {
        @ParameterizedTest(name = "{0} VALUE")
        @MethodSource("io.localstackmount.app.CliParserOptionsTest#valued")
        void separateValue(String option, String value, List<String> keys) {
            CliOptions o = parse(option, value);
            for (String key : keys) {
                assertEquals(value, flags(o).get(key), key);
            }
            assertEquals(keys.size(), o.flags().size());
            for (Setting s : o.flags()) {
                assertEquals(option, s.source(), "the option is the source, for messages");
                assertEquals(Level.FLAG, s.level());
                assertEquals(CWD, s.baseDir(), "relative paths resolve against the working folder");
            }
        }

        @ParameterizedTest(name = "{0}=VALUE")
        @MethodSource("io.localstackmount.app.CliParserOptionsTest#valued")
        void inlineValue(String option, String value, List<String> keys) {
            CliOptions o = parse(option + "=" + value);
            for (String key : keys) {
                assertEquals(value, flags(o).get(key), key);
            }
        }

        @ParameterizedTest(name = "{0}")
        @MethodSource("io.localstackmount.app.CliParserOptionsTest#switches")
        void switchOption(String option, String key, String value) {
            assertEquals(Map.of(key, value), flags(parse(option)));
        }

        @Test
        @DisplayName("-h and --help ask for the usage text; nothing else is set")
        void help() {
            assertTrue(parse("-h").help().contains("Usage: localstackmount"));
            assertTrue(parse("--help").help().contains("--endpoint"));
            assertTrue(parse("mnt", "--debug", "--help").help() != null);
            assertNull(parse("mnt").help());
            assertTrue(parse("--help").flags().isEmpty());
        }

        @Test
        @DisplayName("nothing given: mount, no settings, no config file, no plugin folders")
        void empty() {
            CliOptions o = parse();
            assertEquals(CliOptions.Command.MOUNT, o.command());
            assertTrue(o.flags().isEmpty());
            assertNull(o.configFile());
            assertTrue(o.pluginDirs().isEmpty());
            assertFalse(o.printConfig());
            assertNull(o.help());
        }

        @Test
        @DisplayName("the mount point is a setting of its own, from the argument")
        void mountPoint() {
            CliOptions o = parse("--read-only", "/mnt/s3");
            assertEquals("/mnt/s3", flags(o).get("mount.point"));
            assertEquals("MOUNTPOINT argument", o.flags().get(1).source());
        }

        @Test
        @DisplayName("an inline value keeps everything after the first '='")
        void inlineWithEquals() {
            assertEquals("http://h:1/?a=b", flags(parse("--endpoint=http://h:1/?a=b")).get("s3.endpoint"));
            assertEquals("c=d", flags(parse("--set=a.b=c=d")).get("a.b"));
            assertEquals("", flags(parse("--region=")).get("s3.region"), "an empty inline value is passed on for the loader to judge");
        }

        @Test
        @DisplayName("a later option wins over an earlier one (the flags keep their order)")
        void laterWins() {
            CliOptions o = parse("--region", "a", "--region=b", "--embedded", "--fallback-embedded");
            assertEquals("b", flags(o).get("s3.region"));
            assertEquals("fallback", flags(o).get("embedded"));
        }

        @Test
        @DisplayName("--set trims key and value and refuses a pair without a key")
        void set() {
            assertEquals(Map.of("plugin.rename.max-keys", "10"), flags(parse("--set", " plugin.rename.max-keys = 10 ")));
            assertTrue(error("--set", "=5").contains("KEY=VALUE"));
            assertTrue(error("--set=novalue").contains("KEY=VALUE"));
        }

        @Test
        @DisplayName("every option the usage text lists is accepted")
        void usageListsOnlyRealOptions() {
            Matcher m = Pattern.compile("(?<![\\w-])(--[a-z][a-z-]*|-h)\\b").matcher(CliParser.usage());
            TreeSet<String> listed = new TreeSet<>();
            while (m.find()) {
                listed.add(m.group(1));
            }
            assertTrue(listed.size() >= 20, listed.toString());
            List<String> valuedOptions = new ArrayList<>(valued().map(a -> (String) a.get()[0]).toList());
            valuedOptions.addAll(List.of("--config", "--plugin-dir", "--set"));
            for (String option : listed) {
                List<String> args = new ArrayList<>(List.of(option));
                if (valuedOptions.contains(option)) {
                    args.add(option.equals("--set") ? "k=v" : "x");
                }
                CliParser.parse(args, CWD);
            }
        }

        @Test
        @DisplayName("every option the parser knows is in the usage text")
        void usageIsComplete() {
            Stream.concat(valued().map(a -> (String) a.get()[0]), CliParserOptionsTest.switches().map(a -> (String) a.get()[0]))
                    .forEach(option -> assertTrue(CliParser.usage().contains(option), option));
            for (String option : List.of("--config", "--set", "--print-config", "--plugin-dir", "-h, --help")) {
                assertTrue(CliParser.usage().contains(option), option);
            }
        }
    }

    @Nested
    @DisplayName("mistakes")
    class Mistakes {
        @ParameterizedTest
        @ValueSource(strings = {"--nope", "-x", "--READ-ONLY", "---debug"})
        @DisplayName("an unknown option is an error naming it")
        void unknown(String option) {
            String message = error(option);
            assertTrue(message.contains("unknown option") && message.contains(option), message);
        }

        @Test
        @DisplayName("an unknown option with an inline value names the option, not the value")
        void unknownInline() {
            String message = error("--colour=red");
            assertTrue(message.contains("--colour") && !message.contains("red"), message);
        }

        @ParameterizedTest(name = "{0} at the end")
        @MethodSource("io.localstackmount.app.CliParserOptionsTest#valued")
        @DisplayName("a value option at the end is an error naming it")
        void missingValue(String option, String value, List<String> keys) {
            String message = error("mnt", option);
            assertTrue(message.contains(option) && message.contains("needs a value"), message);
        }

        @Test
        @DisplayName("--config, --plugin-dir and --set at the end need a value too")
        void missingValuePlatform() {
            for (String option : List.of("--config", "--plugin-dir", "--set")) {
                String message = error(option);
                assertTrue(message.contains(option) && message.contains("needs a value"), message);
            }
        }

        @Test
        @DisplayName("three words (SOURCE MOUNTPOINT is the most) are an error naming them")
        void threeWords() {
            String message = error("/mnt/a", "--debug", "/mnt/b", "/mnt/c");
            assertTrue(message.contains("/mnt/a") && message.contains("/mnt/c"), message);
        }

        @Test
        @DisplayName("an inline value on an option that takes none is refused, never taken as 'on'")
        void inlineValueOnSwitch() {
            for (String arg : List.of("--read-only=false", "--debug=off", "--allow-other=no", "--embedded=no")) {
                IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> parse(arg), arg);
                assertTrue(e.getMessage().contains(arg.substring(0, arg.indexOf('='))), e.getMessage());
            }
        }
    }

    /** The values the parser passes on, as the config loader reads them (no files, no environment). */
    @Nested
    @DisplayName("values, as the loader reads them")
    class Values {
        @TempDir
        Path cwd;

        @TempDir
        Path home;

        private AppConfig load(String... args) {
            CliOptions cli = CliParser.parse(List.of(args), cwd);
            Map<String, String> env = Map.of();
            Path userConfig = ConfigSources.userConfigDir(env, home);
            ConfigSources sources = ConfigSources.load(cli.flags(), cli.configFile(), env, cwd, userConfig);
            return ConfigLoader.load(sources, cli.pluginDirs(), env, home, userConfig);
        }

        @Test
        @DisplayName("--umask is octal, with or without a leading 0")
        void octalUmask() {
            assertEquals(027, load("--umask", "027").umask());
            assertEquals(077, load("--umask=77").umask());
            assertEquals(0, load("--umask", "0").umask());
            assertEquals(0777, load("--umask", "777").umask());
            assertEquals(0640, load("--umask", "027").fsConfig().options().fileMode());
            assertEquals(0750, load("--umask", "027").fsConfig().options().folderMode());
        }

        @ParameterizedTest
        @ValueSource(strings = {"8", "9", "0x12", "1000", "-1", "rwx", ""})
        @DisplayName("a umask that is not an octal mask up to 777 is an error naming --umask")
        void badUmask(String value) {
            ConfigException e = assertThrows(ConfigException.class, () -> load("--umask", value));
            assertTrue(e.getMessage().contains("--umask") && e.getMessage().contains("octal"), e.getMessage());
        }

        @Test
        @DisplayName("--ttl sets both TTLs; seconds with fractions, or with a unit")
        void ttl() {
            assertEquals(Duration.ofMillis(500), load("--ttl", "0.5").fsConfig().metadataTtl());
            assertEquals(Duration.ofMillis(500), load("--ttl", "0.5").fsConfig().negativeTtl());
            assertEquals(Duration.ZERO, load("--ttl=0").fsConfig().metadataTtl());
            assertEquals(Duration.ofMinutes(5), load("--ttl", "5m").fsConfig().metadataTtl());
        }

        @Test
        @DisplayName("switches, ids and the busy timeout arrive")
        void switchesAndNumbers() {
            AppConfig c = load("--read-only", "--allow-other", "--debug", "--uid", "1234", "--gid=5678", "--busy-timeout", "30");
            assertTrue(c.readOnly());
            assertTrue(c.allowOther());
            assertTrue(c.debug());
            assertEquals(1234, c.uid());
            assertEquals(5678, c.gid());
            assertEquals(Duration.ofSeconds(30), c.busyTimeout());
            assertTrue(c.fsConfig().options().readOnly());
        }

        @Test
        @DisplayName("a negative or non-numeric uid is an error naming --uid")
        void badUid() {
            assertTrue(assertThrows(ConfigException.class, () -> load("--uid", "-1")).getMessage().contains("--uid"));
            assertTrue(assertThrows(ConfigException.class, () -> load("--uid", "root")).getMessage().contains("--uid"));
        }

        @Test
        @DisplayName("relative paths resolve against the working folder")
        void relativePaths() {
            AppConfig c = load("--staging-dir", "stage", "mnt");
            assertEquals(cwd.resolve("stage").toAbsolutePath().normalize(), c.stagingDir().toAbsolutePath().normalize());
            assertEquals(cwd.resolve("mnt").toAbsolutePath().normalize(), c.mountPoint().toAbsolutePath().normalize());
        }
    }
}
