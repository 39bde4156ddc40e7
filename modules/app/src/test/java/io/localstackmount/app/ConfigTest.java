package io.localstackmount.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.localstackmount.api.PluginKind;
import io.localstackmount.core.FsConfig;
import io.localstackmount.core.PluginRegistry;
import io.localstackmount.s3.S3StoreConfig;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Loading the configuration: layers, precedence, parsing, errors, and the printed effective config.
 *
 * <pre>
 *   tmp/home/.config/localstackmount/config.properties   the user file (when a test writes it)
 *   tmp/project/.localstackmount.properties              the project file (when a test writes it)
 *   tmp/project/sub/                                     the working folder
 * </pre>
 */
class ConfigTest {
    @TempDir
    Path tmp;
    Path home;
    Path project;
    Path cwd;
    final Map<String, String> env = new HashMap<>();

    @BeforeEach
    void folders() throws IOException {
        home = Files.createDirectories(tmp.resolve("home"));
        project = Files.createDirectories(tmp.resolve("project"));
        cwd = Files.createDirectories(project.resolve("sub"));
    }

    private void projectFile(String text) throws IOException {
        Files.writeString(project.resolve(".localstackmount.properties"), text);
    }

    private void userFile(String text) throws IOException {
        Path dir = Files.createDirectories(home.resolve(".config/localstackmount"));
        Files.writeString(dir.resolve("config.properties"), text);
    }

    private ConfigSources sources(String... args) {
        CliOptions cli = CliParser.parse(List.of(args), cwd);
        return ConfigSources.load(cli.flags(), cli.configFile(), env, cwd, ConfigSources.userConfigDir(env, home));
    }

    private AppConfig load(String... args) {
        CliOptions cli = CliParser.parse(List.of(args), cwd);
        ConfigSources s = ConfigSources.load(cli.flags(), cli.configFile(), env, cwd, ConfigSources.userConfigDir(env, home));
        return ConfigLoader.load(s, cli.pluginDirs(), env, home, ConfigSources.userConfigDir(env, home));
    }

    private String error(String... args) {
        return assertThrows(IllegalArgumentException.class, () -> load(args)).getMessage();
    }

    @Nested
    @DisplayName("where values come from")
    class Precedence {
        @Test
        @DisplayName("nothing configured: LocalStack and the documented defaults")
        void defaults() {
            AppConfig c = load();
            assertEquals(URI.create("http://localhost:4566"), c.s3().endpoint());
            assertEquals("us-east-1", c.s3().region());
            assertEquals(S3StoreConfig.CredentialsMode.STATIC, c.s3().credentialsMode());
            assertEquals("test", c.s3().accessKeyId());
            assertEquals(Path.of(System.getProperty("user.home"), "mount", "localstack"), c.mountPoint());
            assertEquals(AppConfig.Embedded.NO, c.embedded());
            assertTrue(c.scope().isAll());
            assertEquals(0022, c.umask());
            FsConfig fs = c.fsConfig();
            FsConfig coreDefaults = FsConfig.builder(c.stagingDir()).build();
            assertEquals(coreDefaults.metadataTtl(), fs.metadataTtl());
            assertEquals(coreDefaults.cacheEntries(), fs.cacheEntries());
        }

        @Test
        @DisplayName("the nearest project file above the working folder is read; relative paths are relative to it")
        void projectFileAbove() throws IOException {
            projectFile("mount.point = mnt\nmetadata.ttl = 5\n");
            AppConfig c = load();
            assertEquals(project.resolve("mnt"), c.mountPoint());
            assertEquals(Duration.ofSeconds(5), c.fsConfig().metadataTtl());
        }

        @Test
        @DisplayName("flags > LOCALSTACKMOUNT_* > project file > user file")
        void order() throws IOException {
            userFile("metadata.ttl = 1\nmetadata.negative-ttl = 1\nmount.umask = 077\nmount.uid = 11\n");
            projectFile("metadata.ttl = 2\nmetadata.negative-ttl = 2\nmount.umask = 027\n");
            env.put("LOCALSTACKMOUNT_METADATA_TTL", "3");
            AppConfig c = load("--set", "metadata.negative-ttl=4");
            assertEquals(Duration.ofSeconds(3), c.fsConfig().metadataTtl());
            assertEquals(Duration.ofSeconds(4), c.fsConfig().negativeTtl());
            assertEquals(0027, c.umask());
            assertEquals(11, c.uid());
        }

        @Test
        @DisplayName("--config FILE replaces the project file; the user file still applies")
        void configFlag() throws IOException {
            projectFile("mount.umask = 027\n");
            userFile("mount.uid = 11\n");
            Path other = Files.writeString(tmp.resolve("other.properties"), "mount.umask = 007\n");
            AppConfig c = load("--config", other.toString());
            assertEquals(0007, c.umask());
            assertEquals(11, c.uid());
            assertTrue(error("--config", "nope.properties").contains("nope.properties"));
        }

        @Test
        @DisplayName("XDG_CONFIG_HOME moves the user file")
        void xdg() throws IOException {
            Path xdg = Files.createDirectories(tmp.resolve("xdg/localstackmount"));
            Files.writeString(xdg.resolve("config.properties"), "mount.uid = 12\n");
            env.put("XDG_CONFIG_HOME", tmp.resolve("xdg").toString());
            assertEquals(12, load().uid());
        }

        @Test
        @DisplayName("S3: a file's endpoint gives way to AWS_ENDPOINT_URL; a flag or LOCALSTACKMOUNT_S3_ENDPOINT does not")
        void s3Endpoint() throws IOException {
            projectFile("s3.endpoint = http://from-file:4566\ns3.region = eu-west-1\n");
            assertEquals("from-file", load().s3().endpoint().getHost());
            env.put("AWS_ENDPOINT_URL", "http://from-aws-env:4566");
            AppConfig c = load();
            assertEquals("from-aws-env", c.s3().endpoint().getHost());
            assertEquals("eu-west-1", c.s3().region());
            env.put("LOCALSTACKMOUNT_S3_ENDPOINT", "http://from-our-env:4566");
            assertEquals("from-our-env", load().s3().endpoint().getHost());
            assertEquals("from-flag", load("--endpoint", "http://from-flag:1").s3().endpoint().getHost());
        }

        @Test
        @DisplayName("S3 credentials: file keys unless AWS variables set some; a file's profile the same way")
        void s3Credentials() throws IOException {
            projectFile("s3.access-key = 000000000001\ns3.secret-key = sekrit-value\n");
            AppConfig c = load();
            assertEquals("000000000001", c.s3().accessKeyId());
            assertTrue(c.s3Sources().stream().anyMatch(l -> l.contains("s3.access-key") && !l.contains("sekrit-value")), c.s3Sources().toString());
            env.put("AWS_PROFILE", "dev");
            assertEquals(S3StoreConfig.CredentialsMode.PROFILE, load().s3().credentialsMode());
            assertEquals("dev", load().s3().profile());
            assertEquals("000000000002", load("--set", "s3.access-key=000000000002", "--set", "s3.secret-key=x").s3().accessKeyId());
            Files.delete(project.resolve(".localstackmount.properties"));
            assertTrue(error("--set", "s3.access-key=only").contains("s3.secret-key"));
        }

        @Test
        @DisplayName("the file's endpoint source is named in the resolver's description")
        void s3SourceNamed() throws IOException {
            projectFile("s3.endpoint = http://h:1\n");
            AppConfig c = load();
            String line = c.s3Sources().stream().filter(l -> l.startsWith("endpoint:")).findFirst().orElseThrow();
            assertTrue(line.contains("s3.endpoint") && line.contains(".localstackmount.properties:1"), line);
        }
    }

    @Nested
    @DisplayName("values")
    class Values {
        @Test
        @DisplayName("durations, octal, sizes, booleans and S3 tuning")
        void parse() {
            AppConfig c = load("--set", "metadata.ttl=500ms", "--set", "mount.busy-timeout=1m", "--set", "mount.umask=027",
                    "--set", "plugin.rename.max-bytes=2g", "--set", "plugin.files.part-size=16MiB", "--set", "mount.read-only=yes",
                    "--set", "s3.max-connections=8", "--set", "s3.request-checksums=when-supported", "--set", "s3.socket-timeout=90");
            assertEquals(Duration.ofMillis(500), c.fsConfig().metadataTtl());
            assertEquals(Duration.ofMinutes(1), c.busyTimeout());
            assertEquals(0027, c.umask());
            // Plugin settings stay as written; the provider's declaration turns them into bytes (DeclaredSettings).
            assertEquals("2g", c.settings(PluginKind.RENAME).get("max-bytes"));
            assertEquals("16MiB", c.settings(PluginKind.FILES).get("part-size"));
            assertTrue(c.readOnly());
            assertTrue(c.fsConfig().options().readOnly());
            assertEquals(8, c.s3().maxConnections());
            assertEquals(S3StoreConfig.ChecksumMode.WHEN_SUPPORTED, c.s3().requestChecksums());
            assertEquals(Duration.ofSeconds(90), c.s3().socketTimeout());
        }

        @Test
        @DisplayName("S3 deadlines: attempt and call timeouts, minimum throughput as a size per second")
        void deadlines() {
            AppConfig c = load("--set", "s3.attempt-timeout=2s", "--set", "s3.call-timeout=5s", "--set", "s3.min-throughput=1m");
            assertEquals(Duration.ofSeconds(2), c.s3().attemptTimeout());
            assertEquals(Duration.ofSeconds(5), c.s3().callTimeout());
            assertEquals(1L << 20, c.s3().minThroughput());
            AppConfig defaults = load();
            assertEquals(Duration.ofSeconds(10), defaults.s3().attemptTimeout());
            assertEquals(Duration.ofSeconds(30), defaults.s3().callTimeout());
        }

        @Test
        @DisplayName("--ttl sets both metadata TTLs")
        void ttl() {
            FsConfig fs = load("--ttl", "0").fsConfig();
            assertEquals(Duration.ZERO, fs.metadataTtl());
            assertEquals(Duration.ZERO, fs.negativeTtl());
        }

        @Test
        @DisplayName("plugins.GROUP selects, plugins.GROUP.enabled = false disables, plugin.GROUP.* are settings")
        void plugins() {
            AppConfig c = load("--set", "plugins.xattr=checksums", "--set", "plugins.rename.enabled=false",
                    "--set", "plugin.xattr.algorithms=md5");
            assertEquals("checksums", c.provider(PluginKind.XATTR));
            assertEquals(java.util.Set.of(PluginKind.RENAME), c.disabled());
            assertEquals(Map.of("algorithms", "md5"), c.settings(PluginKind.XATTR));
            FsConfig fs = c.fsConfig();
            assertEquals("checksums", fs.providers().get(PluginKind.XATTR));
            assertTrue(fs.disabled().contains(PluginKind.RENAME));
            assertEquals("md5", fs.settingsOf(PluginKind.XATTR).get("algorithms", null));
        }

        @Test
        @DisplayName("mount.bucket and mount.bucket-filter")
        void scope() {
            BucketScope one = load("--bucket", "data/exports/2024").scope();
            assertEquals("data", one.bucket());
            assertEquals("exports/2024/", one.prefix());
            BucketScope filter = load("--set", "mount.bucket-filter=app-*, logs").scope();
            assertTrue(filter.shows("app-1") && filter.shows("logs") && !filter.shows("other"));
            assertTrue(error("--bucket", "b", "--set", "mount.bucket-filter=x").contains("not both"));
            assertTrue(error("--bucket", "Not_A_Bucket").contains("not a bucket name"));
        }

        @Test
        @DisplayName("plugin folders: --plugin-dir, then plugin-dirs (here from the user file), then the user's plugins folder")
        void pluginDirs() throws IOException {
            Path userPlugins = Files.createDirectories(home.resolve(".config/localstackmount/plugins"));
            userFile("plugin-dirs = extra:more\n");
            AppConfig c = load("--plugin-dir", "/opt/lsm/plugins");
            Path userDir = home.resolve(".config/localstackmount");
            assertEquals(List.of(Path.of("/opt/lsm/plugins"), userDir.resolve("extra"), userDir.resolve("more"), userPlugins),
                    c.pluginDirs());
        }
    }

    @Nested
    @DisplayName("mistakes stop the start, naming the key and where it was set")
    class Mistakes {
        @Test
        @DisplayName("an unknown key in a file: file, line and the closest key")
        void unknownKeyInFile() throws IOException {
            projectFile("# comment\n\nmount.umask = 022\nmetadata.tll = 5\n");
            String m = error();
            assertTrue(m.contains("'metadata.tll'"), m);
            assertTrue(m.contains(".localstackmount.properties:4"), m);
            assertTrue(m.contains("did you mean 'metadata.ttl'"), m);
        }

        @Test
        @DisplayName("an unknown key from --set, and one far from anything")
        void unknownKeyFlag() {
            assertTrue(error("--set", "mount.redonly=true").contains("did you mean 'mount.read-only'"));
            String m = error("--set", "completely.different=1");
            assertTrue(m.contains("docs/CONFIGURATION.md"), m);
        }

        @Test
        @DisplayName("a required group cannot be switched off; unknown groups are unknown keys")
        void groups() {
            assertTrue(error("--set", "plugins.files.enabled=false").contains("cannot be switched off"));
            assertTrue(error("--set", "plugins.xatr=checksums").contains("did you mean 'plugins.xattr'"));
            assertTrue(error("--set", "plugin.nope.x=1").contains("unknown configuration key 'plugin.nope.x'"));
        }

        @Test
        @DisplayName("a value that does not parse names key, value and source")
        void badValue() throws IOException {
            projectFile("mount.umask = 999\n");
            String m = error();
            assertTrue(m.startsWith("mount.umask = 999 ("), m);
            assertTrue(m.contains("octal"), m);
            Files.delete(project.resolve(".localstackmount.properties"));
            m = error("--ttl", "soon");
            assertTrue(m.startsWith("metadata.ttl = soon (--ttl): "), m);
            m = error("--set", "s3.endpoint=ftp://x");
            assertTrue(m.contains("s3.endpoint (--set)"), m);
        }

        @Test
        @DisplayName("a timeout of 0 is refused: it would mean waiting forever; an attempt cannot outlast its call")
        void zeroTimeouts() {
            for (String key : List.of("s3.call-timeout", "s3.attempt-timeout", "s3.socket-timeout", "s3.connect-timeout")) {
                String m = error("--set", key + "=0");
                assertTrue(m.startsWith(key + " = 0 (--set): must be more than 0"), m);
                assertTrue(m.contains("waiting forever"), m);
            }
            assertTrue(error("--set", "s3.call-timeout=-1").startsWith("s3.call-timeout = -1 (--set): takes seconds"));
            assertTrue(error("--set", "s3.min-throughput=0").contains("must be more than 0"));
            String m = error("--set", "s3.attempt-timeout=1m");
            assertTrue(m.startsWith("s3.attempt-timeout = 1m (--set) is longer than s3.call-timeout = 30s (default)"), m);
        }

        @Test
        @DisplayName("a key set twice in one file")
        void twice() throws IOException {
            projectFile("mount.uid = 1\nmount.uid = 2\n");
            assertTrue(error().contains("more than once"));
        }

        @Test
        @DisplayName("a stray LOCALSTACKMOUNT_ variable warns; the launcher's and compose's are ignored")
        void strayEnvironment() {
            env.put("LOCALSTACKMOUNT_METADATA_TLL", "1");
            env.put("LOCALSTACKMOUNT_JAVA_OPTS", "-Xmx1g");
            env.put("LOCALSTACKMOUNT_UID", "1000");
            ConfigSources s = sources();
            assertEquals(1, s.warnings().size(), s.warnings().toString());
            assertTrue(s.warnings().get(0).contains("LOCALSTACKMOUNT_METADATA_TLL"), s.warnings().toString());
        }
    }

    @Nested
    @DisplayName("keys")
    class Keys {
        @Test
        @DisplayName("every key has an environment name that maps back to it")
        void environmentNames() {
            for (String key : ConfigKeys.all()) {
                assertEquals(key, ConfigKeys.keyOfEnv(ConfigKeys.envName(key)).orElse(null), key);
            }
            assertEquals("plugin.xattr.max-bytes", ConfigKeys.keyOfEnv("LOCALSTACKMOUNT_PLUGIN_XATTR_MAX_BYTES").orElseThrow());
            assertTrue(ConfigKeys.keyOfEnv("LOCALSTACKMOUNT_NOTHING").isEmpty());
        }

        @Test
        @DisplayName("docs/CONFIGURATION.md documents every key")
        void documented() throws IOException {
            Path doc = null;
            for (Path d = Path.of("").toAbsolutePath(); d != null && doc == null; d = d.getParent()) {
                if (Files.isRegularFile(d.resolve("docs/CONFIGURATION.md"))) {
                    doc = d.resolve("docs/CONFIGURATION.md");
                }
            }
            assertTrue(doc != null, "docs/CONFIGURATION.md not found");
            String text = Files.readString(doc);
            for (String key : ConfigKeys.all()) {
                assertTrue(text.contains("`" + key + "`"), key + " is not documented in " + doc);
            }
            // and every setting the built-in providers declare
            PluginRegistry registry = PluginRegistry.load(ModuleLayer.boot(), getClass().getClassLoader());
            for (PluginKind kind : PluginKind.values()) {
                for (var provider : registry.providers(kind)) {
                    if (provider.getClass().getName().startsWith("io.localstackmount.plugin.")) {
                        for (var setting : provider.settings()) {
                            String key = ConfigKeys.settingKey(kind, setting.name());
                            assertTrue(text.contains("`" + key + "`"), key + " is not documented in " + doc);
                        }
                    }
                }
            }
        }
    }

    @Nested
    @DisplayName("--print-config")
    class Print {
        @Test
        @DisplayName("every key with its value and source; secrets masked")
        void print() throws IOException {
            projectFile("s3.access-key = 000000000001\ns3.secret-key = very-secret-value\nmount.umask = 027\n");
            ConfigSources s = sources("--ttl", "3");
            AppConfig c = ConfigLoader.load(s, List.of(), env, home, ConfigSources.userConfigDir(env, home));
            String out = ConfigPrinter.print(c, s, Plugins.load(c, getClass().getClassLoader()));
            assertFalse(out.contains("very-secret") || out.contains("very*"), out);
            assertFalse(out.contains("000000000001"), out);
            assertTrue(out.contains("(masked)\n#s3.secret-key = ****\n"), out);
            assertTrue(out.contains("(masked)\n#s3.access-key = ****0001\n"), out);
            assertTrue(out.matches("(?s).*# [^\n]*\\.localstackmount\\.properties:3\nmount.umask = 027\n.*"), out);
            assertTrue(out.contains("# --ttl\nmetadata.ttl = 3s\n"), out);
            assertTrue(out.contains("plugins.xattr = standard"), out);
            assertTrue(out.contains("plugin.rename.max-keys = 1000"), out);
            for (String key : ConfigKeys.FIXED) {
                assertTrue(out.contains(key + " ="), key + " missing:\n" + out);
            }
        }

        @Test
        @DisplayName("the printed config read back as a config file gives the same config")
        void roundTrip() throws IOException {
            projectFile("mount.umask = 027\nmetadata.ttl = 750ms\nplugin.rename.max-keys = 5\n");
            ConfigSources s = sources();
            AppConfig c = ConfigLoader.load(s, List.of(), env, home, ConfigSources.userConfigDir(env, home));
            String out = ConfigPrinter.print(c, s, Plugins.load(c, getClass().getClassLoader()));
            // Saved as it is: the source of each value is a comment line of its own, never part of the value.
            Path saved = Files.writeString(tmp.resolve("saved.properties"), out);
            AppConfig again = load("--config", saved.toString());
            assertEquals(c.umask(), again.umask());
            assertEquals(c.fsConfig().metadataTtl(), again.fsConfig().metadataTtl());
            assertEquals(c.settings(PluginKind.RENAME).get("max-keys"), again.settings(PluginKind.RENAME).get("max-keys"));
            assertEquals(c.mountPoint(), again.mountPoint());
            assertEquals(c.s3(), again.s3());
            assertEquals(c.stagingDir(), again.stagingDir());
        }
    }
}
